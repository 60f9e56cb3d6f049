#include "IdTokens.h"

#include "OidcClaims.h"
#include "jose/Base64Url.h"
#include "jose/Jws.h"
#include "provider/accounts/UserStore.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace mwauth::provider {

namespace {

// OIDC Core section 3.1.3.6: the hash of the JWS alg's hash function (SHA-256 for *256,
// SHA-384 for *384, SHA-512 for *512 and for EdDSA, whose Ed25519 hashes with SHA-512).
QCryptographicHash::Algorithm hashFor(const QString &alg)
{
    if (alg.endsWith(u"384"))
        return QCryptographicHash::Sha384;
    if (alg.endsWith(u"512") || alg == u"EdDSA")
        return QCryptographicHash::Sha512;
    return QCryptographicHash::Sha256;
}

} // namespace

IdTokens::IdTokens(UserStore &users, const Clock &clock, QString issuer)
    : m_users(users)
    , m_clock(clock)
    , m_issuer(std::move(issuer))
{ }

QByteArray IdTokens::atHash(const QString &alg, QByteArrayView accessToken)
{
    const QByteArray digest = QCryptographicHash::hash(accessToken, hashFor(alg));
    return jose::Base64Url::encode(digest.first(digest.size() / 2));
}

Result<QByteArray> IdTokens::issue(const jose::Jwk &key, const IdTokenRequest &request) const
{
    if (request.clientId.isEmpty())
        return fail(ErrorCode::InvalidInput, QStringLiteral("An id_token needs a client id (its audience)."));
    if (!key.hasPrivate() || key.alg().isEmpty())
        return fail(ErrorCode::InvalidInput,
                    QStringLiteral("An id_token needs a private signing key with its algorithm set."));
    if (!(request.lifetimeSeconds > 0))
        return fail(ErrorCode::InvalidInput, QStringLiteral("An id_token needs a positive lifetime."));
    const Result<User> user = m_users.userById(request.userId);
    if (!user)
        return user.error();
    const Result<QStringList> own = m_users.groups(user->id);
    if (!own)
        return own.error();

    QJsonObject claims = OidcClaims::claims(*user, OidcClaims::effectiveGroups(*own), request.scopes);
    const qint64 now = qint64(std::floor(m_clock.nowSeconds()));
    claims.insert(QStringLiteral("iss"), m_issuer);
    claims.insert(QStringLiteral("aud"), request.clientId);
    claims.insert(QStringLiteral("iat"), now);
    claims.insert(QStringLiteral("exp"), now + qint64(std::ceil(request.lifetimeSeconds)));
    if (request.authTime > 0)
        claims.insert(QStringLiteral("auth_time"), qint64(std::floor(request.authTime)));
    if (!request.nonce.isEmpty())
        claims.insert(QStringLiteral("nonce"), request.nonce);
    if (!request.accessToken.isEmpty())
        claims.insert(QStringLiteral("at_hash"), QString::fromLatin1(atHash(key.alg(), request.accessToken)));

    QJsonObject header {{QStringLiteral("typ"), QStringLiteral("JWT")}, {QStringLiteral("alg"), key.alg()}};
    if (!key.kid().isEmpty())
        header.insert(QStringLiteral("kid"), key.kid());
    return jose::Jws::sign(header, QJsonDocument(claims).toJson(QJsonDocument::Compact), key);
}

} // namespace mwauth::provider
