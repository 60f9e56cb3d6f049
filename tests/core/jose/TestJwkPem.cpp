#include "JoseTestUtil.h"
#include "JoseVectors.h"

#include "jose/Base64Url.h"
#include "jose/Jws.h"
#include "jose/KeyGenerator.h"

#include <QJsonDocument>
#include <QTest>

using namespace mwauth;
using namespace mwauth::jose;

// PEM import and export. The fixtures in data/ were made with the openssl command line
// tool; their expected RFC 7638 thumbprints (data/pem-thumbprints-jwcrypto.json) were
// computed by python3-jwcrypto, an independent implementation.
class TestJwkPem : public QObject
{
    Q_OBJECT

    QJsonObject m_expected;

private slots:
    void initTestCase()
    {
        m_expected
            = QJsonDocument::fromJson(testutil::readFile(testutil::testData("pem-thumbprints-jwcrypto.json")))
                  .object();
        QCOMPARE(m_expected.size(), 6);
    }

    void importsEveryForm_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<Jwk::Type>("type");
        QTest::addColumn<QString>("curve");
        QTest::addColumn<int>("bits");
        QTest::newRow("RSA PRIVATE KEY (PKCS#1)")
            << QStringLiteral("rsa2048-traditional.pem") << Jwk::Type::Rsa << QString() << 2048;
        QTest::newRow("RSA PUBLIC KEY (PKCS#1)")
            << QStringLiteral("rsa2048-pkcs1-public.pem") << Jwk::Type::Rsa << QString() << 2048;
        QTest::newRow("EC PRIVATE KEY (SEC1) P-384")
            << QStringLiteral("p384-traditional.pem") << Jwk::Type::Ec << QStringLiteral("P-384") << 384;
        QTest::newRow("PUBLIC KEY (SPKI) P-384")
            << QStringLiteral("p384-spki.pem") << Jwk::Type::Ec << QStringLiteral("P-384") << 384;
        QTest::newRow("PRIVATE KEY (PKCS#8) P-256")
            << QStringLiteral("p256-pkcs8.pem") << Jwk::Type::Ec << QStringLiteral("P-256") << 256;
        QTest::newRow("PRIVATE KEY (PKCS#8) Ed25519")
            << QStringLiteral("ed25519-pkcs8.pem") << Jwk::Type::Okp << QStringLiteral("Ed25519") << 256;
    }
    void importsEveryForm()
    {
        QFETCH(QString, file);
        QFETCH(Jwk::Type, type);
        QFETCH(QString, curve);
        QFETCH(int, bits);
        const QJsonObject expected = m_expected.value(file).toObject();
        QVERIFY(!expected.isEmpty());
        Result<Jwk> key = Jwk::fromPem(testutil::readFile(testutil::testData(qPrintable(file))));
        QVERIFY2(key.ok(), testutil::why(key));
        QCOMPARE(key->type(), type);
        QCOMPARE(key->curve(), curve);
        QCOMPARE(key->bits(), bits);
        QCOMPARE(key->hasPrivate(), expected.value(QStringLiteral("private")).toBool());
        QCOMPARE(QString::fromLatin1(key->thumbprint()),
                 expected.value(QStringLiteral("thumbprint")).toString());
        if (key->hasPrivate()) {
            // Our public JWK equals jwcrypto's (minus the kid it adds).
            QJsonObject theirs = expected.value(QStringLiteral("publicJwk")).toObject();
            theirs.remove(QStringLiteral("kid"));
            QCOMPARE(key->toPublicJson(), theirs);
        }
    }

    void roundTrip_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("RSA") << QByteArray(vectors::rfc7515A2Key);
        QTest::newRow("EC P-256") << QByteArray(vectors::rfc7515A3Key);
        QTest::newRow("Ed25519") << QByteArray(vectors::rfc8037Private);
    }
    void roundTrip()
    {
        QFETCH(QByteArray, json);
        Result<Jwk> key = Jwk::fromJson(json);
        QVERIFY(key.ok());
        Result<QByteArray> privatePem = key->toPrivatePem();
        Result<QByteArray> publicPem = key->toPublicPem();
        QVERIFY(privatePem.ok() && publicPem.ok());
        QVERIFY(privatePem->startsWith("-----BEGIN PRIVATE KEY-----\n")); // PKCS#8
        QVERIFY(publicPem->startsWith("-----BEGIN PUBLIC KEY-----\n")); // SPKI
        QVERIFY(!publicPem->contains("PRIVATE"));

        Result<Jwk> fromPrivate = Jwk::fromPem(*privatePem);
        Result<Jwk> fromPublic = Jwk::fromPem(*publicPem);
        QVERIFY2(fromPrivate.ok(), testutil::why(fromPrivate));
        QVERIFY2(fromPublic.ok(), testutil::why(fromPublic));
        QVERIFY(fromPrivate->hasPrivate());
        QVERIFY(!fromPublic->hasPrivate());
        QCOMPARE(fromPrivate->toPrivateJson(), key->toPrivateJson());
        QCOMPARE(fromPublic->toPublicJson(), key->toPublicJson());
        QCOMPARE(fromPublic->thumbprint(), key->thumbprint());
        // Keys from PEM sign and verify like the originals.
        const JwsAlgorithm alg = key->type() == Jwk::Type::Rsa ? JwsAlgorithm::RS256
            : key->type() == Jwk::Type::Ec                     ? JwsAlgorithm::ES256
                                                               : JwsAlgorithm::EdDSA;
        Result<QByteArray> sig = Signature::sign(alg, *fromPrivate, "data");
        QVERIFY(sig.ok());
        QVERIFY(Signature::verify(alg, key->publicKey(), "data", *sig).ok());
    }

    void rejects_data()
    {
        QTest::addColumn<QByteArray>("pem");
        QTest::addColumn<ErrorCode>("code");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("RSA 1024") << testutil::readFile(testutil::testData("rsa1024-weak.pem"))
                                  << ErrorCode::WeakKey << QStringLiteral("1024 bits");
        QTest::newRow("P-521") << testutil::readFile(testutil::testData("p521-unsupported.pem"))
                               << ErrorCode::MalformedKey << QStringLiteral("secp521r1");
        QTest::newRow("Ed448") << testutil::readFile(testutil::testData("ed448-unsupported.pem"))
                               << ErrorCode::MalformedKey << QStringLiteral("ED448");
        QTest::newRow("encrypted") << testutil::readFile(testutil::testData("rsa2048-encrypted.pem"))
                                   << ErrorCode::MalformedKey << QStringLiteral("encrypted");
        QTest::newRow("not PEM") << QByteArray("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA")
                                 << ErrorCode::MalformedKey << QStringLiteral("not PEM");
        QTest::newRow("garbage body")
            << QByteArray("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
            << ErrorCode::MalformedKey << QStringLiteral("can be read");
        QTest::newRow("certificate") << QByteArray(
            "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n")
                                     << ErrorCode::MalformedKey << QStringLiteral("can be read");
    }
    void rejects()
    {
        QFETCH(QByteArray, pem);
        QFETCH(ErrorCode, code);
        QFETCH(QString, messagePart);
        QVERIFY(!pem.isEmpty());
        Result<Jwk> key = Jwk::fromPem(pem);
        QVERIFY(!key.ok());
        QCOMPARE(key.error().code(), code);
        QVERIFY2(key.error().message().contains(messagePart, Qt::CaseInsensitive),
                 qPrintable(key.error().message()));
    }

    // A PEM private key whose private part does not belong to its public part must be refused,
    // as fromJson refuses it: otherwise it would sign tokens its own public key cannot verify.
    // The test changes one byte of a private member inside the key's DER (found by its value).
    void rejectsMismatchedPrivatePart_data()
    {
        QTest::addColumn<QString>("alg");
        QTest::addColumn<QString>("member");
        QTest::newRow("EC d") << QStringLiteral("ES256") << QStringLiteral("d");
        QTest::newRow("RSA dp") << QStringLiteral("RS256") << QStringLiteral("dp");
        QTest::newRow("RSA d") << QStringLiteral("RS256") << QStringLiteral("d");
    }
    void rejectsMismatchedPrivatePart()
    {
        QFETCH(QString, alg);
        QFETCH(QString, member);
        const Result<Jwk> key = KeyGenerator::generate(*algorithmFromName(alg));
        QVERIFY(key.ok());
        const QByteArray pem = *key->toPrivatePem();
        QVERIFY(Jwk::fromPem(pem).ok()); // the untouched key is fine

        const QByteArray value = *Base64Url::decode(key->toPrivateJson().value(member).toString().toLatin1());
        QVERIFY(value.size() > 16);
        QList<QByteArray> lines = pem.trimmed().split('\n');
        const QByteArray body = lines.mid(1, lines.size() - 2).join();
        QByteArray der = QByteArray::fromBase64(body);
        const qsizetype at = der.indexOf(value);
        QVERIFY2(at >= 0, "private member not found in the DER");
        der[at + value.size() / 2] = static_cast<char>(der[at + value.size() / 2] ^ 0x01);
        const QByteArray tampered
            = "-----BEGIN PRIVATE KEY-----\n" + der.toBase64() + "\n-----END PRIVATE KEY-----\n";

        const Result<Jwk> bad = Jwk::fromPem(tampered);
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().code(), ErrorCode::MalformedKey);
        QVERIFY2(bad.error().message().contains(QStringLiteral("PEM")), qPrintable(bad.error().message()));
    }

    void octHasNoPem()
    {
        const Jwk secret = Jwk::fromSecret("0123456789abcdef0123456789abcdef");
        QCOMPARE(secret.toPublicPem().error().code(), ErrorCode::InvalidInput);
        QCOMPARE(secret.toPrivatePem().error().code(), ErrorCode::InvalidInput);
    }
};

QTEST_APPLESS_MAIN(TestJwkPem)
#include "TestJwkPem.moc"
