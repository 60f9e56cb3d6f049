#pragma once

#include "trace/Trace.h"

#include "common/Result.h"

#include <QDateTime>
#include <QList>
#include <QString>

namespace mwauth::trace {

// Saved traces in SQLite, searchable. What is stored is redacted (redactedExchange with the
// trace's Redactor): the database never holds a secret value (STYLE.md "Secrets"), so a
// loaded trace shows the masks.
//
// Tables: traces(id, title, saved_at), exchanges(trace_id, seq, step, method, url, status,
// started_at, wait_ms, total_ms, request_headers, request_body, response_headers,
// response_body, error, note); headers as JSON arrays of [name, value].
class TraceStore
{
public:
    struct Summary
    {
        qint64 id = 0;
        QString title;
        QDateTime savedAt;
        int exchanges = 0;
    };
    struct Hit
    {
        qint64 traceId = 0;
        int exchange = 0; // seq, 1-based as in the Trace
        QString step;
        QByteArray method;
        QString url;
        int status = 0;
    };

    // Opens (creating) the database file; Database on failure. Each store has its own
    // connection (named after `this`), closed by the destructor.
    static Result<std::unique_ptr<TraceStore>> open(const QString &path);
    ~TraceStore();
    TraceStore(const TraceStore &) = delete;
    TraceStore &operator=(const TraceStore &) = delete;

    Result<qint64> save(const Trace &trace, const QString &title, const QDateTime &savedAt);
    Result<QList<Summary>> list() const;
    // Appends the saved exchanges to `into` (which should be empty). NotFound for an unknown id.
    Result<void> load(qint64 id, Trace &into) const;
    // Exchanges whose URL, step, headers, bodies, error or note contain `text`
    // (case-insensitive for ASCII); InvalidInput for empty text.
    Result<QList<Hit>> search(const QString &text) const;
    Result<void> remove(qint64 id);

private:
    explicit TraceStore(QString connection);
    QString m_connection;
};

} // namespace mwauth::trace
