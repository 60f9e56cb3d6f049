#include "otp/Otp.h"

#include <QTest>

using namespace mwauth;
using namespace mwauth::otp;

Q_DECLARE_METATYPE(mwauth::otp::HashAlgorithm)
Q_DECLARE_METATYPE(std::optional<quint64>)

namespace {

// RFC 6238 appendix B seeds: the ASCII string "1234567890" repeated to the hash's size.
QByteArray rfc6238Seed(HashAlgorithm alg)
{
    const int size = alg == HashAlgorithm::Sha1 ? 20 : alg == HashAlgorithm::Sha256 ? 32 : 64;
    QByteArray seed;
    while (seed.size() < size)
        seed += "1234567890";
    return seed.left(size);
}

TotpParameters rfc6238Parameters(HashAlgorithm alg)
{
    TotpParameters params;
    params.secret = rfc6238Seed(alg);
    params.algorithm = alg;
    params.digits = 8;
    params.period = 30;
    return params;
}

TotpParameters sixDigitSha1()
{
    TotpParameters params;
    params.secret = "12345678901234567890";
    return params;
}

} // namespace

class TestOtp : public QObject
{
    Q_OBJECT
private slots:
    // RFC 4226 appendix D: secret "12345678901234567890", counters 0..9, 6 digits.
    void rfc4226_data()
    {
        QTest::addColumn<quint64>("counter");
        QTest::addColumn<QString>("code");
        const char *codes[] = {"755224", "287082", "359152", "969429", "338314",
                               "254676", "287922", "162583", "399871", "520489"};
        for (quint64 i = 0; i < 10; ++i)
            QTest::addRow("counter %llu", static_cast<unsigned long long>(i))
                << i << QString::fromLatin1(codes[i]);
    }
    void rfc4226()
    {
        QFETCH(quint64, counter);
        QFETCH(QString, code);
        const Result<QString> got = hotp("12345678901234567890", counter);
        QVERIFY(got.ok());
        QCOMPARE(*got, code);
    }

    // RFC 6238 appendix B: every row of the table, 8 digits, period 30.
    void rfc6238_data()
    {
        QTest::addColumn<double>("time");
        QTest::addColumn<HashAlgorithm>("alg");
        QTest::addColumn<quint64>("step");
        QTest::addColumn<QString>("code");
        struct Row
        {
            qint64 time;
            quint64 step;
            const char *sha1;
            const char *sha256;
            const char *sha512;
        };
        const Row rows[] = {
            {59, 0x1, "94287082", "46119246", "90693936"},
            {1111111109, 0x23523EC, "07081804", "68084774", "25091201"},
            {1111111111, 0x23523ED, "14050471", "67062674", "99943326"},
            {1234567890, 0x273EF07, "89005924", "91819424", "93441116"},
            {2000000000, 0x3F940AA, "69279037", "90698825", "38618901"},
            {20000000000, 0x27BC86AA, "65353130", "77737706", "47863826"},
        };
        for (const Row &row : rows) {
            const double t = static_cast<double>(row.time);
            QTest::addRow("%lld SHA1", static_cast<long long>(row.time))
                << t << HashAlgorithm::Sha1 << row.step << QString::fromLatin1(row.sha1);
            QTest::addRow("%lld SHA256", static_cast<long long>(row.time))
                << t << HashAlgorithm::Sha256 << row.step << QString::fromLatin1(row.sha256);
            QTest::addRow("%lld SHA512", static_cast<long long>(row.time))
                << t << HashAlgorithm::Sha512 << row.step << QString::fromLatin1(row.sha512);
        }
    }
    void rfc6238()
    {
        QFETCH(double, time);
        QFETCH(HashAlgorithm, alg);
        QFETCH(quint64, step);
        QFETCH(QString, code);
        const TotpParameters params = rfc6238Parameters(alg);
        QCOMPARE(timeStep(time, 30), step);
        const Result<QString> got = totp(params, time);
        QVERIFY(got.ok());
        QCOMPARE(*got, code);
        // The same code through HOTP with the step as counter.
        QCOMPARE(*hotp(params.secret, step, 8, alg), code);
        // And it verifies at that time, reporting that step.
        const Result<quint64> verified = verifyTotp(params, code.toLatin1(), time, 0);
        QVERIFY2(verified.ok(), qPrintable(verified.ok() ? QString() : verified.error().message()));
        QCOMPARE(*verified, step);
    }

    void digitsAndPeriods_data()
    {
        QTest::addColumn<int>("digits");
        QTest::addColumn<int>("period");
        QTest::addColumn<double>("time");
        QTest::addColumn<QString>("code");
        // RFC 4226 appendix D gives the truncated values before the modulo: 1284755224 for
        // counter 0, 1094287082 for counter 1, 645520489 for counter 9.
        QTest::newRow("6 digits, 30 s") << 6 << 30 << 30.0 << QStringLiteral("287082");
        QTest::newRow("7 digits, 30 s") << 7 << 30 << 59.9 << QStringLiteral("4287082");
        QTest::newRow("8 digits, 60 s") << 8 << 60 << 60.0 << QStringLiteral("94287082");
        QTest::newRow("6 digits, 1 s") << 6 << 1 << 9.0 << QStringLiteral("520489");
        QTest::newRow("6 digits, 90 s, step 0") << 6 << 90 << 89.0 << QStringLiteral("755224");
    }
    void digitsAndPeriods()
    {
        QFETCH(int, digits);
        QFETCH(int, period);
        QFETCH(double, time);
        QFETCH(QString, code);
        TotpParameters params = sixDigitSha1();
        params.digits = digits;
        params.period = period;
        const Result<QString> got = totp(params, time);
        QVERIFY(got.ok());
        QCOMPARE(*got, code);
    }

    void badParameters_data()
    {
        QTest::addColumn<int>("digits");
        QTest::addColumn<int>("period");
        QTest::addColumn<QByteArray>("secret");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("5 digits") << 5 << 30 << QByteArray("k") << QStringLiteral("6 to 8 digits, not 5");
        QTest::newRow("9 digits") << 9 << 30 << QByteArray("k") << QStringLiteral("6 to 8 digits, not 9");
        QTest::newRow("period 0") << 6 << 0 << QByteArray("k") << QStringLiteral("at least 1 second");
        QTest::newRow("negative period")
            << 6 << -30 << QByteArray("k") << QStringLiteral("at least 1 second");
        QTest::newRow("empty secret") << 6 << 30 << QByteArray() << QStringLiteral("secret is empty");
    }
    void badParameters()
    {
        QFETCH(int, digits);
        QFETCH(int, period);
        QFETCH(QByteArray, secret);
        QFETCH(QString, messagePart);
        TotpParameters params;
        params.secret = secret;
        params.digits = digits;
        params.period = period;
        const Result<QString> code = totp(params, 1000);
        QVERIFY(!code.ok());
        QCOMPARE(code.error().code(), ErrorCode::InvalidInput);
        QVERIFY2(code.error().message().contains(messagePart), qPrintable(code.error().message()));
        const Result<quint64> verified = verifyTotp(params, "123456", 1000);
        QVERIFY(!verified.ok());
        QCOMPARE(verified.error().code(), ErrorCode::InvalidInput);
        if (period > 0) {
            const Result<QString> h = hotp(secret, 0, digits);
            QVERIFY(!h.ok());
            QCOMPARE(h.error().code(), ErrorCode::InvalidInput);
        }
    }

    // RFC 6238 SHA1 row for t = 1111111111 (step 0x23523ED): its neighbours' codes are the
    // 1111111109 row (0x23523EC) and the code one step later.
    void verifyWindow_data()
    {
        QTest::addColumn<double>("now");
        QTest::addColumn<int>("radius");
        QTest::addColumn<bool>("accepted");
        QTest::addColumn<quint64>("step");
        const double codeTime = 1111111109; // the code "07081804", step 0x23523EC
        QTest::newRow("same step, radius 0") << codeTime << 0 << true << quint64(0x23523EC);
        QTest::newRow("one step later, radius 1") << codeTime + 30 << 1 << true << quint64(0x23523EC);
        QTest::newRow("one step earlier, radius 1") << codeTime - 30 << 1 << true << quint64(0x23523EC);
        QTest::newRow("one step later, radius 0") << codeTime + 30 << 0 << false << quint64(0);
        QTest::newRow("two steps later, radius 1") << codeTime + 60 << 1 << false << quint64(0);
        QTest::newRow("two steps later, radius 2") << codeTime + 60 << 2 << true << quint64(0x23523EC);
        QTest::newRow("ten minutes later, radius 1") << codeTime + 600 << 1 << false << quint64(0);
    }
    void verifyWindow()
    {
        QFETCH(double, now);
        QFETCH(int, radius);
        QFETCH(bool, accepted);
        QFETCH(quint64, step);
        const TotpParameters params = rfc6238Parameters(HashAlgorithm::Sha1);
        const Result<quint64> verified = verifyTotp(params, "07081804", now, radius);
        QCOMPARE(verified.ok(), accepted);
        if (accepted) {
            QCOMPARE(*verified, step);
        } else {
            QCOMPARE(verified.error().code(), ErrorCode::BadSignature);
            QVERIFY2(verified.error().message().contains(QStringLiteral("not valid")),
                     qPrintable(verified.error().message()));
        }
    }

    void replayGuard_data()
    {
        QTest::addColumn<std::optional<quint64>>("lastAccepted");
        QTest::addColumn<bool>("accepted");
        const quint64 step = 0x23523EC;
        QTest::newRow("no previous code") << std::optional<quint64>() << true;
        QTest::newRow("older step used") << std::optional<quint64>(step - 1) << true;
        QTest::newRow("same step used") << std::optional<quint64>(step) << false;
        QTest::newRow("newer step used") << std::optional<quint64>(step + 1) << false;
    }
    void replayGuard()
    {
        QFETCH(std::optional<quint64>, lastAccepted);
        QFETCH(bool, accepted);
        const TotpParameters params = rfc6238Parameters(HashAlgorithm::Sha1);
        const Result<quint64> verified = verifyTotp(params, "07081804", 1111111109 + 30, 1, lastAccepted);
        QCOMPARE(verified.ok(), accepted);
        if (accepted) {
            QCOMPARE(*verified, quint64(0x23523EC));
        } else {
            QCOMPARE(verified.error().code(), ErrorCode::Replayed);
            QVERIFY2(verified.error().message().contains(QStringLiteral("already used")),
                     qPrintable(verified.error().message()));
        }
    }

    void codeFormat_data()
    {
        QTest::addColumn<QByteArray>("code");
        QTest::addColumn<bool>("wellFormed");
        QTest::newRow("grouped with a space") << QByteArray("0708 1804") << true;
        QTest::newRow("too short") << QByteArray("0708180") << false;
        QTest::newRow("too long") << QByteArray("070818041") << false;
        QTest::newRow("letters") << QByteArray("0708180a") << false;
        QTest::newRow("empty") << QByteArray() << false;
        QTest::newRow("sign") << QByteArray("-7081804") << false;
    }
    void codeFormat()
    {
        QFETCH(QByteArray, code);
        QFETCH(bool, wellFormed);
        const TotpParameters params = rfc6238Parameters(HashAlgorithm::Sha1);
        const Result<quint64> verified = verifyTotp(params, code, 1111111109, 1);
        QCOMPARE(verified.ok(), wellFormed);
        if (!wellFormed) {
            QCOMPARE(verified.error().code(), ErrorCode::InvalidInput);
            QVERIFY2(verified.error().message().contains(QStringLiteral("8 digits")),
                     qPrintable(verified.error().message()));
        }
    }

    void wrongCodeRefused()
    {
        const TotpParameters params = rfc6238Parameters(HashAlgorithm::Sha256);
        // The SHA1 code for this time is not the SHA256 one.
        const Result<quint64> verified = verifyTotp(params, "07081804", 1111111109, 1);
        QVERIFY(!verified.ok());
        QCOMPARE(verified.error().code(), ErrorCode::BadSignature);
    }

    void timeStepEdges()
    {
        QCOMPARE(timeStep(0, 30), quint64(0));
        QCOMPARE(timeStep(29.999, 30), quint64(0));
        QCOMPARE(timeStep(30, 30), quint64(1));
        QCOMPARE(timeStep(-5, 30), quint64(0));
        QCOMPARE(timeStep(100, 0), quint64(0));
        TotpParameters params = sixDigitSha1();
        QVERIFY(!totp(params, -1).ok());
        QCOMPARE(totp(params, -1).error().code(), ErrorCode::InvalidInput);
    }

    void algorithmNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<HashAlgorithm>("alg");
        QTest::newRow("SHA1") << QStringLiteral("SHA1") << HashAlgorithm::Sha1;
        QTest::newRow("sha-1") << QStringLiteral("sha-1") << HashAlgorithm::Sha1;
        QTest::newRow("Sha256") << QStringLiteral("Sha256") << HashAlgorithm::Sha256;
        QTest::newRow("SHA-256") << QStringLiteral("SHA-256") << HashAlgorithm::Sha256;
        QTest::newRow("sha512") << QStringLiteral("sha512") << HashAlgorithm::Sha512;
    }
    void algorithmNames()
    {
        QFETCH(QString, name);
        QFETCH(HashAlgorithm, alg);
        const Result<HashAlgorithm> parsed = hashAlgorithmFromName(name);
        QVERIFY(parsed.ok());
        QCOMPARE(*parsed, alg);
        QCOMPARE(*hashAlgorithmFromName(hashAlgorithmName(alg)), alg);
    }

    void unknownAlgorithm()
    {
        for (const QString &name : {QStringLiteral("MD5"), QStringLiteral("SHA384"), QString()}) {
            const Result<HashAlgorithm> parsed = hashAlgorithmFromName(name);
            QVERIFY(!parsed.ok());
            QCOMPARE(parsed.error().code(), ErrorCode::UnsupportedAlgorithm);
            QVERIFY2(parsed.error().message().contains(QStringLiteral("not supported")),
                     qPrintable(parsed.error().message()));
        }
    }
};

QTEST_GUILESS_MAIN(TestOtp)
#include "TestOtp.moc"
