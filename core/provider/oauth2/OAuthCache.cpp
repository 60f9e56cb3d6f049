#include "OAuthCache.h"

#include "provider/db/ProviderDatabase.h"

#include <QJsonDocument>
#include <QSqlQuery>

#include <cmath>

namespace mwauth::provider {

namespace {

// Entries live while oc_expires > now (whole seconds, rounded up so a TTL is never cut short).
qint64 expiryFor(double now, double ttl)
{
    return qint64(std::ceil(now + ttl));
}

qint64 nowSeconds(const Clock &clock)
{
    return qint64(std::floor(clock.nowSeconds()));
}

Result<std::optional<QJsonObject>> parseValue(const QString &key, const QByteArray &text)
{
    QJsonParseError error {};
    const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return fail(
            ErrorCode::MalformedJson,
            QStringLiteral("The cached value '%1' is not a JSON object.").arg(key.section(u':', 0, 0)));
    return std::optional<QJsonObject>(doc.object());
}

} // namespace

Result<bool> OAuthCache::store(const QString &key, const QJsonObject &value, double ttlSeconds,
                               bool onlyOverExpired)
{
    if (!(ttlSeconds > 0))
        return fail(ErrorCode::InvalidInput, QStringLiteral("A cache entry needs a positive lifetime."));
    // With onlyOverExpired a live entry makes the statement change nothing.
    QSqlQuery query(m_db.database());
    QString sql = QStringLiteral("INSERT INTO oauth_cache (oc_key, oc_value, oc_expires) VALUES (?, ?, ?) "
                                 "ON CONFLICT (oc_key) DO UPDATE SET oc_value = excluded.oc_value, "
                                 "oc_expires = excluded.oc_expires");
    QVariantList values {key, QString::fromUtf8(QJsonDocument(value).toJson(QJsonDocument::Compact)),
                         expiryFor(m_clock.nowSeconds(), ttlSeconds)};
    if (onlyOverExpired) {
        sql += QStringLiteral(" WHERE oauth_cache.oc_expires <= ?");
        values.append(nowSeconds(m_clock));
    }
    if (!ProviderDatabase::run(query, sql, values))
        return ProviderDatabase::sqlError(QStringLiteral("An OAuth cache entry could not be stored."),
                                          query.lastError());
    return query.numRowsAffected() > 0;
}

Result<void> OAuthCache::put(const QString &key, const QJsonObject &value, double ttlSeconds)
{
    const Result<bool> stored = store(key, value, ttlSeconds, false);
    if (!stored)
        return stored.error();
    return {};
}

Result<bool> OAuthCache::add(const QString &key, const QJsonObject &value, double ttlSeconds)
{
    return store(key, value, ttlSeconds, true);
}

Result<std::optional<QJsonObject>> OAuthCache::get(const QString &key) const
{
    QSqlQuery query(m_db.database());
    if (!ProviderDatabase::run(
            query, QStringLiteral("SELECT oc_value FROM oauth_cache WHERE oc_key = ? AND oc_expires > ?"),
            {key, nowSeconds(m_clock)}))
        return ProviderDatabase::sqlError(QStringLiteral("An OAuth cache entry could not be read."),
                                          query.lastError());
    if (!query.next())
        return std::optional<QJsonObject>();
    return parseValue(key, query.value(0).toString().toUtf8());
}

Result<std::optional<QJsonObject>> OAuthCache::take(const QString &key)
{
    QSqlQuery query(m_db.database());
    if (!ProviderDatabase::run(
            query,
            QStringLiteral("DELETE FROM oauth_cache WHERE oc_key = ? AND oc_expires > ? RETURNING oc_value"),
            {key, nowSeconds(m_clock)}))
        return ProviderDatabase::sqlError(QStringLiteral("An OAuth cache entry could not be taken."),
                                          query.lastError());
    if (!query.next())
        return std::optional<QJsonObject>();
    return parseValue(key, query.value(0).toString().toUtf8());
}

Result<void> OAuthCache::remove(const QString &key)
{
    QSqlQuery query(m_db.database());
    if (!ProviderDatabase::run(query, QStringLiteral("DELETE FROM oauth_cache WHERE oc_key = ?"), {key}))
        return ProviderDatabase::sqlError(QStringLiteral("An OAuth cache entry could not be removed."),
                                          query.lastError());
    return {};
}

Result<int> OAuthCache::purgeExpired()
{
    QSqlQuery query(m_db.database());
    if (!ProviderDatabase::run(query, QStringLiteral("DELETE FROM oauth_cache WHERE oc_expires <= ?"),
                               {nowSeconds(m_clock)}))
        return ProviderDatabase::sqlError(QStringLiteral("Expired OAuth cache entries could not be purged."),
                                          query.lastError());
    return query.numRowsAffected();
}

} // namespace mwauth::provider
