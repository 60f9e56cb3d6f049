#include "LoginThrottle.h"

#include "common/Logging.h"
#include "provider/db/ProviderDatabase.h"

#include <QSqlQuery>

#include <cmath>

namespace mwauth::provider {

LoginThrottle::LoginThrottle(ProviderDatabase &db, QString scope, int limit, double windowSeconds)
    : m_db(&db)
    , m_scope(std::move(scope))
    , m_limit(limit)
    , m_window(windowSeconds)
{ }

LoginThrottle::~LoginThrottle() = default;

QString LoginThrottle::storedKey(const QString &key) const
{
    return m_scope + QLatin1Char(':') + key;
}

qint64 LoginThrottle::endedBefore(double now) const
{
    // A window that started at s has ended at `now` when s + window <= now.
    return static_cast<qint64>(std::floor(now - m_window));
}

bool LoginThrottle::isThrottled(const QString &key, double now)
{
    if (!m_db)
        return true;
    QSqlQuery query(m_db->database());
    if (!ProviderDatabase::run(
            query, QStringLiteral("SELECT th_count, th_window_start FROM throttle WHERE th_key = ?"),
            {storedKey(key)})) {
        qCWarning(log::providerLogin).noquote()
            << QStringLiteral("The %1 throttle could not be read, so the attempt is refused:").arg(m_scope)
            << query.lastError().text();
        return true;
    }
    if (!query.next())
        return false;
    const int count = query.value(0).toInt();
    const qint64 windowStart = query.value(1).toLongLong();
    return windowStart > endedBefore(now) && count >= m_limit;
}

void LoginThrottle::recordFailure(const QString &key, double now)
{
    if (!m_db)
        return;
    // One statement, so concurrent failures on any number of connections are all counted:
    // a new key or an ended window starts over at 1, otherwise the count goes up by one.
    const qint64 start = static_cast<qint64>(std::floor(now));
    const qint64 ended = endedBefore(now);
    QSqlQuery query(m_db->database());
    const QString sql = QStringLiteral(
        "INSERT INTO throttle (th_key, th_count, th_window_start) VALUES (?, 1, ?)"
        " ON CONFLICT (th_key) DO UPDATE SET"
        " th_count = CASE WHEN throttle.th_window_start <= ? THEN 1 ELSE throttle.th_count + 1 END,"
        " th_window_start = CASE WHEN throttle.th_window_start <= ? THEN ?"
        " ELSE throttle.th_window_start END");
    if (!ProviderDatabase::run(query, sql, {storedKey(key), start, ended, ended, start}))
        qCWarning(log::providerLogin).noquote()
            << QStringLiteral("A failure could not be counted in the %1 throttle:").arg(m_scope)
            << query.lastError().text();
}

void LoginThrottle::clear(const QString &key)
{
    if (!m_db)
        return;
    QSqlQuery query(m_db->database());
    if (!ProviderDatabase::run(query, QStringLiteral("DELETE FROM throttle WHERE th_key = ?"),
                               {storedKey(key)}))
        qCWarning(log::providerLogin).noquote()
            << QStringLiteral("The %1 throttle could not be cleared:").arg(m_scope)
            << query.lastError().text();
}

Result<int> LoginThrottle::purgeExpired(double now)
{
    if (!m_db)
        return fail(ErrorCode::Database, QStringLiteral("The login throttle has no database."));
    const QString prefix = m_scope + QLatin1Char(':');
    QSqlQuery query(m_db->database());
    if (!ProviderDatabase::run(
            query,
            QStringLiteral("DELETE FROM throttle WHERE substr(th_key, 1, ?) = ? AND th_window_start <= ?"),
            {static_cast<int>(prefix.size()), prefix, endedBefore(now)}))
        return ProviderDatabase::sqlError(
            QStringLiteral("The ended %1 throttle windows could not be deleted.").arg(m_scope),
            query.lastError());
    return query.numRowsAffected();
}

} // namespace mwauth::provider
