// Which values a session keeps and how they read back, which it refuses, and what it makes
// of the stored data. The fixture and the row helpers are in TestDatabaseSessionStore.cpp.
#include "TestDatabaseSessionStore.h"

#include <QDateTime>
#include <QSqlQuery>
#include <QTest>

#include <limits>

using namespace mwauth;
using namespace mwauth::provider;
using namespace sessiontest;

namespace {

// How the login code reads each value back.
enum class ReadAs { String, Bool, LongLong, Double };

bool readsTheSame(const QVariant &saved, const QVariant &loaded, ReadAs readAs)
{
    switch (readAs) {
    case ReadAs::String:
        return loaded.toString() == saved.toString();
    case ReadAs::Bool:
        return loaded.toBool() == saved.toBool();
    case ReadAs::LongLong:
        return loaded.toLongLong() == saved.toLongLong();
    case ReadAs::Double:
        return loaded.toDouble() == saved.toDouble();
    }
    return false;
}

} // namespace

Q_DECLARE_METATYPE(ReadAs)

void TestDatabaseSessionStore::roundTrip_data()
{
    QTest::addColumn<QVariant>("value");
    QTest::addColumn<ReadAs>("readAs");
    QTest::newRow("string") << QVariant(QStringLiteral("Alice")) << ReadAs::String;
    QTest::newRow("empty string") << QVariant(QString()) << ReadAs::String;
    QTest::newRow("unicode string") << QVariant(
        QStringLiteral("Zo\u00eb \u65e5\u672c \U0001F510 \"quoted\"\n"))
                                    << ReadAs::String;
    QTest::newRow("true") << QVariant(true) << ReadAs::Bool;
    QTest::newRow("false") << QVariant(false) << ReadAs::Bool;
    QTest::newRow("int") << QVariant(42) << ReadAs::LongLong;
    QTest::newRow("uint") << QVariant(4000000000U) << ReadAs::LongLong;
    QTest::newRow("qint64") << QVariant(qint64(123456789012)) << ReadAs::LongLong;
    QTest::newRow("qint64 2^53 + 1") << QVariant(qint64(9007199254740993)) << ReadAs::LongLong;
    QTest::newRow("qint64 max") << QVariant(std::numeric_limits<qint64>::max()) << ReadAs::LongLong;
    QTest::newRow("qint64 min") << QVariant(std::numeric_limits<qint64>::min()) << ReadAs::LongLong;
    QTest::newRow("quint64 max signed")
        << QVariant(quint64(std::numeric_limits<qint64>::max())) << ReadAs::LongLong;
    QTest::newRow("zero") << QVariant(qint64(0)) << ReadAs::LongLong;
    QTest::newRow("clock seconds") << QVariant(1700000000.123456) << ReadAs::Double;
    QTest::newRow("0.1") << QVariant(0.1) << ReadAs::Double;
    QTest::newRow("integral double") << QVariant(1700000000.0) << ReadAs::Double;
    QTest::newRow("tiny double") << QVariant(5e-324) << ReadAs::Double;
    QTest::newRow("huge double") << QVariant(1.7976931348623157e308) << ReadAs::Double;
    QTest::newRow("negative double") << QVariant(-2.5) << ReadAs::Double;
}

void TestDatabaseSessionStore::roundTrip()
{
    QFETCH(QVariant, value);
    QFETCH(ReadAs, readAs);
    DatabaseSessionStore store(*m_db, m_clock);
    SessionData data;
    data.insert(QStringLiteral("value"), value);
    const Result<void> saved = store.save(kSessionA, data);
    QVERIFY2(saved, qPrintable(saved ? QString() : saved.error().toString()));

    const auto loaded = store.load(kSessionA);
    QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error().toString()));
    QVERIFY(loaded->has_value());
    QCOMPARE((*loaded)->size(), 1);
    const QVariant back = (*loaded)->value(QStringLiteral("value"));
    QVERIFY2(readsTheSame(value, back, readAs),
             qPrintable(QStringLiteral("saved %1, read back %2").arg(value.toString(), back.toString())));
    // Numbers compare equal as QVariants too, whatever integer type they come back as.
    QCOMPARE(back, value);
}

void TestDatabaseSessionStore::loginSessionRoundTrip()
{
    // What LoginService::pass() and the token code leave in a session, with a user id
    // above 2^53 that a double could not hold.
    const qint64 userId = 9007199254740993;
    QVERIFY(insertUser(*m_db, userId, QStringLiteral("Alice")));
    SessionData data;
    data.insert(QStringLiteral("wsUserID"), userId);
    data.insert(QStringLiteral("wsUserName"), QStringLiteral("Alice"));
    data.insert(QStringLiteral("wsLoginToken"), QStringLiteral("0123456789abcdef0123456789abcdef"));
    data.insert(QStringLiteral("wsEditToken"), QStringLiteral("fedcba9876543210fedcba9876543210"));
    data.insert(QStringLiteral("authLastAuthId"), userId);
    data.insert(QStringLiteral("authLastAuthTime"), Start + 0.375);
    data.insert(QStringLiteral("authPendingRemember"), true);
    DatabaseSessionStore store(*m_db, m_clock);
    QVERIFY(store.save(kSessionA, data));

    const auto loaded = store.load(kSessionA);
    QVERIFY(loaded && loaded->has_value());
    const SessionData &back = **loaded;
    QCOMPARE(back.size(), data.size());
    QCOMPARE(back.value(QStringLiteral("wsUserID")).toLongLong(), userId);
    QCOMPARE(back.value(QStringLiteral("authLastAuthId")).toLongLong(), userId);
    QCOMPARE(back.value(QStringLiteral("wsUserName")).toString(), QStringLiteral("Alice"));
    QCOMPARE(back.value(QStringLiteral("wsEditToken")).toString(), data.value(QStringLiteral("wsEditToken")));
    QCOMPARE(back.value(QStringLiteral("authLastAuthTime")).toDouble(), Start + 0.375);
    QCOMPARE(back.value(QStringLiteral("authPendingRemember")).toBool(), true);
    QCOMPARE(row(kSessionA)->user.toLongLong(), userId);
}

void TestDatabaseSessionStore::nestedValues()
{
    DatabaseSessionStore store(*m_db, m_clock);
    QVariantMap inner;
    inner.insert(QStringLiteral("id"), qint64(9007199254740993));
    inner.insert(QStringLiteral("names"), QStringList {QStringLiteral("a"), QStringLiteral("b")});
    SessionData data;
    data.insert(QStringLiteral("map"), inner);
    data.insert(QStringLiteral("list"), QVariantList {1, QStringLiteral("two"), 3.5, false});
    QVERIFY(store.save(kSessionA, data));
    const auto loaded = store.load(kSessionA);
    QVERIFY(loaded && loaded->has_value());
    const QVariantMap backInner = (*loaded)->value(QStringLiteral("map")).toMap();
    QCOMPARE(backInner.value(QStringLiteral("id")).toLongLong(), qint64(9007199254740993));
    QCOMPARE(backInner.value(QStringLiteral("names")).toStringList(),
             (QStringList {QStringLiteral("a"), QStringLiteral("b")}));
    const QVariantList list = (*loaded)->value(QStringLiteral("list")).toList();
    QCOMPARE(list.size(), 4);
    QCOMPARE(list.at(0).toLongLong(), 1);
    QCOMPARE(list.at(1).toString(), QStringLiteral("two"));
    QCOMPARE(list.at(2).toDouble(), 3.5);
    QCOMPARE(list.at(3).toBool(), false);
    QCOMPARE(list.at(3).typeId(), QMetaType::Bool);
}

void TestDatabaseSessionStore::refusedValues_data()
{
    QTest::addColumn<QVariant>("value");
    QTest::addColumn<QString>("shownKey");
    QTest::addColumn<QString>("reason");
    QTest::newRow("bytes") << QVariant(QByteArray("\x01\xff", 2)) << QStringLiteral("value")
                           << QStringLiteral("QByteArray");
    QTest::newRow("date") << QVariant(QDateTime::fromSecsSinceEpoch(StartWhole, Qt::UTC))
                          << QStringLiteral("value") << QStringLiteral("QDateTime");
    QTest::newRow("invalid") << QVariant() << QStringLiteral("value") << QStringLiteral("empty QVariant");
    QTest::newRow("NaN") << QVariant(std::numeric_limits<double>::quiet_NaN()) << QStringLiteral("value")
                         << QStringLiteral("not a finite number");
    QTest::newRow("infinity") << QVariant(std::numeric_limits<double>::infinity()) << QStringLiteral("value")
                              << QStringLiteral("not a finite number");
    QTest::newRow("quint64 max") << QVariant(std::numeric_limits<quint64>::max()) << QStringLiteral("value")
                                 << QStringLiteral("larger than a 64-bit signed integer");
    QVariantMap map;
    map.insert(QStringLiteral("inner"), QVariant(QByteArray("x")));
    QTest::newRow("inside a map") << QVariant(map) << QStringLiteral("value.inner")
                                  << QStringLiteral("QByteArray");
    QTest::newRow("inside a list") << QVariant(QVariantList {1, QVariant(qQNaN())})
                                   << QStringLiteral("value[1]") << QStringLiteral("not a finite number");
}

void TestDatabaseSessionStore::refusedValues()
{
    QFETCH(QVariant, value);
    QFETCH(QString, shownKey);
    QFETCH(QString, reason);
    DatabaseSessionStore store(*m_db, m_clock);
    SessionData data;
    data.insert(QStringLiteral("ok"), QStringLiteral("fine"));
    data.insert(QStringLiteral("value"), value);
    const Result<void> saved = store.save(kSessionA, data);
    QVERIFY(!saved);
    QCOMPARE(saved.error().code(), ErrorCode::InvalidInput);
    QVERIFY2(saved.error().message().contains(QLatin1Char('\'') + shownKey + QLatin1Char('\'')),
             qPrintable(saved.error().message()));
    QVERIFY2(saved.error().message().contains(reason), qPrintable(saved.error().message()));
    QCOMPARE(rowCount(*m_db), 0);
}

void TestDatabaseSessionStore::emptyIdRefused()
{
    DatabaseSessionStore store(*m_db, m_clock);
    const Result<void> saved = store.save(QByteArray(), SessionData());
    QVERIFY(!saved);
    QCOMPARE(saved.error().code(), ErrorCode::InvalidInput);
    QVERIFY(saved.error().message().contains(QStringLiteral("without an id")));
    const auto loaded = store.load(QByteArray());
    QVERIFY(loaded && !loaded->has_value());
    QVERIFY(store.remove(QByteArray()));
}

void TestDatabaseSessionStore::storesHashNotId()
{
    // FIPS 180-2 test vector: SHA-256("abc").
    QCOMPARE(DatabaseSessionStore::storedId("abc"),
             QStringLiteral("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    DatabaseSessionStore store(*m_db, m_clock);
    SessionData data;
    data.insert(QStringLiteral("wsUserName"), QStringLiteral("Alice"));
    QVERIFY(store.save(kSessionA, data));
    QVERIFY(row(kSessionA));
    QSqlQuery query(m_db->database());
    QVERIFY(query.exec(QStringLiteral("SELECT ps_id, ps_data FROM provider_session")));
    int rows = 0;
    while (query.next()) {
        ++rows;
        QVERIFY(!query.value(0).toString().contains(QString::fromLatin1(kSessionA)));
        QVERIFY(!query.value(1).toString().contains(QString::fromLatin1(kSessionA)));
    }
    QCOMPARE(rows, 1);
}

void TestDatabaseSessionStore::malformedData_data()
{
    QTest::addColumn<QString>("stored");
    QTest::addColumn<QString>("problem");
    QTest::newRow("truncated") << QStringLiteral("{\"wsUserID\":7") << QStringLiteral("not a JSON object");
    QTest::newRow("not JSON") << QStringLiteral("a:1:{s:8:\"wsUserID\";i:7;}")
                              << QStringLiteral("not a JSON object");
    QTest::newRow("array") << QStringLiteral("[1,2]") << QStringLiteral("not a JSON object");
    QTest::newRow("string") << QStringLiteral("\"session\"") << QStringLiteral("not a JSON object");
    QTest::newRow("number") << QStringLiteral("7") << QStringLiteral("not a JSON object");
}

void TestDatabaseSessionStore::malformedData()
{
    QFETCH(QString, stored);
    QFETCH(QString, problem);
    DatabaseSessionStore store(*m_db, m_clock);
    QVERIFY(store.save(kSessionA, SessionData {{QStringLiteral("k"), 1}}));
    QVERIFY(execute(*m_db, QStringLiteral("UPDATE provider_session SET ps_data = ?"), {stored}));
    const auto loaded = store.load(kSessionA);
    QVERIFY(!loaded);
    QCOMPARE(loaded.error().code(), ErrorCode::MalformedJson);
    QVERIFY2(loaded.error().message().contains(QStringLiteral("stored session")),
             qPrintable(loaded.error().message()));
    QVERIFY2(loaded.error().message().contains(problem), qPrintable(loaded.error().message()));
    QVERIFY(!loaded.error().detail().isEmpty()); // what the parser said
    QVERIFY(!loaded.error().toString().contains(QString::fromLatin1(kSessionA)));
    // Other sessions are unaffected, and the bad one can be replaced.
    QVERIFY(store.save(kSessionB, SessionData {{QStringLiteral("k"), 2}}));
    QVERIFY(store.load(kSessionB)->has_value());
    QVERIFY(store.save(kSessionA, SessionData {{QStringLiteral("k"), 3}}));
    QCOMPARE(store.load(kSessionA)->value().value(QStringLiteral("k")).toInt(), 3);
}

void TestDatabaseSessionStore::emptyDataIsEmptySession()
{
    // ps_data's column default.
    QVERIFY(execute(
        *m_db,
        QStringLiteral("INSERT INTO provider_session (ps_id, ps_created, ps_expires) VALUES (?, ?, ?)"),
        {DatabaseSessionStore::storedId(kSessionA), StartWhole, StartWhole + 10}));
    DatabaseSessionStore store(*m_db, m_clock);
    const auto loaded = store.load(kSessionA);
    QVERIFY(loaded && loaded->has_value());
    QVERIFY((*loaded)->isEmpty());
}
