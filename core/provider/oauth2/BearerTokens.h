#pragma once

#include "OAuth2Error.h"
#include "common/Clock.h"
#include "common/Result.h"
#include "provider/server/ProviderRequest.h"
#include "provider/server/ProviderServer.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <variant>

namespace mwauth::provider {

class ClientStore;
class ProviderDatabase;
class SigningKeyStore;
class UserStore;

// An access token of the local provider that validated.
struct BearerToken
{
    QString jti; // oaat_identifier
    QString clientId; // "aud": the consumer key
    qint64 clientRowId = 0; // oarc_id
    qint64 userId = 0; // "sub"; 0 = no user (client_credentials)
    QStringList scopes; // the grant names (and OIDC scopes) the token carries
    qint64 acceptanceId = 0; // oaat_acceptance_id; 0 for client_credentials
    double issuedAt = 0;
    double notBefore = 0;
    double expiresAt = 0;
    QString issuer;
    QString kid;
    QString alg;

    bool hasUser() const { return userId != 0; }
};

// Validates the provider's own access tokens, as Extension:OAuth's resource server does
// (league's BearerTokenValidator + AccessTokenRepository::isAccessTokenRevoked), and a little
// stricter:
//
//   1. a compact JWS whose header names a kid the SigningKeyStore publishes (a retired key
//      verifies nothing) and exactly the alg of that key: "none", HS* and an alg other than
//      the key's are refused before any signature check (no alg confusion);
//   2. the signature verifies with that key;
//   3. iss is the provider's issuer, nbf and exp hold at the Clock's now (no leeway), aud is
//      a client, sub is "" or a positive user id, scopes a list of strings;
//   4. its jti has a row in oauth2_access_tokens that is not revoked and belongs to that
//      client; a token for a user also needs its approval (oauth_accepted_consumer) still
//      in place; the client must not be deleted, disabled or rejected.
//
// Errors carry league's hint as the Error's detail (what OAuth2Error::accessDenied shows):
//   MalformedToken/MalformedBase64/MalformedJson  "The JWT string must have two dots" /
//                                                 "Error while decoding from JSON"
//   UnsupportedAlgorithm, AlgorithmKeyMismatch, NoMatchingKey, BadSignature
//                                                 "Access token could not be verified"
//   Expired, NotYetValid, WrongIssuer, WrongAudience, MissingClaim
//                                                 "Access token is invalid"
//   NotFound (no row, revoked, approval gone)     "Access token has been revoked"
//   Database                                      (the caller answers server_error)
// The Error's message is a sentence for people (logs, the inspector), never the token.
//
// Use on the thread of its ProviderDatabase.
class BearerTokens
{
public:
    // Everything passed must outlive the object. `issuer` is the provider's "iss".
    BearerTokens(ProviderDatabase &db, SigningKeyStore &keys, ClientStore &clients, const Clock &clock,
                 QString issuer);

    // The token of an "Authorization: Bearer <token>" header (scheme case-insensitive, one
    // or more spaces). NotFound when there is no Authorization header; MalformedHeader when
    // it is not a Bearer header or the token is empty or has characters RFC 6750's b64token
    // does not allow.
    static Result<QByteArray> fromAuthorizationHeader(const HttpRequest &request);

    Result<BearerToken> validate(QByteArrayView jwt) const;

    // The header's token validated (and the request from an address its client's IP ranges
    // allow: beyond MediaWiki), or the 401 access_denied to answer (1.39's body, the
    // hint as above; 'Missing "Authorization" header' without one, as master says it).
    std::variant<BearerToken, OAuth2Error> authenticate(const HttpRequest &request) const;

    // The OAuth2Error for a validation failure (server_error for Database / Internal).
    static OAuth2Error errorFor(const Error &error);

    static const QString MissingHeaderHint; // Missing "Authorization" header
    // The session key meta=userinfo reads the rights of a bearer request from.
    static const QString GrantedRightsKey; // "mwauthGrantedRights"

    // api.php under "Authorization: Bearer" (ProviderServer::setApiAuthenticator), as
    // Extension:OAuth's session provider: without a Bearer header nothing changes (an
    // "Authorization: OAuth" header is left to OAuth 1). A valid token of a user replaces the
    // request's session with that user's (wsUserID, wsUserName) and GrantedRightsKey = the
    // user's rights (OidcClaims) that the token's grants give; a client_credentials token
    // makes the request anonymous (MediaWiki 1.39: {"id":0,"name":<IP>,"anon":""}) with the
    // anonymous rights its grants give. A bad token is refused with MediaWiki's API error
    // "mwoauth-invalid-authorization" (header MediaWiki-API-Error).
    ProviderServer::ApiAuthentication apiAuthentication(ApiRequest &request, UserStore &users) const;

private:
    Result<void> checkRow(BearerToken &token) const;
    // The token's client takes requests from `peer` (its IPAddresses restriction).
    bool allowsSource(const BearerToken &token, const QHostAddress &peer) const;

    ProviderDatabase &m_db;
    SigningKeyStore &m_keys;
    ClientStore &m_clients;
    const Clock &m_clock;
    QString m_issuer;
};

} // namespace mwauth::provider
