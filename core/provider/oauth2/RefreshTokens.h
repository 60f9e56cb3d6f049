#pragma once

#include "AccessTokens.h"
#include "OAuth2Options.h"
#include "OAuthCache.h"
#include "common/Clock.h"
#include "common/Random.h"
#include "common/Result.h"
#include "provider/secret/ProviderSecret.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <optional>

namespace mwauth::provider {

// What a refresh token stands for (league's refresh token payload plus what the provider
// needs to issue the next tokens).
struct RefreshTokenData
{
    QString id; // 40 hex; set by issue()
    QString clientId;
    qint64 userId = 0;
    qint64 acceptanceId = 0;
    QStringList scopes; // as granted with the authorization code (grants and OIDC scopes)
    QString accessTokenId; // jti of the access token issued with it
    QString family; // the id of the authorization code the chain started from
    double authTime = 0; // OIDC auth_time of the original login
    double expiresAt = 0; // set by issue()
};

// Why redeem() refused a refresh token. Every case is league's invalidRefreshToken
// (401 invalid_request "The refresh token is invalid.") with the hint named here.
enum class RefreshRefusal {
    None,
    Malformed, // "Cannot decrypt the refresh token"
    WrongClient, // "Token is not linked to client"
    Expired, // "Token has expired"
    Revoked, // "Token has been revoked"
    ScopeBeyondGrant, // a requested scope the token was not issued with: invalid_scope (not rotated)
};

// Refresh tokens with rotation, kept in the object cache as MediaWiki keeps them
// ("RefreshToken:<id>" -> {identifier, accessToken, expires, graceExpires, ...}).
//
//   issue()   stores a token for refreshTokenLifetime and returns the opaque string for the
//             client: ProviderSecret::seal of {"id", "client_id", "expire_time"} (context
//             "oauth2:refresh_token").
//   redeem()  checks a presented token; a usable one is rotated at once: marked revoked (with
//             graceExpires = now + refreshGraceSeconds), and the access token issued with it
//             is revoked in oauth2_access_tokens (as REL1_39 does). Reusing it afterwards
//             fails with "Token has been revoked" (REL1_39), unless within the grace period
//             (master's $wgOAuth2RefreshTokenGracePeriod; 0 by default here).
//
// Families: every token remembers the authorization code its chain started from.
// revokeFamily(code id) - called when that code is redeemed a second time - revokes the
// newest access token of the chain and makes every refresh token of it fail.
class RefreshTokens
{
public:
    static constexpr const char *SealContext = "oauth2:refresh_token";

    // All must outlive the object.
    RefreshTokens(OAuthCache &cache, AccessTokens &accessTokens, const ProviderSecret &secret,
                  const Clock &clock, Random &random, const OAuth2Options &options);

    // Stores `data` (id and expiry filled in) and returns the string for the client.
    Result<QByteArray> issue(RefreshTokenData &data);
    // The token's data if `presented` may be used now by `clientId` for `requestedScopes`
    // (empty: its own; else each must be one of them) and rotates it; otherwise nullopt with
    // `refusal` set (ScopeBeyondGrant: `offendingScope` names the scope). Database errors are
    // errors.
    Result<std::optional<RefreshTokenData>> redeem(const QByteArray &presented, const QString &clientId,
                                                   RefreshRefusal &refusal,
                                                   const QStringList &requestedScopes = {},
                                                   QString *offendingScope = nullptr);
    // Records the newest tokens of the chain started by the code `family` (issue() does it
    // for its own token; the token endpoint calls it when it issues no refresh token).
    Result<void> remember(const QString &family, const QString &accessTokenId, const QString &refreshTokenId);
    // Revokes what was issued from the authorization code `family`; returns how many access
    // tokens were active.
    Result<int> revokeFamily(const QString &family);

    static QString refusalHint(RefreshRefusal refusal);

private:
    OAuthCache &m_cache;
    AccessTokens &m_accessTokens;
    const ProviderSecret &m_secret;
    const Clock &m_clock;
    Random &m_random;
    const OAuth2Options &m_options;
};

} // namespace mwauth::provider
