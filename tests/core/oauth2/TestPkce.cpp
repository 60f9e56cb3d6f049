#include "oauth2/Pkce.h"

#include <QTest>

using namespace mwauth;
using namespace mwauth::oauth2;

namespace {
// RFC 7636 appendix B.
const QByteArray rfcVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const QByteArray rfcChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
} // namespace

class TestPkce : public QObject
{
    Q_OBJECT
private slots:
    void rfc7636AppendixB()
    {
        QCOMPARE(Pkce::challengeFor(rfcVerifier, PkceMethod::S256), rfcChallenge);
        const Result<Pkce> pkce = Pkce::fromVerifier(rfcVerifier);
        QVERIFY(pkce.ok());
        QCOMPARE(pkce->verifier(), rfcVerifier);
        QCOMPARE(pkce->challenge(), rfcChallenge);
        QCOMPARE(pkce->method(), PkceMethod::S256);
        QVERIFY(Pkce::matches(rfcVerifier, rfcChallenge, PkceMethod::S256));
    }

    void rfc7636AppendixBFromBytes()
    {
        // The appendix's verifier is base64url of these 32 octets; generate() must make the same.
        const unsigned char octets[]
            = {116, 24,  223, 180, 151, 153, 224, 37,  79, 250, 96, 125, 216, 173, 187, 186,
               22,  212, 37,  77,  105, 214, 191, 240, 91, 88,  5,  88,  83,  132, 141, 121};
        FixedRandom random(QByteArray(reinterpret_cast<const char *>(octets), sizeof octets));
        const Pkce pkce = Pkce::generate(random);
        QCOMPARE(pkce.verifier(), rfcVerifier);
        QCOMPARE(pkce.challenge(), rfcChallenge);
    }

    void plain()
    {
        const Result<Pkce> pkce = Pkce::fromVerifier(rfcVerifier, PkceMethod::Plain);
        QVERIFY(pkce.ok());
        QCOMPARE(pkce->challenge(), rfcVerifier);
        QVERIFY(Pkce::matches(rfcVerifier, rfcVerifier, PkceMethod::Plain));
        QVERIFY(!Pkce::matches(rfcVerifier, rfcChallenge, PkceMethod::Plain));
    }

    void generateGives43Characters()
    {
        SystemRandom random;
        const Pkce a = Pkce::generate(random);
        const Pkce b = Pkce::generate(random, PkceMethod::Plain);
        QCOMPARE(a.verifier().size(), 43);
        QCOMPARE(b.verifier().size(), 43);
        QVERIFY(a.verifier() != b.verifier());
        QVERIFY(Pkce::fromVerifier(a.verifier()).ok());
        QCOMPARE(a.challenge().size(), 43); // SHA-256 is 32 bytes, base64url 43 characters
        QCOMPARE(b.challenge(), b.verifier());
        QVERIFY(Pkce::matches(a.verifier(), a.challenge(), PkceMethod::S256));
    }

    void mismatch_data()
    {
        QTest::addColumn<QByteArray>("verifier");
        QTest::addColumn<QByteArray>("challenge");
        QTest::newRow("other verifier")
            << QByteArray("eBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") << rfcChallenge;
        QTest::newRow("challenge with padding") << rfcVerifier << (rfcChallenge + '=');
        QTest::newRow("challenge one char off")
            << rfcVerifier << QByteArray("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cN");
        QTest::newRow("empty challenge") << rfcVerifier << QByteArray();
        // A verifier outside the grammar never matches, even against its own hash.
        QTest::newRow("short verifier") << QByteArray("abc") << Pkce::challengeFor("abc", PkceMethod::S256);
        QTest::newRow("bad character")
            << QByteArray("dBjftJeZ4CVP+mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
            << Pkce::challengeFor("dBjftJeZ4CVP+mB92K27uhbUJU1p1r_wW1gFWFOEjXk", PkceMethod::S256);
    }
    void mismatch()
    {
        QFETCH(QByteArray, verifier);
        QFETCH(QByteArray, challenge);
        QVERIFY(!Pkce::matches(verifier, challenge, PkceMethod::S256));
    }

    void badVerifier_data()
    {
        QTest::addColumn<QByteArray>("verifier");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("empty") << QByteArray() << QStringLiteral("43 to 128 characters long; this one has 0");
        QTest::newRow("42 chars") << QByteArray(42, 'a')
                                  << QStringLiteral("43 to 128 characters long; this one has 42");
        QTest::newRow("129 chars") << QByteArray(129, 'a')
                                   << QStringLiteral("43 to 128 characters long; this one has 129");
        QTest::newRow("plus") << (QByteArray(43, 'a') + '+') << QStringLiteral("character 44 is not");
        QTest::newRow("space") << (QByteArray(" ") + QByteArray(43, 'a'))
                               << QStringLiteral("character 1 is not");
        QTest::newRow("slash") << (QByteArray(20, 'a') + '/' + QByteArray(22, 'a'))
                               << QStringLiteral("character 21 is not");
        QTest::newRow("padding") << (QByteArray(43, 'a') + '=') << QStringLiteral("character 44 is not");
        QTest::newRow("utf-8") << (QByteArray(43, 'a') + "\xc3\xa9") << QStringLiteral("character 44 is not");
    }
    void badVerifier()
    {
        QFETCH(QByteArray, verifier);
        QFETCH(QString, messagePart);
        const Result<Pkce> pkce = Pkce::fromVerifier(verifier);
        QVERIFY(!pkce.ok());
        QCOMPARE(pkce.error().code(), ErrorCode::InvalidInput);
        QVERIFY2(pkce.error().message().contains(messagePart), qPrintable(pkce.error().message()));
    }

    void lengthLimitsAccepted()
    {
        QVERIFY(Pkce::fromVerifier(QByteArray(43, '~')).ok());
        QVERIFY(Pkce::fromVerifier(QByteArray(128, '.')).ok());
        QVERIFY(
            Pkce::fromVerifier("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~").ok());
    }

    void methodNames()
    {
        QCOMPARE(pkceMethodName(PkceMethod::S256), QStringLiteral("S256"));
        QCOMPARE(pkceMethodName(PkceMethod::Plain), QStringLiteral("plain"));
        QCOMPARE(*pkceMethodFromName(u"S256"), PkceMethod::S256);
        QCOMPARE(*pkceMethodFromName(u"plain"), PkceMethod::Plain);
        // RFC 7636 section 4.3 names are exact.
        for (const char16_t *name : {u"s256", u"PLAIN", u"S512", u""}) {
            const Result<PkceMethod> method = pkceMethodFromName(name);
            QVERIFY(!method.ok());
            QCOMPARE(method.error().code(), ErrorCode::UnsupportedAlgorithm);
            QVERIFY2(method.error().message().contains(QStringLiteral("use S256 or plain")),
                     qPrintable(method.error().message()));
        }
    }
};

QTEST_GUILESS_MAIN(TestPkce)
#include "TestPkce.moc"
