#include "JoseTestUtil.h"

#include "jose/Base64Url.h"

#include <QTest>

using namespace mwauth;
using namespace mwauth::jose;

class TestBase64Url : public QObject
{
    Q_OBJECT
private slots:
    // RFC 4648 section 10 vectors, in the URL-safe alphabet without padding.
    void rfc4648_data()
    {
        QTest::addColumn<QByteArray>("plain");
        QTest::addColumn<QByteArray>("encoded");
        QTest::newRow("empty") << QByteArray() << QByteArray();
        QTest::newRow("f") << QByteArray("f") << QByteArray("Zg");
        QTest::newRow("fo") << QByteArray("fo") << QByteArray("Zm8");
        QTest::newRow("foo") << QByteArray("foo") << QByteArray("Zm9v");
        QTest::newRow("foob") << QByteArray("foob") << QByteArray("Zm9vYg");
        QTest::newRow("fooba") << QByteArray("fooba") << QByteArray("Zm9vYmE");
        QTest::newRow("foobar") << QByteArray("foobar") << QByteArray("Zm9vYmFy");
        // RFC 7515 appendix C: the bytes that need '-' and '_'.
        QTest::newRow("url-safe") << QByteArray::fromHex("fbff") << QByteArray("-_8");
        QTest::newRow("rfc7515-c") << QByteArray::fromHex("0301eb") << QByteArray("AwHr");
    }
    void rfc4648()
    {
        QFETCH(QByteArray, plain);
        QFETCH(QByteArray, encoded);
        QCOMPARE(Base64Url::encode(plain), encoded);
        Result<QByteArray> decoded = Base64Url::decode(encoded);
        QVERIFY2(decoded.ok(), testutil::why(decoded));
        QCOMPARE(*decoded, plain);
    }

    void roundTripAllLengths()
    {
        QByteArray data;
        for (int i = 0; i < 70; ++i) {
            const QByteArray encoded = Base64Url::encode(data);
            // Cross-check with Qt's independent codec.
            QCOMPARE(encoded, data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
            Result<QByteArray> decoded = Base64Url::decode(encoded);
            QVERIFY(decoded.ok());
            QCOMPARE(*decoded, data);
            data.append(static_cast<char>(i * 37 + 11));
        }
    }

    void rejects_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("padding") << QByteArray("Zg==") << QStringLiteral("no padding");
        QTest::newRow("plus") << QByteArray("a+bc") << QStringLiteral("standard base64");
        QTest::newRow("slash") << QByteArray("ab/c") << QStringLiteral("standard base64");
        QTest::newRow("space") << QByteArray("ab c") << QStringLiteral("0x20");
        QTest::newRow("newline") << QByteArray("abcd\nabc") << QStringLiteral("0x0a");
        QTest::newRow("dot") << QByteArray("ab.c") << QStringLiteral("'.'");
        QTest::newRow("non-ascii") << QByteArray("ab\xc3\xa9") << QStringLiteral("0xc3");
        QTest::newRow("length 1 mod 4") << QByteArray("abcde") << QStringLiteral("5 characters");
        QTest::newRow("single char") << QByteArray("a") << QStringLiteral("1 characters");
        // "Zh" decodes to 'f' only if the unused 4 bits are ignored; canonical is "Zg".
        QTest::newRow("non-canonical 2") << QByteArray("Zh") << QStringLiteral("canonical");
        QTest::newRow("non-canonical 3") << QByteArray("Zm9") << QStringLiteral("canonical");
    }
    void rejects()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, messagePart);
        Result<QByteArray> decoded = Base64Url::decode(text);
        QVERIFY(!decoded.ok());
        QCOMPARE(decoded.error().code(), ErrorCode::MalformedBase64);
        QVERIFY2(decoded.error().message().contains(messagePart), qPrintable(decoded.error().message()));
    }

    void positionIsReported()
    {
        Result<QByteArray> decoded = Base64Url::decode("abcdefg=");
        QVERIFY(!decoded.ok());
        QVERIFY2(decoded.error().message().contains(QStringLiteral("position 8")),
                 qPrintable(decoded.error().message()));
    }
};

QTEST_APPLESS_MAIN(TestBase64Url)
#include "TestBase64Url.moc"
