#pragma once

#include "common/Result.h"

#include <QSqlDatabase>
#include <QString>

#include <memory>

namespace mwauth::profiles {

// The console's own SQLite database (profiles, consumers, the index of secrets), separate from
// the provider's. Created with mode 0600 and brought to the latest schema on open. It holds
// metadata and keychain references only, never a secret value.
//
// Schema version 1: profile, consumer, secret_index.
class AppDatabase
{
public:
    ~AppDatabase();
    AppDatabase(const AppDatabase &) = delete;
    AppDatabase &operator=(const AppDatabase &) = delete;

    // <QStandardPaths::AppDataLocation>/mwauth.sqlite (the folder is created on open).
    static QString defaultLocation();

    // Opens (creating) the SQLite file at `path` (":memory:" for a private one) and migrates
    // it. Errors: Io (file or folder cannot be made, driver missing), Database (not a SQLite
    // database, a schema newer than this program knows).
    static Result<std::unique_ptr<AppDatabase>> open(const QString &path);

    const QString &connectionName() const { return m_connectionName; }
    QSqlDatabase database() const { return QSqlDatabase::database(m_connectionName, false); }
    const QString &path() const { return m_path; }
    static int schemaVersion();

private:
    AppDatabase(QString connectionName, QString path);

    QString m_connectionName;
    QString m_path;
};

} // namespace mwauth::profiles
