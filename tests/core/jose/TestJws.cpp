#include "JoseTestUtil.h"
#include "JoseVectors.h"

#include "jose/Base64Url.h"
#include "jose/Jws.h"
#include "jose/KeyGenerator.h"

#include <QMessageAuthenticationCode>
#include <QTest>

using namespace mwauth;
using namespace mwauth::jose;

namespace {

QByteArray signaturePart(const QByteArray &token)
{
    return token.mid(token.lastIndexOf('.') + 1);
}

QByteArray flipBit(QByteArray bytes, qsizetype index, int bit = 0)
{
    bytes[index] = static_cast<char>(bytes[index] ^ (1 << bit));
    return bytes;
}

QJsonObject header(const QString &alg, const QString &kid = QString())
{
    QJsonObject h;
    h.insert(QStringLiteral("alg"), alg);
    if (!kid.isEmpty())
        h.insert(QStringLiteral("kid"), kid);
    return h;
}

} // namespace

class TestJws : public QObject
{
    Q_OBJECT

    // One signing key per algorithm (private) for the round trips; ES384 is generated.
    QMap<JwsAlgorithm, Jwk> m_keys;

private slots:
    void initTestCase()
    {
        const Jwk rsa = testutil::key(vectors::rfc7515A2Key);
        const Jwk ec256 = testutil::key(vectors::rfc7515A3Key);
        const Jwk ed = testutil::key(vectors::rfc8037Private);
        QVERIFY(!rsa.isNull() && !ec256.isNull() && !ed.isNull());
        Result<Jwk> ec384 = KeyGenerator::generate(JwsAlgorithm::ES384);
        QVERIFY(ec384.ok());
        m_keys[JwsAlgorithm::HS256] = Jwk::fromSecret(QByteArray(32, 'a'));
        m_keys[JwsAlgorithm::HS384] = Jwk::fromSecret(QByteArray(48, 'b'));
        m_keys[JwsAlgorithm::HS512] = Jwk::fromSecret(QByteArray(64, 'c'));
        for (JwsAlgorithm alg :
             {JwsAlgorithm::RS256, JwsAlgorithm::RS384, JwsAlgorithm::RS512, JwsAlgorithm::PS256})
            m_keys[alg] = rsa;
        m_keys[JwsAlgorithm::ES256] = ec256;
        m_keys[JwsAlgorithm::ES384] = *ec384;
        m_keys[JwsAlgorithm::EdDSA] = ed;
        QCOMPARE(m_keys.size(), allAlgorithms().size());
    }

    // RFC 7515 A.1: HS256. The published token verifies; signing its input reproduces it.
    void rfc7515A1Hs256()
    {
        const Jwk key = testutil::key(vectors::rfc7515A1Key);
        Result<JwsParts> parts = Jws::parse(vectors::rfc7515A1Token);
        QVERIFY2(parts.ok(), testutil::why(parts));
        QCOMPARE(parts->alg, JwsAlgorithm::HS256);
        QCOMPARE(parts->header.value(QStringLiteral("typ")).toString(), QStringLiteral("JWT"));
        QVERIFY(parts->payload.startsWith("{\"iss\":\"joe\",\r\n"));
        QVERIFY(Jws::verify(*parts, key).ok());

        Result<QByteArray> signature = Signature::sign(JwsAlgorithm::HS256, key, parts->signingInput);
        QVERIFY(signature.ok());
        QCOMPARE(Base64Url::encode(*signature), signaturePart(vectors::rfc7515A1Token));

        JwsParts tampered = *parts;
        tampered.signature = flipBit(parts->signature, 5);
        QCOMPARE(Jws::verify(tampered, key).error().code(), ErrorCode::BadSignature);
        tampered = *parts;
        tampered.signingInput = flipBit(parts->signingInput, parts->signingInput.size() - 3);
        QCOMPARE(Jws::verify(tampered, key).error().code(), ErrorCode::BadSignature);
    }

    // RFC 7515 A.2: RS256 (deterministic): same signature; verifies with the public key.
    void rfc7515A2Rs256()
    {
        const Jwk key = testutil::key(vectors::rfc7515A2Key);
        Result<JwsParts> parts = Jws::parse(vectors::rfc7515A2Token);
        QVERIFY2(parts.ok(), testutil::why(parts));
        QCOMPARE(parts->alg, JwsAlgorithm::RS256);
        Result<void> verified = Jws::verify(*parts, key.publicKey());
        QVERIFY2(verified.ok(), testutil::why(verified));

        Result<QByteArray> signature = Signature::sign(JwsAlgorithm::RS256, key, parts->signingInput);
        QVERIFY(signature.ok());
        QCOMPARE(*signature, parts->signature);

        JwsParts tampered = *parts;
        tampered.signature = flipBit(parts->signature, 100, 3);
        Result<void> bad = Jws::verify(tampered, key.publicKey());
        QCOMPARE(bad.error().code(), ErrorCode::BadSignature);
        QVERIFY2(bad.error().message().contains(QStringLiteral("does not verify")),
                 qPrintable(bad.error().message()));
        // The same one-bit change in the compact form (last character) is caught too.
        QByteArray token(vectors::rfc7515A2Token);
        token[token.size() - 1] = token.back() == 'w' ? 'x' : 'w';
        Result<JwsParts> changed = Jws::parse(token);
        QVERIFY(!changed.ok() || !Jws::verify(*changed, key.publicKey()).ok());
    }

    // RFC 7515 A.3: ES256 (randomised): the published R||S signature verifies.
    void rfc7515A3Es256()
    {
        const Jwk key = testutil::key(vectors::rfc7515A3Key);
        Result<JwsParts> parts = Jws::parse(vectors::rfc7515A3Token);
        QVERIFY2(parts.ok(), testutil::why(parts));
        QCOMPARE(parts->signature.size(), 64);
        Result<void> verified = Jws::verify(*parts, key.publicKey());
        QVERIFY2(verified.ok(), testutil::why(verified));
        JwsParts tampered = *parts;
        tampered.signature = flipBit(parts->signature, 40);
        QCOMPARE(Jws::verify(tampered, key).error().code(), ErrorCode::BadSignature);
        // Our own signature over the same input is R||S too and verifies.
        Result<QByteArray> ours = Signature::sign(JwsAlgorithm::ES256, key, parts->signingInput);
        QVERIFY(ours.ok());
        QCOMPARE(ours->size(), 64);
        QVERIFY(Signature::verify(JwsAlgorithm::ES256, key.publicKey(), parts->signingInput, *ours).ok());
    }

    // RFC 7520 4.1 (RS256 with kid) and 4.4 (HS256 with kid): whole tokens reproduced.
    void rfc7520Examples_data()
    {
        QTest::addColumn<QByteArray>("keyJson");
        QTest::addColumn<QString>("alg");
        QTest::addColumn<QByteArray>("token");
        QTest::newRow("4.1 RS256") << QByteArray(vectors::rfc7520RsaPrivate) << QStringLiteral("RS256")
                                   << QByteArray(vectors::rfc7520S41Token);
        QTest::newRow("4.4 HS256") << QByteArray(vectors::rfc7520HmacKey) << QStringLiteral("HS256")
                                   << QByteArray(vectors::rfc7520S44Token);
    }
    void rfc7520Examples()
    {
        QFETCH(QByteArray, keyJson);
        QFETCH(QString, alg);
        QFETCH(QByteArray, token);
        Result<Jwk> key = Jwk::fromJson(keyJson);
        QVERIFY2(key.ok(), testutil::why(key));
        Result<JwsParts> parts = Jws::parse(token);
        QVERIFY2(parts.ok(), testutil::why(parts));
        QCOMPARE(parts->payload, QByteArray(vectors::rfc7520Payload));
        QVERIFY(Jws::verify(*parts, key->publicKey()).ok());
        Result<QByteArray> signed_
            = Jws::sign(header(alg, key->kid()), QByteArray(vectors::rfc7520Payload), *key);
        QVERIFY2(signed_.ok(), testutil::why(signed_));
        QCOMPARE(*signed_, token);
    }

    // RFC 8037 A.4 (Ed25519 is deterministic) and A.5.
    void rfc8037EdDsa()
    {
        const Jwk priv = testutil::key(vectors::rfc8037Private);
        const Jwk pub = testutil::key(vectors::rfc8037Public);
        Result<QByteArray> token
            = Jws::sign(header(QStringLiteral("EdDSA")), QByteArray("Example of Ed25519 signing"), priv);
        QVERIFY2(token.ok(), testutil::why(token));
        QCOMPARE(*token, QByteArray(vectors::rfc8037Token));
        Result<JwsParts> parts = Jws::parse(vectors::rfc8037Token);
        QVERIFY(parts.ok());
        QCOMPARE(parts->signingInput, QByteArray(vectors::rfc8037SigningInput));
        QVERIFY(Jws::verify(*parts, pub).ok());
        JwsParts tampered = *parts;
        tampered.signature = flipBit(parts->signature, 63, 7);
        QCOMPARE(Jws::verify(tampered, pub).error().code(), ErrorCode::BadSignature);
    }

    void roundTrip_data()
    {
        QTest::addColumn<JwsAlgorithm>("alg");
        for (JwsAlgorithm alg : allAlgorithms())
            QTest::newRow(qPrintable(algorithmName(alg))) << alg;
    }
    void roundTrip()
    {
        QFETCH(JwsAlgorithm, alg);
        const Jwk key = m_keys.value(alg);
        const QByteArray payload = "{\"sub\":\"Example\",\"n\":" + QByteArray::number(int(alg)) + "}";
        Result<QByteArray> token = Jws::sign(header(algorithmName(alg), QStringLiteral("k1")), payload, key);
        QVERIFY2(token.ok(), testutil::why(token));
        Result<JwsParts> parts = Jws::parse(*token);
        QVERIFY2(parts.ok(), testutil::why(parts));
        QCOMPARE(parts->alg, alg);
        QCOMPARE(parts->payload, payload);
        QCOMPARE(parts->header.value(QStringLiteral("kid")).toString(), QStringLiteral("k1"));
        Result<void> verified = Jws::verify(*parts, key.publicKey());
        QVERIFY2(verified.ok(), testutil::why(verified));

        // A one-bit change anywhere in the payload breaks the signature.
        JwsParts tampered = *parts;
        tampered.signingInput = parts->signingInput;
        const QByteArray otherPayload = flipBit(payload, 3, 1);
        tampered.signingInput = parts->signingInput.left(parts->signingInput.indexOf('.') + 1)
            + Base64Url::encode(otherPayload);
        QCOMPARE(Jws::verify(tampered, key.publicKey()).error().code(), ErrorCode::BadSignature);
    }

    void wrongKeyFails_data()
    {
        QTest::addColumn<JwsAlgorithm>("alg");
        for (JwsAlgorithm alg : allAlgorithms())
            QTest::newRow(qPrintable(algorithmName(alg))) << alg;
    }
    void wrongKeyFails()
    {
        QFETCH(JwsAlgorithm, alg);
        Result<Jwk> other = KeyGenerator::generate(alg);
        QVERIFY(other.ok());
        Result<QByteArray> token = Jws::sign(header(algorithmName(alg)), "payload", m_keys.value(alg));
        QVERIFY(token.ok());
        Result<JwsParts> parts = Jws::parse(*token);
        QVERIFY(parts.ok());
        Result<void> verified = Jws::verify(*parts, other->publicKey());
        QVERIFY(!verified.ok());
        QCOMPARE(verified.error().code(), ErrorCode::BadSignature);
        QVERIFY2(verified.error().message().contains(algorithmName(alg)),
                 qPrintable(verified.error().message()));
    }

    void verifyAgainstJwks()
    {
        const Jwk rsa = m_keys.value(JwsAlgorithm::RS256);
        const Jwk ec = m_keys.value(JwsAlgorithm::ES256);
        Jwk rsaPub = rsa.publicKey();
        rsaPub.setKid(QStringLiteral("rsa-1"));
        Jwk ecPub = ec.publicKey();
        ecPub.setKid(QStringLiteral("ec-1"));
        const Jwks set(QList<Jwk> {rsaPub, ecPub});

        // kid selects the key.
        Result<QByteArray> token
            = Jws::sign(header(QStringLiteral("ES256"), QStringLiteral("ec-1")), "x", ec);
        QVERIFY(token.ok());
        Result<Jwk> used = Jws::verify(*Jws::parse(*token), set);
        QVERIFY2(used.ok(), testutil::why(used));
        QCOMPARE(used->kid(), QStringLiteral("ec-1"));

        // No kid: every key that fits the alg is tried.
        token = Jws::sign(header(QStringLiteral("RS256")), "x", rsa);
        used = Jws::verify(*Jws::parse(*token), set);
        QVERIFY2(used.ok(), testutil::why(used));
        QCOMPARE(used->kid(), QStringLiteral("rsa-1"));

        // Unknown kid.
        token = Jws::sign(header(QStringLiteral("RS256"), QStringLiteral("nope")), "x", rsa);
        used = Jws::verify(*Jws::parse(*token), set);
        QCOMPARE(used.error().code(), ErrorCode::NoMatchingKey);
        QVERIFY2(used.error().message().contains(QStringLiteral("'nope'")),
                 qPrintable(used.error().message()));

        // A kid naming a key of another type: no candidate, and the message says why.
        token = Jws::sign(header(QStringLiteral("RS256"), QStringLiteral("ec-1")), "x", rsa);
        used = Jws::verify(*Jws::parse(*token), set);
        QCOMPARE(used.error().code(), ErrorCode::NoMatchingKey);
        QVERIFY2(used.error().message().contains(QStringLiteral("RSA key")),
                 qPrintable(used.error().message()));

        // Right kid, wrong signer.
        Result<Jwk> stranger = KeyGenerator::generate(JwsAlgorithm::ES256);
        token = Jws::sign(header(QStringLiteral("ES256"), QStringLiteral("ec-1")), "x", *stranger);
        used = Jws::verify(*Jws::parse(*token), set);
        QCOMPARE(used.error().code(), ErrorCode::BadSignature);
    }

    // RFC 7518 3.2: signing needs a secret at least as long as the hash; verifying with a
    // shorter one (what a server handed out) is allowed.
    void shortHmacSecrets()
    {
        const Jwk shortKey = Jwk::fromSecret("sixteen byte key");
        Result<QByteArray> refused = Jws::sign(header(QStringLiteral("HS256")), "x", shortKey);
        QCOMPARE(refused.error().code(), ErrorCode::WeakKey);
        QVERIFY2(refused.error().message().contains(QStringLiteral("32 bytes")),
                 qPrintable(refused.error().message()));
        const Jwk hs512Key = Jwk::fromSecret(QByteArray(32, 'k'));
        QCOMPARE(Jws::sign(header(QStringLiteral("HS512")), "x", hs512Key).error().code(),
                 ErrorCode::WeakKey);

        // A token HMAC'd by someone else (Qt's own HMAC) with the short secret verifies.
        const QByteArray input = Base64Url::encode("{\"alg\":\"HS256\"}") + '.' + Base64Url::encode("hello");
        const QByteArray mac
            = QMessageAuthenticationCode::hash(input, "sixteen byte key", QCryptographicHash::Sha256);
        Result<JwsParts> parts = Jws::parse(QByteArray(input + '.' + Base64Url::encode(mac)));
        QVERIFY(parts.ok());
        Result<void> verified = Jws::verify(*parts, shortKey);
        QVERIFY2(verified.ok(), testutil::why(verified));
    }

    void signingNeedsPrivateKey()
    {
        const Jwk pub = testutil::key(vectors::rfc8037Public);
        Result<QByteArray> token = Jws::sign(header(QStringLiteral("EdDSA")), "x", pub);
        QCOMPARE(token.error().code(), ErrorCode::MissingPrivateKey);
        QVERIFY2(token.error().message().contains(QStringLiteral("private")),
                 qPrintable(token.error().message()));
    }

    void signatureLengthsAreChecked_data()
    {
        QTest::addColumn<JwsAlgorithm>("alg");
        QTest::addColumn<int>("length");
        QTest::newRow("HS256 short") << JwsAlgorithm::HS256 << 31;
        QTest::newRow("ES256 DER-sized") << JwsAlgorithm::ES256 << 70;
        QTest::newRow("ES256 P-384 width") << JwsAlgorithm::ES256 << 96;
        QTest::newRow("EdDSA short") << JwsAlgorithm::EdDSA << 63;
        QTest::newRow("RS256 short") << JwsAlgorithm::RS256 << 255;
    }
    void signatureLengthsAreChecked()
    {
        QFETCH(JwsAlgorithm, alg);
        QFETCH(int, length);
        Result<void> verified
            = Signature::verify(alg, m_keys.value(alg).publicKey(), "data", QByteArray(length, '\x01'));
        QCOMPARE(verified.error().code(), ErrorCode::BadSignature);
    }

    // The confusion attack: an HS256 token "signed" with the RSA public key's bytes.
    void algorithmConfusionIsRefused()
    {
        const Jwk rsaPub = m_keys.value(JwsAlgorithm::RS256).publicKey();
        Result<QByteArray> pem = rsaPub.toPublicPem();
        QVERIFY(pem.ok());
        const Jwk forgedSecret = Jwk::fromSecret(*pem);
        Result<QByteArray> forged
            = Jws::sign(header(QStringLiteral("HS256")), "{\"admin\":true}", forgedSecret);
        QVERIFY(forged.ok());
        Result<JwsParts> parts = Jws::parse(*forged);
        QVERIFY(parts.ok());
        Result<void> verified = Jws::verify(*parts, rsaPub);
        QCOMPARE(verified.error().code(), ErrorCode::AlgorithmKeyMismatch);
        QVERIFY2(verified.error().message().contains(QStringLiteral("confusion")),
                 qPrintable(verified.error().message()));
        QCOMPARE(Signature::verify(JwsAlgorithm::HS256, rsaPub, parts->signingInput, parts->signature)
                     .error()
                     .code(),
                 ErrorCode::AlgorithmKeyMismatch);
    }
};

QTEST_APPLESS_MAIN(TestJws)
#include "TestJws.moc"
