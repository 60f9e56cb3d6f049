#include "provider/db/ProviderDatabase.h"
#include "provider/login/ReplayGuard.h"

#include <QRegularExpression>
#include <QSqlQuery>
#include <QTest>
#include <QThread>

#include "TestDatabase.h"

#include <array>
#include <barrier>
#include <limits>
#include <memory>

using namespace mwauth;
using namespace mwauth::provider;

namespace {

// Adds a row to "user" directly (the guard only needs the id) and returns its id, or 0.
qint64 addUser(ProviderDatabase &db, const QString &name)
{
    QSqlQuery insert(db.database());
    insert.prepare(QStringLiteral("INSERT INTO \"user\" (user_name, user_touched) VALUES (?, ?)"));
    insert.addBindValue(name);
    insert.addBindValue(QStringLiteral("20231114221320"));
    if (!insert.exec())
        return 0;
    QSqlQuery select(db.database());
    select.prepare(QStringLiteral("SELECT user_id FROM \"user\" WHERE user_name = ?"));
    select.addBindValue(name);
    if (!select.exec() || !select.next())
        return 0;
    return select.value(0).toLongLong();
}

QList<int> recordedVersions(ProviderDatabase &db)
{
    QList<int> versions;
    QSqlQuery query(db.database());
    if (!query.exec(QStringLiteral("SELECT version FROM schema_version ORDER BY version")))
        return versions;
    while (query.next())
        versions.append(query.value(0).toInt());
    return versions;
}

// A TOTP step of 2023-11-14 (unix time / 30).
constexpr quint64 Step = 56666666;

} // namespace

// Built twice: test_replay_guard runs on SQLite files (and one test on ":memory:"),
// test_replay_guard_postgres (label `provider`) on a throwaway PostgreSQL server, which must
// start or the test fails.
class TestReplayGuard : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();

    void migrationRecorded();
    void upgradeFromVersion1();
    void firstStepStored();
    void advanceRules_data();
    void advanceRules();
    void usersIndependent();
    void sharedAndPersistent();
    void concurrentAdvanceOneWins();
    void stepOutOfRange();
    void unknownUserRefused();
    void deletedUserForgotten();
    void inMemoryDatabase();
    void databaseErrors();

private:
    QString m_location;
    std::unique_ptr<ProviderDatabase> m_db;
    qint64 m_alice = 0;
    qint64 m_bob = 0;
    TestDatabase m_databases {QStringLiteral("replay")};
};

void TestReplayGuard::initTestCase()
{
    QVERIFY2(m_databases.start(), qPrintable(m_databases.errorString()));
}

void TestReplayGuard::init()
{
    m_location = m_databases.newLocation();
    QVERIFY(!m_location.isEmpty());
    m_db = TestDatabase::open(m_location, Migrations::standard());
    QVERIFY(m_db);
    QCOMPARE(m_db->dialect(), TestDatabase::dialect());
    m_alice = addUser(*m_db, QStringLiteral("Alice"));
    m_bob = addUser(*m_db, QStringLiteral("Bob"));
    QVERIFY(m_alice > 0 && m_bob > 0 && m_alice != m_bob);
}

void TestReplayGuard::cleanup()
{
    m_db.reset();
}

void TestReplayGuard::cleanupTestCase()
{
    m_databases.stop();
}

void TestReplayGuard::migrationRecorded()
{
    QVERIFY(Migrations::standard().latestVersion() >= 2);
    QCOMPARE(Migrations::standard().list().at(1).version, 2);
    QCOMPARE(m_db->schemaVersion(), Migrations::standard().latestVersion());
    const QList<int> versions = recordedVersions(*m_db);
    QVERIFY2(versions.size() >= 2 && versions.at(0) == 1 && versions.at(1) == 2,
             qPrintable(QStringLiteral("recorded: %1").arg(versions.size())));
    QVERIFY2(m_db->database().tables().contains(QStringLiteral("oathauth_used_step")),
             qPrintable(m_db->database().tables().join(u',')));
}

void TestReplayGuard::upgradeFromVersion1()
{
    // A database written by a program that knew only version 1 keeps its data and gains the
    // table when the current program opens it.
    const QString location = m_databases.newLocation();
    QVERIFY(!location.isEmpty());
    const Migrations onlyVersion1({Migrations::standard().list().constFirst()});
    qint64 carol = 0;
    {
        std::unique_ptr<ProviderDatabase> old = TestDatabase::open(location, onlyVersion1);
        QVERIFY(old);
        QCOMPARE(old->schemaVersion(), 1);
        QVERIFY(!old->database().tables().contains(QStringLiteral("oathauth_used_step")));
        carol = addUser(*old, QStringLiteral("Carol"));
        QVERIFY(carol > 0);
        QSqlQuery insert(old->database());
        QVERIFY(insert.exec(QStringLiteral("INSERT INTO throttle (th_key, th_count, th_window_start)"
                                           " VALUES ('password:Carol', 3, 1700000000)")));
    }
    std::unique_ptr<ProviderDatabase> current = TestDatabase::open(location, Migrations::standard());
    QVERIFY(current);
    QCOMPARE(current->schemaVersion(), Migrations::standard().latestVersion());
    const QList<int> versions = recordedVersions(*current);
    QCOMPARE(versions.size(), Migrations::standard().latestVersion());
    QCOMPARE(versions.at(1), 2);
    QSqlQuery select(current->database());
    QVERIFY(select.exec(QStringLiteral("SELECT th_count FROM throttle WHERE th_key = 'password:Carol'")));
    QVERIFY(select.next());
    QCOMPARE(select.value(0).toInt(), 3);

    ReplayGuard guard(*current);
    QVERIFY(!guard.lastStep(carol));
    const Result<bool> advanced = guard.advance(carol, Step);
    QVERIFY2(advanced.ok(), qPrintable(advanced.error().toString()));
    QVERIFY(*advanced);
    QCOMPARE(guard.lastStep(carol), std::optional<quint64>(Step));
}

void TestReplayGuard::firstStepStored()
{
    ReplayGuard guard(*m_db);
    QCOMPARE(guard.lastStep(m_alice), std::optional<quint64>());
    const Result<bool> advanced = guard.advance(m_alice, Step);
    QVERIFY2(advanced.ok(), qPrintable(advanced.error().toString()));
    QVERIFY(*advanced);
    QCOMPARE(guard.lastStep(m_alice), std::optional<quint64>(Step));
    // The same code again is a replay.
    const Result<bool> replayed = guard.advance(m_alice, Step);
    QVERIFY(replayed.ok());
    QVERIFY(!*replayed);
}

void TestReplayGuard::advanceRules_data()
{
    QTest::addColumn<qint64>("stored"); // -1: nothing stored
    QTest::addColumn<quint64>("step");
    QTest::addColumn<bool>("advanced");
    QTest::addColumn<quint64>("after");
    QTest::newRow("first step 0") << qint64(-1) << quint64(0) << true << quint64(0);
    QTest::newRow("next step") << qint64(Step) << Step + 1 << true << Step + 1;
    QTest::newRow("several steps later") << qint64(Step) << Step + 4 << true << Step + 4;
    QTest::newRow("same step") << qint64(Step) << Step << false << Step;
    QTest::newRow("older step") << qint64(Step) << Step - 1 << false << Step;
    QTest::newRow("step 0 after one") << qint64(Step) << quint64(0) << false << Step;
    const quint64 max = quint64(std::numeric_limits<qint64>::max());
    QTest::newRow("largest storable") << qint64(Step) << max << true << max;
    QTest::newRow("nothing beyond the largest") << qint64(max) << max << false << max;
}

void TestReplayGuard::advanceRules()
{
    QFETCH(qint64, stored);
    QFETCH(quint64, step);
    QFETCH(bool, advanced);
    QFETCH(quint64, after);
    ReplayGuard guard(*m_db);
    if (stored >= 0) {
        const Result<bool> first = guard.advance(m_alice, quint64(stored));
        QVERIFY2(first.ok() && *first, qPrintable(first.error().toString()));
    }
    const Result<bool> result = guard.advance(m_alice, step);
    QVERIFY2(result.ok(), qPrintable(result.error().toString()));
    QCOMPARE(*result, advanced);
    QCOMPARE(guard.lastStep(m_alice), std::optional<quint64>(after));
}

void TestReplayGuard::usersIndependent()
{
    ReplayGuard guard(*m_db);
    QVERIFY(*guard.advance(m_alice, Step + 10));
    QCOMPARE(guard.lastStep(m_bob), std::optional<quint64>());
    QVERIFY(*guard.advance(m_bob, Step));
    QCOMPARE(guard.lastStep(m_alice), std::optional<quint64>(Step + 10));
    QCOMPARE(guard.lastStep(m_bob), std::optional<quint64>(Step));
}

void TestReplayGuard::sharedAndPersistent()
{
    {
        ReplayGuard guard(*m_db);
        QVERIFY(*guard.advance(m_alice, Step));
    }
    // Another provider instance on the same database refuses the step.
    std::unique_ptr<ProviderDatabase> other = TestDatabase::open(m_location, Migrations::standard());
    QVERIFY(other);
    ReplayGuard otherGuard(*other);
    QCOMPARE(otherGuard.lastStep(m_alice), std::optional<quint64>(Step));
    const Result<bool> replayed = otherGuard.advance(m_alice, Step);
    QVERIFY(replayed.ok());
    QVERIFY(!*replayed);
    QVERIFY(*otherGuard.advance(m_alice, Step + 1));

    // And so does the first instance after a restart.
    m_db.reset();
    m_db = TestDatabase::open(m_location, Migrations::standard());
    QVERIFY(m_db);
    ReplayGuard restarted(*m_db);
    QCOMPARE(restarted.lastStep(m_alice), std::optional<quint64>(Step + 1));
    QVERIFY(!*restarted.advance(m_alice, Step + 1));
}

void TestReplayGuard::concurrentAdvanceOneWins()
{
    // Two provider instances accept the same code at the same moment: for each step exactly
    // one advance() may answer true.
    constexpr int instances = 2;
    constexpr int rounds = 40;
    std::barrier sync(instances);
    std::array<QString, instances> errors;
    std::array<std::array<bool, rounds>, instances> won {};
    std::array<std::unique_ptr<QThread>, instances> threads;
    for (int t = 0; t < instances; ++t) {
        threads[t].reset(QThread::create([&, t] {
            auto db = ProviderDatabase::open(m_location);
            if (!db)
                errors[t] = db.error().toString();
            for (int round = 0; round < rounds; ++round) {
                sync.arrive_and_wait();
                if (!db)
                    continue;
                ReplayGuard guard(**db);
                const Result<bool> result = guard.advance(m_alice, Step + quint64(round));
                if (!result)
                    errors[t] = result.error().toString();
                else
                    won[t][round] = *result;
            }
        }));
        threads[t]->start();
    }
    for (auto &thread : threads)
        QVERIFY(thread->wait(60000));
    for (const QString &error : errors)
        QVERIFY2(error.isEmpty(), qPrintable(error));
    for (int round = 0; round < rounds; ++round)
        QVERIFY2(won[0][round] != won[1][round],
                 qPrintable(QStringLiteral("round %1: %2 winners")
                                .arg(round)
                                .arg(int(won[0][round]) + int(won[1][round]))));
    ReplayGuard guard(*m_db);
    QCOMPARE(guard.lastStep(m_alice), std::optional<quint64>(Step + rounds - 1));
}

void TestReplayGuard::stepOutOfRange()
{
    ReplayGuard guard(*m_db);
    QVERIFY(*guard.advance(m_alice, Step));
    const Result<bool> result = guard.advance(m_alice, quint64(std::numeric_limits<qint64>::max()) + 1);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code(), ErrorCode::InvalidInput);
    QCOMPARE(result.error().message(),
             QStringLiteral("The TOTP time step 9223372036854775808 is too large to be stored."));
    QCOMPARE(guard.lastStep(m_alice), std::optional<quint64>(Step));
}

void TestReplayGuard::unknownUserRefused()
{
    // The row references "user": a step for a user that does not exist is not stored.
    ReplayGuard guard(*m_db);
    const qint64 nobody = m_bob + 1000;
    const Result<bool> result = guard.advance(nobody, Step);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code(), ErrorCode::Database);
    QCOMPARE(result.error().message(),
             QStringLiteral("The used TOTP step of user %1 could not be stored.").arg(nobody));
    QVERIFY(!result.error().detail().isEmpty());
    QCOMPARE(guard.lastStep(nobody), std::optional<quint64>());
}

void TestReplayGuard::deletedUserForgotten()
{
    ReplayGuard guard(*m_db);
    QVERIFY(*guard.advance(m_alice, Step));
    QVERIFY(*guard.advance(m_bob, Step));
    QSqlQuery remove(m_db->database());
    remove.prepare(QStringLiteral("DELETE FROM \"user\" WHERE user_id = ?"));
    remove.addBindValue(m_alice);
    QVERIFY2(remove.exec(), qPrintable(remove.lastError().text()));
    QCOMPARE(guard.lastStep(m_alice), std::optional<quint64>());
    QCOMPARE(guard.lastStep(m_bob), std::optional<quint64>(Step));
}

void TestReplayGuard::inMemoryDatabase()
{
    std::unique_ptr<ProviderDatabase> memory
        = TestDatabase::open(QStringLiteral(":memory:"), Migrations::standard());
    QVERIFY(memory);
    QCOMPARE(memory->schemaVersion(), Migrations::standard().latestVersion());
    const qint64 dave = addUser(*memory, QStringLiteral("Dave"));
    QVERIFY(dave > 0);
    ReplayGuard guard(*memory);
    QVERIFY(*guard.advance(dave, Step));
    QVERIFY(!*guard.advance(dave, Step));
    QVERIFY(!*guard.advance(dave, Step - 1));
    QVERIFY(*guard.advance(dave, Step + 1));
    QCOMPARE(guard.lastStep(dave), std::optional<quint64>(Step + 1));
}

void TestReplayGuard::databaseErrors()
{
    ReplayGuard guard(*m_db);
    QSqlQuery drop(m_db->database());
    QVERIFY2(drop.exec(QStringLiteral("DROP TABLE oathauth_used_step")), qPrintable(drop.lastError().text()));

    const Result<bool> result = guard.advance(m_alice, Step);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code(), ErrorCode::Database);
    QCOMPARE(result.error().message(),
             QStringLiteral("The used TOTP step of user %1 could not be stored.").arg(m_alice));
    QVERIFY2(result.error().detail().contains(QLatin1StringView("oathauth_used_step")),
             qPrintable(result.error().detail()));

    // lastStep() only supplies the verification floor: it logs and answers "none".
    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression(QStringLiteral("^The last used TOTP step of user %1 could not "
                                                           "be read: .*oathauth_used_step")
                                                .arg(m_alice)));
    QCOMPARE(guard.lastStep(m_alice), std::optional<quint64>());
}

QTEST_GUILESS_MAIN(TestReplayGuard)
#include "TestReplayGuard.moc"
