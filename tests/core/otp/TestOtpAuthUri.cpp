#include "otp/OtpAuthUri.h"

#include <QTest>

using namespace mwauth;
using namespace mwauth::otp;

Q_DECLARE_METATYPE(mwauth::otp::HashAlgorithm)
Q_DECLARE_METATYPE(mwauth::otp::OtpAuthUri::Type)

class TestOtpAuthUri : public QObject
{
    Q_OBJECT
private slots:
    void parse_data()
    {
        QTest::addColumn<QString>("uri");
        QTest::addColumn<OtpAuthUri::Type>("type");
        QTest::addColumn<QString>("issuer");
        QTest::addColumn<QString>("account");
        QTest::addColumn<QByteArray>("secret");
        QTest::addColumn<HashAlgorithm>("alg");
        QTest::addColumn<int>("digits");
        QTest::addColumn<int>("period");
        QTest::addColumn<quint64>("counter");

        QTest::newRow("defaults") << QStringLiteral(
            "otpauth://totp/bob?secret=MJXWELLUN52HALLUMVZXILLTMVRXEZLU")
                                  << OtpAuthUri::Type::Totp << QString() << QStringLiteral("bob")
                                  << QByteArray("bob-totp-test-secret") << HashAlgorithm::Sha1 << 6 << 30
                                  << quint64(0);
        QTest::newRow("issuer in label and parameter")
            << QStringLiteral(
                   "otpauth://totp/My%20Wiki:Bob?secret=MJXWELLUN52HALLUMVZXILLTMVRXEZLU&issuer=My%20Wiki")
            << OtpAuthUri::Type::Totp << QStringLiteral("My Wiki") << QStringLiteral("Bob")
            << QByteArray("bob-totp-test-secret") << HashAlgorithm::Sha1 << 6 << 30 << quint64(0);
        QTest::newRow("encoded colon, space after it") << QStringLiteral(
            "otpauth://totp/ACME%3A%20jane@example.com?secret=MZXW6YTBOI&algorithm=SHA256&digits=8&period=60")
                                                       << OtpAuthUri::Type::Totp << QStringLiteral("ACME")
                                                       << QStringLiteral("jane@example.com")
                                                       << QByteArray("foobar") << HashAlgorithm::Sha256 << 8
                                                       << 60 << quint64(0);
        QTest::newRow("issuer parameter only, lower-case secret, plus as space")
            << QStringLiteral(
                   "otpauth://TOTP/alice?issuer=Big+Wiki&secret=mzxw6ytboi&algorithm=sha512&digits=7")
            << OtpAuthUri::Type::Totp << QStringLiteral("Big Wiki") << QStringLiteral("alice")
            << QByteArray("foobar") << HashAlgorithm::Sha512 << 7 << 30 << quint64(0);
        QTest::newRow("hotp with counter")
            << QStringLiteral(
                   "otpauth://hotp/Wiki:carol?secret=MZXW6===&counter=42&image=https%3A%2F%2Fx%2Fy.png")
            << OtpAuthUri::Type::Hotp << QStringLiteral("Wiki") << QStringLiteral("carol")
            << QByteArray("foo") << HashAlgorithm::Sha1 << 6 << 30 << quint64(42);
        QTest::newRow("utf-8 account")
            << QStringLiteral("otpauth://totp/W:J%C3%BCrgen?secret=MY") << OtpAuthUri::Type::Totp
            << QStringLiteral("W") << QStringLiteral("J\u00fcrgen") << QByteArray("f") << HashAlgorithm::Sha1
            << 6 << 30 << quint64(0);
    }
    void parse()
    {
        QFETCH(QString, uri);
        QFETCH(OtpAuthUri::Type, type);
        QFETCH(QString, issuer);
        QFETCH(QString, account);
        QFETCH(QByteArray, secret);
        QFETCH(HashAlgorithm, alg);
        QFETCH(int, digits);
        QFETCH(int, period);
        QFETCH(quint64, counter);
        const Result<OtpAuthUri> parsed = OtpAuthUri::parse(uri);
        QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message()));
        QCOMPARE(parsed->type, type);
        QCOMPARE(parsed->issuer, issuer);
        QCOMPARE(parsed->account, account);
        QCOMPARE(parsed->parameters.secret, secret);
        QCOMPARE(parsed->parameters.algorithm, alg);
        QCOMPARE(parsed->parameters.digits, digits);
        QCOMPARE(parsed->parameters.period, period);
        QCOMPARE(parsed->counter, counter);

        // Serializing and parsing again gives the same key.
        const QString again = parsed->toString();
        const Result<OtpAuthUri> reparsed = OtpAuthUri::parse(again);
        QVERIFY2(reparsed.ok(), qPrintable(again));
        QCOMPARE(reparsed->type, type);
        QCOMPARE(reparsed->issuer, issuer);
        QCOMPARE(reparsed->account, account);
        QCOMPARE(reparsed->parameters.secret, secret);
        QCOMPARE(reparsed->parameters.algorithm, alg);
        QCOMPARE(reparsed->parameters.digits, digits);
        QCOMPARE(reparsed->parameters.period, period);
        QCOMPARE(reparsed->counter, counter);
    }

    void serializeExact()
    {
        OtpAuthUri key;
        key.issuer = QStringLiteral("My Wiki");
        key.account = QStringLiteral("Bob");
        key.parameters.secret = "bob-totp-test-secret";
        QCOMPARE(key.toString(),
                 QStringLiteral("otpauth://totp/My%20Wiki:Bob?secret=MJXWELLUN52HALLUMVZXILLTMVRXEZLU"
                                "&issuer=My%20Wiki&algorithm=SHA1&digits=6&period=30"));
        key.type = OtpAuthUri::Type::Hotp;
        key.issuer.clear();
        key.counter = 7;
        key.parameters.digits = 8;
        QCOMPARE(
            key.toString(),
            QStringLiteral("otpauth://hotp/"
                           "Bob?secret=MJXWELLUN52HALLUMVZXILLTMVRXEZLU&algorithm=SHA1&digits=8&counter=7"));
    }

    void roundTripAwkwardNames_data()
    {
        QTest::addColumn<QString>("issuer");
        QTest::addColumn<QString>("account");
        QTest::newRow("colon in issuer") << QStringLiteral("a:b") << QStringLiteral("c");
        QTest::newRow("colon in account, no issuer") << QString() << QStringLiteral("x:y");
        QTest::newRow("reserved characters") << QStringLiteral("R&D?#/") << QStringLiteral("u+v=w&z");
        QTest::newRow("non-ascii") << QStringLiteral("Wikip\u00e9dia") << QStringLiteral("\u65e5\u672c");
    }
    void roundTripAwkwardNames()
    {
        QFETCH(QString, issuer);
        QFETCH(QString, account);
        OtpAuthUri key;
        key.issuer = issuer;
        key.account = account;
        key.parameters.secret = "12345678901234567890";
        key.parameters.algorithm = HashAlgorithm::Sha256;
        const Result<OtpAuthUri> parsed = OtpAuthUri::parse(key.toString());
        QVERIFY2(parsed.ok(), qPrintable(key.toString()));
        QCOMPARE(parsed->issuer, issuer);
        QCOMPARE(parsed->account, account);
        QCOMPARE(parsed->parameters.secret, key.parameters.secret);
        QCOMPARE(parsed->parameters.algorithm, HashAlgorithm::Sha256);
    }

    void badInput_data()
    {
        QTest::addColumn<QString>("uri");
        QTest::addColumn<ErrorCode>("code");
        QTest::addColumn<QString>("messagePart");
        const QString s = QStringLiteral("secret=MZXW6YTBOI");
        QTest::newRow("other scheme") << (QStringLiteral("https://totp/a?") + s) << ErrorCode::InvalidInput
                                      << QStringLiteral("otpauth://");
        QTest::newRow("empty") << QString() << ErrorCode::InvalidInput << QStringLiteral("otpauth://");
        QTest::newRow("other type") << (QStringLiteral("otpauth://motp/a?") + s) << ErrorCode::InvalidInput
                                    << QStringLiteral("totp or hotp, not 'motp'");
        QTest::newRow("no label") << (QStringLiteral("otpauth://totp?") + s) << ErrorCode::InvalidInput
                                  << QStringLiteral("no label");
        QTest::newRow("empty account") << (QStringLiteral("otpauth://totp/Wiki:?") + s)
                                       << ErrorCode::InvalidInput << QStringLiteral("no account name");
        QTest::newRow("missing secret") << QStringLiteral("otpauth://totp/a?issuer=x")
                                        << ErrorCode::InvalidInput << QStringLiteral("no secret");
        QTest::newRow("empty secret") << QStringLiteral("otpauth://totp/a?secret=") << ErrorCode::InvalidInput
                                      << QStringLiteral("no secret");
        QTest::newRow("bad secret") << QStringLiteral("otpauth://totp/a?secret=MZXW1YTB")
                                    << ErrorCode::MalformedBase64
                                    << QStringLiteral("secret: '1' is not a base32 character");
        QTest::newRow("truncated secret")
            << QStringLiteral("otpauth://totp/a?secret=MZX") << ErrorCode::MalformedBase64
            << QStringLiteral("cannot have 3 characters");
        QTest::newRow("digits 5") << (QStringLiteral("otpauth://totp/a?digits=5&") + s)
                                  << ErrorCode::InvalidInput << QStringLiteral("digits must be 6, 7 or 8");
        QTest::newRow("digits 9") << (QStringLiteral("otpauth://totp/a?digits=9&") + s)
                                  << ErrorCode::InvalidInput << QStringLiteral("digits must be 6, 7 or 8");
        QTest::newRow("digits text") << (QStringLiteral("otpauth://totp/a?digits=six&") + s)
                                     << ErrorCode::InvalidInput << QStringLiteral("digits must be 6, 7 or 8");
        QTest::newRow("period 0") << (QStringLiteral("otpauth://totp/a?period=0&") + s)
                                  << ErrorCode::InvalidInput << QStringLiteral("period must be");
        QTest::newRow("period negative") << (QStringLiteral("otpauth://totp/a?period=-30&") + s)
                                         << ErrorCode::InvalidInput << QStringLiteral("period must be");
        QTest::newRow("unknown algorithm")
            << (QStringLiteral("otpauth://totp/a?algorithm=MD5&") + s) << ErrorCode::UnsupportedAlgorithm
            << QStringLiteral("'MD5' is not supported");
        QTest::newRow("hotp without counter") << (QStringLiteral("otpauth://hotp/a?") + s)
                                              << ErrorCode::InvalidInput << QStringLiteral("needs a counter");
        QTest::newRow("hotp bad counter")
            << (QStringLiteral("otpauth://hotp/a?counter=1e3&") + s) << ErrorCode::InvalidInput
            << QStringLiteral("counter must be a whole number");
        QTest::newRow("two issuers") << (QStringLiteral("otpauth://totp/A:b?issuer=B&") + s)
                                     << ErrorCode::InvalidInput << QStringLiteral("names two issuers");
        QTest::newRow("repeated secret") << (QStringLiteral("otpauth://totp/a?") + s + QLatin1Char('&') + s)
                                         << ErrorCode::InvalidInput << QStringLiteral("'secret' twice");
        QTest::newRow("bad escape in label") << (QStringLiteral("otpauth://totp/a%zz?") + s)
                                             << ErrorCode::InvalidInput << QStringLiteral("label");
        QTest::newRow("bad escape in query") << QStringLiteral("otpauth://totp/a?secret=MZ%XW")
                                             << ErrorCode::InvalidInput << QStringLiteral("parameters");
    }
    void badInput()
    {
        QFETCH(QString, uri);
        QFETCH(ErrorCode, code);
        QFETCH(QString, messagePart);
        const Result<OtpAuthUri> parsed = OtpAuthUri::parse(uri);
        QVERIFY(!parsed.ok());
        QCOMPARE(parsed.error().code(), code);
        QVERIFY2(parsed.error().message().contains(messagePart), qPrintable(parsed.error().message()));
    }
};

QTEST_GUILESS_MAIN(TestOtpAuthUri)
#include "TestOtpAuthUri.moc"
