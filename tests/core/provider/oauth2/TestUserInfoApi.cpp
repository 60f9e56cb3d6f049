// OIDC userinfo (rest.php/oauth2/userinfo) over real HTTP: the token in the Authorization
// header or a POSTed form body (RFC 6750 sections 2.1 and 2.2), never the query string nor
// two ways at once, RFC 6750 WWW-Authenticate challenges, and the claims by grant.

#include "BearerTestSupport.h"

#include <QJsonArray>

using namespace mwauth;
using namespace mwauth::provider;
using namespace mwauth::provider::testing;

class TestUserInfoApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void ways_data();
    void ways();
    void claimsFollowTheGrants_data();
    void claimsFollowTheGrants();

private:
    BearerFixture f;
    TestClient m_app;
    qint64 m_bob = 0;
};

void TestUserInfoApi::initTestCase()
{
    QVERIFY(f.start());
    m_app = f.registerClient(u"Userinfo app"_qs, {u"basic"_qs, u"privateinfo"_qs});
    QVERIFY(!m_app.id.isEmpty());
    const auto bob
        = f.provider->users()->createUser(u"Userinfo bob"_qs, u"secret password 2"_qs, u"bob@example.org"_qs);
    QVERIFY(bob.ok());
    m_bob = bob->id;
    QVERIFY(f.provider->users()->addToGroup(m_bob, u"bot"_qs).ok());
}

void TestUserInfoApi::cleanupTestCase()
{
    f.stop();
}

void TestUserInfoApi::ways_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("token"); // "user", "cc", "revoked", "garbage", "" (none)
    QTest::addColumn<QString>("where"); // header, body, query, header+body
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("challengeError"); // the error= of WWW-Authenticate; "-": none sent
    QTest::newRow("GET, header") << QByteArray("GET") << u"user"_qs << u"header"_qs << 200 << QByteArray("-");
    QTest::newRow("POST, header") << QByteArray("POST") << u"user"_qs << u"header"_qs << 200
                                  << QByteArray("-");
    QTest::newRow("POST, form body") << QByteArray("POST") << u"user"_qs << u"body"_qs << 200
                                     << QByteArray("-");
    QTest::newRow("GET, query string refused")
        << QByteArray("GET") << u"user"_qs << u"query"_qs << 400 << QByteArray("invalid_request");
    QTest::newRow("POST, header and body")
        << QByteArray("POST") << u"user"_qs << u"header+body"_qs << 400 << QByteArray("invalid_request");
    QTest::newRow("no token") << QByteArray("GET") << QString() << QString() << 401 << QByteArray();
    QTest::newRow("revoked") << QByteArray("GET") << u"revoked"_qs << u"header"_qs << 401
                             << QByteArray("invalid_token");
    QTest::newRow("garbage") << QByteArray("GET") << u"garbage"_qs << u"header"_qs << 401
                             << QByteArray("invalid_token");
    QTest::newRow("client_credentials: no user")
        << QByteArray("GET") << u"cc"_qs << u"header"_qs << 403 << QByteArray("insufficient_scope");
}

void TestUserInfoApi::ways()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, token);
    QFETCH(QString, where);
    QFETCH(int, status);
    QFETCH(QByteArray, challengeError);
    QByteArray jwt;
    if (token == u"user" || token == u"revoked") {
        const IssuedAccessToken issued = f.userToken(m_app, m_bob, {u"basic"_qs});
        jwt = issued.jwt;
        if (token == u"revoked")
            QVERIFY(f.provider->stack()->accessTokens()->revoke(issued.jti).value());
    } else if (token == u"cc") {
        jwt = f.userToken(m_app, 0, {u"basic"_qs}).jwt;
    } else if (token == u"garbage") {
        jwt = "e30.e30.e30";
    }
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QString url = f.provider->restUrl().toString() + u"/oauth2/userinfo";
    if (where.contains(u"header"))
        headers.append({"Authorization", "Bearer " + jwt});
    if (where.contains(u"body"))
        body = "access_token=" + jwt;
    if (where == u"query")
        url += u"?access_token=" + QString::fromLatin1(jwt);
    if (method == "POST" && body.isEmpty())
        body = "x=1";
    const Reply reply = f.http->send(method, QUrl(url), body, "application/x-www-form-urlencoded", headers);
    QCOMPARE(reply.status, status);
    const QByteArray challenge = reply.header("WWW-Authenticate");
    if (status == 200) {
        QCOMPARE(reply.json()[u"sub"].toString(), QString::number(m_bob));
        QCOMPARE(reply.header("Cache-Control"), QByteArray("no-store"));
        QVERIFY(challenge.isEmpty());
        return;
    }
    QVERIFY2(challenge.startsWith("Bearer realm=\""), challenge.constData());
    if (challengeError.isEmpty()) {
        QVERIFY(!challenge.contains("error=")); // RFC 6750 section 3.1: no error code without a token
    } else {
        QVERIFY2(challenge.contains(QByteArray("error=\"" + challengeError + "\"")), challenge.constData());
        QCOMPARE(reply.json()[u"error"].toString(), QString::fromLatin1(challengeError));
        QVERIFY(!reply.json()[u"error_description"].toString().isEmpty());
    }
}

void TestUserInfoApi::claimsFollowTheGrants_data()
{
    QTest::addColumn<QStringList>("grants");
    QTest::addColumn<bool>("email");
    QTest::newRow("basic: no e-mail") << QStringList {u"basic"_qs} << false;
    QTest::newRow("privateinfo: e-mail") << QStringList {u"basic"_qs, u"privateinfo"_qs} << true;
}

void TestUserInfoApi::claimsFollowTheGrants()
{
    QFETCH(QStringList, grants);
    QFETCH(bool, email);
    const Reply reply = f.get(u"/oauth2/userinfo"_qs, f.userToken(m_app, m_bob, grants).jwt);
    QCOMPARE(reply.status, 200);
    const QJsonObject claims = reply.json();
    QCOMPARE(claims[u"sub"].toString(), QString::number(m_bob));
    QCOMPARE(claims[u"preferred_username"].toString(), u"Userinfo bob"_qs);
    QVERIFY(claims[u"groups"].toArray().contains(u"bot"_qs));
    QCOMPARE(claims.contains(u"email"), email);
    if (email) {
        QCOMPARE(claims[u"email"].toString(), u"bob@example.org"_qs);
        QCOMPARE(claims[u"email_verified"].toBool(), true);
    }
}

QTEST_GUILESS_MAIN(TestUserInfoApi)
#include "TestUserInfoApi.moc"
