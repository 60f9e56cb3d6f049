#include "provider/db/ProviderDatabase.h"

#include <QFileInfo>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace mwauth;
using namespace mwauth::provider;

namespace {

Migration step(int version, QStringList statements)
{
    Migration m;
    m.version = version;
    m.description = QStringLiteral("test step %1").arg(version);
    m.statements = std::move(statements);
    return m;
}

int countRows(QSqlDatabase &db, const QString &table)
{
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("SELECT COUNT(*) FROM ") + table) || !query.next())
        return -1;
    return query.value(0).toInt();
}

} // namespace

class TestProviderDatabase : public QObject
{
    Q_OBJECT

private slots:
    void migratesEmptyToLatest_data();
    void migratesEmptyToLatest();
    void reopenAtLatestIsNoOp();
    void futureVersionRefused();
    void brokenMigrationRollsBack();
    void misnumberedListRefused();
    void fileCreatedPrivate();
    void connectionsAreIndependent();
    void cachedStatementsSeeOtherConnections();
    void cachedStatementsNest();
    void failedPrepareIsReportedAndNotKept();
    void badLocations_data();
    void badLocations();
    void placeholdersPerDialect_data();
    void placeholdersPerDialect();

private:
    QTemporaryDir m_dir;
};

void TestProviderDatabase::migratesEmptyToLatest_data()
{
    QTest::addColumn<QString>("table");
    for (const char *table :
         {"schema_version", "user", "user_groups", "oathauth_devices", "provider_session", "throttle",
          "audit_log", "oathauth_used_step", "oauth_registered_consumer", "oauth_accepted_consumer",
          "oauth2_access_tokens", "oauth_cache", "signing_key"})
        QTest::newRow(table) << QString::fromLatin1(table);
}

void TestProviderDatabase::migratesEmptyToLatest()
{
    QFETCH(QString, table);
    auto db = ProviderDatabase::open(QStringLiteral(":memory:"));
    QVERIFY2(db.ok(), qPrintable(db.error().toString()));
    QCOMPARE((*db)->schemaVersion(), Migrations::standard().latestVersion());
    QVERIFY(Migrations::standard().latestVersion() >= 1);
    QVERIFY2((*db)->database().tables().contains(table), qPrintable((*db)->database().tables().join(u',')));
    QCOMPARE(countRows((*db)->database(), QStringLiteral("schema_version")),
             Migrations::standard().latestVersion());
}

void TestProviderDatabase::reopenAtLatestIsNoOp()
{
    const QString path = m_dir.filePath(QStringLiteral("reopen.sqlite"));
    {
        auto db = ProviderDatabase::open(path);
        QVERIFY2(db.ok(), qPrintable(db.error().toString()));
        QSqlQuery insert((*db)->database());
        QVERIFY(insert.exec(QStringLiteral("INSERT INTO throttle (th_key, th_count, th_window_start)"
                                           " VALUES ('login:Alice', 3, 1700000000)")));
    }
    auto db = ProviderDatabase::open(path);
    QVERIFY2(db.ok(), qPrintable(db.error().toString()));
    QCOMPARE((*db)->schemaVersion(), Migrations::standard().latestVersion());
    QCOMPARE(countRows((*db)->database(), QStringLiteral("schema_version")),
             Migrations::standard().latestVersion());
    QSqlQuery select((*db)->database());
    QVERIFY(select.exec(QStringLiteral("SELECT th_count FROM throttle WHERE th_key = 'login:Alice'")));
    QVERIFY(select.next());
    QCOMPARE(select.value(0).toInt(), 3);
}

void TestProviderDatabase::futureVersionRefused()
{
    const QString path = m_dir.filePath(QStringLiteral("future.sqlite"));
    const Migrations newer({step(1, {QStringLiteral("CREATE TABLE a (x INTEGER)")}),
                            step(2, {QStringLiteral("CREATE TABLE b (x INTEGER)")})});
    {
        auto db = ProviderDatabase::open(path, newer);
        QVERIFY2(db.ok(), qPrintable(db.error().toString()));
        QCOMPARE((*db)->schemaVersion(), 2);
    }
    const Migrations older({step(1, {QStringLiteral("CREATE TABLE a (x INTEGER)")})});
    auto refused = ProviderDatabase::open(path, older);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code(), ErrorCode::InvalidInput);
    const QString message = refused.error().message();
    QVERIFY2(
        message.contains(QLatin1StringView("schema version 2, newer than the latest this program knows (1)")),
        qPrintable(message));
    QVERIFY2(message.contains(path), qPrintable(message));

    // Nothing was changed: the newer program still opens it.
    auto again = ProviderDatabase::open(path, newer);
    QVERIFY2(again.ok(), qPrintable(again.error().toString()));
    QCOMPARE(countRows((*again)->database(), QStringLiteral("schema_version")), 2);
}

void TestProviderDatabase::brokenMigrationRollsBack()
{
    const QString path = m_dir.filePath(QStringLiteral("broken.sqlite"));
    const Migration good = step(1, {QStringLiteral("CREATE TABLE a (x INTEGER)")});
    const Migration broken
        = step(2,
               {QStringLiteral("CREATE TABLE b (x INTEGER)"), QStringLiteral("INSERT INTO b (x) VALUES (1)"),
                QStringLiteral("INSERT INTO no_such_table (x) VALUES (1)")});
    auto failed = ProviderDatabase::open(path, Migrations({good, broken}));
    QVERIFY(!failed.ok());
    QCOMPARE(failed.error().code(), ErrorCode::Database);
    const QString message = failed.error().message();
    QVERIFY2(message.contains(
                 QLatin1StringView("migration to version 2 (test step 2) failed and was rolled back")),
             qPrintable(message));
    QVERIFY2(message.contains(QLatin1StringView("stays at version 1")), qPrintable(message));
    QVERIFY2(failed.error().detail().contains(QLatin1StringView("no_such_table")),
             qPrintable(failed.error().detail()));

    // Version 1 stayed, version 2 left nothing behind.
    auto db = ProviderDatabase::open(path, Migrations({good}));
    QVERIFY2(db.ok(), qPrintable(db.error().toString()));
    QCOMPARE((*db)->schemaVersion(), 1);
    QVERIFY((*db)->database().tables().contains(QStringLiteral("a")));
    QVERIFY(!(*db)->database().tables().contains(QStringLiteral("b")));
    QCOMPARE(countRows((*db)->database(), QStringLiteral("schema_version")), 1);
}

void TestProviderDatabase::misnumberedListRefused()
{
    const Migrations gap({step(1, {QStringLiteral("CREATE TABLE a (x INTEGER)")}),
                          step(3, {QStringLiteral("CREATE TABLE b (x INTEGER)")})});
    auto db = ProviderDatabase::open(QStringLiteral(":memory:"), gap);
    QVERIFY(!db.ok());
    QCOMPARE(db.error().code(), ErrorCode::Internal);
    QVERIFY2(db.error().message().contains(QLatin1StringView("entry 2 has version 3")),
             qPrintable(db.error().message()));
}

void TestProviderDatabase::fileCreatedPrivate()
{
    // Even with a permissive umask the file is created 0600.
    const mode_t previous = ::umask(0);
    const QString path = m_dir.filePath(QStringLiteral("private.sqlite"));
    auto db = ProviderDatabase::open(path);
    ::umask(previous);
    QVERIFY2(db.ok(), qPrintable(db.error().toString()));
    const QFileInfo info(path);
    QVERIFY(info.exists());
    QVERIFY(info.size() > 0);
    const QFile::Permissions other = QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup | QFile::ReadOther
        | QFile::WriteOther | QFile::ExeOther | QFile::ExeOwner;
    QCOMPARE(info.permissions() & other, QFile::Permissions());
    QVERIFY(info.permissions().testFlags(QFile::ReadOwner | QFile::WriteOwner));
}

void TestProviderDatabase::connectionsAreIndependent()
{
    const QString path = m_dir.filePath(QStringLiteral("shared.sqlite"));
    auto first = ProviderDatabase::open(path);
    auto second = ProviderDatabase::open(path);
    QVERIFY(first.ok() && second.ok());
    QVERIFY((*first)->connectionName() != (*second)->connectionName());
    QSqlQuery insert((*first)->database());
    QVERIFY(insert.exec(QStringLiteral("INSERT INTO audit_log (al_timestamp, al_actor, al_action)"
                                       " VALUES ('20261123050000', 'Alice', 'login')")));
    QCOMPARE(countRows((*second)->database(), QStringLiteral("audit_log")), 1);
    const QString firstName = (*first)->connectionName();
    first = fail(ErrorCode::Internal, QStringLiteral("closed"));
    QVERIFY(!QSqlDatabase::contains(firstName));
    QCOMPARE(countRows((*second)->database(), QStringLiteral("audit_log")), 1);
}

// A statement exec() keeps prepared still reads what another connection wrote after it was
// prepared: it is finished after each use, so it holds no stale snapshot.
void TestProviderDatabase::cachedStatementsSeeOtherConnections()
{
    const QString path = m_dir.filePath(QStringLiteral("cached.sqlite"));
    auto reader = ProviderDatabase::open(path);
    auto writer = ProviderDatabase::open(path);
    QVERIFY(reader.ok() && writer.ok());
    const QString count = QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE al_actor = ?");
    const auto countFor = [&](const QString &actor) {
        ProviderDatabase::Statement statement = (*reader)->exec(count, {actor});
        return statement.ok() && statement.query().next() ? statement.query().value(0).toInt() : -1;
    };
    QCOMPARE(countFor(QStringLiteral("Bob")), 0);
    for (int round = 1; round <= 3; ++round) {
        ProviderDatabase::Statement insert = (*writer)->exec(
            QStringLiteral("INSERT INTO audit_log (al_timestamp, al_actor, al_action) VALUES (?, ?, ?)"),
            {QStringLiteral("20261123050000"), QStringLiteral("Bob"), QStringLiteral("login")});
        QVERIFY2(insert.ok(), qPrintable(insert.lastError().text()));
        QCOMPARE(countFor(QStringLiteral("Bob")), round); // the same cached statement, new rows
    }
    QCOMPARE(countFor(QStringLiteral("Nobody")), 0); // new values bound, not the old ones
}

// The same SQL text while a statement for it is still alive: the inner call gets a statement
// of its own, and the outer one's rows are intact afterwards.
void TestProviderDatabase::cachedStatementsNest()
{
    auto db = ProviderDatabase::open(QStringLiteral(":memory:"));
    QVERIFY(db.ok());
    for (const char *actor : {"Alice", "Bob", "Carol"}) {
        QVERIFY((*db)
                    ->exec(QStringLiteral("INSERT INTO audit_log (al_timestamp, al_actor, al_action)"
                                          " VALUES ('20261123050000', ?, 'login')"),
                           {QString::fromLatin1(actor)})
                    .ok());
    }
    const QString select
        = QStringLiteral("SELECT al_actor FROM audit_log WHERE al_actor >= ? ORDER BY al_actor");
    ProviderDatabase::Statement outer = (*db)->exec(select, {QStringLiteral("A")});
    QVERIFY(outer.ok());
    QVERIFY(outer.query().next());
    QCOMPARE(outer.query().value(0).toString(), QStringLiteral("Alice"));
    {
        ProviderDatabase::Statement inner = (*db)->exec(select, {QStringLiteral("C")});
        QVERIFY(inner.ok());
        QVERIFY(&inner.query() != &outer.query());
        QVERIFY(inner.query().next());
        QCOMPARE(inner.query().value(0).toString(), QStringLiteral("Carol"));
        QVERIFY(!inner.query().next());
    }
    QVERIFY(outer.query().next());
    QCOMPARE(outer.query().value(0).toString(), QStringLiteral("Bob"));
    QVERIFY(outer.query().next());
    QCOMPARE(outer.query().value(0).toString(), QStringLiteral("Carol"));
}

// A statement that does not prepare says why, and is prepared again next time (so it works
// once the table exists).
void TestProviderDatabase::failedPrepareIsReportedAndNotKept()
{
    auto db = ProviderDatabase::open(QStringLiteral(":memory:"));
    QVERIFY(db.ok());
    const QString sql = QStringLiteral("SELECT note FROM later_table WHERE id = ?");
    {
        ProviderDatabase::Statement missing = (*db)->exec(sql, {1});
        QVERIFY(!missing.ok());
        QVERIFY2(missing.lastError().text().contains(QStringLiteral("later_table")),
                 qPrintable(missing.lastError().text()));
    }
    QSqlQuery create((*db)->database());
    QVERIFY(create.exec(QStringLiteral("CREATE TABLE later_table (id INTEGER PRIMARY KEY, note TEXT)")));
    QVERIFY(create.exec(QStringLiteral("INSERT INTO later_table VALUES (1, 'here')")));
    ProviderDatabase::Statement found = (*db)->exec(sql, {1});
    QVERIFY2(found.ok(), qPrintable(found.lastError().text()));
    QVERIFY(found.query().next());
    QCOMPARE(found.query().value(0).toString(), QStringLiteral("here"));
}

void TestProviderDatabase::badLocations_data()
{
    QTest::addColumn<QString>("location");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QString>("messagePart");

    QTest::newRow("empty") << QString() << ErrorCode::InvalidInput << QStringLiteral("No database location");
    QTest::newRow("sqlite: without a file")
        << QStringLiteral("sqlite:") << ErrorCode::InvalidInput << QStringLiteral("names no file");
    QTest::newRow("postgresql without host") << QStringLiteral("postgresql:///db") << ErrorCode::MalformedUrl
                                             << QStringLiteral("postgresql://user@host:port/dbname");
    QTest::newRow("postgresql without database")
        << QStringLiteral("postgresql://me@127.0.0.1:5432/") << ErrorCode::MalformedUrl
        << QStringLiteral("postgresql://user@host:port/dbname");
    QTest::newRow("directory missing")
        << QStringLiteral("/nonexistent-mwauth-dir/provider.sqlite") << ErrorCode::Io
        << QStringLiteral("could not be created: No such file or directory");
}

void TestProviderDatabase::badLocations()
{
    QFETCH(QString, location);
    QFETCH(ErrorCode, code);
    QFETCH(QString, messagePart);
    auto db = ProviderDatabase::open(location);
    QVERIFY(!db.ok());
    QCOMPARE(db.error().code(), code);
    QVERIFY2(db.error().message().contains(messagePart), qPrintable(db.error().message()));
}

void TestProviderDatabase::placeholdersPerDialect_data()
{
    QTest::addColumn<SqlDialect>("dialect");
    QTest::addColumn<QString>("expected");
    QTest::newRow("sqlite") << SqlDialect::Sqlite
                            << QStringLiteral(
                                   "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, b BLOB)");
    QTest::newRow("postgres") << SqlDialect::Postgres
                              << QStringLiteral("CREATE TABLE t (id BIGINT GENERATED BY DEFAULT AS IDENTITY "
                                                "PRIMARY KEY, b BYTEA)");
}

void TestProviderDatabase::placeholdersPerDialect()
{
    QFETCH(SqlDialect, dialect);
    QFETCH(QString, expected);
    QCOMPARE(Migrations::render(QStringLiteral("CREATE TABLE t (id {serial}, b {blob})"), dialect), expected);
}

QTEST_GUILESS_MAIN(TestProviderDatabase)
#include "TestProviderDatabase.moc"
