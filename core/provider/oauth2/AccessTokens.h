#pragma once

#include "common/Clock.h"
#include "common/Random.h"
#include "common/Result.h"
#include "jose/Jwk.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace mwauth::provider {

class ProviderDatabase;

// What an access token is issued for.
struct AccessTokenGrant
{
    QString clientId; // the consumer key (32 hex): the token's "aud"
    qint64 clientRowId = 0; // oarc_id
    qint64 acceptanceId = 0; // oaac_id of the user's approval; 0 for client_credentials
    QString subject; // the user's id as text; "" for client_credentials (MediaWiki 1.39)
    QStringList scopes; // grant names
    double lifetimeSeconds = DefaultLifetime;

    static constexpr double DefaultLifetime = 3600; // $wgOAuth2GrantExpirationInterval PT1H
};

struct IssuedAccessToken
{
    QByteArray jwt;
    QString jti;
    double issuedAt = 0;
    double expiresAt = 0;
};

enum class AccessTokenState { Unknown, Active, Revoked };

// Extension:OAuth's access tokens (reference/mediawiki-oauth.md section 1.3): JWTs signed with
// the provider's current key, claims
//   aud     the client id
//   jti     80 hex digits, the row's oaat_identifier
//   iat, nbf, exp   seconds as floats with microseconds, as MediaWiki writes them
//   sub     the user id as a string ("" for client_credentials)
//   iss     the provider's issuer (its canonical server)
//   scopes  the grant names
// and a header {"typ": "JWT", "alg": <the key's>, "kid": <the key's>} (the kid is ours: it
// names the key in the provider's JWKS). Every token has a row in oauth2_access_tokens; a
// token is accepted only while its row exists and is not revoked (AccessTokenRepository::
// isAccessTokenRevoked), so revoking works before expiry.
//
// Use on the thread of its ProviderDatabase.
class AccessTokens
{
public:
    // All must outlive the object. `issuer` is the "iss" (e.g. "http://127.0.0.1:8089").
    AccessTokens(ProviderDatabase &db, const Clock &clock, Random &random, QString issuer);

    // Signs a token with `key` (a private key with kid and alg set) and records it.
    // InvalidInput for an empty client id or a non-positive lifetime; the key's and the
    // database's errors are passed on.
    Result<IssuedAccessToken> issue(const jose::Jwk &key, const AccessTokenGrant &grant);

    Result<AccessTokenState> state(const QString &jti) const;
    // Marks one token revoked (true if it was active).
    Result<bool> revoke(const QString &jti);
    // Revokes every token of an approval / of a client; returns how many were active.
    Result<int> revokeForAcceptance(qint64 acceptanceId);
    Result<int> revokeForClient(qint64 clientRowId);
    // Deletes the rows of tokens that expired before now.
    Result<int> purgeExpired();

    const QString &issuer() const { return m_issuer; }

private:
    Result<int> revokeWhere(const QString &condition, const QVariant &value);

    ProviderDatabase &m_db;
    const Clock &m_clock;
    Random &m_random;
    QString m_issuer;
};

} // namespace mwauth::provider
