// The fixture (a new database per test from TestDatabase), the row helpers, and a session's
// life: overwrite, removal, expiry and its sliding refresh, sharing between stores, users,
// purging and database errors. The values are in TestDatabaseSessionStoreValues.cpp.
#include "TestDatabaseSessionStore.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using namespace mwauth;
using namespace mwauth::provider;
using namespace sessiontest;

namespace sessiontest {

std::optional<Row> storedRow(ProviderDatabase &db, const QString &psId)
{
    QSqlQuery query(db.database());
    query.prepare(QStringLiteral("SELECT ps_user, ps_created, ps_expires, ps_elevated_until, ps_data"
                                 " FROM provider_session WHERE ps_id = ?"));
    query.addBindValue(psId);
    if (!query.exec() || !query.next())
        return std::nullopt;
    return Row {query.value(0), query.value(1).toLongLong(), query.value(2).toLongLong(),
                query.value(3).toLongLong(), query.value(4).toString()};
}

int rowCount(ProviderDatabase &db)
{
    QSqlQuery query(db.database());
    if (!query.exec(QStringLiteral("SELECT COUNT(*) FROM provider_session")) || !query.next())
        return -1;
    return query.value(0).toInt();
}

bool execute(ProviderDatabase &db, const QString &sql, const QVariantList &values)
{
    QSqlQuery query(db.database());
    if (ProviderDatabase::run(query, sql, values))
        return true;
    qWarning("%s: %s", qPrintable(sql), qPrintable(query.lastError().text()));
    return false;
}

bool insertUser(ProviderDatabase &db, qint64 id, const QString &name)
{
    return execute(db,
                   QStringLiteral("INSERT INTO \"user\" (user_id, user_name, user_touched)"
                                  " VALUES (?, ?, '20231114221320')"),
                   {id, name});
}

} // namespace sessiontest

void TestDatabaseSessionStore::initTestCase()
{
    QVERIFY2(m_databases.start(), qPrintable(m_databases.errorString()));
}

void TestDatabaseSessionStore::init()
{
    m_clock.set(Start);
    m_location = m_databases.newLocation();
    QVERIFY(!m_location.isEmpty());
    m_db = TestDatabase::open(m_location);
    QVERIFY(m_db);
    QCOMPARE(m_db->dialect(), TestDatabase::dialect());
}

void TestDatabaseSessionStore::cleanup()
{
    m_db.reset();
}

void TestDatabaseSessionStore::cleanupTestCase()
{
    m_databases.stop();
}

void TestDatabaseSessionStore::overwrite()
{
    DatabaseSessionStore store(*m_db, m_clock);
    SessionData first;
    first.insert(QStringLiteral("wsLoginToken"), QStringLiteral("first"));
    first.insert(QStringLiteral("onlyFirst"), true);
    QVERIFY(store.save(kSessionA, first));
    m_clock.advance(100.5);
    SessionData second;
    second.insert(QStringLiteral("wsLoginToken"), QStringLiteral("second"));
    QVERIFY(store.save(kSessionA, second));

    const auto loaded = store.load(kSessionA);
    QVERIFY(loaded && loaded->has_value());
    QCOMPARE(**loaded, second);
    const std::optional<Row> stored = row(kSessionA);
    QVERIFY(stored);
    QCOMPARE(stored->created, StartWhole); // kept from the first save
    QCOMPARE(stored->expires, StartWhole + 100 + 3600); // floor(Start + 100.5 + 3600)
    QVERIFY(stored->user.isNull());
    QCOMPARE(rowCount(*m_db), 1);
}

void TestDatabaseSessionStore::remove()
{
    DatabaseSessionStore store(*m_db, m_clock);
    QVERIFY(store.save(kSessionA, SessionData {{QStringLiteral("k"), 1}}));
    QVERIFY(store.save(kSessionB, SessionData {{QStringLiteral("k"), 2}}));
    QVERIFY(store.remove(kSessionA));
    const auto gone = store.load(kSessionA);
    QVERIFY(gone && !gone->has_value());
    const auto kept = store.load(kSessionB);
    QVERIFY(kept && kept->has_value());
    QCOMPARE((*kept)->value(QStringLiteral("k")).toInt(), 2);
    // Removing what is not there is not an error.
    QVERIFY(store.remove(kSessionA));
    QVERIFY(store.remove("vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"));
    QCOMPARE(rowCount(*m_db), 1);
}

void TestDatabaseSessionStore::expiry_data()
{
    QTest::addColumn<double>("idle");
    QTest::addColumn<double>("loadAfter"); // seconds after the save
    QTest::addColumn<bool>("live");
    QTest::newRow("MediaWiki default, at once") << 3600.0 << 0.0 << true;
    QTest::newRow("MediaWiki default, a second before") << 3600.0 << 3599.0 << true;
    QTest::newRow("MediaWiki default, 0.1 s before") << 3600.0 << 3599.9 << true;
    QTest::newRow("MediaWiki default, at expiry") << 3600.0 << 3600.0 << false;
    QTest::newRow("MediaWiki default, a day later") << 3600.0 << 86400.0 << false;
    QTest::newRow("short idle, before") << 30.0 << 29.5 << true;
    QTest::newRow("short idle, at expiry") << 30.0 << 30.0 << false;
}

void TestDatabaseSessionStore::expiry()
{
    QFETCH(double, idle);
    QFETCH(double, loadAfter);
    QFETCH(bool, live);
    DatabaseSessionStore store(*m_db, m_clock, idle);
    QCOMPARE(store.idleSeconds(), idle);
    QVERIFY(store.save(kSessionA, SessionData {{QStringLiteral("wsUserName"), QStringLiteral("Alice")}}));
    QCOMPARE(row(kSessionA)->expires, StartWhole + qint64(idle));
    m_clock.advance(loadAfter);
    const auto loaded = store.load(kSessionA);
    QVERIFY(loaded);
    QCOMPARE(loaded->has_value(), live);
    // An expired session's row is deleted by the load that finds it expired.
    QCOMPARE(row(kSessionA).has_value(), live);
}

void TestDatabaseSessionStore::slidingRefresh()
{
    DatabaseSessionStore store(*m_db, m_clock);
    QVERIFY(store.save(kSessionA, SessionData {{QStringLiteral("k"), true}}));
    QCOMPARE(row(kSessionA)->expires, StartWhole + 3600);

    // Within a minute of the last write the expiry stays.
    m_clock.set(Start + 59);
    QVERIFY(store.load(kSessionA)->has_value());
    QCOMPARE(row(kSessionA)->expires, StartWhole + 3600);
    // A minute later it slides to now + idle.
    m_clock.set(Start + 60);
    QVERIFY(store.load(kSessionA)->has_value());
    QCOMPARE(row(kSessionA)->expires, StartWhole + 60 + 3600);
    // So the session lives past its first expiry while it is used...
    m_clock.set(Start + 3659);
    QVERIFY(store.load(kSessionA)->has_value());
    QCOMPARE(row(kSessionA)->expires, StartWhole + 3659 + 3600);
    QCOMPARE(row(kSessionA)->created, StartWhole);
    // ...and ends an idle period after its last use.
    m_clock.set(Start + 3659 + 3600);
    QVERIFY(!store.load(kSessionA)->has_value());
    QVERIFY(!row(kSessionA));
}

void TestDatabaseSessionStore::refreshAtMostOncePerMinute()
{
    QCOMPARE(DatabaseSessionStore::RefreshInterval, 60.0);
    DatabaseSessionStore store(*m_db, m_clock);
    QVERIFY(store.save(kSessionA, SessionData {{QStringLiteral("k"), true}}));
    m_clock.set(Start + 600);
    QVERIFY(store.load(kSessionA)->has_value());
    QCOMPARE(row(kSessionA)->expires, StartWhole + 600 + 3600);
    // Every request in the next 59 seconds leaves the row alone...
    for (int second = 1; second < 60; second += 7) {
        m_clock.set(Start + 600 + second + 0.9);
        QVERIFY(store.load(kSessionA)->has_value());
        QCOMPARE(row(kSessionA)->expires, StartWhole + 600 + 3600);
    }
    // ...the first one a minute later writes.
    m_clock.set(Start + 660);
    QVERIFY(store.load(kSessionA)->has_value());
    QCOMPARE(row(kSessionA)->expires, StartWhole + 660 + 3600);
}

void TestDatabaseSessionStore::savingOverExpiredRowStartsAgain()
{
    DatabaseSessionStore store(*m_db, m_clock);
    QVERIFY(store.save(kSessionA, SessionData {{QStringLiteral("k"), 1}}));
    QVERIFY(execute(*m_db, QStringLiteral("UPDATE provider_session SET ps_elevated_until = ?"),
                    {StartWhole + 300}));
    // Not loaded nor purged after it expired: a save with the same id is a new session.
    m_clock.set(Start + 5000);
    QVERIFY(store.save(kSessionA, SessionData {{QStringLiteral("k"), 2}}));
    std::optional<Row> stored = row(kSessionA);
    QVERIFY(stored);
    QCOMPARE(stored->created, StartWhole + 5000);
    QCOMPARE(stored->expires, StartWhole + 5000 + 3600);
    QCOMPARE(stored->elevatedUntil, qint64(0));
    // A save over a live row keeps what it had.
    QVERIFY(execute(*m_db, QStringLiteral("UPDATE provider_session SET ps_elevated_until = ?"),
                    {StartWhole + 5300}));
    m_clock.set(Start + 5010);
    QVERIFY(store.save(kSessionA, SessionData {{QStringLiteral("k"), 3}}));
    stored = row(kSessionA);
    QCOMPARE(stored->created, StartWhole + 5000);
    QCOMPARE(stored->elevatedUntil, StartWhole + 5300);
}

void TestDatabaseSessionStore::sharedBetweenStores()
{
    // Two provider instances on one database, each with its own connection.
    std::unique_ptr<ProviderDatabase> other = TestDatabase::open(m_location);
    QVERIFY(other);
    DatabaseSessionStore first(*m_db, m_clock);
    DatabaseSessionStore second(*other, m_clock);
    QVERIFY(first.save(kSessionA, SessionData {{QStringLiteral("wsUserName"), QStringLiteral("Alice")}}));
    auto seen = second.load(kSessionA);
    QVERIFY(seen && seen->has_value());
    QCOMPARE((*seen)->value(QStringLiteral("wsUserName")).toString(), QStringLiteral("Alice"));

    QVERIFY(second.save(kSessionA, SessionData {{QStringLiteral("wsUserName"), QStringLiteral("Bob")}}));
    QVERIFY(second.save(kSessionB, SessionData {{QStringLiteral("k"), 1}}));
    seen = first.load(kSessionA);
    QVERIFY(seen && seen->has_value());
    QCOMPARE((*seen)->value(QStringLiteral("wsUserName")).toString(), QStringLiteral("Bob"));
    QVERIFY(first.load(kSessionB)->has_value());

    QVERIFY(first.remove(kSessionA));
    QVERIFY(!second.load(kSessionA)->has_value());
    QVERIFY(second.load(kSessionB)->has_value());
}

void TestDatabaseSessionStore::persistsAcrossReopen()
{
    {
        DatabaseSessionStore store(*m_db, m_clock);
        QVERIFY(store.save(kSessionA, SessionData {{QStringLiteral("wsLoginToken"), QStringLiteral("t")}}));
    }
    m_db.reset();
    m_clock.advance(1800); // the provider restarts half an hour later
    m_db = TestDatabase::open(m_location);
    QVERIFY(m_db);
    DatabaseSessionStore store(*m_db, m_clock);
    const auto loaded = store.load(kSessionA);
    QVERIFY(loaded && loaded->has_value());
    QCOMPARE((*loaded)->value(QStringLiteral("wsLoginToken")).toString(), QStringLiteral("t"));
}

void TestDatabaseSessionStore::deletingUserRemovesSessions()
{
    QVERIFY(insertUser(*m_db, 7, QStringLiteral("Alice")));
    QVERIFY(insertUser(*m_db, 8, QStringLiteral("Bob")));
    DatabaseSessionStore store(*m_db, m_clock);
    QVERIFY(store.save(kSessionA, SessionData {{QStringLiteral("wsUserID"), qint64(7)}}));
    QVERIFY(store.save(kSessionB, SessionData {{QStringLiteral("wsUserID"), qint64(8)}}));
    const QByteArray anonymous = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    QVERIFY(store.save(anonymous, SessionData {{QStringLiteral("wsUserID"), qint64(0)}}));
    QCOMPARE(row(kSessionA)->user.toLongLong(), 7);
    QVERIFY(row(anonymous)->user.isNull());

    QVERIFY(execute(*m_db, QStringLiteral("DELETE FROM \"user\" WHERE user_id = ?"), {qint64(7)}));
    QVERIFY(!store.load(kSessionA)->has_value());
    QVERIFY(store.load(kSessionB)->has_value());
    QVERIFY(store.load(anonymous)->has_value());

    // Logging out (wsUserID gone) detaches the session from the user.
    QVERIFY(store.save(kSessionB, SessionData {{QStringLiteral("wsLoginToken"), QStringLiteral("t")}}));
    QVERIFY(row(kSessionB)->user.isNull());
    QVERIFY(execute(*m_db, QStringLiteral("DELETE FROM \"user\" WHERE user_id = ?"), {qint64(8)}));
    QVERIFY(store.load(kSessionB)->has_value());
}

void TestDatabaseSessionStore::unknownUserRefused()
{
    DatabaseSessionStore store(*m_db, m_clock);
    const Result<void> saved = store.save(kSessionA, SessionData {{QStringLiteral("wsUserID"), qint64(404)}});
    QVERIFY(!saved);
    QCOMPARE(saved.error().code(), ErrorCode::Database);
    QCOMPARE(saved.error().message(), QStringLiteral("The session could not be saved in the database."));
    QVERIFY(!saved.error().detail().isEmpty()); // the driver's foreign key complaint
    QCOMPARE(rowCount(*m_db), 0);
}

void TestDatabaseSessionStore::purgeExpired()
{
    DatabaseSessionStore store(*m_db, m_clock);
    QVERIFY(store.save(kSessionA, SessionData {{QStringLiteral("k"), 1}})); // expires Start + 3600
    m_clock.set(Start + 100);
    QVERIFY(store.save(kSessionB, SessionData {{QStringLiteral("k"), 2}})); // Start + 3700
    m_clock.set(Start + 200);
    const QByteArray third = "cccccccccccccccccccccccccccccccc";
    QVERIFY(store.save(third, SessionData {{QStringLiteral("k"), 3}})); // Start + 3800

    m_clock.set(Start + 3599);
    Result<int> purged = store.purgeExpired();
    QVERIFY(purged);
    QCOMPARE(*purged, 0);
    m_clock.set(Start + 3700);
    purged = store.purgeExpired();
    QVERIFY(purged);
    QCOMPARE(*purged, 2);
    QCOMPARE(rowCount(*m_db), 1);
    QVERIFY(row(third));
    m_clock.set(Start + 3800);
    QCOMPARE(*store.purgeExpired(), 1);
    QCOMPARE(rowCount(*m_db), 0);
}

void TestDatabaseSessionStore::databaseErrors()
{
    DatabaseSessionStore store(*m_db, m_clock);
    QVERIFY(store.save(kSessionA, SessionData {{QStringLiteral("k"), 1}}));
    {
        // Not prepared: PostgreSQL cannot prepare DDL.
        QSqlQuery drop(m_db->database());
        QVERIFY2(drop.exec(QStringLiteral("DROP TABLE provider_session")),
                 qPrintable(drop.lastError().text()));
    }

    const auto loaded = store.load(kSessionA);
    QVERIFY(!loaded);
    QCOMPARE(loaded.error().code(), ErrorCode::Database);
    QCOMPARE(loaded.error().message(), QStringLiteral("A session could not be read from the database."));
    QVERIFY(loaded.error().detail().contains(QStringLiteral("provider_session")));

    const Result<void> saved = store.save(kSessionA, SessionData {{QStringLiteral("k"), 2}});
    QVERIFY(!saved);
    QCOMPARE(saved.error().code(), ErrorCode::Database);
    QCOMPARE(saved.error().message(), QStringLiteral("The session could not be saved in the database."));

    const Result<void> removed = store.remove(kSessionA);
    QVERIFY(!removed);
    QCOMPARE(removed.error().code(), ErrorCode::Database);
    QCOMPARE(removed.error().message(),
             QStringLiteral("The session could not be deleted from the database."));

    const Result<int> purged = store.purgeExpired();
    QVERIFY(!purged);
    QCOMPARE(purged.error().code(), ErrorCode::Database);
    QCOMPARE(purged.error().message(), QStringLiteral("The expired sessions could not be deleted."));

    for (const Error &error : {loaded.error(), saved.error(), removed.error(), purged.error()})
        QVERIFY(!error.toString().contains(QString::fromLatin1(kSessionA)));
}

QTEST_GUILESS_MAIN(TestDatabaseSessionStore)
