// RFC 7009 revocation (rest.php/oauth2/revoke) and RFC 7662 introspection
// (rest.php/oauth2/introspect) over real HTTP: client authentication as the token endpoint,
// a client acts on its own tokens only, unknown tokens answer 200 / inactive.

#include "BearerTestSupport.h"

#include "provider/oauth2/OAuthCache.h"
#include "provider/oauth2/RefreshTokens.h"

#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>

using namespace mwauth;
using namespace mwauth::provider;
using namespace mwauth::provider::testing;

class TestRevocationIntrospection : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void revoke_data();
    void revoke();
    void revokeRefused_data();
    void revokeRefused();
    void introspectActive_data();
    void introspectActive();
    void introspectInactive_data();
    void introspectInactive();
    void refreshTokens_data();
    void refreshTokens();

private:
    QByteArray auth(const TestClient &client, bool basic,
                    QList<std::pair<QByteArray, QByteArray>> &headers) const;
    int profileStatus(const QByteArray &jwt) { return f.get(u"/oauth2/resource/profile"_qs, jwt).status; }

    BearerFixture f;
    TestClient m_app;
    TestClient m_other;
    TestClient m_public;
    qint64 m_carol = 0;
};

void TestRevocationIntrospection::initTestCase()
{
    QVERIFY(f.start());
    m_app = f.registerClient(u"Revoking app"_qs, {u"basic"_qs, u"editpage"_qs});
    m_other = f.registerClient(u"Other app"_qs, {u"basic"_qs});
    m_public = f.registerClient(u"Public app"_qs, {u"basic"_qs}, false, {u"authorization_code"_qs});
    QVERIFY(!m_app.id.isEmpty() && !m_other.id.isEmpty() && !m_public.id.isEmpty());
    const auto carol = f.provider->users()->createUser(u"Revoke carol"_qs, u"secret password 3"_qs);
    QVERIFY(carol.ok());
    m_carol = carol->id;
}

void TestRevocationIntrospection::cleanupTestCase()
{
    f.stop();
}

QByteArray TestRevocationIntrospection::auth(const TestClient &client, bool basic,
                                             QList<std::pair<QByteArray, QByteArray>> &headers) const
{
    if (basic) {
        headers.append(
            {"Authorization", "Basic " + (client.id + u':' + client.secret).toLatin1().toBase64()});
        return {};
    }
    QByteArray body = "&client_id=" + client.id.toLatin1();
    if (!client.secret.isEmpty() && client.id != m_public.id)
        body += "&client_secret=" + client.secret.toLatin1();
    return body;
}

void TestRevocationIntrospection::revoke_data()
{
    QTest::addColumn<QString>("caller"); // app, other, public
    QTest::addColumn<QString>("owner"); // whose token
    QTest::addColumn<bool>("basic");
    QTest::addColumn<QByteArray>("hint");
    QTest::addColumn<bool>("revoked");
    QTest::newRow("own token, client_secret_post") << u"app"_qs << u"app"_qs << false << QByteArray() << true;
    QTest::newRow("own token, client_secret_basic") << u"app"_qs << u"app"_qs << true << QByteArray() << true;
    QTest::newRow("hint access_token")
        << u"app"_qs << u"app"_qs << false << QByteArray("access_token") << true;
    QTest::newRow("wrong hint refresh_token: searched further")
        << u"app"_qs << u"app"_qs << false << QByteArray("refresh_token") << true;
    QTest::newRow("unknown hint ignored")
        << u"app"_qs << u"app"_qs << false << QByteArray("id_token") << true;
    QTest::newRow("public client, client_id only")
        << u"public"_qs << u"public"_qs << false << QByteArray() << true;
    QTest::newRow("another client's token: 200, left alone")
        << u"other"_qs << u"app"_qs << false << QByteArray() << false;
}

void TestRevocationIntrospection::revoke()
{
    QFETCH(QString, caller);
    QFETCH(QString, owner);
    QFETCH(bool, basic);
    QFETCH(QByteArray, hint);
    QFETCH(bool, revoked);
    const auto client = [&](const QString &name) {
        return name == u"app" ? m_app : name == u"other" ? m_other : m_public;
    };
    const IssuedAccessToken token = f.userToken(client(owner), m_carol, {u"basic"_qs});
    QCOMPARE(profileStatus(token.jwt), 200);
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body = "token=" + token.jwt + auth(client(caller), basic, headers);
    if (!hint.isEmpty())
        body += "&token_type_hint=" + hint;
    const Reply reply = f.post(u"/oauth2/revoke"_qs, body, headers);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("Cache-Control"), QByteArray("no-store"));
    QCOMPARE(profileStatus(token.jwt), revoked ? 401 : 200);
    QCOMPARE(f.provider->stack()->accessTokens()->state(token.jti).value(),
             revoked ? AccessTokenState::Revoked : AccessTokenState::Active);
}

void TestRevocationIntrospection::revokeRefused_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("body"); // %ID% / %SECRET%: the app's
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");
    QTest::newRow("unknown token: 200")
        << QByteArray("POST") << QByteArray("token=nonsense&client_id=%ID%&client_secret=%SECRET%") << 200
        << QString();
    QTest::newRow("no token") << QByteArray("POST") << QByteArray("client_id=%ID%&client_secret=%SECRET%")
                              << 400 << u"invalid_request"_qs;
    QTest::newRow("wrong secret") << QByteArray("POST")
                                  << QByteArray("token=x&client_id=%ID%&client_secret=nope") << 401
                                  << u"invalid_client"_qs;
    QTest::newRow("confidential client without secret")
        << QByteArray("POST") << QByteArray("token=x&client_id=%ID%") << 401 << u"invalid_client"_qs;
    QTest::newRow("unknown client") << QByteArray("POST")
                                    << QByteArray("token=x&client_id=0123456789abcdef0123456789abcdef") << 401
                                    << u"invalid_client"_qs;
    QTest::newRow("no client") << QByteArray("POST") << QByteArray("token=x") << 400 << u"invalid_request"_qs;
    QTest::newRow("GET") << QByteArray("GET") << QByteArray() << 405 << QString();
}

void TestRevocationIntrospection::revokeRefused()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, error);
    body.replace("%ID%", m_app.id.toLatin1()).replace("%SECRET%", m_app.secret.toLatin1());
    for (const char *route : {"/oauth2/revoke", "/oauth2/introspect"}) {
        const Reply reply = f.http->send(method, f.rest(QString::fromLatin1(route)), body,
                                         "application/x-www-form-urlencoded");
        const bool introspectUnknown = status == 200 && QByteArrayView(route) == "/oauth2/introspect";
        QCOMPARE(reply.status, status);
        if (!error.isEmpty())
            QCOMPARE(reply.json()[u"error"].toString(), error);
        if (introspectUnknown)
            QCOMPARE(reply.json(), (QJsonObject {{u"active"_qs, false}}));
    }
}

void TestRevocationIntrospection::introspectActive_data()
{
    QTest::addColumn<bool>("user");
    QTest::addColumn<bool>("basic");
    QTest::newRow("user token, post") << true << false;
    QTest::newRow("user token, basic") << true << true;
    QTest::newRow("client_credentials token") << false << false;
}

void TestRevocationIntrospection::introspectActive()
{
    QFETCH(bool, user);
    QFETCH(bool, basic);
    const IssuedAccessToken token = f.userToken(m_app, user ? m_carol : 0, {u"basic"_qs, u"editpage"_qs});
    QList<std::pair<QByteArray, QByteArray>> headers;
    const Reply reply
        = f.post(u"/oauth2/introspect"_qs, "token=" + token.jwt + auth(m_app, basic, headers), headers);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("Cache-Control"), QByteArray("no-store"));
    const QJsonObject json = reply.json();
    const QJsonObject claims = jwtPart(token.jwt, 1); // decoded independently of the endpoint
    QCOMPARE(json[u"active"].toBool(), true);
    QCOMPARE(json[u"scope"].toString(), u"basic editpage"_qs);
    QCOMPARE(json[u"client_id"].toString(), m_app.id);
    QCOMPARE(json[u"aud"].toString(), claims[u"aud"].toString());
    QCOMPARE(json[u"jti"].toString(), claims[u"jti"].toString());
    QCOMPARE(json[u"iss"].toString(), f.provider->issuer().toString());
    QCOMPARE(json[u"token_type"].toString(), u"Bearer"_qs);
    QCOMPARE(json[u"exp"].toInteger(), qint64(claims[u"exp"].toDouble()));
    QCOMPARE(json[u"iat"].toInteger(), qint64(claims[u"iat"].toDouble()));
    QCOMPARE(json[u"nbf"].toInteger(), qint64(claims[u"nbf"].toDouble()));
    if (user) {
        QCOMPARE(json[u"sub"].toString(), QString::number(m_carol));
        QCOMPARE(json[u"username"].toString(), u"Revoke carol"_qs);
    } else {
        QVERIFY(!json.contains(u"sub"));
        QVERIFY(!json.contains(u"username"));
    }
}

void TestRevocationIntrospection::introspectInactive_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("another client's token") << u"other"_qs;
    QTest::newRow("revoked") << u"revoked"_qs;
    QTest::newRow("expired") << u"expired"_qs;
    QTest::newRow("garbage JWT") << u"garbage"_qs;
}

void TestRevocationIntrospection::introspectInactive()
{
    QFETCH(QString, kind);
    const IssuedAccessToken token
        = f.userToken(kind == u"other" ? m_other : m_app, m_carol, {u"basic"_qs}, 60);
    QByteArray jwt = token.jwt;
    if (kind == u"revoked")
        QVERIFY(f.provider->stack()->accessTokens()->revoke(token.jti).value());
    if (kind == u"garbage")
        jwt = "e30.e30.e30";
    const double start = f.clock.nowSeconds();
    if (kind == u"expired")
        f.clock.advance(61);
    QList<std::pair<QByteArray, QByteArray>> headers;
    const Reply reply
        = f.post(u"/oauth2/introspect"_qs, "token=" + jwt + auth(m_app, false, headers), headers);
    f.clock.set(start);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json(), (QJsonObject {{u"active"_qs, false}}));
}

void TestRevocationIntrospection::refreshTokens_data()
{
    QTest::addColumn<QString>("caller");
    QTest::addColumn<QByteArray>("hint");
    QTest::addColumn<bool>("revoked");
    QTest::newRow("own, hint refresh_token") << u"app"_qs << QByteArray("refresh_token") << true;
    QTest::newRow("own, no hint") << u"app"_qs << QByteArray() << true;
    QTest::newRow("own, wrong hint access_token") << u"app"_qs << QByteArray("access_token") << true;
    QTest::newRow("another client's: left alone") << u"other"_qs << QByteArray() << false;
}

void TestRevocationIntrospection::refreshTokens()
{
    QFETCH(QString, caller);
    QFETCH(QByteArray, hint);
    QFETCH(bool, revoked);
    // A provider on a SQLite file, whose secret (beside the file) the test can read to make
    // refresh tokens as the token endpoint does.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    BearerFixture g;
    g.provider = std::make_unique<LocalProvider>(g.clock, g.random);
    LocalProviderOptions options;
    options.demo = true;
    options.passwordIterations = 1000;
    options.workers = 1;
    options.database = dir.filePath(u"provider.sqlite"_qs);
    QVERIFY(g.provider->start(options).ok());
    g.http = std::make_unique<TestHttpClient>();
    QFile secretFile(options.database + u".secret"_qs);
    QVERIFY(secretFile.open(QIODevice::ReadOnly));
    const Result<ProviderSecret> secret = ProviderSecret::fromHex(secretFile.readAll());
    QVERIFY(secret.ok());
    OAuthCache cache(*g.provider->database(), g.clock);
    const OAuth2Options oauth2;
    RefreshTokens refreshTokens(cache, *g.provider->stack()->accessTokens(), *secret, g.clock, g.random,
                                oauth2);

    const TestClient app = g.registerClient(u"Refreshing app"_qs, {u"basic"_qs});
    const TestClient other = g.registerClient(u"Other refreshing app"_qs, {u"basic"_qs});
    const qint64 admin = g.userId(u"Admin"_qs);
    const IssuedAccessToken access = g.userToken(app, admin, {u"basic"_qs});
    RefreshTokenData data;
    data.clientId = app.id;
    data.userId = admin;
    data.acceptanceId = g.approve(app, admin, {u"basic"_qs});
    data.scopes = {u"basic"_qs};
    data.accessTokenId = access.jti;
    data.family = u"test-code-family"_qs;
    const Result<QByteArray> refresh = refreshTokens.issue(data);
    QVERIFY2(refresh.ok(), qPrintable(refresh.error().toString()));

    const TestClient &client = caller == u"app" ? app : other;
    QByteArray body = "token=" + *refresh + "&client_id=" + client.id.toLatin1()
        + "&client_secret=" + client.secret.toLatin1();
    if (!hint.isEmpty())
        body += "&token_type_hint=" + hint;
    const Reply reply = g.post(u"/oauth2/revoke"_qs, body);
    QCOMPARE(reply.status, 200);
    // The access token issued with it goes too (RFC 7009 section 2.1: SHOULD).
    QCOMPARE(g.provider->stack()->accessTokens()->state(access.jti).value(),
             revoked ? AccessTokenState::Revoked : AccessTokenState::Active);
    RefreshRefusal refusal = RefreshRefusal::None;
    const auto redeemed = refreshTokens.redeem(*refresh, app.id, refusal);
    QVERIFY(redeemed.ok());
    QCOMPARE(redeemed->has_value(), !revoked);
    if (revoked)
        QCOMPARE(refusal, RefreshRefusal::Revoked);
    g.stop();
}

QTEST_GUILESS_MAIN(TestRevocationIntrospection)
#include "TestRevocationIntrospection.moc"
