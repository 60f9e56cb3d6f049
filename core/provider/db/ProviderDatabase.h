#pragma once

#include "common/Result.h"
#include "provider/db/Migrations.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QVariantList>

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
public:
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

private:
    ProviderDatabase(QSqlDatabase db, QString connectionName, SqlDialect dialect);

    QSqlDatabase m_db;
    QString m_connectionName;
    SqlDialect m_dialect;
    int m_schemaVersion = 0;
};

} // namespace mwauth::provider
