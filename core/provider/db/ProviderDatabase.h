#pragma once

#include "common/Result.h"
#include "provider/db/Migrations.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QVariantList>

#include <cstddef>
#include <map>
#include <memory>

namespace mwauth::provider {

// The provider's own database: SQLite by default, PostgreSQL when several provider
// instances share one (DESIGN.md section 5). Opening it brings the schema up to date.
//
// Locations understood by open():
//   ":memory:"                                   a private in-memory SQLite database
//   "/path/to/provider.sqlite" or "sqlite:/path"   a SQLite file; a new file is created
//                                                with mode 0600 before SQLite opens it
//   "postgresql://user[:password]@host[:port]/dbname[?option=value&...]"
//                                                PostgreSQL through Qt's QPSQL driver
//                                                (options go to the driver's connect options,
//                                                e.g. sslmode=require; "postgres://" works too)
//
// Each instance has its own QSqlDatabase connection with a unique name, so tests and
// threads may open as many as they like. A QSqlDatabase must only be used on the thread
// that opened it: open one ProviderDatabase per thread.
class ProviderDatabase
{
    struct CachedStatement;

public:
    // A statement lent by exec(): the executed query, for as long as the object lives.
    // Its destructor finish()es the query, which resets the statement: SQLite lets go of
    // the read snapshot and locks an unfinished SELECT keeps, PostgreSQL's result is freed.
    // So read the rows before it goes out of scope, and do not keep it across requests.
    class Statement
    {
    public:
        ~Statement();
        Statement(const Statement &) = delete;
        Statement &operator=(const Statement &) = delete;

        // Whether the prepare and the exec succeeded; lastError() says why not.
        bool ok() const { return m_ok; }
        QSqlQuery &query() { return *m_query; }
        QSqlError lastError() const { return m_query->lastError(); }

    private:
        friend class ProviderDatabase;
        Statement(CachedStatement *cached, std::unique_ptr<QSqlQuery> owned, bool ok);

        CachedStatement *m_cached; // null when the statement is not from the cache
        std::unique_ptr<QSqlQuery> m_owned;
        QSqlQuery *m_query;
        bool m_ok;
    };
    friend class Statement;

    ~ProviderDatabase();
    ProviderDatabase(const ProviderDatabase &) = delete;
    ProviderDatabase &operator=(const ProviderDatabase &) = delete;

    static Result<std::unique_ptr<ProviderDatabase>> open(const QString &location);
    // The same with another migration list (tests).
    static Result<std::unique_ptr<ProviderDatabase>> open(const QString &location,
                                                          const Migrations &migrations);

    QSqlDatabase &database() { return m_db; }
    SqlDialect dialect() const { return m_dialect; }
    QString connectionName() const { return m_connectionName; }
    int schemaVersion() const { return m_schemaVersion; }

    // A user-readable error for a failed statement: `what` is the sentence, the driver's
    // text goes to the detail.
    static Error sqlError(const QString &what, const QSqlError &error);
    // Prepares `sql`, binds `values` in order and runs it. A failed prepare (say, a missing
    // table in SQLite) shows in query.lastError() as such, not as the bind mismatch after it.
    static bool run(QSqlQuery &query, const QString &sql, const QVariantList &values);

    // The same as run() for statements that run again and again (the token endpoint's):
    // `sql` is prepared once on this connection and kept, keyed by its text, and each call
    // binds `values` by position and executes it again. The query is forward-only.
    // While a Statement for some SQL text is alive, exec() of the same text prepares a
    // statement of its own, so nested use is safe. Use only constant SQL texts (values go
    // in `values`): each distinct text keeps a prepared statement until the cache holds
    // MaxCachedStatements; then the idle ones are dropped.
    Statement exec(const QString &sql, const QVariantList &values);

    static constexpr std::size_t MaxCachedStatements = 64;

private:
    ProviderDatabase(QSqlDatabase db, QString connectionName, SqlDialect dialect);

    void clearStatementCache();

    QSqlDatabase m_db;
    // Declared after m_db so that it goes first; the destructor also empties it before
    // closing the connection (PostgreSQL's prepared statements are deallocated then).
    std::map<QString, std::unique_ptr<CachedStatement>> m_statements;
    QString m_connectionName;
    SqlDialect m_dialect;
    int m_schemaVersion = 0;
};

} // namespace mwauth::provider
