#include "TraceStore.h"

#include "trace/ExchangeRedaction.h"

#include <QAtomicInt>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace mwauth::trace {

namespace {

Error dbError(const QString &what, const QSqlError &error)
{
    return Error(ErrorCode::Database, QStringLiteral("trace store: %1 failed").arg(what), error.text());
}

QByteArray headersToJson(const HeaderList &headers)
{
    QJsonArray array;
    for (const auto &header : headers)
        array.append(QJsonArray {QString::fromLatin1(header.first), QString::fromUtf8(header.second)});
    return QJsonDocument(array).toJson(QJsonDocument::Compact);
}

HeaderList headersFromJson(const QByteArray &json)
{
    HeaderList headers;
    for (const QJsonValue &pair : QJsonDocument::fromJson(json).array())
        headers.append({pair[0].toString().toLatin1(), pair[1].toString().toUtf8()});
    return headers;
}

} // namespace

TraceStore::TraceStore(QString connection)
    : m_connection(std::move(connection))
{ }

TraceStore::~TraceStore()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

Result<std::unique_ptr<TraceStore>> TraceStore::open(const QString &path)
{
    static QAtomicInt counter;
    const QString name = QStringLiteral("mwauth-trace-store-%1").arg(counter.fetchAndAddRelaxed(1));
    std::unique_ptr<TraceStore> store(new TraceStore(name));
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    db.setDatabaseName(path);
    if (!db.open())
        return dbError(QStringLiteral("opening %1").arg(path), db.lastError());
    QSqlQuery query(db);
    const QStringList schema {
        QStringLiteral("PRAGMA foreign_keys = ON"),
        QStringLiteral(
            "CREATE TABLE IF NOT EXISTS traces (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL, "
            "saved_at TEXT NOT NULL)"),
        QStringLiteral(
            "CREATE TABLE IF NOT EXISTS exchanges (trace_id INTEGER NOT NULL REFERENCES traces(id) ON "
            "DELETE CASCADE, seq INTEGER NOT NULL, step TEXT, method TEXT, url TEXT, status INTEGER, "
            "started_at TEXT, wait_ms INTEGER, total_ms INTEGER, request_headers TEXT, request_body BLOB, "
            "response_headers TEXT, response_body BLOB, error TEXT, note TEXT, PRIMARY KEY (trace_id, seq))"),
    };
    for (const QString &statement : schema) {
        if (!query.exec(statement))
            return dbError(QStringLiteral("creating the tables"), query.lastError());
    }
    return store;
}

Result<qint64> TraceStore::save(const Trace &trace, const QString &title, const QDateTime &savedAt)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    if (!db.transaction())
        return dbError(QStringLiteral("saving"), db.lastError());
    QSqlQuery query(db);
    query.prepare(QStringLiteral("INSERT INTO traces (title, saved_at) VALUES (?, ?)"));
    query.addBindValue(title);
    query.addBindValue(savedAt.toUTC().toString(Qt::ISODateWithMs));
    if (!query.exec()) {
        db.rollback();
        return dbError(QStringLiteral("saving"), query.lastError());
    }
    const qint64 id = query.lastInsertId().toLongLong();
    query.prepare(
        QStringLiteral("INSERT INTO exchanges VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    for (const Exchange &raw : trace.exchanges()) {
        const Exchange e = redactedExchange(raw, trace.redactor());
        const QVariantList values {id,
                                   e.id,
                                   e.step,
                                   QString::fromLatin1(e.method),
                                   e.url.toString(QUrl::FullyEncoded),
                                   e.status,
                                   e.startedAt.toUTC().toString(Qt::ISODateWithMs),
                                   e.waitMs,
                                   e.totalMs,
                                   QString::fromUtf8(headersToJson(e.requestHeaders)),
                                   e.requestBody,
                                   QString::fromUtf8(headersToJson(e.responseHeaders)),
                                   e.responseBody,
                                   e.error,
                                   e.note};
        for (const QVariant &value : values)
            query.addBindValue(value);
        if (!query.exec()) {
            db.rollback();
            return dbError(QStringLiteral("saving"), query.lastError());
        }
    }
    if (!db.commit())
        return dbError(QStringLiteral("saving"), db.lastError());
    return id;
}

Result<QList<TraceStore::Summary>> TraceStore::list() const
{
    QSqlQuery query(QSqlDatabase::database(m_connection));
    if (!query.exec(
            QStringLiteral("SELECT t.id, t.title, t.saved_at, (SELECT COUNT(*) FROM exchanges e WHERE "
                           "e.trace_id = t.id) FROM traces t ORDER BY t.id")))
        return dbError(QStringLiteral("listing"), query.lastError());
    QList<Summary> out;
    while (query.next())
        out.append({query.value(0).toLongLong(), query.value(1).toString(),
                    QDateTime::fromString(query.value(2).toString(), Qt::ISODateWithMs),
                    query.value(3).toInt()});
    return out;
}

Result<void> TraceStore::load(qint64 id, Trace &into) const
{
    QSqlQuery query(QSqlDatabase::database(m_connection));
    query.prepare(QStringLiteral("SELECT COUNT(*) FROM traces WHERE id = ?"));
    query.addBindValue(id);
    if (!query.exec() || !query.next())
        return dbError(QStringLiteral("loading"), query.lastError());
    if (query.value(0).toInt() == 0)
        return fail(ErrorCode::NotFound, QStringLiteral("no saved trace %1").arg(id));
    query.prepare(
        QStringLiteral("SELECT step, method, url, status, started_at, wait_ms, total_ms, request_headers, "
                       "request_body, response_headers, response_body, error, note FROM exchanges WHERE "
                       "trace_id = ? ORDER BY seq"));
    query.addBindValue(id);
    if (!query.exec())
        return dbError(QStringLiteral("loading"), query.lastError());
    while (query.next()) {
        Exchange e;
        e.step = query.value(0).toString();
        e.method = query.value(1).toString().toLatin1();
        e.url = QUrl::fromEncoded(query.value(2).toString().toLatin1());
        e.status = query.value(3).toInt();
        e.startedAt = QDateTime::fromString(query.value(4).toString(), Qt::ISODateWithMs);
        e.waitMs = query.value(5).toLongLong();
        e.totalMs = query.value(6).toLongLong();
        e.requestHeaders = headersFromJson(query.value(7).toString().toUtf8());
        e.requestBody = query.value(8).toByteArray();
        e.responseHeaders = headersFromJson(query.value(9).toString().toUtf8());
        e.responseBody = query.value(10).toByteArray();
        e.error = query.value(11).toString();
        e.note = query.value(12).toString();
        into.append(e);
    }
    return {};
}

Result<QList<TraceStore::Hit>> TraceStore::search(const QString &text) const
{
    if (text.trimmed().isEmpty())
        return fail(ErrorCode::InvalidInput, QStringLiteral("nothing to search for"));
    QString pattern = text;
    pattern.replace(u'\\', QStringLiteral("\\\\"))
        .replace(u'%', QStringLiteral("\\%"))
        .replace(u'_', QStringLiteral("\\_"));
    pattern = u'%' + pattern + u'%';
    QSqlQuery query(QSqlDatabase::database(m_connection));
    query.prepare(QStringLiteral("SELECT trace_id, seq, step, method, url, status FROM exchanges WHERE url "
                                 "LIKE :p ESCAPE '\\' OR step LIKE :p "
                                 "ESCAPE '\\' OR request_headers LIKE :p ESCAPE '\\' OR CAST(request_body AS "
                                 "TEXT) LIKE :p ESCAPE '\\' OR "
                                 "response_headers LIKE :p ESCAPE '\\' OR CAST(response_body AS TEXT) LIKE "
                                 ":p ESCAPE '\\' OR error LIKE :p "
                                 "ESCAPE '\\' OR note LIKE :p ESCAPE '\\' ORDER BY trace_id, seq"));
    query.bindValue(QStringLiteral(":p"), pattern);
    if (!query.exec())
        return dbError(QStringLiteral("searching"), query.lastError());
    QList<Hit> hits;
    while (query.next())
        hits.append({query.value(0).toLongLong(), query.value(1).toInt(), query.value(2).toString(),
                     query.value(3).toString().toLatin1(), query.value(4).toString(),
                     query.value(5).toInt()});
    return hits;
}

Result<void> TraceStore::remove(qint64 id)
{
    QSqlQuery query(QSqlDatabase::database(m_connection));
    query.prepare(QStringLiteral("DELETE FROM traces WHERE id = ?"));
    query.addBindValue(id);
    if (!query.exec())
        return dbError(QStringLiteral("removing"), query.lastError());
    if (query.numRowsAffected() == 0)
        return fail(ErrorCode::NotFound, QStringLiteral("no saved trace %1").arg(id));
    return {};
}

} // namespace mwauth::trace
