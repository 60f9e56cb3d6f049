#include "common/Clock.h"
#include "provider/db/ProviderDatabase.h"
#include "provider/login/LoginThrottle.h"

#include <QRegularExpression>
#include <QSqlQuery>
#include <QTest>
#include <QThread>

#include "TestDatabase.h"

#include <array>
#include <latch>
#include <memory>
#include <optional>

using namespace mwauth;
using namespace mwauth::provider;

namespace {

struct Row
{
    int count = 0;
    qint64 windowStart = 0;
};

std::optional<Row> storedRow(ProviderDatabase &db, const QString &key)
{
    QSqlQuery query(db.database());
    query.prepare(QStringLiteral("SELECT th_count, th_window_start FROM throttle WHERE th_key = ?"));
    query.addBindValue(key);
    if (!query.exec() || !query.next())
        return std::nullopt;
    return Row {query.value(0).toInt(), query.value(1).toLongLong()};
}

} // namespace

// Built twice: test_login_throttle runs on SQLite files (and one test on ":memory:"),
// test_login_throttle_postgres (label `provider`) on a throwaway PostgreSQL server, which must
// start or the test fails.
class TestLoginThrottle : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();

    void limitBoundary_data();
    void limitBoundary();
    void windowExpiry_data();
    void windowExpiry();
    void fixedWindowRestarts();
    void clearForgets();
    void scopesAndKeysAreSeparate();
    void sharedBetweenInstances();
    void persistsAcrossReopen();
    void concurrentFailuresAllCounted();
    void purgeExpired();
    void inMemoryDatabase();
    void databaseErrorsFailClosed();

private:
    // 2023-11-14 22:13:20 UTC
    static constexpr double Start = 1700000000;
    FixedClock m_clock {Start};
    QString m_location;
    std::unique_ptr<ProviderDatabase> m_db;
    TestDatabase m_databases {QStringLiteral("throttle")};
};

void TestLoginThrottle::initTestCase()
{
    QVERIFY2(m_databases.start(), qPrintable(m_databases.errorString()));
}

void TestLoginThrottle::init()
{
    m_clock.set(Start);
    m_location = m_databases.newLocation();
    QVERIFY(!m_location.isEmpty());
    m_db = TestDatabase::open(m_location);
    QVERIFY(m_db);
    QCOMPARE(m_db->dialect(), TestDatabase::dialect());
}

void TestLoginThrottle::cleanup()
{
    m_db.reset();
}

void TestLoginThrottle::cleanupTestCase()
{
    m_databases.stop();
}

void TestLoginThrottle::limitBoundary_data()
{
    QTest::addColumn<int>("limit");
    QTest::addColumn<int>("failures");
    QTest::addColumn<bool>("throttled");
    // $wgPasswordAttemptThrottle: the limit-th failure refuses the next attempt.
    QTest::newRow("password, 4 of 5") << 5 << 4 << false;
    QTest::newRow("password, 5 of 5") << 5 << 5 << true;
    QTest::newRow("password, 6 of 5") << 5 << 6 << true;
    QTest::newRow("badoath, 9 of 10") << 10 << 9 << false;
    QTest::newRow("badoath, 10 of 10") << 10 << 10 << true;
    QTest::newRow("limit 1, none") << 1 << 0 << false;
    QTest::newRow("limit 1, one") << 1 << 1 << true;
}

void TestLoginThrottle::limitBoundary()
{
    QFETCH(int, limit);
    QFETCH(int, failures);
    QFETCH(bool, throttled);
    LoginThrottle throttle(*m_db, QStringLiteral("password"), limit, 300);
    for (int i = 0; i < failures; ++i) {
        QVERIFY2(throttle.isThrottled(QStringLiteral("Alice"), m_clock.nowSeconds()) == (i >= limit),
                 qPrintable(QStringLiteral("wrong answer after %1 failures").arg(i)));
        throttle.recordFailure(QStringLiteral("Alice"), m_clock.nowSeconds());
        m_clock.advance(1.5);
    }
    QCOMPARE(throttle.isThrottled(QStringLiteral("Alice"), m_clock.nowSeconds()), throttled);
    const std::optional<Row> row = storedRow(*m_db, QStringLiteral("password:Alice"));
    QCOMPARE(row.has_value(), failures > 0);
    if (row)
        QCOMPARE(row->count, failures);
}

void TestLoginThrottle::windowExpiry_data()
{
    QTest::addColumn<double>("checkAfter"); // seconds after the first failure
    QTest::addColumn<bool>("throttled");
    QTest::newRow("just after") << 21.0 << true;
    QTest::newRow("one second before the end") << 59.0 << true;
    QTest::newRow("half a second before the end") << 59.5 << true;
    QTest::newRow("at the end") << 60.0 << false;
    QTest::newRow("long after") << 3600.0 << false;
}

void TestLoginThrottle::windowExpiry()
{
    QFETCH(double, checkAfter);
    QFETCH(bool, throttled);
    // OATHAuth's badoath shape with a smaller limit: 3 failures per 60 s.
    LoginThrottle throttle(*m_db, QStringLiteral("badoath"), 3, 60);
    for (double at : {0.0, 10.0, 20.0})
        throttle.recordFailure(QStringLiteral("42"), Start + at);
    QCOMPARE(throttle.isThrottled(QStringLiteral("42"), Start + checkAfter), throttled);
}

void TestLoginThrottle::fixedWindowRestarts()
{
    // The window is the first failure's: failures late in it do not extend it (a sliding
    // window would still count the ones at +50 and +55 at +60).
    LoginThrottle throttle(*m_db, QStringLiteral("badoath"), 3, 60);
    const QString key = QStringLiteral("7");
    for (double at : {0.0, 50.0, 55.0}) {
        m_clock.set(Start + at);
        throttle.recordFailure(key, m_clock.nowSeconds());
    }
    m_clock.set(Start + 56);
    QVERIFY(throttle.isThrottled(key, m_clock.nowSeconds()));
    m_clock.set(Start + 60);
    QVERIFY(!throttle.isThrottled(key, m_clock.nowSeconds()));

    // A failure after the end opens a new window counting from 1.
    m_clock.set(Start + 61);
    throttle.recordFailure(key, m_clock.nowSeconds());
    std::optional<Row> row = storedRow(*m_db, QStringLiteral("badoath:7"));
    QVERIFY(row);
    QCOMPARE(row->count, 1);
    QCOMPARE(row->windowStart, qint64(Start) + 61);
    QVERIFY(!throttle.isThrottled(key, m_clock.nowSeconds()));
    throttle.recordFailure(key, Start + 62);
    QVERIFY(!throttle.isThrottled(key, Start + 62));
    throttle.recordFailure(key, Start + 63);
    QVERIFY(throttle.isThrottled(key, Start + 63));
    QVERIFY(throttle.isThrottled(key, Start + 120));
    QVERIFY(!throttle.isThrottled(key, Start + 121));
    row = storedRow(*m_db, QStringLiteral("badoath:7"));
    QVERIFY(row);
    QCOMPARE(row->count, 3);
    QCOMPARE(row->windowStart, qint64(Start) + 61);
}

void TestLoginThrottle::clearForgets()
{
    LoginThrottle throttle(*m_db, QStringLiteral("password"), 2, 300);
    for (const char *name : {"Alice", "Alice", "Bob", "Bob"})
        throttle.recordFailure(QString::fromLatin1(name), Start);
    QVERIFY(throttle.isThrottled(QStringLiteral("Alice"), Start + 1));
    throttle.clear(QStringLiteral("Alice"));
    QVERIFY(!throttle.isThrottled(QStringLiteral("Alice"), Start + 1));
    QVERIFY(!storedRow(*m_db, QStringLiteral("password:Alice")));
    // Only that key.
    QVERIFY(throttle.isThrottled(QStringLiteral("Bob"), Start + 1));
    // Clearing a key without failures is harmless.
    throttle.clear(QStringLiteral("Carol"));
    QVERIFY(throttle.isThrottled(QStringLiteral("Bob"), Start + 1));
}

void TestLoginThrottle::scopesAndKeysAreSeparate()
{
    LoginThrottle password(*m_db, QStringLiteral("password"), 2, 300);
    LoginThrottle badoath(*m_db, QStringLiteral("badoath"), 2, 60);
    QCOMPARE(password.scope(), QStringLiteral("password"));
    QCOMPARE(password.limit(), 2);
    QCOMPARE(badoath.windowSeconds(), 60.0);
    password.recordFailure(QStringLiteral("1"), Start);
    password.recordFailure(QStringLiteral("1"), Start);
    badoath.recordFailure(QStringLiteral("1"), Start);
    QVERIFY(password.isThrottled(QStringLiteral("1"), Start));
    QVERIFY(!badoath.isThrottled(QStringLiteral("1"), Start));
    QVERIFY(!password.isThrottled(QStringLiteral("2"), Start));
    QCOMPARE(storedRow(*m_db, QStringLiteral("password:1"))->count, 2);
    QCOMPARE(storedRow(*m_db, QStringLiteral("badoath:1"))->count, 1);
    // Keys are stored as given, not normalized: names are canonicalized by the caller.
    QVERIFY(!password.isThrottled(QStringLiteral("1 "), Start));
}

void TestLoginThrottle::sharedBetweenInstances()
{
    // Two provider instances on one database: each has its own connection.
    std::unique_ptr<ProviderDatabase> other = TestDatabase::open(m_location);
    QVERIFY(other);
    LoginThrottle first(*m_db, QStringLiteral("password"), 5, 300);
    LoginThrottle second(*other, QStringLiteral("password"), 5, 300);
    for (int i = 0; i < 5; ++i) {
        QVERIFY(!first.isThrottled(QStringLiteral("Alice"), Start + i));
        QVERIFY(!second.isThrottled(QStringLiteral("Alice"), Start + i));
        (i % 2 ? first : second).recordFailure(QStringLiteral("Alice"), Start + i);
    }
    QVERIFY(first.isThrottled(QStringLiteral("Alice"), Start + 5));
    QVERIFY(second.isThrottled(QStringLiteral("Alice"), Start + 5));
    second.clear(QStringLiteral("Alice"));
    QVERIFY(!first.isThrottled(QStringLiteral("Alice"), Start + 5));
}

void TestLoginThrottle::persistsAcrossReopen()
{
    {
        LoginThrottle throttle(*m_db, QStringLiteral("password"), 5, 300);
        for (int i = 0; i < 5; ++i)
            throttle.recordFailure(QStringLiteral("Alice"), Start + i);
    }
    m_db.reset();
    m_db = TestDatabase::open(m_location);
    QVERIFY(m_db);
    LoginThrottle restarted(*m_db, QStringLiteral("password"), 5, 300);
    QVERIFY(restarted.isThrottled(QStringLiteral("Alice"), Start + 10));
    QVERIFY(!restarted.isThrottled(QStringLiteral("Alice"), Start + 300));
}

void TestLoginThrottle::concurrentFailuresAllCounted()
{
    // recordFailure is one atomic statement: failures recorded at the same time on two
    // connections are all counted (a read-then-write would lose some).
    constexpr int threadCount = 2;
    constexpr int failuresEach = 25;
    std::latch ready(threadCount);
    std::array<QString, threadCount> errors;
    std::array<std::unique_ptr<QThread>, threadCount> threads;
    for (int t = 0; t < threadCount; ++t) {
        threads[t].reset(QThread::create([&, t] {
            auto db = ProviderDatabase::open(m_location);
            ready.arrive_and_wait();
            if (!db) {
                errors[t] = db.error().toString();
                return;
            }
            LoginThrottle throttle(**db, QStringLiteral("password"), 1000, 300);
            for (int i = 0; i < failuresEach; ++i)
                throttle.recordFailure(QStringLiteral("Alice"), Start + i);
        }));
        threads[t]->start();
    }
    for (auto &thread : threads)
        QVERIFY(thread->wait(60000));
    for (const QString &error : errors)
        QVERIFY2(error.isEmpty(), qPrintable(error));
    const std::optional<Row> row = storedRow(*m_db, QStringLiteral("password:Alice"));
    QVERIFY(row);
    QCOMPARE(row->count, threadCount * failuresEach);
    QCOMPARE(row->windowStart, qint64(Start));
}

void TestLoginThrottle::purgeExpired()
{
    LoginThrottle password(*m_db, QStringLiteral("password"), 5, 300);
    LoginThrottle badoath(*m_db, QStringLiteral("badoath"), 10, 60);
    password.recordFailure(QStringLiteral("Old"), Start);
    password.recordFailure(QStringLiteral("Older"), Start - 1000);
    password.recordFailure(QStringLiteral("Current"), Start + 200);
    badoath.recordFailure(QStringLiteral("1"), Start - 1000);

    const Result<int> purged = password.purgeExpired(Start + 300);
    QVERIFY2(purged.ok(), qPrintable(purged.error().toString()));
    QCOMPARE(*purged, 2);
    QVERIFY(!storedRow(*m_db, QStringLiteral("password:Old")));
    QVERIFY(!storedRow(*m_db, QStringLiteral("password:Older")));
    QVERIFY(storedRow(*m_db, QStringLiteral("password:Current")));
    // Another scope's rows are that scope's business.
    QVERIFY(storedRow(*m_db, QStringLiteral("badoath:1")));
    const Result<int> again = password.purgeExpired(Start + 300);
    QVERIFY(again.ok());
    QCOMPARE(*again, 0);
    const Result<int> other = badoath.purgeExpired(Start + 300);
    QVERIFY(other.ok());
    QCOMPARE(*other, 1);
}

void TestLoginThrottle::inMemoryDatabase()
{
    std::unique_ptr<ProviderDatabase> memory = TestDatabase::open(QStringLiteral(":memory:"));
    QVERIFY(memory);
    LoginThrottle throttle(*memory, QStringLiteral("password"), 2, 300);
    throttle.recordFailure(QStringLiteral("Alice"), Start);
    QVERIFY(!throttle.isThrottled(QStringLiteral("Alice"), Start));
    throttle.recordFailure(QStringLiteral("Alice"), Start + 1);
    QVERIFY(throttle.isThrottled(QStringLiteral("Alice"), Start + 299));
    QVERIFY(!throttle.isThrottled(QStringLiteral("Alice"), Start + 300));
    throttle.recordFailure(QStringLiteral("Alice"), Start + 300);
    QCOMPARE(storedRow(*memory, QStringLiteral("password:Alice"))->count, 1);
    throttle.recordFailure(QStringLiteral("Alice"), Start + 301);
    QVERIFY(throttle.isThrottled(QStringLiteral("Alice"), Start + 301));
    throttle.clear(QStringLiteral("Alice"));
    QVERIFY(!throttle.isThrottled(QStringLiteral("Alice"), Start + 301));
    const Result<int> purged = throttle.purgeExpired(Start + 301);
    QVERIFY(purged.ok());
    QCOMPARE(*purged, 0);
}

void TestLoginThrottle::databaseErrorsFailClosed()
{
    LoginThrottle throttle(*m_db, QStringLiteral("password"), 5, 300);
    QVERIFY(!throttle.isThrottled(QStringLiteral("Alice"), Start));
    QSqlQuery drop(m_db->database());
    QVERIFY2(drop.exec(QStringLiteral("DROP TABLE throttle")), qPrintable(drop.lastError().text()));

    // A counter that cannot be read refuses the attempt, and says why in the log.
    QTest::ignoreMessage(
        QtWarningMsg,
        QRegularExpression(QStringLiteral("^The password throttle could not be read, so the attempt is "
                                          "refused: .*throttle")));
    QVERIFY(throttle.isThrottled(QStringLiteral("Alice"), Start));

    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression(QStringLiteral("^A failure could not be counted in the password "
                                                           "throttle: .*throttle")));
    throttle.recordFailure(QStringLiteral("Alice"), Start);
    QTest::ignoreMessage(
        QtWarningMsg,
        QRegularExpression(QStringLiteral("^The password throttle could not be cleared: .*throttle")));
    throttle.clear(QStringLiteral("Alice"));

    const Result<int> purged = throttle.purgeExpired(Start);
    QVERIFY(!purged.ok());
    QCOMPARE(purged.error().code(), ErrorCode::Database);
    QCOMPARE(purged.error().message(),
             QStringLiteral("The ended password throttle windows could not be deleted."));
    QVERIFY2(purged.error().detail().contains(QLatin1StringView("throttle")),
             qPrintable(purged.error().detail()));
}

QTEST_GUILESS_MAIN(TestLoginThrottle)
#include "TestLoginThrottle.moc"
