#pragma once

#include "OAuth2Options.h"
#include "OAuthCache.h"
#include "common/Clock.h"
#include "common/Random.h"
#include "common/Result.h"
#include "provider/secret/ProviderSecret.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace mwauth::provider {

// What an authorization code stands for (league's AuthCode payload plus the OpenID Connect
// parts): who approved which client for what, and how the token request must prove it.
struct AuthorizationCode
{
    QString id; // 40 hex; set by issue()
    QString clientId; // the client's consumer key
    qint64 userId = 0;
    qint64 acceptanceId = 0; // oaac_id of the approval the tokens are recorded under
    QString redirectUri; // the redirect_uri of the authorization request ("" when none was sent)
    bool redirectUriSent = false; // then the token request must send the same one
    QStringList scopes; // granted MediaWiki grants plus OIDC scopes (openid, profile, ...)
    QString codeChallenge; // "" when the request had none
    QString codeChallengeMethod; // "plain" or "S256" with a challenge
    QString nonce; // OIDC nonce ("" when none)
    double authTime = 0; // when the user logged in (OIDC auth_time)
    double expiresAt = 0; // set by issue()
};

// How redeem() went, when it did not give a code.
enum class CodeRedemption {
    Ok,
    Malformed, // not a code of this provider (does not open): league "Cannot decrypt the authorization code"
    WrongClient, // issued to another client: "Authorization code was not issued to this client"
    Expired, // "Authorization code has expired"
    Reused, // redeemed before: "Authorization code has been revoked"; the caller revokes its tokens
};

// The provider's authorization codes, kept where MediaWiki keeps them: the object cache
// (OAuthCache key "AuthCode:<id>", codeLifetime seconds, 10 minutes by default).
//
// The string handed to the client is opaque: ProviderSecret::seal of {"id", "client_id",
// "expire_time"} for the context "oauth2:authorization_code" (MediaWiki hands out a defuse
// ciphertext of its payload; ours says less). Whatever else the code stands for stays in the
// cache.
//
// Single use: consume() removes the entry with OAuthCache::take (of two concurrent token
// requests exactly one gets it) and leaves "UsedCode:<id>" behind for refreshTokenLifetime,
// so a second redemption is told apart from an expired code (RFC 6749 section 4.1.2: the
// tokens issued from a code used twice are revoked; see RefreshTokens::revokeFamily, whose
// family id is the code's id).
class AuthorizationCodes
{
public:
    static constexpr const char *SealContext = "oauth2:authorization_code";

    // All must outlive the object.
    AuthorizationCodes(OAuthCache &cache, const ProviderSecret &secret, const Clock &clock, Random &random,
                       const OAuth2Options &options);

    // Stores `code` (its id and expiry are filled in) and returns the string for the client.
    Result<QByteArray> issue(AuthorizationCode &code);

    // Reads the code a client presents without using it up. `status` says why no code came
    // back (Ok with a value); `id` is the code's id once the code opened (Reused: the family
    // to revoke). Database errors are errors.
    Result<std::optional<AuthorizationCode>> peek(const QByteArray &presented, const QString &clientId,
                                                  CodeRedemption &status, QString &id) const;
    // Uses the code up: true if this call took it, false if another request took it first
    // (then it counts as a reuse).
    Result<bool> consume(const QString &id);

private:
    OAuthCache &m_cache;
    const ProviderSecret &m_secret;
    const Clock &m_clock;
    Random &m_random;
    const OAuth2Options &m_options;
};

} // namespace mwauth::provider
