#include "otp/Base32.h"

#include <QTest>

using namespace mwauth;
using namespace mwauth::otp;

class TestBase32 : public QObject
{
    Q_OBJECT
private slots:
    // RFC 4648 section 10 test vectors, both directions.
    void rfc4648_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<QByteArray>("encoded");
        QTest::newRow("empty") << QByteArray("") << QByteArray("");
        QTest::newRow("f") << QByteArray("f") << QByteArray("MY======");
        QTest::newRow("fo") << QByteArray("fo") << QByteArray("MZXQ====");
        QTest::newRow("foo") << QByteArray("foo") << QByteArray("MZXW6===");
        QTest::newRow("foob") << QByteArray("foob") << QByteArray("MZXW6YQ=");
        QTest::newRow("fooba") << QByteArray("fooba") << QByteArray("MZXW6YTB");
        QTest::newRow("foobar") << QByteArray("foobar") << QByteArray("MZXW6YTBOI======");
    }
    void rfc4648()
    {
        QFETCH(QByteArray, raw);
        QFETCH(QByteArray, encoded);
        QCOMPARE(Base32::encode(raw), encoded);
        QByteArray unpadded = encoded;
        while (unpadded.endsWith('='))
            unpadded.chop(1);
        QCOMPARE(Base32::encode(raw, false), unpadded);

        const Result<QByteArray> decoded = Base32::decode(encoded);
        QVERIFY2(decoded.ok(), qPrintable(decoded.ok() ? QString() : decoded.error().message()));
        QCOMPARE(*decoded, raw);
        const Result<QByteArray> fromUnpadded = Base32::decode(unpadded);
        QVERIFY(fromUnpadded.ok());
        QCOMPARE(*fromUnpadded, raw);
        const Result<QByteArray> fromLower = Base32::decode(unpadded.toLower());
        QVERIFY(fromLower.ok());
        QCOMPARE(*fromLower, raw);
    }

    // The MediaWiki test user Bob's TOTP secret (OATHAuth fixtures).
    void bobSecret()
    {
        const Result<QByteArray> decoded = Base32::decode("MJXWELLUN52HALLUMVZXILLTMVRXEZLU");
        QVERIFY(decoded.ok());
        QCOMPARE(*decoded, QByteArray("bob-totp-test-secret"));
        QCOMPARE(Base32::encode("bob-totp-test-secret", false),
                 QByteArray("MJXWELLUN52HALLUMVZXILLTMVRXEZLU"));
    }

    void groupedAsAppsShowIt()
    {
        const Result<QByteArray> spaced = Base32::decode("mjxw ellu n52h allu mvzx illt mvrx ezlu");
        QVERIFY(spaced.ok());
        QCOMPARE(*spaced, QByteArray("bob-totp-test-secret"));
        const Result<QByteArray> hyphens = Base32::decode("MJXWE-LLUN5-2HALL-UMVZX-ILLTM-VRXEZ-LU");
        QVERIFY(hyphens.ok());
        QCOMPARE(*hyphens, QByteArray("bob-totp-test-secret"));
    }

    void allBytesRoundTrip()
    {
        QByteArray all;
        for (int i = 0; i < 256; ++i)
            all.append(static_cast<char>(i));
        for (qsizetype len = 0; len <= all.size(); len += 17) {
            const QByteArray part = all.left(len);
            const Result<QByteArray> back = Base32::decode(Base32::encode(part, len % 2 == 0));
            QVERIFY(back.ok());
            QCOMPARE(*back, part);
        }
    }

    void badInput_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("digit 1") << QByteArray("MZXW1===") << QStringLiteral("'1' is not a base32 character");
        QTest::newRow("digit 8") << QByteArray("MZXW8YQ=") << QStringLiteral("'8' is not a base32 character");
        QTest::newRow("base64 char") << QByteArray("MZ+W6YQ=")
                                     << QStringLiteral("'+' is not a base32 character");
        QTest::newRow("padding inside")
            << QByteArray("MY==MY==") << QStringLiteral("'=' is not a base32 character");
        QTest::newRow("control byte") << QByteArray("MZ\x01W") << QStringLiteral("byte 0x01");
        QTest::newRow("1 symbol") << QByteArray("M") << QStringLiteral("cannot have 1 characters");
        QTest::newRow("3 symbols") << QByteArray("MZX") << QStringLiteral("cannot have 3 characters");
        QTest::newRow("6 symbols") << QByteArray("MZXW6Y") << QStringLiteral("cannot have 6 characters");
        QTest::newRow("9 symbols") << QByteArray("MZXW6YTBO") << QStringLiteral("cannot have 9 characters");
        // "MY" is "f"; "M7" carries bits after the byte that no encoder writes.
        QTest::newRow("trailing bits") << QByteArray("M7") << QStringLiteral("not canonical");
        QTest::newRow("trailing bits padded") << QByteArray("MZXR====") << QStringLiteral("not canonical");
    }
    void badInput()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, messagePart);
        const Result<QByteArray> decoded = Base32::decode(text);
        QVERIFY(!decoded.ok());
        QCOMPARE(decoded.error().code(), ErrorCode::MalformedBase64);
        QVERIFY2(decoded.error().message().contains(messagePart), qPrintable(decoded.error().message()));
    }
};

QTEST_GUILESS_MAIN(TestBase32)
#include "TestBase32.moc"
