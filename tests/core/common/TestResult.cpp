#include "common/Clock.h"
#include "common/ConstantTime.h"
#include "common/Result.h"

#include <QTest>

using namespace mwauth;

class TestResult : public QObject
{
    Q_OBJECT
private slots:
    void valueAndError()
    {
        Result<int> good(42);
        QVERIFY(good.ok());
        QCOMPARE(*good, 42);

        Result<int> bad
            = fail(ErrorCode::Expired, QStringLiteral("The token has expired"), QStringLiteral("exp 10"));
        QVERIFY(!bad);
        QCOMPARE(bad.error().code(), ErrorCode::Expired);
        QCOMPARE(bad.error().codeName(), QStringLiteral("Expired"));
        QCOMPARE(bad.error().toString(), QStringLiteral("The token has expired (exp 10)"));
        QCOMPARE(bad.valueOr(7), 7);
        QCOMPARE(bad.error().prefixed(QStringLiteral("JWKS")).message(),
                 QStringLiteral("JWKS: The token has expired"));
    }

    void voidResult()
    {
        Result<void> ok;
        QVERIFY(ok.ok());
        Result<void> bad = fail(ErrorCode::BadSignature, QStringLiteral("nope"));
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().code(), ErrorCode::BadSignature);
    }

    void moveOnlyValue()
    {
        Result<QString> r(QStringLiteral("abc"));
        QString moved = std::move(r).value();
        QCOMPARE(moved, QStringLiteral("abc"));
    }

    void fixedClock()
    {
        FixedClock clock(1795404830.89835);
        QCOMPARE(clock.now().toSecsSinceEpoch(), 1795404830);
        QCOMPARE(clock.now().time().msec(), 898);
        clock.advance(10);
        QCOMPARE(clock.nowSeconds(), 1795404840.89835);
        SystemClock system;
        QVERIFY(system.nowSeconds() > 1.7e9);
    }

    void constantTime_data()
    {
        QTest::addColumn<QByteArray>("a");
        QTest::addColumn<QByteArray>("b");
        QTest::addColumn<bool>("equal");
        QTest::newRow("same") << QByteArray("secret") << QByteArray("secret") << true;
        QTest::newRow("differs-last") << QByteArray("secret") << QByteArray("secreT") << false;
        QTest::newRow("prefix") << QByteArray("secret") << QByteArray("secre") << false;
        QTest::newRow("both-empty") << QByteArray() << QByteArray("") << true;
        QTest::newRow("one-empty") << QByteArray() << QByteArray("x") << false;
    }
    void constantTime()
    {
        QFETCH(QByteArray, a);
        QFETCH(QByteArray, b);
        QFETCH(bool, equal);
        QCOMPARE(constantTimeEquals(a, b), equal);
    }
};

QTEST_GUILESS_MAIN(TestResult)
#include "TestResult.moc"
