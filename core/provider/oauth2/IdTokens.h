#pragma once

#include "common/Clock.h"
#include "common/Result.h"
#include "jose/Jwk.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace mwauth::provider {

class UserStore;

// What an id_token is issued for (OpenID Connect Core 1.0 §2, §3.1.3.6).
struct IdTokenRequest
{
    QString clientId; // becomes "aud"
    qint64 userId = 0; // becomes "sub" (as text); must name an existing user
    QString nonce; // from the authorization request; "nonce" only when non-empty
    double authTime = 0; // when the user logged in (seconds since the epoch); "auth_time" when > 0
    QByteArray accessToken; // the access token issued alongside; "at_hash" when non-empty
    QStringList scopes; // OIDC scopes (openid, profile, email, groups) and MediaWiki grants
    double lifetimeSeconds = 3600;
};

// Issues OpenID Connect id_tokens for the local provider.
class IdTokens
{
public:
    // `users` and `clock` must outlive the object. `issuer` is the provider's "iss".
    IdTokens(UserStore &users, const Clock &clock, QString issuer);

    // A compact JWS signed with `key` (its alg is pinned by the key: RS256, ES256 or EdDSA;
    // the header carries the key's kid). Claims: iss, sub (the user id as text), aud (the
    // client id), exp (iat + lifetime), iat, auth_time, nonce (when non-empty), at_hash
    // (OIDC Core §3.1.3.6: the left half of the access token's hash with the hash of the
    // alg, base64url), plus the claims OidcClaims gives for the scopes.
    // Errors: NotFound for an unknown user, InvalidInput for a missing client id or a key
    // that cannot sign, Database/Crypto from the collaborators.
    Result<QByteArray> issue(const jose::Jwk &key, const IdTokenRequest &request) const;

    // at_hash of `accessToken` for a token signed with `alg` (base64url, no padding).
    static QByteArray atHash(const QString &alg, QByteArrayView accessToken);

private:
    UserStore &m_users;
    const Clock &m_clock;
    QString m_issuer;
};

} // namespace mwauth::provider
