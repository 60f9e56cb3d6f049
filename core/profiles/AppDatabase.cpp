#include "AppDatabase.h"

#include "provider/db/Migrations.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace mwauth::profiles {

namespace {

provider::Migrations appMigrations()
{
    return provider::Migrations({
        {1,
         u"profiles, consumers and the index of secrets"_s,
         {u"CREATE TABLE profile (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, "
          "base_url TEXT NOT NULL DEFAULT '', api_url TEXT NOT NULL DEFAULT '', "
          "rest_url TEXT NOT NULL DEFAULT '', index_url TEXT NOT NULL DEFAULT '', "
          "issuer TEXT NOT NULL DEFAULT '', site_name TEXT NOT NULL DEFAULT '', "
          "generator TEXT NOT NULL DEFAULT '', metadata TEXT NOT NULL DEFAULT '')"_s,
          u"CREATE TABLE consumer (profile_id TEXT NOT NULL REFERENCES profile(id) ON DELETE CASCADE, "
          "client_id TEXT NOT NULL, name TEXT NOT NULL DEFAULT '', oauth_version INTEGER NOT NULL, "
          "confidential INTEGER NOT NULL, owner_only INTEGER NOT NULL, "
          "redirect_uri TEXT NOT NULL DEFAULT '', grants TEXT NOT NULL DEFAULT '[]', "
          "PRIMARY KEY (profile_id, client_id))"_s,
          u"CREATE TABLE secret_index (profile_id TEXT NOT NULL, kind TEXT NOT NULL, "
          "secret_id TEXT NOT NULL, created_at INTEGER NOT NULL, "
          "PRIMARY KEY (profile_id, kind, secret_id))"_s}},
    });
}

QString nextConnectionName()
{
    static QAtomicInteger<quint64> counter;
    return u"mwauth-app-db-%1"_s.arg(counter.fetchAndAddRelaxed(1) + 1);
}

Result<void> createPrivateFile(const QString &path)
{
    const QByteArray native = QFile::encodeName(path);
    const int fd = ::open(native.constData(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd >= 0) {
        ::close(fd);
        return {};
    }
    if (errno == EEXIST)
        return {};
    return fail(ErrorCode::Io,
                u"The app database '%1' could not be created: %2."_s.arg(
                    path, QString::fromLocal8Bit(std::strerror(errno))));
}

} // namespace

AppDatabase::AppDatabase(QString connectionName, QString path)
    : m_connectionName(std::move(connectionName))
    , m_path(std::move(path))
{ }

AppDatabase::~AppDatabase()
{
    {
        QSqlDatabase db = database();
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

QString AppDatabase::defaultLocation()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u"/mwauth.sqlite"_s;
}

int AppDatabase::schemaVersion()
{
    return appMigrations().latestVersion();
}

Result<std::unique_ptr<AppDatabase>> AppDatabase::open(const QString &path)
{
    if (path.isEmpty())
        return fail(ErrorCode::InvalidInput, u"No location was given for the app database."_s);
    if (!QSqlDatabase::isDriverAvailable(u"QSQLITE"_s))
        return fail(ErrorCode::Io,
                    u"Qt's QSQLITE database driver is not installed (Debian: libqt6sql6-sqlite)."_s);
    if (path != u":memory:") {
        const QString folder = QFileInfo(path).absolutePath();
        if (!QDir().mkpath(folder))
            return fail(ErrorCode::Io,
                        u"The folder '%1' for the app database could not be created."_s.arg(folder));
        QFile::setPermissions(folder,
                              QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        if (const Result<void> created = createPrivateFile(path); !created)
            return created.error();
    }
    const QString name = nextConnectionName();
    std::unique_ptr<AppDatabase> self(new AppDatabase(name, path));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        db.setDatabaseName(path);
        db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=5000"_s);
        if (!db.open())
            return fail(ErrorCode::Database, u"The app database '%1' could not be opened."_s.arg(path),
                        db.lastError().text());
        QSqlQuery(db).exec(u"PRAGMA foreign_keys = ON"_s);
        const Result<int> migrated = appMigrations().apply(db, provider::SqlDialect::Sqlite);
        if (!migrated)
            return migrated.error().prefixed(u"The app database '%1': "_s.arg(path));
    }
    return self;
}

} // namespace mwauth::profiles
