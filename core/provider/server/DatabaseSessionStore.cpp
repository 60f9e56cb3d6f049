#include "DatabaseSessionStore.h"

#include "common/Logging.h"
#include "provider/db/ProviderDatabase.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>

#include <cmath>
#include <limits>

namespace mwauth::provider {

namespace {

Result<QJsonValue> toJsonValue(const QVariant &value, const QString &key);

Error unsupported(const QVariant &value, const QString &key)
{
    const char *type = value.metaType().name();
    const QString shown = type ? QString::fromLatin1(type) : QStringLiteral("an empty QVariant");
    return fail(
        ErrorCode::InvalidInput,
        QStringLiteral("The session value '%1' is %2, which the session database cannot keep: "
                       "store a string, a bool, an integer, a finite double, or a list or map of those.")
            .arg(key, shown));
}

Result<QJsonValue> toJsonObject(const QVariantMap &map, const QString &prefix)
{
    QJsonObject object;
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        const QString key = prefix.isEmpty() ? it.key() : prefix + QLatin1Char('.') + it.key();
        Result<QJsonValue> value = toJsonValue(it.value(), key);
        if (!value)
            return value.error();
        object.insert(it.key(), *value);
    }
    return QJsonValue(object);
}

// Converts one value, refusing what would read back as something else (see the header).
Result<QJsonValue> toJsonValue(const QVariant &value, const QString &key)
{
    switch (value.typeId()) {
    case QMetaType::QString:
        return QJsonValue(value.toString());
    case QMetaType::Bool:
        return QJsonValue(value.toBool());
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
        return QJsonValue(value.toLongLong());
    case QMetaType::ULongLong: {
        const quint64 number = value.toULongLong();
        if (number > static_cast<quint64>(std::numeric_limits<qint64>::max()))
            return fail(ErrorCode::InvalidInput,
                        QStringLiteral("The session value '%1' (%2) is larger than a 64-bit signed integer, "
                                       "which the session database cannot keep exactly.")
                            .arg(key, QString::number(number)));
        return QJsonValue(static_cast<qint64>(number));
    }
    case QMetaType::Double: {
        const double number = value.toDouble();
        if (!std::isfinite(number))
            return fail(
                ErrorCode::InvalidInput,
                QStringLiteral("The session value '%1' is not a finite number, which JSON cannot hold.")
                    .arg(key));
        return QJsonValue(number);
    }
    case QMetaType::QStringList:
        return QJsonValue(QJsonArray::fromStringList(value.toStringList()));
    case QMetaType::QVariantList: {
        QJsonArray array;
        const QVariantList list = value.toList();
        for (qsizetype i = 0; i < list.size(); ++i) {
            Result<QJsonValue> item = toJsonValue(list.at(i), key + QStringLiteral("[%1]").arg(i));
            if (!item)
                return item.error();
            array.append(*item);
        }
        return QJsonValue(array);
    }
    case QMetaType::QVariantMap:
        return toJsonObject(value.toMap(), key);
    default:
        return unsupported(value, key);
    }
}

// The user a session belongs to, for ps_user: "wsUserID" (MediaWiki's session key, the
// same as LoginService::UserIdKey; not included from there, the server does not depend on
// the login code) when it is a non-zero number.
QVariant sessionUser(const SessionData &data)
{
    bool ok = false;
    const qint64 id = data.value(QStringLiteral("wsUserID")).toLongLong(&ok);
    if (!ok || id == 0)
        return QVariant(QMetaType(QMetaType::LongLong));
    return id;
}

qint64 wholeSeconds(double seconds)
{
    return static_cast<qint64>(std::floor(seconds));
}

} // namespace

DatabaseSessionStore::DatabaseSessionStore(ProviderDatabase &db, const Clock &clock, double idleSeconds)
    : m_db(&db)
    , m_clock(&clock)
    , m_idle(idleSeconds)
{
    Q_ASSERT(idleSeconds > 0);
}

QString DatabaseSessionStore::storedId(const QByteArray &id)
{
    return QString::fromLatin1(QCryptographicHash::hash(id, QCryptographicHash::Sha256).toHex());
}

qint64 DatabaseSessionStore::expiryFrom(double now) const
{
    return wholeSeconds(now + m_idle);
}

Result<std::optional<SessionData>> DatabaseSessionStore::load(const QByteArray &id)
{
    if (id.isEmpty())
        return std::optional<SessionData>();
    const QString key = storedId(id);
    const double now = m_clock->nowSeconds();
    const qint64 nowWhole = wholeSeconds(now);

    qint64 expires = 0;
    QString stored;
    {
        QSqlQuery query(m_db->database());
        if (!ProviderDatabase::run(
                query, QStringLiteral("SELECT ps_expires, ps_data FROM provider_session WHERE ps_id = ?"),
                {key}))
            return ProviderDatabase::sqlError(
                QStringLiteral("A session could not be read from the database."), query.lastError());
        if (!query.next())
            return std::optional<SessionData>();
        expires = query.value(0).toLongLong();
        stored = query.value(1).toString();
    }

    if (expires <= nowWhole) {
        // Only if it is still expired: another provider may have saved it again meanwhile.
        QSqlQuery query(m_db->database());
        if (!ProviderDatabase::run(
                query, QStringLiteral("DELETE FROM provider_session WHERE ps_id = ? AND ps_expires <= ?"),
                {key, nowWhole}))
            qCWarning(log::providerServer).noquote()
                << "An expired session could not be deleted:" << query.lastError().text();
        return std::optional<SessionData>();
    }

    SessionData data;
    if (!stored.isEmpty()) {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(stored.toUtf8(), &parseError);
        // Qt takes only an object or an array as a document, so a scalar fails to parse.
        if (parseError.error != QJsonParseError::NoError || !document.isObject())
            return fail(
                ErrorCode::MalformedJson,
                QStringLiteral(
                    "A stored session's data is not a JSON object, so the session cannot be used."),
                parseError.error != QJsonParseError::NoError
                    ? QStringLiteral("%1 at offset %2").arg(parseError.errorString()).arg(parseError.offset)
                    : QStringLiteral("the document is an array"));
        data = document.object().toVariantMap();
    }

    const qint64 slid = expiryFrom(now);
    if (static_cast<double>(slid - expires) >= RefreshInterval) {
        QSqlQuery query(m_db->database());
        if (!ProviderDatabase::run(
                query,
                QStringLiteral(
                    "UPDATE provider_session SET ps_expires = ? WHERE ps_id = ? AND ps_expires < ?"),
                {slid, key, slid}))
            qCWarning(log::providerServer).noquote()
                << "The expiry of a session could not be extended:" << query.lastError().text();
    }
    return std::optional<SessionData>(std::move(data));
}

Result<void> DatabaseSessionStore::save(const QByteArray &id, const SessionData &data)
{
    if (id.isEmpty())
        return fail(ErrorCode::InvalidInput, QStringLiteral("A session cannot be saved without an id."));
    const Result<QJsonValue> json = toJsonObject(data, QString());
    if (!json)
        return json.error();
    const QString text = QString::fromUtf8(QJsonDocument(json->toObject()).toJson(QJsonDocument::Compact));

    const double now = m_clock->nowSeconds();
    const qint64 nowWhole = wholeSeconds(now);
    // A row that has expired but was not purged yet is replaced by a new session.
    const QString sql
        = QStringLiteral("INSERT INTO provider_session (ps_id, ps_user, ps_created, ps_expires, ps_data) "
                         "VALUES (?, ?, ?, ?, ?)"
                         " ON CONFLICT (ps_id) DO UPDATE SET"
                         " ps_user = excluded.ps_user,"
                         " ps_created = CASE WHEN provider_session.ps_expires <= ? THEN excluded.ps_created"
                         " ELSE provider_session.ps_created END,"
                         " ps_elevated_until = CASE WHEN provider_session.ps_expires <= ? THEN 0"
                         " ELSE provider_session.ps_elevated_until END,"
                         " ps_expires = excluded.ps_expires,"
                         " ps_data = excluded.ps_data");
    QSqlQuery query(m_db->database());
    if (!ProviderDatabase::run(
            query, sql,
            {storedId(id), sessionUser(data), nowWhole, expiryFrom(now), text, nowWhole, nowWhole}))
        return ProviderDatabase::sqlError(QStringLiteral("The session could not be saved in the database."),
                                          query.lastError());
    return {};
}

Result<void> DatabaseSessionStore::remove(const QByteArray &id)
{
    if (id.isEmpty())
        return {};
    QSqlQuery query(m_db->database());
    if (!ProviderDatabase::run(query, QStringLiteral("DELETE FROM provider_session WHERE ps_id = ?"),
                               {storedId(id)}))
        return ProviderDatabase::sqlError(
            QStringLiteral("The session could not be deleted from the database."), query.lastError());
    return {};
}

Result<int> DatabaseSessionStore::purgeExpired()
{
    QSqlQuery query(m_db->database());
    if (!ProviderDatabase::run(query, QStringLiteral("DELETE FROM provider_session WHERE ps_expires <= ?"),
                               {wholeSeconds(m_clock->nowSeconds())}))
        return ProviderDatabase::sqlError(QStringLiteral("The expired sessions could not be deleted."),
                                          query.lastError());
    return query.numRowsAffected();
}

} // namespace mwauth::provider
