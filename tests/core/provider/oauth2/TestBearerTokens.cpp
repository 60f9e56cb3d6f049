// Bearer tokens on a whole LocalProvider over real HTTP: what rest.php/oauth2/resource/profile
// and api.php accept and refuse (BearerTokens), the security table of issue 4 (alg
// confusion, alg none, foreign keys, a retired key, expiry, revocation, garbage) and
// api.php meta=userinfo under a token (the user, rights within the grants; anonymous for
// client_credentials; MediaWiki's error for a bad token).

#include "BearerTestSupport.h"
#include "jose/KeyGenerator.h"

#include <QJsonArray>

using namespace mwauth;
using namespace mwauth::provider;
using namespace mwauth::provider::testing;

class TestBearerTokens : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void refusedTokens_data();
    void refusedTokens();
    void expiredAndNotYetValid();
    void actionApiUserInfo_data();
    void actionApiUserInfo();
    void actionApiRefusesBadToken();
    void retiredKeyVerifiesNothing(); // last: rotates the keys

private:
    QByteArray forged(const QString &kind);

    BearerFixture f;
    TestClient m_app; // basic + editpage
    qint64 m_admin = 0;
};

void TestBearerTokens::initTestCase()
{
    QVERIFY(f.start());
    m_app = f.registerClient(QStringLiteral("Bearer app"),
                             {QStringLiteral("basic"), QStringLiteral("editpage")});
    QVERIFY(!m_app.id.isEmpty());
    m_admin = f.userId(QStringLiteral("Admin"));
}

void TestBearerTokens::cleanupTestCase()
{
    f.stop();
}

// Tokens an attacker could make: each claims the provider's current kid or looks like one.
QByteArray TestBearerTokens::forged(const QString &kind)
{
    const IssuedAccessToken genuine = f.userToken(m_app, m_admin, {QStringLiteral("basic")});
    const QJsonObject header = jwtPart(genuine.jwt, 0);
    QJsonObject payload = jwtPart(genuine.jwt, 1);
    const QString kid = header[u"kid"].toString();
    const Result<jose::Jwk> current = f.provider->keys()->currentKey();
    if (kind == u"valid")
        return genuine.jwt;
    if (kind == u"alg none")
        return compactJws({{u"typ"_qs, u"JWT"_qs}, {u"alg"_qs, u"none"_qs}, {u"kid"_qs, kid}}, payload, {});
    if (kind == u"HS256 with the public key") {
        // The classic confusion: the verifier's public key bytes used as an HMAC secret.
        const QByteArray pem = *current->publicKey().toPublicPem();
        const QJsonObject hs {{u"typ"_qs, u"JWT"_qs}, {u"alg"_qs, u"HS256"_qs}, {u"kid"_qs, kid}};
        return *jose::Jws::sign(hs, QJsonDocument(payload).toJson(QJsonDocument::Compact),
                                jose::Jwk::fromSecret(pem));
    }
    if (kind == u"ES256 header on the RS256 key") {
        jose::Jwk ec = *jose::KeyGenerator::generate(jose::JwsAlgorithm::ES256);
        const QJsonObject es {{u"typ"_qs, u"JWT"_qs}, {u"alg"_qs, u"ES256"_qs}, {u"kid"_qs, kid}};
        return *jose::Jws::sign(es, QJsonDocument(payload).toJson(QJsonDocument::Compact), ec);
    }
    if (kind == u"foreign RSA key, provider kid") {
        jose::Jwk rsa = *jose::KeyGenerator::generate(jose::JwsAlgorithm::RS256);
        return *jose::Jws::sign(header, QJsonDocument(payload).toJson(QJsonDocument::Compact), rsa);
    }
    if (kind == u"unknown kid") {
        QJsonObject other = header;
        other.insert(u"kid"_qs, u"no-such-key"_qs);
        return *jose::Jws::sign(other, QJsonDocument(payload).toJson(QJsonDocument::Compact), *current);
    }
    if (kind == u"no kid") {
        QJsonObject other = header;
        other.remove(u"kid"_qs);
        return *jose::Jws::sign(other, QJsonDocument(payload).toJson(QJsonDocument::Compact), *current);
    }
    if (kind == u"scopes widened") {
        // The payload changed after signing: the signature no longer covers it.
        const QList<QByteArray> parts = genuine.jwt.split('.');
        payload.insert(u"scopes"_qs, QJsonArray {u"basic"_qs, u"editpage"_qs});
        return parts[0] + '.' + jose::Base64Url::encode(QJsonDocument(payload).toJson(QJsonDocument::Compact))
            + '.' + parts[2];
    }
    if (kind == u"another issuer") {
        payload.insert(u"iss"_qs, u"https://evil.example"_qs);
        return *jose::Jws::sign(header, QJsonDocument(payload).toJson(QJsonDocument::Compact), *current);
    }
    if (kind == u"jti without a row") {
        payload.insert(u"jti"_qs, QString(80, u'a'));
        return *jose::Jws::sign(header, QJsonDocument(payload).toJson(QJsonDocument::Compact), *current);
    }
    if (kind == u"revoked") {
        if (!f.provider->stack()->accessTokens()->revoke(genuine.jti).value())
            return {};
        return genuine.jwt;
    }
    if (kind == u"approval withdrawn") {
        QSqlQuery query(f.provider->database()->database());
        query.prepare(u"DELETE FROM oauth_accepted_consumer WHERE oaac_id = (SELECT oaat_acceptance_id FROM "
                      "oauth2_access_tokens WHERE oaat_identifier = ?)"_qs);
        query.addBindValue(genuine.jti);
        if (!query.exec() || query.numRowsAffected() != 1)
            return {};
        return genuine.jwt;
    }
    if (kind == u"garbage")
        return "not-a-token";
    if (kind == u"three garbage parts")
        return "aaaa.bbbb.cccc";
    return {};
}

void TestBearerTokens::refusedTokens_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QByteArray>("authorization"); // empty: "Bearer <forged token>"
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("hint"); // empty: success
    const QString verify = QStringLiteral("Access token could not be verified");
    const QString invalid = QStringLiteral("Access token is invalid");
    const QString revoked = QStringLiteral("Access token has been revoked");
    QTest::newRow("valid") << u"valid"_qs << QByteArray() << 200 << QString();
    QTest::newRow("no Authorization header (master's answer)")
        << u""_qs << QByteArray("-") << 401 << QStringLiteral("Missing \"Authorization\" header");
    QTest::newRow("Basic instead of Bearer")
        << u""_qs << QByteArray("Basic YTpi") << 401 << QStringLiteral("The JWT string must have two dots");
    QTest::newRow("garbage") << u"garbage"_qs << QByteArray() << 401
                             << QStringLiteral("The JWT string must have two dots");
    QTest::newRow("three garbage parts (1.39's observed hint)")
        << u"three garbage parts"_qs << QByteArray() << 401
        << QStringLiteral("Error while decoding from JSON");
    QTest::newRow("alg none") << u"alg none"_qs << QByteArray() << 401 << verify;
    QTest::newRow("HS256 signed with the public key")
        << u"HS256 with the public key"_qs << QByteArray() << 401 << verify;
    QTest::newRow("ES256 header on the RS256 key")
        << u"ES256 header on the RS256 key"_qs << QByteArray() << 401 << verify;
    QTest::newRow("foreign RSA key with the provider's kid")
        << u"foreign RSA key, provider kid"_qs << QByteArray() << 401 << verify;
    QTest::newRow("unknown kid") << u"unknown kid"_qs << QByteArray() << 401 << verify;
    QTest::newRow("no kid") << u"no kid"_qs << QByteArray() << 401 << verify;
    QTest::newRow("payload changed after signing") << u"scopes widened"_qs << QByteArray() << 401 << verify;
    QTest::newRow("another issuer") << u"another issuer"_qs << QByteArray() << 401 << invalid;
    QTest::newRow("jti without a row") << u"jti without a row"_qs << QByteArray() << 401 << revoked;
    QTest::newRow("revoked") << u"revoked"_qs << QByteArray() << 401 << revoked;
    QTest::newRow("approval withdrawn") << u"approval withdrawn"_qs << QByteArray() << 401 << revoked;
}

void TestBearerTokens::refusedTokens()
{
    QFETCH(QString, kind);
    QFETCH(QByteArray, authorization);
    QFETCH(int, status);
    QFETCH(QString, hint);
    QList<std::pair<QByteArray, QByteArray>> headers;
    if (authorization.isEmpty()) {
        const QByteArray token = forged(kind);
        QVERIFY2(!token.isEmpty(), "the test could not make its token");
        headers.append({"Authorization", "Bearer " + token});
    } else if (authorization != "-") {
        headers.append({"Authorization", authorization});
    }
    const Reply reply = f.http->send("GET", f.rest(u"/oauth2/resource/profile"_qs), {}, {}, headers);
    QCOMPARE(reply.status, status);
    const QJsonObject json = reply.json();
    if (hint.isEmpty()) {
        QCOMPARE(json[u"username"].toString(), u"Admin"_qs);
        return;
    }
    // Extension:OAuth 1.39's access_denied body (reference section 1.4).
    QCOMPARE(json[u"error"].toString(), u"access_denied"_qs);
    QCOMPARE(json[u"error_description"].toString(),
             u"The resource owner or authorization server denied the request."_qs);
    QCOMPARE(json[u"message"].toString(), json[u"error_description"].toString());
    QCOMPARE(json[u"hint"].toString(), hint);
}

void TestBearerTokens::expiredAndNotYetValid()
{
    const IssuedAccessToken token = f.userToken(m_app, m_admin, {QStringLiteral("basic")}, 60);
    QVERIFY(!token.jwt.isEmpty());
    QCOMPARE(f.get(u"/oauth2/resource/profile"_qs, token.jwt).status, 200);
    const double start = f.clock.nowSeconds();
    f.clock.advance(60); // exp is exclusive
    const Reply expired = f.get(u"/oauth2/resource/profile"_qs, token.jwt);
    f.clock.set(start - 1); // before iat/nbf
    const Reply early = f.get(u"/oauth2/resource/profile"_qs, token.jwt);
    f.clock.set(start);
    QCOMPARE(expired.status, 401);
    QCOMPARE(expired.json()[u"hint"].toString(), u"Access token is invalid"_qs);
    QCOMPARE(early.status, 401);
    QCOMPARE(early.json()[u"hint"].toString(), u"Access token is invalid"_qs);
}

void TestBearerTokens::actionApiUserInfo_data()
{
    QTest::addColumn<bool>("user");
    QTest::addColumn<QStringList>("scopes");
    QTest::addColumn<QStringList>("present");
    QTest::addColumn<QStringList>("absent");
    // Admin is a sysop: "delete" is his, but no grant here gives it.
    QTest::newRow("user, basic") << true << QStringList {u"basic"_qs}
                                 << QStringList {u"read"_qs, u"writeapi"_qs}
                                 << QStringList {u"edit"_qs, u"delete"_qs};
    QTest::newRow("user, basic + editpage")
        << true << QStringList {u"basic"_qs, u"editpage"_qs} << QStringList {u"read"_qs, u"edit"_qs}
        << QStringList {u"delete"_qs, u"block"_qs};
    QTest::newRow("client_credentials: anonymous")
        << false << QStringList {u"basic"_qs, u"editpage"_qs} << QStringList {u"read"_qs}
        << QStringList {u"delete"_qs, u"minoredit"_qs};
}

void TestBearerTokens::actionApiUserInfo()
{
    QFETCH(bool, user);
    QFETCH(QStringList, scopes);
    QFETCH(QStringList, present);
    QFETCH(QStringList, absent);
    const IssuedAccessToken token = f.userToken(m_app, user ? m_admin : 0, scopes);
    QVERIFY(!token.jwt.isEmpty());
    const Reply reply
        = f.http->send("GET",
                       QUrl(f.provider->apiUrl().toString()
                            + u"?action=query&meta=userinfo&uiprop=rights%7Cgroups&format=json"),
                       {}, {}, {{"Authorization", "Bearer " + token.jwt}});
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.header("Set-Cookie").isEmpty()); // a bearer request has no cookie session
    const QJsonObject info = reply.json()[u"query"][u"userinfo"].toObject();
    if (user) {
        QCOMPARE(info[u"id"].toInteger(), m_admin);
        QCOMPARE(info[u"name"].toString(), u"Admin"_qs);
        QVERIFY(!info.contains(u"anon"));
    } else {
        // As 1.39 observed: {"id":0,"name":"127.0.0.1","anon":""}
        QCOMPARE(info[u"id"].toInt(), 0);
        QCOMPARE(info[u"name"].toString(), u"127.0.0.1"_qs);
        QCOMPARE(info[u"anon"].toString(), QString());
        QVERIFY(info.contains(u"anon"));
    }
    const QJsonArray rights = info[u"rights"].toArray();
    for (const QString &right : present)
        QVERIFY2(rights.contains(right), qPrintable(right));
    for (const QString &right : absent)
        QVERIFY2(!rights.contains(right), qPrintable(right));
}

void TestBearerTokens::actionApiRefusesBadToken()
{
    const IssuedAccessToken token = f.userToken(m_app, m_admin, {QStringLiteral("basic")});
    QVERIFY(f.provider->stack()->accessTokens()->revoke(token.jti).value());
    const Reply reply = f.http->send(
        "GET", QUrl(f.provider->apiUrl().toString() + u"?action=query&meta=userinfo&format=json"), {}, {},
        {{"Authorization", "Bearer " + token.jwt}});
    QCOMPARE(reply.status, 200); // api.php errors are HTTP 200
    QCOMPARE(reply.header("MediaWiki-API-Error"), QByteArray("mwoauth-invalid-authorization"));
    const QJsonObject error = reply.json()[u"error"].toObject();
    QCOMPARE(error[u"code"].toString(), u"mwoauth-invalid-authorization"_qs);
    QVERIFY2(error[u"info"].toString().contains(u"revoked"), qPrintable(error[u"info"].toString()));
    // Without a header the request stays anonymous.
    const Reply anonymous = f.http->send(
        "GET", QUrl(f.provider->apiUrl().toString() + u"?action=query&meta=userinfo&format=json"));
    QCOMPARE(anonymous.json()[u"query"][u"userinfo"][u"id"].toInt(), 0);
}

void TestBearerTokens::retiredKeyVerifiesNothing()
{
    // A token that outlives its key's publication: signed, then the key rotates out and,
    // after maxTokenLifetime, is retired; the token's own exp is still ahead.
    const IssuedAccessToken token = f.userToken(m_app, m_admin, {QStringLiteral("basic")}, 4 * 3600);
    QVERIFY(!token.jwt.isEmpty());
    QVERIFY(f.provider->keys()->rotate(u"test"_qs).ok());
    QCOMPARE(f.get(u"/oauth2/resource/profile"_qs, token.jwt).status, 200); // retiring: still verifies
    const double start = f.clock.nowSeconds();
    f.clock.advance(double(f.provider->keys()->maxTokenLifetime()) + 1);
    const Reply reply = f.get(u"/oauth2/resource/profile"_qs, token.jwt);
    f.clock.set(start);
    QCOMPARE(reply.status, 401);
    QCOMPARE(reply.json()[u"hint"].toString(), u"Access token could not be verified"_qs);
}

QTEST_GUILESS_MAIN(TestBearerTokens)
#include "TestBearerTokens.moc"
