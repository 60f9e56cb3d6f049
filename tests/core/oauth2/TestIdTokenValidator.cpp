// IdTokenValidator: OIDC Core 3.1.3.7 checks on id_tokens signed here with fresh keys
// (signature through a JWKS, alg pinning and advertised algs, iss, aud/azp, exp, iat,
// nonce, at_hash), each failure with its own error code.

#include "jose/KeyGenerator.h"
#include "oauth2/IdTokenValidator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace mwauth;
using namespace mwauth::jose;
using namespace mwauth::oauth2;

namespace {

constexpr double kNow = 1763868000;
const QString kIssuer = QStringLiteral("http://127.0.0.1:8080");
const QString kClient = QStringLiteral("0123456789abcdef0123456789abcdef");
const QByteArray kAccessToken = "eyJhbGciOiJSUzI1NiJ9.access.token";

} // namespace

class TestIdTokenValidator : public QObject
{
    Q_OBJECT

private:
    Jwk m_rsa;
    Jwk m_other;
    Jwk m_ec;

    QJsonObject claims() const
    {
        return {{u"iss"_qs, kIssuer},
                {u"aud"_qs, kClient},
                {u"sub"_qs, u"1"_qs},
                {u"iat"_qs, kNow - 5},
                {u"exp"_qs, kNow + 300},
                {u"nonce"_qs, u"n-0S6_WzA2Mj"_qs},
                {u"at_hash"_qs,
                 QString::fromLatin1(IdTokenValidator::halfHash(JwsAlgorithm::RS256, kAccessToken))}};
    }

    QByteArray sign(const QJsonObject &payload, const Jwk &key, const QString &alg = u"RS256"_qs) const
    {
        const QJsonObject header {{u"alg"_qs, alg}, {u"kid"_qs, key.kid()}, {u"typ"_qs, u"JWT"_qs}};
        return *Jws::sign(header, QJsonDocument(payload).toJson(QJsonDocument::Compact), key);
    }

    IdTokenValidator::Expectations expectations() const
    {
        IdTokenValidator::Expectations e;
        e.issuer = kIssuer;
        e.clientId = kClient;
        e.nonce = u"n-0S6_WzA2Mj"_qs;
        e.accessToken = kAccessToken;
        e.allowedAlgs = {u"RS256"_qs, u"ES256"_qs};
        e.now = kNow;
        return e;
    }

    Jwks publishedKeys() const { return Jwks({m_rsa.publicKey(), m_ec.publicKey()}); }

private Q_SLOTS:
    void initTestCase()
    {
        m_rsa = *KeyGenerator::generate(JwsAlgorithm::RS256);
        m_rsa.setKid(u"rsa-1"_qs);
        m_rsa.setAlg(u"RS256"_qs);
        m_other = *KeyGenerator::generate(JwsAlgorithm::RS256);
        m_other.setKid(u"rsa-1"_qs); // same kid, another key: a forged token
        m_ec = *KeyGenerator::generate(JwsAlgorithm::ES256);
        m_ec.setKid(u"ec-1"_qs);
        m_ec.setAlg(u"ES256"_qs);
    }

    void validToken()
    {
        const Result<Jwt> jwt
            = IdTokenValidator::validate(sign(claims(), m_rsa), publishedKeys(), expectations());
        QVERIFY2(jwt.ok(), qPrintable(jwt.error().message()));
        QCOMPARE(jwt->claims().value(u"sub"_qs).toString(), u"1"_qs);
    }

    void ecKeyAndAtHash()
    {
        QJsonObject payload = claims();
        payload.insert(u"at_hash"_qs,
                       QString::fromLatin1(IdTokenValidator::halfHash(JwsAlgorithm::ES256, kAccessToken)));
        const Result<Jwt> jwt
            = IdTokenValidator::validate(sign(payload, m_ec, u"ES256"_qs), publishedKeys(), expectations());
        QVERIFY2(jwt.ok(), qPrintable(jwt.error().message()));
    }

    void refused_data()
    {
        QTest::addColumn<QString>("change");
        QTest::addColumn<ErrorCode>("code");
        QTest::newRow("wrong key") << u"wrong-key"_qs << ErrorCode::BadSignature;
        QTest::newRow("wrong nonce") << u"nonce"_qs << ErrorCode::WrongNonce;
        QTest::newRow("no nonce") << u"no-nonce"_qs << ErrorCode::WrongNonce;
        QTest::newRow("wrong issuer") << u"iss"_qs << ErrorCode::WrongIssuer;
        QTest::newRow("wrong audience") << u"aud"_qs << ErrorCode::WrongAudience;
        QTest::newRow("two audiences, no azp") << u"aud-list"_qs << ErrorCode::WrongAudience;
        QTest::newRow("expired") << u"exp"_qs << ErrorCode::Expired;
        QTest::newRow("issued in the future") << u"iat"_qs << ErrorCode::IssuedInFuture;
        QTest::newRow("no iat") << u"no-iat"_qs << ErrorCode::MissingClaim;
        QTest::newRow("no sub") << u"no-sub"_qs << ErrorCode::MissingClaim;
        QTest::newRow("no exp") << u"no-exp"_qs << ErrorCode::MissingClaim;
        QTest::newRow("at_hash of another token") << u"at_hash"_qs << ErrorCode::BadSignature;
        QTest::newRow("alg not advertised") << u"alg-not-advertised"_qs << ErrorCode::UnsupportedAlgorithm;
        QTest::newRow("HS256 with a public key set") << u"hs256"_qs << ErrorCode::UnsupportedAlgorithm;
        QTest::newRow("alg none") << u"none"_qs
                                  << ErrorCode::MalformedToken; // unsigned: refused before the alg
        QTest::newRow("unknown kid") << u"kid"_qs << ErrorCode::NoMatchingKey;
        QTest::newRow("garbage") << u"garbage"_qs << ErrorCode::MalformedToken;
    }

    void refused()
    {
        QFETCH(QString, change);
        QFETCH(ErrorCode, code);
        QJsonObject payload = claims();
        IdTokenValidator::Expectations expected = expectations();
        QByteArray token;
        if (change == u"wrong-key") {
            token = sign(payload, m_other);
        } else if (change == u"hs256") {
            const Jwk secret = Jwk::fromSecret("a-client-secret-that-is-long-enough-32");
            token = *Jws::sign({{u"alg"_qs, u"HS256"_qs}}, QJsonDocument(payload).toJson(), secret);
            expected.allowedAlgs.append(u"HS256"_qs);
        } else if (change == u"none") {
            const QByteArray header
                = QByteArray("{\"alg\":\"none\"}")
                      .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
            const QByteArray body
                = QJsonDocument(payload)
                      .toJson(QJsonDocument::Compact)
                      .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
            token = header + '.' + body + '.';
        } else if (change == u"garbage") {
            token = "not-a-token";
        } else if (change == u"alg-not-advertised") {
            expected.allowedAlgs = {u"ES256"_qs};
            token = sign(payload, m_rsa);
        } else if (change == u"kid") {
            Jwk renamed = m_rsa;
            renamed.setKid(u"unknown"_qs);
            token = sign(payload, renamed);
        } else {
            if (change == u"nonce")
                payload.insert(u"nonce"_qs, u"another"_qs);
            else if (change == u"no-nonce")
                payload.remove(u"nonce"_qs);
            else if (change == u"iss")
                payload.insert(u"iss"_qs, u"https://evil.example"_qs);
            else if (change == u"aud")
                payload.insert(u"aud"_qs, u"another-client"_qs);
            else if (change == u"aud-list")
                payload.insert(u"aud"_qs, QJsonArray {kClient, u"another-client"_qs});
            else if (change == u"exp")
                payload.insert(u"exp"_qs, kNow - 3600);
            else if (change == u"iat")
                payload.insert(u"iat"_qs, kNow + 3600);
            else if (change == u"no-iat")
                payload.remove(u"iat"_qs);
            else if (change == u"no-sub")
                payload.remove(u"sub"_qs);
            else if (change == u"no-exp")
                payload.remove(u"exp"_qs);
            else if (change == u"at_hash")
                payload.insert(u"at_hash"_qs,
                               QString::fromLatin1(IdTokenValidator::halfHash(JwsAlgorithm::RS256, "other")));
            token = sign(payload, m_rsa);
        }
        const Result<Jwt> jwt = IdTokenValidator::validate(token, publishedKeys(), expected);
        QVERIFY(!jwt.ok());
        QVERIFY2(jwt.error().code() == code,
                 qPrintable(jwt.error().codeName() + u": "_qs + jwt.error().message()));
        QVERIFY2(jwt.error().message().contains(u"id_token"_qs), qPrintable(jwt.error().message()));
    }

    void azpWithSeveralAudiences()
    {
        QJsonObject payload = claims();
        payload.insert(u"aud"_qs, QJsonArray {kClient, u"api"_qs});
        payload.insert(u"azp"_qs, kClient);
        QVERIFY(IdTokenValidator::validate(sign(payload, m_rsa), publishedKeys(), expectations()).ok());
    }

    void clientSecretHs256()
    {
        const QByteArray secret = "a-client-secret-that-is-long-enough-32";
        const QByteArray token
            = *Jws::sign({{u"alg"_qs, u"HS256"_qs}}, QJsonDocument(claims()).toJson(QJsonDocument::Compact),
                         Jwk::fromSecret(secret));
        IdTokenValidator::Expectations expected = expectations();
        expected.allowedAlgs = {u"HS256"_qs};
        expected.accessToken.clear(); // at_hash was made for RS256
        QVERIFY(IdTokenValidator::validate(token, IdTokenValidator::secretKeys(secret), expected).ok());
        // The same token against a wrong secret.
        QCOMPARE(IdTokenValidator::validate(
                     token, IdTokenValidator::secretKeys("another-secret-also-long-enough-x"), expected)
                     .error()
                     .code(),
                 ErrorCode::BadSignature);
        // An RS256 token is refused when only the secret is allowed.
        expected.allowedAlgs.clear();
        QCOMPARE(
            IdTokenValidator::validate(sign(claims(), m_rsa), IdTokenValidator::secretKeys(secret), expected)
                .error()
                .code(),
            ErrorCode::UnsupportedAlgorithm);
    }

    void atHashRequired()
    {
        QJsonObject payload = claims();
        payload.remove(u"at_hash"_qs);
        IdTokenValidator::Expectations expected = expectations();
        QVERIFY(IdTokenValidator::validate(sign(payload, m_rsa), publishedKeys(), expected).ok());
        expected.requireAtHash = true;
        QCOMPARE(IdTokenValidator::validate(sign(payload, m_rsa), publishedKeys(), expected).error().code(),
                 ErrorCode::MissingClaim);
    }

    void keyAlgPinned()
    {
        // The ES256 key pins alg ES256; a token naming ES384 with its kid is refused.
        QByteArray token = sign(claims(), m_ec, u"ES256"_qs);
        const QList<QByteArray> parts = token.split('.');
        const QByteArray forgedHeader
            = QByteArray("{\"alg\":\"RS256\",\"kid\":\"ec-1\"}")
                  .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
        token = forgedHeader + '.' + parts[1] + '.' + parts[2];
        const Result<Jwt> jwt = IdTokenValidator::validate(token, publishedKeys(), expectations());
        QVERIFY(!jwt.ok());
        QVERIFY2(jwt.error().code() == ErrorCode::AlgorithmKeyMismatch
                     || jwt.error().code() == ErrorCode::NoMatchingKey,
                 qPrintable(jwt.error().codeName()));
    }
};

QTEST_GUILESS_MAIN(TestIdTokenValidator)
#include "TestIdTokenValidator.moc"
