#include "AccessTokens.h"

#include "jose/Jws.h"
#include "provider/db/ProviderDatabase.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>

#include <cmath>

namespace mwauth::provider {

namespace {

// MediaWiki's timestamp format for oaat_expires.
QString mediaWikiTimestamp(double seconds)
{
    return QDateTime::fromSecsSinceEpoch(qint64(std::floor(seconds)), Qt::UTC)
        .toString(QStringLiteral("yyyyMMddHHmmss"));
}

// Seconds with microseconds, as lcobucci's MicrosecondBasedDateConversion writes them.
double microseconds(double seconds)
{
    return std::round(seconds * 1e6) / 1e6;
}

} // namespace

AccessTokens::AccessTokens(ProviderDatabase &db, const Clock &clock, Random &random, QString issuer)
    : m_db(db)
    , m_clock(clock)
    , m_random(random)
    , m_issuer(std::move(issuer))
{ }

Result<IssuedAccessToken> AccessTokens::issue(const jose::Jwk &key, const AccessTokenGrant &grant)
{
    if (grant.clientId.isEmpty())
        return fail(ErrorCode::InvalidInput, QStringLiteral("An access token needs a client id."));
    if (!(grant.lifetimeSeconds > 0))
        return fail(ErrorCode::InvalidInput, QStringLiteral("An access token needs a positive lifetime."));
    IssuedAccessToken token;
    token.jti = QString::fromLatin1(m_random.bytes(40).toHex());
    token.issuedAt = microseconds(m_clock.nowSeconds());
    token.expiresAt = microseconds(token.issuedAt + grant.lifetimeSeconds);
    const QJsonObject claims {
        {QStringLiteral("aud"), grant.clientId},
        {QStringLiteral("jti"), token.jti},
        {QStringLiteral("iat"), token.issuedAt},
        {QStringLiteral("nbf"), token.issuedAt},
        {QStringLiteral("exp"), token.expiresAt},
        {QStringLiteral("sub"), grant.subject},
        {QStringLiteral("iss"), m_issuer},
        {QStringLiteral("scopes"), QJsonArray::fromStringList(grant.scopes)},
    };
    QJsonObject header {{QStringLiteral("typ"), QStringLiteral("JWT")}, {QStringLiteral("alg"), key.alg()}};
    if (!key.kid().isEmpty())
        header.insert(QStringLiteral("kid"), key.kid());
    Result<QByteArray> jwt
        = jose::Jws::sign(header, QJsonDocument(claims).toJson(QJsonDocument::Compact), key);
    if (!jwt)
        return jwt.error();
    token.jwt = *jwt;

    // Prepared once per connection: every token issued runs it.
    const QVariant client
        = grant.clientRowId > 0 ? QVariant(grant.clientRowId) : QVariant(QMetaType(QMetaType::LongLong));
    const ProviderDatabase::Statement inserted = m_db.exec(
        QStringLiteral("INSERT INTO oauth2_access_tokens (oaat_identifier, oaat_expires, "
                       "oaat_acceptance_id, oaat_revoked, oaat_client_id) VALUES (?, ?, ?, 0, ?)"),
        {token.jti, mediaWikiTimestamp(token.expiresAt), grant.acceptanceId, client});
    if (!inserted.ok())
        return ProviderDatabase::sqlError(QStringLiteral("The access token could not be recorded."),
                                          inserted.lastError());
    return token;
}

Result<AccessTokenState> AccessTokens::state(const QString &jti) const
{
    // Prepared once per connection: every bearer request checks its token.
    ProviderDatabase::Statement statement = m_db.exec(
        QStringLiteral("SELECT oaat_revoked FROM oauth2_access_tokens WHERE oaat_identifier = ?"), {jti});
    if (!statement.ok())
        return ProviderDatabase::sqlError(QStringLiteral("The access token could not be looked up."),
                                          statement.lastError());
    if (!statement.query().next())
        return AccessTokenState::Unknown;
    return statement.query().value(0).toInt() != 0 ? AccessTokenState::Revoked : AccessTokenState::Active;
}

Result<bool> AccessTokens::revoke(const QString &jti)
{
    const Result<int> count = revokeWhere(QStringLiteral("oaat_identifier = ?"), jti);
    if (!count)
        return count.error();
    return *count > 0;
}

Result<int> AccessTokens::revokeForAcceptance(qint64 acceptanceId)
{
    return revokeWhere(QStringLiteral("oaat_acceptance_id = ?"), acceptanceId);
}

Result<int> AccessTokens::revokeForClient(qint64 clientRowId)
{
    return revokeWhere(QStringLiteral("oaat_client_id = ?"), clientRowId);
}

Result<int> AccessTokens::revokeWhere(const QString &condition, const QVariant &value)
{
    QSqlQuery query(m_db.database());
    if (!ProviderDatabase::run(
            query,
            QStringLiteral("UPDATE oauth2_access_tokens SET oaat_revoked = 1 WHERE oaat_revoked = 0 AND ")
                + condition,
            {value}))
        return ProviderDatabase::sqlError(QStringLiteral("Access tokens could not be revoked."),
                                          query.lastError());
    return query.numRowsAffected();
}

Result<int> AccessTokens::purgeExpired()
{
    QSqlQuery query(m_db.database());
    // MediaWiki timestamps of equal length compare as text in time order.
    if (!ProviderDatabase::run(query,
                               QStringLiteral("DELETE FROM oauth2_access_tokens WHERE oaat_expires < ? "
                                              "AND oaat_expires <> 'infinity'"),
                               {mediaWikiTimestamp(m_clock.nowSeconds())}))
        return ProviderDatabase::sqlError(QStringLiteral("Expired access tokens could not be purged."),
                                          query.lastError());
    return query.numRowsAffected();
}

} // namespace mwauth::provider
