#include "JoseTestUtil.h"
#include "JoseVectors.h"

#include "jose/Jwk.h"
#include "jose/Jwks.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace mwauth;
using namespace mwauth::jose;

namespace {

QJsonObject object(const char *json)
{
    return QJsonDocument::fromJson(QByteArray(json)).object();
}

QJsonArray keysOf(const char *jwks)
{
    return object(jwks).value(QStringLiteral("keys")).toArray();
}

const QStringList privateMembers {QStringLiteral("d"),  QStringLiteral("p"),  QStringLiteral("q"),
                                  QStringLiteral("dp"), QStringLiteral("dq"), QStringLiteral("qi"),
                                  QStringLiteral("k"),  QStringLiteral("oth")};

} // namespace

class TestJwk : public QObject
{
    Q_OBJECT
private slots:
    // RFC 7517 A.1: public keys parse and serialise back to the same members.
    void rfc7517PublicKeys()
    {
        const QJsonArray keys = keysOf(vectors::rfc7517A1);
        QCOMPARE(keys.size(), 2);
        Result<Jwk> ec = Jwk::fromJson(keys[0].toObject());
        QVERIFY2(ec.ok(), testutil::why(ec));
        QCOMPARE(ec->type(), Jwk::Type::Ec);
        QCOMPARE(ec->typeName(), QStringLiteral("EC"));
        QCOMPARE(ec->curve(), QStringLiteral("P-256"));
        QCOMPARE(ec->bits(), 256);
        QCOMPARE(ec->kid(), QStringLiteral("1"));
        QCOMPARE(ec->use(), QStringLiteral("enc"));
        QVERIFY(!ec->hasPrivate());
        QCOMPARE(ec->toPublicJson(), keys[0].toObject());

        Result<Jwk> rsa = Jwk::fromJson(keys[1].toObject());
        QVERIFY2(rsa.ok(), testutil::why(rsa));
        QCOMPARE(rsa->type(), Jwk::Type::Rsa);
        QCOMPARE(rsa->bits(), 2048);
        QCOMPARE(rsa->alg(), QStringLiteral("RS256"));
        QCOMPARE(rsa->kid(), QStringLiteral("2011-04-29"));
        QVERIFY(!rsa->hasPrivate());
        QCOMPARE(rsa->toPublicJson(), keys[1].toObject());
        QCOMPARE(rsa->toPrivateJson(), keys[1].toObject());
    }

    // RFC 7517 A.2: private keys round-trip through toPrivateJson; their public form is
    // exactly A.1 (the same keys without the private members).
    void rfc7517PrivateKeys()
    {
        const QJsonArray privateKeys = keysOf(vectors::rfc7517A2);
        const QJsonArray publicKeys = keysOf(vectors::rfc7517A1);
        for (qsizetype i = 0; i < privateKeys.size(); ++i) {
            Result<Jwk> key = Jwk::fromJson(privateKeys[i].toObject());
            QVERIFY2(key.ok(), testutil::why(key));
            QVERIFY(key->hasPrivate());
            QCOMPARE(key->toPrivateJson(), privateKeys[i].toObject());
            QCOMPARE(key->toPublicJson(), publicKeys[i].toObject());
            QCOMPARE(key->publicKey().toPrivateJson(), publicKeys[i].toObject());
            QVERIFY(!key->publicKey().hasPrivate());
        }
    }

    // RFC 7517 A.3: symmetric keys; an oct key has no public form.
    void rfc7517SymmetricKeys()
    {
        const QJsonArray keys = keysOf(vectors::rfc7517A3);
        for (const QJsonValue &value : keys) {
            Result<Jwk> key = Jwk::fromJson(value.toObject());
            QVERIFY2(key.ok(), testutil::why(key));
            QCOMPARE(key->type(), Jwk::Type::Oct);
            QCOMPARE(key->typeName(), QStringLiteral("oct"));
            QVERIFY(key->hasPrivate());
            QCOMPARE(key->toPrivateJson(), value.toObject());
            QVERIFY(key->toPublicJson().isEmpty());
            QVERIFY(!key->toPublicPem().ok());
        }
        Result<Jwk> first = Jwk::fromJson(keys[0].toObject());
        QCOMPARE(first->bits(), 128);
        QCOMPARE(first->secret(), QByteArray::fromHex("19ac2082e1721ab58a6afec05f854a52"));
    }

    void rfc7638Thumbprint()
    {
        const QJsonArray publicKeys = keysOf(vectors::rfc7517A1);
        const QJsonArray privateKeys = keysOf(vectors::rfc7517A2);
        Result<Jwk> pub = Jwk::fromJson(publicKeys[1].toObject());
        Result<Jwk> priv = Jwk::fromJson(privateKeys[1].toObject());
        QVERIFY(pub.ok() && priv.ok());
        QCOMPARE(pub->thumbprint(), QByteArray(vectors::rfc7638Thumbprint));
        QCOMPARE(priv->thumbprint(), QByteArray(vectors::rfc7638Thumbprint));
        // kid/alg/use are not part of the thumbprint.
        Jwk renamed = *pub;
        renamed.setKid(QStringLiteral("other"));
        renamed.setAlg(QString());
        QCOMPARE(renamed.thumbprint(), QByteArray(vectors::rfc7638Thumbprint));
    }

    // RFC 8037 A.1 (private), A.2 (public), A.3 (thumbprint).
    void rfc8037Keys()
    {
        const Jwk priv = testutil::key(vectors::rfc8037Private);
        const Jwk pub = testutil::key(vectors::rfc8037Public);
        QVERIFY(!priv.isNull() && !pub.isNull());
        QCOMPARE(priv.type(), Jwk::Type::Okp);
        QCOMPARE(priv.typeName(), QStringLiteral("OKP"));
        QCOMPARE(priv.curve(), QStringLiteral("Ed25519"));
        QVERIFY(priv.hasPrivate());
        QVERIFY(!pub.hasPrivate());
        QCOMPARE(priv.toPrivateJson(), object(vectors::rfc8037Private));
        QCOMPARE(priv.toPublicJson(), object(vectors::rfc8037Public));
        QCOMPARE(pub.toPublicJson(), object(vectors::rfc8037Public));
        QCOMPARE(priv.thumbprint(), QByteArray(vectors::rfc8037Thumbprint));
        QCOMPARE(pub.thumbprint(), QByteArray(vectors::rfc8037Thumbprint));
    }

    // RFC 7520 3.4 / 3.5: a full RSA private key with use "sig", and an HMAC key.
    void rfc7520Keys()
    {
        const Jwk rsa = testutil::key(vectors::rfc7520RsaPrivate);
        QVERIFY(!rsa.isNull());
        QCOMPARE(rsa.use(), QStringLiteral("sig"));
        QCOMPARE(rsa.kid(), QStringLiteral("bilbo.baggins@hobbiton.example"));
        QCOMPARE(rsa.toPrivateJson(), object(vectors::rfc7520RsaPrivate));
        const Jwk hmac = testutil::key(vectors::rfc7520HmacKey);
        QVERIFY(!hmac.isNull());
        QCOMPARE(hmac.bits(), 256);
        QCOMPARE(hmac.toPrivateJson(), object(vectors::rfc7520HmacKey));
    }

    void publicJsonHasNoPrivateMembers_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("RSA with CRT") << QByteArray(vectors::rfc7515A2Key);
        QTest::newRow("EC P-256") << QByteArray(vectors::rfc7515A3Key);
        QTest::newRow("Ed25519") << QByteArray(vectors::rfc8037Private);
        QTest::newRow("oct") << QByteArray(vectors::rfc7515A1Key);
    }
    void publicJsonHasNoPrivateMembers()
    {
        QFETCH(QByteArray, json);
        Result<Jwk> key = Jwk::fromJson(json);
        QVERIFY2(key.ok(), testutil::why(key));
        QVERIFY(key->hasPrivate());
        const QJsonObject pub = key->toPublicJson();
        const QJsonObject priv = key->toPrivateJson();
        for (const QString &member : privateMembers)
            QVERIFY2(!pub.contains(member), qPrintable(member));
        QVERIFY(priv.contains(key->type() == Jwk::Type::Oct ? QStringLiteral("k") : QStringLiteral("d")));
        // The private JSON reads back as the same key.
        Result<Jwk> again = Jwk::fromJson(priv);
        QVERIFY2(again.ok(), testutil::why(again));
        QVERIFY(again->hasPrivate());
        QCOMPARE(again->thumbprint(), key->thumbprint());
        QCOMPARE(again->toPrivateJson(), priv);
        // The public key object itself holds no private part any more.
        const Jwk publicOnly = key->publicKey();
        if (key->type() != Jwk::Type::Oct) {
            QVERIFY(!publicOnly.hasPrivate());
            QCOMPARE(publicOnly.toPrivateJson(), pub);
            QCOMPARE(publicOnly.thumbprint(), key->thumbprint());
            QCOMPARE(publicOnly.toPrivatePem().error().code(), ErrorCode::MissingPrivateKey);
        }
    }

    // An RSA private key with d but without the CRT members (RFC 7518 6.3.2 allows it).
    void rsaPrivateWithoutCrt()
    {
        QJsonObject json = object(vectors::rfc7515A2Key);
        for (const char *name : {"p", "q", "dp", "dq", "qi"})
            json.remove(QLatin1StringView(name));
        Result<Jwk> key = Jwk::fromJson(json);
        QVERIFY2(key.ok(), testutil::why(key));
        QVERIFY(key->hasPrivate());
        QCOMPARE(key->toPrivateJson(), json);
    }

    void checkAlgorithm_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("alg");
        QTest::addColumn<bool>("fits");
        QTest::addColumn<ErrorCode>("code");
        const QByteArray rsa(vectors::rfc7515A2Key);
        const QByteArray ec(vectors::rfc7515A3Key);
        const QByteArray ed(vectors::rfc8037Public);
        const QByteArray oct(vectors::rfc7515A1Key);
        const auto ok = ErrorCode::Internal;
        QTest::newRow("RSA RS256") << rsa << QStringLiteral("RS256") << true << ok;
        QTest::newRow("RSA RS512") << rsa << QStringLiteral("RS512") << true << ok;
        QTest::newRow("RSA PS256") << rsa << QStringLiteral("PS256") << true << ok;
        QTest::newRow("RSA HS256") << rsa << QStringLiteral("HS256") << false
                                   << ErrorCode::AlgorithmKeyMismatch;
        QTest::newRow("RSA ES256") << rsa << QStringLiteral("ES256") << false
                                   << ErrorCode::AlgorithmKeyMismatch;
        QTest::newRow("EC ES256") << ec << QStringLiteral("ES256") << true << ok;
        QTest::newRow("EC P-256 ES384")
            << ec << QStringLiteral("ES384") << false << ErrorCode::AlgorithmKeyMismatch;
        QTest::newRow("EC HS256") << ec << QStringLiteral("HS256") << false
                                  << ErrorCode::AlgorithmKeyMismatch;
        QTest::newRow("EC RS256") << ec << QStringLiteral("RS256") << false
                                  << ErrorCode::AlgorithmKeyMismatch;
        QTest::newRow("OKP EdDSA") << ed << QStringLiteral("EdDSA") << true << ok;
        QTest::newRow("OKP ES256") << ed << QStringLiteral("ES256") << false
                                   << ErrorCode::AlgorithmKeyMismatch;
        QTest::newRow("OKP HS512") << ed << QStringLiteral("HS512") << false
                                   << ErrorCode::AlgorithmKeyMismatch;
        QTest::newRow("oct HS256") << oct << QStringLiteral("HS256") << true << ok;
        QTest::newRow("oct HS512") << oct << QStringLiteral("HS512") << true << ok;
        QTest::newRow("oct RS256") << oct << QStringLiteral("RS256") << false
                                   << ErrorCode::AlgorithmKeyMismatch;
        QTest::newRow("oct EdDSA") << oct << QStringLiteral("EdDSA") << false
                                   << ErrorCode::AlgorithmKeyMismatch;
    }
    void checkAlgorithm()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, alg);
        QFETCH(bool, fits);
        QFETCH(ErrorCode, code);
        Result<Jwk> key = Jwk::fromJson(json);
        QVERIFY2(key.ok(), testutil::why(key));
        Result<JwsAlgorithm> algorithm = algorithmFromName(alg);
        QVERIFY(algorithm.ok());
        Result<void> result = key->checkAlgorithm(*algorithm);
        QCOMPARE(result.ok(), fits);
        if (!fits) {
            QCOMPARE(result.error().code(), code);
            QVERIFY2(result.error().message().contains(alg), qPrintable(result.error().message()));
        }
    }

    void pinnedAlgAndUse()
    {
        // RFC 7517 A.1's RSA key pins RS256; its EC key is for encryption.
        const QJsonArray keys = keysOf(vectors::rfc7517A1);
        Result<Jwk> rsa = Jwk::fromJson(keys[1].toObject());
        QVERIFY(rsa->checkAlgorithm(JwsAlgorithm::RS256).ok());
        Result<void> pinned = rsa->checkAlgorithm(JwsAlgorithm::PS256);
        QCOMPARE(pinned.error().code(), ErrorCode::AlgorithmKeyMismatch);
        QVERIFY2(pinned.error().message().contains(QStringLiteral("pinned")),
                 qPrintable(pinned.error().message()));
        Result<Jwk> ec = Jwk::fromJson(keys[0].toObject());
        Result<void> encryption = ec->checkAlgorithm(JwsAlgorithm::ES256);
        QCOMPARE(encryption.error().code(), ErrorCode::AlgorithmKeyMismatch);
        QVERIFY2(encryption.error().message().contains(QStringLiteral("\"enc\"")),
                 qPrintable(encryption.error().message()));
    }

    void copiesAreIndependentForMetadata()
    {
        const Jwk original = testutil::key(vectors::rfc7515A3Key);
        Jwk copy = original;
        copy.setKid(QStringLiteral("copy"));
        copy.setAlg(QStringLiteral("ES256"));
        copy.setUse(QStringLiteral("sig"));
        QVERIFY(original.kid().isEmpty());
        QVERIFY(original.alg().isEmpty());
        QVERIFY(original.use().isEmpty());
        QCOMPARE(copy.kid(), QStringLiteral("copy"));
        // The key material is shared, not copied.
        QCOMPARE(copy.evpKey(), original.evpKey());
        QCOMPARE(copy.thumbprint(), original.thumbprint());
    }

    void fromSecret()
    {
        const Jwk key = Jwk::fromSecret("0123456789abcdef0123456789abcdef");
        QCOMPARE(key.type(), Jwk::Type::Oct);
        QCOMPARE(key.bits(), 256);
        QVERIFY(key.hasPrivate());
        QCOMPARE(key.secret(), QByteArray("0123456789abcdef0123456789abcdef"));
        QCOMPARE(key.toPrivateJson().value(QStringLiteral("k")).toString(),
                 QStringLiteral("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY"));
        QVERIFY(key.evpKey() == nullptr);
    }

    void nullKey()
    {
        const Jwk key;
        QVERIFY(key.isNull());
        QVERIFY(!key.hasPrivate());
        QVERIFY(key.toPublicJson().isEmpty());
        QVERIFY(key.thumbprint().isEmpty());
        QCOMPARE(key.checkAlgorithm(JwsAlgorithm::RS256).error().code(), ErrorCode::InvalidInput);
    }
};

QTEST_APPLESS_MAIN(TestJwk)
#include "TestJwk.moc"
