#include "ProviderDatabase.h"

#include "common/Logging.h"

#include <QAtomicInteger>
#include <QFile>
#include <QLoggingCategory>
#include <QSqlQuery>
#include <QUrl>
#include <QUrlQuery>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#ifdef MWAUTH_HAVE_SQLITE3_API
#include <QSqlDriver>
#include <chrono>
#include <sqlite3.h>
#include <thread>
#endif

namespace mwauth::provider {

namespace {

#ifdef MWAUTH_HAVE_SQLITE3_API
// SQLite's default busy handler sleeps 1, 2, 5, 10 ms ... while another connection holds the
// write lock. The provider's serving threads each have a connection and every token is an
// INSERT that holds the lock for some microseconds, so those sleeps cost far more than the
// wait: this handler yields, then sleeps 50 us at a time, and gives up after 5 s (SQLITE_BUSY,
// as the busy timeout would).
int shortBusyWait(void *, int count)
{
    using namespace std::chrono;
    thread_local steady_clock::time_point since;
    if (count == 0)
        since = steady_clock::now();
    if (steady_clock::now() - since > seconds(5))
        return 0;
    if (count < 8)
        std::this_thread::yield();
    else
        std::this_thread::sleep_for(microseconds(50));
    return 1;
}

void installShortBusyWait(QSqlDatabase &db)
{
    const QVariant handle = db.driver()->handle();
    if (handle.isValid() && qstrcmp(handle.typeName(), "sqlite3*") == 0) {
        if (sqlite3 *connection = *static_cast<sqlite3 *const *>(handle.constData()))
            sqlite3_busy_handler(connection, &shortBusyWait, nullptr);
    }
}
#endif

QString nextConnectionName()
{
    static QAtomicInteger<quint64> counter;
    return QStringLiteral("mwauth-provider-db-%1").arg(counter.fetchAndAddRelaxed(1) + 1);
}

// Creates `path` with mode 0600 if it does not exist yet, so SQLite (which creates its
// journal files with the database file's mode) never makes a world-readable file.
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
                QStringLiteral("The database file '%1' could not be created: %2.")
                    .arg(path, QString::fromLocal8Bit(std::strerror(errno))));
}

struct Target
{
    QString driver;
    SqlDialect dialect = SqlDialect::Sqlite;
    QString sqliteFile; // empty for PostgreSQL
    QUrl url; // PostgreSQL only
};

Result<Target> parseLocation(const QString &location)
{
    Target target;
    if (location.isEmpty())
        return fail(ErrorCode::InvalidInput, QStringLiteral("No database location was given."));
    if (location.startsWith(QLatin1StringView("postgresql://"))
        || location.startsWith(QLatin1StringView("postgres://"))) {
        const QUrl url(location, QUrl::StrictMode);
        const QString name = url.path().mid(1);
        if (!url.isValid() || url.host().isEmpty() || name.isEmpty() || name.contains(QLatin1Char('/')))
            return fail(ErrorCode::MalformedUrl,
                        QStringLiteral("The PostgreSQL location must look like "
                                       "postgresql://user@host:port/dbname."),
                        url.toString(QUrl::RemovePassword));
        target.driver = QStringLiteral("QPSQL");
        target.dialect = SqlDialect::Postgres;
        target.url = url;
        return target;
    }
    target.driver = QStringLiteral("QSQLITE");
    target.sqliteFile = location.startsWith(QLatin1StringView("sqlite:")) ? location.mid(7) : location;
    if (target.sqliteFile.isEmpty())
        return fail(ErrorCode::InvalidInput, QStringLiteral("The SQLite location names no file."));
    return target;
}

} // namespace

ProviderDatabase::ProviderDatabase(QSqlDatabase db, QString connectionName, SqlDialect dialect)
    : m_db(std::move(db))
    , m_connectionName(std::move(connectionName))
    , m_dialect(dialect)
{ }

struct ProviderDatabase::CachedStatement
{
    std::unique_ptr<QSqlQuery> query; // prepared, forward-only
    bool busy = false; // lent to a live Statement
};

ProviderDatabase::Statement::Statement(CachedStatement *cached, std::unique_ptr<QSqlQuery> owned, bool ok)
    : m_cached(cached)
    , m_owned(std::move(owned))
    , m_query(cached ? cached->query.get() : m_owned.get())
    , m_ok(ok)
{ }

ProviderDatabase::Statement::~Statement()
{
    m_query->finish();
    if (m_cached)
        m_cached->busy = false;
}

ProviderDatabase::Statement ProviderDatabase::exec(const QString &sql, const QVariantList &values)
{
    const auto bindAndExec = [&values](QSqlQuery &query) {
        for (qsizetype i = 0; i < values.size(); ++i)
            query.bindValue(int(i), values.at(i));
        return query.exec();
    };
    auto found = m_statements.find(sql);
    if (found == m_statements.end() || found->second->busy) {
        auto query = std::make_unique<QSqlQuery>(m_db);
        query->setForwardOnly(true);
        if (!query->prepare(sql)) // not kept: the error goes to the caller
            return Statement(nullptr, std::move(query), false);
        if (found != m_statements.end()) {
            // Nested use of the same text: a one-off statement, as run() would make.
            const bool ok = bindAndExec(*query);
            return Statement(nullptr, std::move(query), ok);
        }
        if (m_statements.size() >= MaxCachedStatements)
            clearStatementCache();
        auto entry = std::make_unique<CachedStatement>();
        entry->query = std::move(query);
        found = m_statements.emplace(sql, std::move(entry)).first;
    }
    CachedStatement *cached = found->second.get();
    cached->busy = true;
    const bool ok = bindAndExec(*cached->query);
    return Statement(cached, nullptr, ok);
}

void ProviderDatabase::clearStatementCache()
{
    // A lent entry is kept (its Statement points at it); the idle ones go.
    for (auto it = m_statements.begin(); it != m_statements.end();) {
        if (it->second->busy)
            ++it;
        else
            it = m_statements.erase(it);
    }
}

ProviderDatabase::~ProviderDatabase()
{
    m_statements.clear();
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
}

bool ProviderDatabase::run(QSqlQuery &query, const QString &sql, const QVariantList &values)
{
    if (!query.prepare(sql))
        return false;
    for (const QVariant &value : values)
        query.addBindValue(value);
    return query.exec();
}

Error ProviderDatabase::sqlError(const QString &what, const QSqlError &error)
{
    return fail(ErrorCode::Database, what, error.text());
}

Result<std::unique_ptr<ProviderDatabase>> ProviderDatabase::open(const QString &location)
{
    return open(location, Migrations::standard());
}

Result<std::unique_ptr<ProviderDatabase>> ProviderDatabase::open(const QString &location,
                                                                 const Migrations &migrations)
{
    const Result<Target> target = parseLocation(location);
    if (!target)
        return target.error();
    if (!QSqlDatabase::isDriverAvailable(target->driver))
        return fail(ErrorCode::Io,
                    QStringLiteral("Qt's %1 database driver is not installed (Debian: %2).")
                        .arg(target->driver,
                             target->dialect == SqlDialect::Postgres ? QStringLiteral("libqt6sql6-psql")
                                                                     : QStringLiteral("libqt6sql6-sqlite")));

    if (target->dialect == SqlDialect::Sqlite && target->sqliteFile != QLatin1StringView(":memory:")) {
        const Result<void> created = createPrivateFile(target->sqliteFile);
        if (!created)
            return created.error();
    }

    const QString name = nextConnectionName();
    // The instance owns the connection from here on: its destructor removes it.
    std::unique_ptr<ProviderDatabase> self(
        new ProviderDatabase(QSqlDatabase::addDatabase(target->driver, name), name, target->dialect));
    QSqlDatabase &db = self->m_db;
    QString shownLocation;
    if (target->dialect == SqlDialect::Sqlite) {
        db.setDatabaseName(target->sqliteFile);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        shownLocation = target->sqliteFile;
    } else {
        const QUrl &url = target->url;
        db.setHostName(url.host());
        db.setPort(url.port(5432));
        db.setDatabaseName(url.path().mid(1));
        db.setUserName(url.userName());
        db.setPassword(url.password());
        QStringList options;
        const auto items = QUrlQuery(url).queryItems(QUrl::FullyDecoded);
        for (const auto &[key, value] : items)
            options << key + QLatin1Char('=') + value;
        db.setConnectOptions(options.join(QLatin1Char(';')));
        shownLocation = url.toString(QUrl::RemovePassword);
    }
    if (!db.open())
        return fail(ErrorCode::Database,
                    QStringLiteral("The provider database '%1' could not be opened.").arg(shownLocation),
                    db.lastError().text());

    if (target->dialect == SqlDialect::Sqlite) {
        QSqlQuery pragma(db);
        if (!pragma.exec(QStringLiteral("PRAGMA foreign_keys = ON")))
            return sqlError(QStringLiteral("Foreign keys could not be switched on."), pragma.lastError());
        if (target->sqliteFile != QLatin1StringView(":memory:")) {
            // Several connections (the provider's serving threads, the CLI) share a file:
            // with a write-ahead log readers never wait for the writer and the writer never
            // waits for readers; writers queue on the busy timeout set above. NORMAL sync is
            // safe with WAL (a crash cannot corrupt the file; a power cut may lose the last
            // commits) and spares an fsync per commit, that is per token issued.
            if (!pragma.exec(QStringLiteral("PRAGMA journal_mode = WAL")) || !pragma.next())
                return sqlError(QStringLiteral("The database's write-ahead log could not be switched on."),
                                pragma.lastError());
            if (pragma.value(0).toString().compare(QLatin1StringView("wal"), Qt::CaseInsensitive) != 0)
                qCWarning(log::providerServer).noquote()
                    << "The provider database" << target->sqliteFile << "keeps journal mode"
                    << pragma.value(0).toString() << "(no write-ahead log): serving threads will wait more";
            pragma.finish();
            if (!pragma.exec(QStringLiteral("PRAGMA synchronous = NORMAL")))
                return sqlError(QStringLiteral("The database's sync mode could not be set."),
                                pragma.lastError());
            // Reads through a shared memory map instead of a read() per page, and fewer,
            // larger checkpoints (each one syncs): both cut the cost of a token's INSERT.
            // Best effort: a SQLite without them works as before.
            pragma.exec(QStringLiteral("PRAGMA mmap_size = 268435456"));
            pragma.finish();
            pragma.exec(QStringLiteral("PRAGMA wal_autocheckpoint = 4000"));
            pragma.finish();
#ifdef MWAUTH_HAVE_SQLITE3_API
            installShortBusyWait(db);
#endif
        }
    }

    const Result<int> version = migrations.apply(db, target->dialect);
    if (!version)
        return version.error().prefixed(shownLocation);
    self->m_schemaVersion = *version;
    return self;
}

} // namespace mwauth::provider
