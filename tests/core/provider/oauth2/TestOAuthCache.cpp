// The OAuth cache in the provider database (what MediaWiki keeps in its object cache): expiry
// by the Clock, single-use take() even with two connections racing, add() only over nothing
// live (nonces), malformed stored values. SQLite and PostgreSQL.

#include "../TestDatabase.h"
#include "common/Clock.h"
#include "provider/db/ProviderDatabase.h"
#include "provider/oauth2/OAuthCache.h"

#include <QSqlQuery>
#include <QTest>

#include <atomic>
#include <latch>
#include <thread>

using namespace mwauth;
using namespace mwauth::provider;

namespace {
constexpr double Start = 1763868000;
const QJsonObject kCode {{QStringLiteral("user"), 2}, {QStringLiteral("client"), QStringLiteral("abc")}};
} // namespace

class TestOAuthCache : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_databases.start(), qPrintable(m_databases.errorString())); }
    void init();
    void cleanup() { m_db.reset(); }
    void cleanupTestCase() { m_databases.stop(); }

    void putGetTake();
    void entriesExpire();
    void putReplaces();
    void addOnlyOverNothingLive();
    void takeIsSingleUseAcrossConnections();
    void malformedValue();
    void purgeExpired();
    void refusesNonPositiveLifetimes();

private:
    TestDatabase m_databases {QStringLiteral("oauthcache")};
    QString m_location;
    std::unique_ptr<ProviderDatabase> m_db;
    FixedClock m_clock {Start};
};

void TestOAuthCache::init()
{
    m_clock.set(Start);
    m_location = m_databases.newLocation();
    QVERIFY(!m_location.isEmpty());
    m_db = TestDatabase::open(m_location);
    QVERIFY(m_db);
    QCOMPARE(m_db->dialect(), TestDatabase::dialect());
}

void TestOAuthCache::putGetTake()
{
    OAuthCache cache(*m_db, m_clock);
    QVERIFY(cache.put(QStringLiteral("AuthCode:1"), kCode, 600).ok());
    QCOMPARE(**cache.get(QStringLiteral("AuthCode:1")), kCode);
    QCOMPARE(**cache.get(QStringLiteral("AuthCode:1")), kCode); // get leaves it
    QCOMPARE(**cache.take(QStringLiteral("AuthCode:1")), kCode);
    QVERIFY(!cache.take(QStringLiteral("AuthCode:1"))->has_value()); // gone after take
    QVERIFY(!cache.get(QStringLiteral("AuthCode:2"))->has_value());
}

void TestOAuthCache::entriesExpire()
{
    OAuthCache cache(*m_db, m_clock);
    QVERIFY(cache.put(QStringLiteral("AuthCode:1"), kCode, 600).ok());
    m_clock.advance(599.5);
    QVERIFY(cache.get(QStringLiteral("AuthCode:1"))->has_value());
    m_clock.advance(0.5);
    QVERIFY(!cache.get(QStringLiteral("AuthCode:1"))->has_value());
    QVERIFY(!cache.take(QStringLiteral("AuthCode:1"))->has_value()); // an expired code cannot be redeemed
}

void TestOAuthCache::putReplaces()
{
    OAuthCache cache(*m_db, m_clock);
    QVERIFY(cache.put(QStringLiteral("k"), kCode, 10).ok());
    const QJsonObject other {{QStringLiteral("x"), 1}};
    QVERIFY(cache.put(QStringLiteral("k"), other, 100).ok());
    m_clock.advance(50);
    QCOMPARE(**cache.get(QStringLiteral("k")), other);
}

void TestOAuthCache::addOnlyOverNothingLive()
{
    OAuthCache cache(*m_db, m_clock);
    QCOMPARE(*cache.add(QStringLiteral("nonce:a"), {}, 300), true);
    QCOMPARE(*cache.add(QStringLiteral("nonce:a"), kCode, 300), false); // seen: a replay
    QCOMPARE(**cache.get(QStringLiteral("nonce:a")), QJsonObject());
    m_clock.advance(300);
    QCOMPARE(*cache.add(QStringLiteral("nonce:a"), kCode, 300), true); // the old one expired
    QCOMPARE(**cache.get(QStringLiteral("nonce:a")), kCode);
}

void TestOAuthCache::takeIsSingleUseAcrossConnections()
{
    constexpr int Rounds = 20;
    constexpr int Racers = 4;
    OAuthCache cache(*m_db, m_clock);
    for (int round = 0; round < Rounds; ++round) {
        const QString key = QStringLiteral("AuthCode:%1").arg(round);
        QVERIFY(cache.put(key, kCode, 600).ok());
        std::atomic<int> winners {0};
        std::atomic<int> errors {0};
        std::latch ready(Racers);
        std::vector<std::thread> threads;
        for (int i = 0; i < Racers; ++i) {
            threads.emplace_back([&] {
                auto db = ProviderDatabase::open(m_location);
                if (!db) {
                    ++errors;
                    ready.count_down();
                    return;
                }
                OAuthCache mine(**db, m_clock);
                ready.arrive_and_wait();
                const auto taken = mine.take(key);
                if (!taken)
                    ++errors;
                else if (taken->has_value())
                    ++winners;
            });
        }
        for (std::thread &thread : threads)
            thread.join();
        QCOMPARE(errors.load(), 0);
        QCOMPARE(winners.load(), 1);
    }
}

void TestOAuthCache::malformedValue()
{
    QSqlQuery query(m_db->database());
    QVERIFY(ProviderDatabase::run(
        query, QStringLiteral("INSERT INTO oauth_cache VALUES ('AuthCode:9', 'not json', ?)"),
        {qint64(Start + 100)}));
    OAuthCache cache(*m_db, m_clock);
    const auto read = cache.get(QStringLiteral("AuthCode:9"));
    QVERIFY(!read.ok());
    QCOMPARE(read.error().code(), ErrorCode::MalformedJson);
    QVERIFY(read.error().message().contains(u"'AuthCode'"));
    QVERIFY(!read.error().message().contains(u"AuthCode:9")); // the key may be a secret id
}

void TestOAuthCache::purgeExpired()
{
    OAuthCache cache(*m_db, m_clock);
    QVERIFY(cache.put(QStringLiteral("a"), kCode, 10).ok());
    QVERIFY(cache.put(QStringLiteral("b"), kCode, 100).ok());
    m_clock.advance(50);
    QCOMPARE(*cache.purgeExpired(), 1);
    QVERIFY(cache.get(QStringLiteral("b"))->has_value());
    QCOMPARE(*cache.purgeExpired(), 0);
}

void TestOAuthCache::refusesNonPositiveLifetimes()
{
    OAuthCache cache(*m_db, m_clock);
    QCOMPARE(cache.put(QStringLiteral("a"), kCode, 0).error().code(), ErrorCode::InvalidInput);
    QCOMPARE(cache.add(QStringLiteral("a"), kCode, -1).error().code(), ErrorCode::InvalidInput);
}

QTEST_GUILESS_MAIN(TestOAuthCache)
#include "TestOAuthCache.moc"
