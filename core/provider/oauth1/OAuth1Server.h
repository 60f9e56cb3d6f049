#pragma once

#include "OAuth1Error.h"
#include "OAuth1Options.h"
#include "OAuth1Parameters.h"
#include "common/Clock.h"
#include "common/Random.h"
#include "provider/clients/ClientStore.h"
#include "provider/oauth2/OAuthCache.h"
#include "provider/secret/ProviderSecret.h"

#include <optional>
#include <variant>

namespace mwauth::provider {

class ProviderDatabase;

template<typename T>
using OAuth1Outcome = std::variant<T, OAuth1Error>;

// A request token as the object cache holds it ("token:<consumer>:request:<key>", 10 minutes):
// key and secret as handed out, and after the user's approval the verifier and the key of the
// access token (oaac_access_token) the verifier buys.
struct RequestToken
{
    QString key; // 32 hex
    QString secret; // 32 hex
    QString verifier; // 32 hex, after approval
    QString accessKey; // after approval
};

// An access token of a request that verified (api.php, identify): the approval it belongs to.
struct OAuth1Access
{
    OAuthClient client;
    ClientAcceptance acceptance;
    QByteArray nonce; // the request's oauth_nonce (identify's JWT repeats it)
};

// What the token step hands out.
struct OAuth1AccessToken
{
    QString key;
    QString secret; // derive(oaac_access_secret); "__unused__" for RSA-SHA1 requests
};

// Extension:OAuth's OAuth 1.0a server (MWOAuthServer + MWOAuthDataStore, REL1_39) on the
// provider's tables and OAuthCache:
//
//   fetchRequestToken  (initiate)  version, consumer, not owner-only, has a secret or RSA key,
//                                  source IP, timestamp, nonce, signature (no token), callback
//   fetchAccessToken   (token)     version, consumer, not owner-only, key, source IP, request
//                                  token (not used, known), timestamp, nonce, signature with the
//                                  request token's secret, verifier; then the request token is
//                                  used up (**USED**) and the approval's access token returned
//   verifyRequest      (identify, api.php)  version, consumer, access token of this consumer,
//                                  timestamp, nonce, signature, source IP
//
// Checks of every signed request (OAuthServer::check_signature): oauth_version absent or "1.0";
// oauth_timestamp within OAuth1Options::timestampWindow of the Clock; oauth_nonce not seen for
// this consumer and token (remembered until timestamp + window, OAuthCache::add); the method
// HMAC-SHA1 or RSA-SHA1 (the consumer's oarc_rsa_key), PLAINTEXT only when allowed; the
// signature over OAuth1Parameters::signatureBaseString. Source IP: the consumer's
// IPAddresses restriction (IpRestrictions). The errors are MediaWiki's (OAuth1Error), in its
// order; the nonce is spent before the signature is checked, as MediaWiki does.
//
// Use on the thread of its ProviderDatabase.
class OAuth1Server
{
public:
    // Everything passed must outlive the server.
    OAuth1Server(ClientStore &clients, OAuthCache &cache, ProviderDatabase &db, const ProviderSecret &secret,
                 const Clock &clock, Random &random, OAuth1Options options);

    const OAuth1Options &options() const { return m_options; }
    ClientStore &clients() const { return m_clients; }

    OAuth1Outcome<RequestToken> fetchRequestToken(const HttpRequest &request, const OAuth1Parameters &params);
    OAuth1Outcome<OAuth1AccessToken> fetchAccessToken(const HttpRequest &request,
                                                      const OAuth1Parameters &params);
    OAuth1Outcome<OAuth1Access> verifyRequest(const HttpRequest &request, const OAuth1Parameters &params);

    // The consumer a request token was made for (MWOAuthDataStore::getConsumerKey); empty
    // when the token is unknown or expired.
    QString consumerKeyOf(const QString &requestToken);
    // The request token `token` of `client` (MWOAuthDataStore::lookup_token 'request'):
    // E004 when unknown or expired, E009 when exchanged already.
    OAuth1Outcome<RequestToken> lookupRequestToken(const OAuthClient &client, const QString &token);
    // The user approved: adds a verifier and `accessKey` to the request token and returns the
    // callback URL with oauth_verifier and oauth_token (Consumer::authorize,
    // generateCallbackUrl; the registered callback for "oob"). Errors: the request token
    // unknown or used (E004 / E009), its callback gone (mwoauthdatastore-callback-not-found).
    OAuth1Outcome<QString> approveRequestToken(const OAuthClient &client, const QString &requestToken,
                                               const QString &accessKey);

    // Whether `client` takes requests from `peer` (its IPAddresses restriction; a restriction
    // that does not parse allows nothing). Also what the OAuth 2 endpoints ask.
    static bool allowsSource(const OAuthClient &client, const QHostAddress &peer);

private:
    struct Signed;
    OAuth1Outcome<OAuthClient> consumer(const OAuth1Parameters &params) const;
    OAuth1Outcome<OAuthClient> tokenEndpointConsumer(const HttpRequest &request,
                                                     const OAuth1Parameters &params) const;
    std::optional<OAuth1Error> checkSignature(const HttpRequest &request, const OAuth1Parameters &params,
                                              const OAuthClient &client, const QString &token,
                                              const QByteArray &tokenSecret);
    std::optional<OAuth1Error> checkCallback(const OAuthClient &client, const QString &callback) const;
    OAuth1Outcome<std::pair<ClientAcceptance, QByteArray>> lookupAccessToken(const OAuthClient &client,
                                                                             const QString &token) const;
    QString cacheKey(const QString &kind, const QString &consumerKey, const QString &token) const;

    ClientStore &m_clients;
    OAuthCache &m_cache;
    ProviderDatabase &m_db;
    const ProviderSecret &m_secret;
    const Clock &m_clock;
    Random &m_random;
    OAuth1Options m_options;
};

} // namespace mwauth::provider
