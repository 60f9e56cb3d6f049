#include "JoseTestUtil.h"

#include "jose/Jws.h"
#include "jose/KeyGenerator.h"

#include <QElapsedTimer>
#include <QTest>

using namespace mwauth;
using namespace mwauth::jose;

class TestKeyGenerator : public QObject
{
    Q_OBJECT
private slots:
    void generatesForEveryAlgorithm_data()
    {
        QTest::addColumn<JwsAlgorithm>("alg");
        QTest::addColumn<Jwk::Type>("type");
        QTest::addColumn<QString>("curve");
        QTest::addColumn<int>("bits");
        QTest::newRow("HS256") << JwsAlgorithm::HS256 << Jwk::Type::Oct << QString() << 256;
        QTest::newRow("HS384") << JwsAlgorithm::HS384 << Jwk::Type::Oct << QString() << 384;
        QTest::newRow("HS512") << JwsAlgorithm::HS512 << Jwk::Type::Oct << QString() << 512;
        QTest::newRow("RS256") << JwsAlgorithm::RS256 << Jwk::Type::Rsa << QString() << 2048;
        QTest::newRow("PS256") << JwsAlgorithm::PS256 << Jwk::Type::Rsa << QString() << 2048;
        QTest::newRow("ES256") << JwsAlgorithm::ES256 << Jwk::Type::Ec << QStringLiteral("P-256") << 256;
        QTest::newRow("ES384") << JwsAlgorithm::ES384 << Jwk::Type::Ec << QStringLiteral("P-384") << 384;
        QTest::newRow("EdDSA") << JwsAlgorithm::EdDSA << Jwk::Type::Okp << QStringLiteral("Ed25519") << 256;
    }
    void generatesForEveryAlgorithm()
    {
        QFETCH(JwsAlgorithm, alg);
        QFETCH(Jwk::Type, type);
        QFETCH(QString, curve);
        QFETCH(int, bits);
        Result<Jwk> key = KeyGenerator::generate(alg);
        QVERIFY2(key.ok(), testutil::why(key));
        QCOMPARE(key->type(), type);
        QCOMPARE(key->curve(), curve);
        QCOMPARE(key->bits(), bits);
        QVERIFY(key->hasPrivate());
        QCOMPARE(key->alg(), algorithmName(alg));
        QCOMPARE(key->kid(), QString::fromLatin1(key->thumbprint()));
        QCOMPARE(key->thumbprint().size(), 43); // base64url of 32 bytes
        QVERIFY(key->checkAlgorithm(alg).ok());

        // It signs, and its public form (via JSON, as published) verifies.
        Result<QByteArray> token = Jws::sign({{QStringLiteral("alg"), algorithmName(alg)}}, "payload", *key);
        QVERIFY2(token.ok(), testutil::why(token));
        const Jwk verifier = type == Jwk::Type::Oct ? *Jwk::fromJson(key->toPrivateJson())
                                                    : *Jwk::fromJson(key->toPublicJson());
        QVERIFY(Jws::verify(*Jws::parse(*token), verifier).ok());

        // Two generated keys differ.
        Result<Jwk> second = KeyGenerator::generate(alg);
        QVERIFY(second.ok());
        QVERIFY(second->thumbprint() != key->thumbprint());
    }

    void rsa4096()
    {
        QElapsedTimer timer;
        timer.start();
        Result<Jwk> key = KeyGenerator::generate(JwsAlgorithm::RS512, 4096);
        QVERIFY(key.ok());
        QCOMPARE(key->bits(), 4096);
        qInfo("RSA-4096 generated in %lld ms", timer.elapsed());
        // Private JSON round trip goes through the RSA consistency checks.
        Result<Jwk> again = Jwk::fromJson(key->toPrivateJson());
        QVERIFY2(again.ok(), testutil::why(again));
        QCOMPARE(again->thumbprint(), key->thumbprint());
    }

    void rejectsRsaSizes_data()
    {
        QTest::addColumn<int>("bits");
        QTest::addColumn<ErrorCode>("code");
        QTest::newRow("1024") << 1024 << ErrorCode::WeakKey;
        QTest::newRow("2047") << 2047 << ErrorCode::WeakKey;
        QTest::newRow("2049") << 2049 << ErrorCode::InvalidInput;
        QTest::newRow("8192") << 8192 << ErrorCode::InvalidInput;
    }
    void rejectsRsaSizes()
    {
        QFETCH(int, bits);
        QFETCH(ErrorCode, code);
        Result<Jwk> key = KeyGenerator::generate(JwsAlgorithm::RS256, bits);
        QVERIFY(!key.ok());
        QCOMPARE(key.error().code(), code);
        QVERIFY2(key.error().message().contains(QString::number(bits)), qPrintable(key.error().message()));
    }
};

QTEST_APPLESS_MAIN(TestKeyGenerator)
#include "TestKeyGenerator.moc"
