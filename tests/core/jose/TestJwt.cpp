#include "JoseTestUtil.h"
#include "JoseVectors.h"

#include "jose/Base64Url.h"
#include "jose/Jwt.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace mwauth;
using namespace mwauth::jose;

namespace {

// The MediaWiki fixture's claims (OAuth extension, access token of the authorization
// code grant): iat 1795404830.89835, nbf 1795404830.898351, exp 1795408430.895195.
constexpr double mwIat = 1795404830.89835;
constexpr double mwExp = 1795408430.895195;
const QString mwIssuer = QStringLiteral("http://127.0.0.1:8765");
const QString mwAudience = QStringLiteral("795286f8ceb97b56d913f0e6e27d6dea");

QByteArray signedToken(const QJsonObject &claims, const Jwk &key,
                       const QString &alg = QStringLiteral("HS256"))
{
    QJsonObject header;
    header.insert(QStringLiteral("alg"), alg);
    return *Jws::sign(header, QJsonDocument(claims).toJson(QJsonDocument::Compact), key);
}

} // namespace

class TestJwt : public QObject
{
    Q_OBJECT

    QByteArray m_mwToken;
    Jwk m_mwKey;
    const Jwk m_secret = Jwk::fromSecret("0123456789abcdef0123456789abcdef");

private slots:
    void initTestCase()
    {
        m_mwToken = testutil::readFile(testutil::fixture("access-token-authorization-code.jwt")).trimmed();
        QVERIFY(!m_mwToken.isEmpty());
        Result<Jwk> key = Jwk::fromPem(testutil::readFile(testutil::fixture("oauth2-public-key.pem")));
        QVERIFY2(key.ok(), testutil::why(key));
        QCOMPARE(key->type(), Jwk::Type::Rsa);
        QVERIFY(!key->hasPrivate());
        m_mwKey = *key;
    }

    void mediaWikiTokenDecodes()
    {
        Result<Jwt> jwt = Jwt::decode(m_mwToken);
        QVERIFY2(jwt.ok(), testutil::why(jwt));
        QCOMPARE(jwt->parts().alg, JwsAlgorithm::RS256);
        QCOMPARE(jwt->header().value(QStringLiteral("typ")).toString(), QStringLiteral("JWT"));
        QCOMPARE(jwt->numericDate(QStringLiteral("iat")).value(), mwIat);
        QCOMPARE(jwt->numericDate(QStringLiteral("nbf")).value(), 1795404830.898351);
        QCOMPARE(jwt->numericDate(QStringLiteral("exp")).value(), mwExp);
        QCOMPARE(jwt->audiences(), QStringList {mwAudience});
        QCOMPARE(jwt->claims().value(QStringLiteral("sub")).toString(), QStringLiteral("1"));
        QVERIFY(!jwt->numericDate(QStringLiteral("sub")).has_value()); // a string
        QVERIFY(!jwt->numericDate(QStringLiteral("missing")).has_value());
    }

    void mediaWikiToken_data()
    {
        QTest::addColumn<double>("now");
        QTest::addColumn<QString>("issuer");
        QTest::addColumn<QString>("audience");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<ErrorCode>("code");
        QTest::addColumn<QString>("messagePart");
        const auto none = ErrorCode::Internal;
        QTest::newRow("iat + 10") << mwIat + 10 << mwIssuer << mwAudience << true << none << QString();
        QTest::newRow("at iat, fractional") << mwIat << mwIssuer << mwAudience << true << none << QString();
        QTest::newRow("just before exp + leeway")
            << mwExp + 59.9 << mwIssuer << mwAudience << true << none << QString();
        QTest::newRow("after exp + leeway") << mwExp + 60.5 << mwIssuer << mwAudience << false
                                            << ErrorCode::Expired << QStringLiteral("expired");
        QTest::newRow("a day later") << mwExp + 86400 << mwIssuer << mwAudience << false << ErrorCode::Expired
                                     << QStringLiteral("expired");
        QTest::newRow("before nbf - leeway") << mwIat - 120 << mwIssuer << mwAudience << false
                                             << ErrorCode::NotYetValid << QStringLiteral("not valid before");
        QTest::newRow("wrong audience") << mwIat + 10 << mwIssuer << QStringLiteral("someone-else") << false
                                        << ErrorCode::WrongAudience << QStringLiteral("someone-else");
        QTest::newRow("wrong issuer")
            << mwIat + 10 << QStringLiteral("https://evil.example") << mwAudience << false
            << ErrorCode::WrongIssuer << QStringLiteral("https://evil.example");
    }
    void mediaWikiToken()
    {
        QFETCH(double, now);
        QFETCH(QString, issuer);
        QFETCH(QString, audience);
        QFETCH(bool, valid);
        QFETCH(ErrorCode, code);
        QFETCH(QString, messagePart);
        JwtValidator validator;
        validator.setNow(now);
        validator.setIssuer(issuer);
        validator.setAudience(audience);
        const JwtVerdict verdict = validator.validate(m_mwToken, m_mwKey);
        QVERIFY(verdict.signatureVerified);
        QCOMPARE(verdict.key.thumbprint(), m_mwKey.thumbprint());
        QCOMPARE(verdict.valid, valid);
        if (!valid) {
            QCOMPARE(verdict.error.code(), code);
            QVERIFY2(verdict.error.message().contains(messagePart), qPrintable(verdict.error.message()));
        }
        // The same through a JWKS (the token has no kid: every RS256 key is tried).
        const JwtVerdict viaSet = validator.validate(m_mwToken, Jwks(QList<Jwk> {m_mwKey}));
        QCOMPARE(viaSet.valid, valid);
        QVERIFY(viaSet.signatureVerified);
    }

    void validatorWithoutTimeRefuses()
    {
        // Forgetting setNow() must not turn the expiry checks off.
        JwtValidator validator;
        const JwtVerdict verdict = validator.validate(m_mwToken, m_mwKey);
        QVERIFY(!verdict.valid);
        QCOMPARE(verdict.error.code(), ErrorCode::Internal);
        QVERIFY2(verdict.error.message().contains(QStringLiteral("no time")),
                 qPrintable(verdict.error.message()));
    }

    void mediaWikiTokenTampered()
    {
        QByteArray token = m_mwToken;
        // Change "sub":"1" to "sub":"2" inside the payload: re-encode a modified payload.
        const qsizetype dot1 = token.indexOf('.');
        const qsizetype dot2 = token.indexOf('.', dot1 + 1);
        QByteArray payload = *Base64Url::decode(token.mid(dot1 + 1, dot2 - dot1 - 1));
        QVERIFY(payload.contains("\"sub\":\"1\""));
        payload.replace("\"sub\":\"1\"", "\"sub\":\"2\"");
        token = token.left(dot1 + 1) + Base64Url::encode(payload) + token.mid(dot2);
        JwtValidator validator;
        validator.setNow(mwIat + 10);
        const JwtVerdict verdict = validator.validate(token, m_mwKey);
        QVERIFY(!verdict.valid);
        QVERIFY(!verdict.signatureVerified);
        QCOMPARE(verdict.error.code(), ErrorCode::BadSignature);
    }

    void claims_data()
    {
        QTest::addColumn<QByteArray>("claims");
        QTest::addColumn<double>("now");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<ErrorCode>("code");
        QTest::addColumn<QString>("messagePart");
        const auto ok = ErrorCode::Internal;
        // "ISS" stands for the issuer: moc (Qt 6.4) misreads "//" inside a raw string.
        const QByteArray base = R"("iss":"ISS","aud":"client-1","nonce":"n-0S6")";
        auto claims
            = [&](const char *more) -> QByteArray { return "{" + base + (*more ? "," : "") + more + "}"; };
        QTest::newRow("valid") << claims(R"("exp":2000,"iat":1000)") << 1500.0 << true << ok << QString();
        QTest::newRow("exp within leeway") << claims(R"("exp":1000)") << 1059.0 << true << ok << QString();
        QTest::newRow("exp exactly at leeway edge")
            << claims(R"("exp":1000)") << 1060.0 << false << ErrorCode::Expired << QStringLiteral("expired");
        QTest::newRow("no exp") << claims(R"("iat":1000)") << 1000.0 << false << ErrorCode::MissingClaim
                                << QStringLiteral("\"exp\"");
        QTest::newRow("exp as string") << claims(R"("exp":"2000")") << 1000.0 << false
                                       << ErrorCode::MalformedToken << QStringLiteral("\"exp\"");
        QTest::newRow("nbf as bool") << claims(R"("exp":2000,"nbf":true)") << 1000.0 << false
                                     << ErrorCode::MalformedToken << QStringLiteral("\"nbf\"");
        QTest::newRow("nbf within leeway")
            << claims(R"("exp":2000,"nbf":1050)") << 1000.0 << true << ok << QString();
        QTest::newRow("nbf in future") << claims(R"("exp":2000,"nbf":1100)") << 1000.0 << false
                                       << ErrorCode::NotYetValid << QStringLiteral("not valid before");
        QTest::newRow("iat in future") << claims(R"("exp":2000,"iat":1061.5)") << 1000.0 << false
                                       << ErrorCode::IssuedInFuture << QStringLiteral("future");
        QTest::newRow("iat fractional within leeway")
            << claims(R"("exp":2000,"iat":1059.89835)") << 1000.0 << true << ok << QString();
        QTest::newRow("aud array containing us")
            << QByteArray(R"({"iss":"ISS","aud":["other","client-1"],"nonce":"n-0S6","exp":2000})") << 1000.0
            << true << ok << QString();
        QTest::newRow("aud array without us")
            << QByteArray(R"({"iss":"ISS","aud":["other","third"],"nonce":"n-0S6","exp":2000})") << 1000.0
            << false << ErrorCode::WrongAudience << QStringLiteral("'other', 'third'");
        QTest::newRow("aud missing") << QByteArray(R"({"iss":"ISS","nonce":"n-0S6","exp":2000})") << 1000.0
                                     << false << ErrorCode::WrongAudience << QStringLiteral("no audience");
        QTest::newRow("aud number") << QByteArray(R"({"iss":"ISS","aud":42,"nonce":"n-0S6","exp":2000})")
                                    << 1000.0 << false << ErrorCode::WrongAudience
                                    << QStringLiteral("no audience");
        QTest::newRow("iss missing") << QByteArray(R"({"aud":"client-1","nonce":"n-0S6","exp":2000})")
                                     << 1000.0 << false << ErrorCode::WrongIssuer
                                     << QStringLiteral("no issuer");
        QTest::newRow("iss differs by trailing slash")
            << QByteArray(R"({"iss":"ISS/","aud":"client-1","nonce":"n-0S6","exp":2000})") << 1000.0 << false
            << ErrorCode::WrongIssuer << QStringLiteral("https://wiki.example/");
        QTest::newRow("nonce missing") << QByteArray(R"({"iss":"ISS","aud":"client-1","exp":2000})") << 1000.0
                                       << false << ErrorCode::WrongNonce << QStringLiteral("no \"nonce\"");
        QTest::newRow("nonce wrong") << QByteArray(
            R"({"iss":"ISS","aud":"client-1","nonce":"n-0S7","exp":2000})")
                                     << 1000.0 << false << ErrorCode::WrongNonce
                                     << QStringLiteral("not the one sent");
        QTest::newRow("required claim missing")
            << QByteArray(R"({"iss":"ISS","aud":"client-1","nonce":"n-0S6","exp":2000})") << 1000.0 << false
            << ErrorCode::MissingClaim << QStringLiteral("\"sub\"");
    }
    void claims()
    {
        QFETCH(QByteArray, claims);
        claims.replace("ISS", "https://wiki.example");
        QFETCH(double, now);
        QFETCH(bool, valid);
        QFETCH(ErrorCode, code);
        QFETCH(QString, messagePart);
        JwtValidator validator;
        validator.setNow(now);
        validator.setIssuer(QStringLiteral("https://wiki.example"));
        validator.setAudience(QStringLiteral("client-1"));
        validator.setNonce(QStringLiteral("n-0S6"));
        if (QByteArray(QTest::currentDataTag()) == "required claim missing")
            validator.setRequiredClaims({QStringLiteral("sub")});
        const QByteArray token = signedToken(QJsonDocument::fromJson(claims).object(), m_secret);
        const JwtVerdict verdict = validator.validate(token, m_secret);
        QVERIFY(verdict.signatureVerified);
        QCOMPARE(verdict.valid, valid);
        if (!valid) {
            QCOMPARE(verdict.error.code(), code);
            QVERIFY2(verdict.error.message().contains(messagePart), qPrintable(verdict.error.message()));
        }
    }

    void expiryCanBeOptional()
    {
        JwtValidator validator;
        validator.setNow(1000);
        validator.setRequireExpiry(false);
        const QByteArray token
            = signedToken(QJsonObject {{QStringLiteral("sub"), QStringLiteral("x")}}, m_secret);
        QVERIFY(validator.validate(token, m_secret).valid);
    }

    void leewayIsConfigurable()
    {
        const QByteArray token = signedToken(QJsonObject {{QStringLiteral("exp"), 1000}}, m_secret);
        JwtValidator validator;
        validator.setNow(1005);
        validator.setLeeway(0);
        QCOMPARE(validator.validate(token, m_secret).error.code(), ErrorCode::Expired);
        validator.setLeeway(10);
        QVERIFY(validator.validate(token, m_secret).valid);
    }

    void signatureCheckedBeforeClaims()
    {
        // Expired AND badly signed: the signature error wins (checks run in order).
        const QByteArray token = signedToken(QJsonObject {{QStringLiteral("exp"), 10}}, m_secret);
        JwtValidator validator;
        validator.setNow(1e9);
        const JwtVerdict verdict = validator.validate(token, Jwk::fromSecret(QByteArray(32, 'z')));
        QVERIFY(!verdict.signatureVerified);
        QCOMPARE(verdict.error.code(), ErrorCode::BadSignature);
    }

    void payloadMustBeObject_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("array") << QByteArray("[1,2]") << QStringLiteral("not an object");
        QTest::newRow("text") << QByteArray("hello") << QStringLiteral("not valid JSON");
        QTest::newRow("empty") << QByteArray() << QStringLiteral("not valid JSON");
        QTest::newRow("duplicate exp")
            << QByteArray(R"({"exp":1,"exp":99999999999})") << QStringLiteral("\"exp\" more than once");
    }
    void payloadMustBeObject()
    {
        QFETCH(QByteArray, payload);
        QFETCH(QString, messagePart);
        QJsonObject header {{QStringLiteral("alg"), QStringLiteral("HS256")}};
        Result<QByteArray> token = Jws::sign(header, payload, m_secret);
        QVERIFY(token.ok());
        Result<Jwt> jwt = Jwt::decode(*token);
        QVERIFY(!jwt.ok());
        QCOMPARE(jwt.error().code(), ErrorCode::MalformedJson);
        QVERIFY2(jwt.error().message().contains(messagePart), qPrintable(jwt.error().message()));
        JwtValidator validator;
        QCOMPARE(validator.validate(*token, m_secret).error.code(), ErrorCode::MalformedJson);
    }
};

QTEST_APPLESS_MAIN(TestJwt)
#include "TestJwt.moc"
