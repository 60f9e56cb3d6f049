// rest.php/mwauth/v1/grants over real HTTP on a whole LocalProvider (a SQLite file, or
// PostgreSQL in the _postgres build): listing with consumer details and token counts, revoking
// one grant, revoke-all of both protocols (refused everywhere afterwards, other users untouched,
// atomic, lasting across a restart), REAUTH before a fresh login, CSRF and caller checks.

#include "../TestDatabase.h"
#include "../oauth2/BearerTestSupport.h"
#include "../pages/PagesTestProvider.h"
#include "oauth1/Signature.h"

#include "provider/grants/GrantsApi.h"
#include "provider/oauth2/OAuthCache.h"
#include "provider/oauth2/RefreshTokens.h"

#include <QJsonArray>
#include <QSqlError>

using namespace mwauth;
using namespace mwauth::provider;
using namespace mwauth::provider::testing;
using namespace Qt::StringLiterals;

namespace {

const QString kAlicePass = QStringLiteral("Alice-pass-demo");

int countRows(ProviderDatabase &db, const QString &sql, const QVariantList &values = {})
{
    QSqlQuery query(db.database());
    if (!ProviderDatabase::run(query, sql, values) || !query.next())
        return -1;
    return query.value(0).toInt();
}

} // namespace

class TestGrantsApi : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();

    void discoveryAndList();
    void callerChecks();
    void revokeOne();
    void revokeAllRefusesEveryToken();
    void revokeAllNeedsRecentLogin();
    void revokeAllIsAtomic();
    void revokeAllSurvivesRestart();

private:
    bool startProvider();
    // Logs `browser` in through Special:UserLogin; true on the redirect of a successful login.
    // `query` adds to Special:UserLogin's (a reauthentication: "&force=...").
    bool logIn(TestBrowser &browser, const QString &name, const QString &password, const QString &query = {});
    QString csrfToken(TestBrowser &browser);
    Reply grantsCall(TestBrowser &browser, const QByteArray &method, const QString &path,
                     const QByteArray &csrf = {}, const QByteArray &bearer = {});
    // Everything of Alice's (OAuth 1 approval, OAuth 2 access + refresh tokens on two clients)
    // and Bob's one OAuth 2 token.
    void makeTokens();
    bool bearerWorks(const QByteArray &token);
    // An api.php call signed (HMAC-SHA1) with Alice's OAuth 1.0a access token runs as Alice.
    bool oauth1Works();
    RefreshRefusal redeem(const QByteArray &refresh, const QString &clientId);

    TestDatabase m_databases {u"grants"_s};
    QString m_location;
    BearerFixture g;
    std::unique_ptr<ProviderSecret> m_refreshSecret;
    std::unique_ptr<OAuthCache> m_cache;
    std::unique_ptr<RefreshTokens> m_refresh;
    OAuth2Options m_oauth2;

    TestClient m_web, m_tool, m_oauth1;
    qint64 m_alice = 0, m_bob = 0;
    IssuedAccessToken m_aliceWeb, m_aliceTool, m_bobWeb, m_aliceManage;
    QByteArray m_aliceRefresh;
    qint64 m_aliceOauth1Approval = 0;
    oauth1::Credentials m_aliceOauth1; // consumer key + secret, access token + secret
    int m_nonce = 0;
};

void TestGrantsApi::initTestCase()
{
    QVERIFY2(m_databases.start(), qPrintable(m_databases.errorString()));
    // A provider on PostgreSQL takes its secret from the environment (one for every start).
    if (TestDatabase::isPostgres())
        qputenv(ProviderSecret::EnvironmentVariable, ProviderSecret::generate(g.random).hex());
}

void TestGrantsApi::cleanupTestCase()
{
    m_databases.stop();
}

bool TestGrantsApi::startProvider()
{
    // A restart keeps the port: the issuer (iss of every token) is the provider's address.
    const quint16 port = g.provider ? quint16(g.provider->baseUrl().port()) : 0;
    m_refresh.reset();
    m_cache.reset();
    g.stop();
    g.provider = std::make_unique<LocalProvider>(g.clock, g.random);
    LocalProviderOptions options;
    options.demo = true;
    options.passwordIterations = 1000;
    options.workers = 1;
    options.database = m_location;
    options.port = port;
    if (const Result<void> started = g.provider->start(options); !started) {
        qWarning() << started.error().toString();
        return false;
    }
    g.http = std::make_unique<TestHttpClient>();
    m_cache = std::make_unique<OAuthCache>(*g.provider->database(), g.clock);
    m_refresh = std::make_unique<RefreshTokens>(*m_cache, *g.provider->stack()->accessTokens(),
                                                *m_refreshSecret, g.clock, g.random, m_oauth2);
    return true;
}

void TestGrantsApi::init()
{
    g.clock.set(kStartTime);
    m_location = m_databases.newLocation();
    QVERIFY(!m_location.isEmpty());
    m_refreshSecret = std::make_unique<ProviderSecret>(ProviderSecret::generate(g.random));
    QVERIFY(startProvider());
    makeTokens();
}

void TestGrantsApi::cleanup()
{
    m_refresh.reset();
    m_cache.reset();
    g.stop();
}

void TestGrantsApi::makeTokens()
{
    m_alice = g.userId(u"Alice"_s);
    m_bob = g.userId(u"Bob"_s);
    m_web = g.registerClient(u"Grants web app"_s, {u"basic"_s, u"oauthmanageownclient"_s});
    m_tool = g.registerClient(u"Grants tool"_s, {u"basic"_s});
    QVERIFY(!m_web.id.isEmpty() && !m_tool.id.isEmpty());
    m_aliceWeb = g.userToken(m_web, m_alice, {u"basic"_s});
    m_aliceManage = g.userToken(m_web, m_alice, {u"basic"_s, u"oauthmanageownclient"_s});
    m_aliceTool = g.userToken(m_tool, m_alice, {u"basic"_s});
    m_bobWeb = g.userToken(m_web, m_bob, {u"basic"_s});
    QVERIFY(!m_aliceWeb.jwt.isEmpty() && !m_aliceTool.jwt.isEmpty() && !m_bobWeb.jwt.isEmpty());

    RefreshTokenData data;
    data.clientId = m_tool.id;
    data.userId = m_alice;
    data.acceptanceId = g.approve(m_tool, m_alice, {u"basic"_s});
    data.scopes = {u"basic"_s};
    data.accessTokenId = m_aliceTool.jti;
    data.family = u"grants-test-family"_s;
    const Result<QByteArray> refresh = m_refresh->issue(data);
    QVERIFY2(refresh.ok(), qPrintable(refresh.error().toString()));
    m_aliceRefresh = *refresh;

    // An OAuth 1.0a approval of Alice's (its row is the access token and secret).
    const Result<QList<DemoClient>> demo
        = DemoData::seedClients(*g.provider->clients(), *g.provider->users());
    QVERIFY(demo.ok());
    QString oauth1Key;
    for (const DemoClient &client : *demo) {
        if (client.oauthVersion == 1 && !client.ownerOnly && client.approved)
            oauth1Key = client.clientId;
    }
    QVERIFY(!oauth1Key.isEmpty());
    const Result<OAuthClient> oauth1 = g.provider->clients()->findByKey(oauth1Key);
    QVERIFY(oauth1.ok());
    m_oauth1 = {oauth1Key, {}, oauth1->id};
    AcceptanceStore acceptances(*g.provider->database(), g.clock, g.random);
    const Result<ClientAcceptance> accepted = acceptances.accept(m_alice, *oauth1, {u"basic"_s});
    QVERIFY2(accepted.ok(), qPrintable(accepted.error().toString()));
    m_aliceOauth1Approval = accepted->id;
    // What the provider handed out for that approval: the token and the derived secret.
    QSqlQuery stored(g.provider->database()->database());
    stored.prepare(u"SELECT oaac_access_secret FROM oauth_accepted_consumer WHERE oaac_id = ?"_s);
    stored.addBindValue(accepted->id);
    QVERIFY(stored.exec() && stored.next());
    m_aliceOauth1.consumerKey = oauth1Key.toUtf8();
    for (const DemoClient &client : *demo) {
        if (client.clientId == oauth1Key)
            m_aliceOauth1.consumerSecret = client.clientSecret.toUtf8();
    }
    m_aliceOauth1.token = accepted->accessToken.toUtf8();
    m_aliceOauth1.tokenSecret = g.provider->stack()->secret()->derive(stored.value(0).toString().toUtf8());
    QVERIFY(oauth1Works());
}

bool TestGrantsApi::oauth1Works()
{
    const oauth1::Request request {
        "GET",
        QUrl(g.provider->apiUrl().toString() + u"?action=query&meta=userinfo&format=json&formatversion=2"_s),
        {}};
    const Result<oauth1::SignedRequest> signedRequest = oauth1::signRequest(
        request, m_aliceOauth1, "grants-" + QByteArray::number(++m_nonce), qint64(g.clock.nowSeconds()));
    if (!signedRequest)
        return false;
    const Reply reply
        = g.http->send("GET", request.url, {}, {}, {{"Authorization", signedRequest->authorizationHeader}});
    return reply.status == 200 && reply.json()[u"query"_s][u"userinfo"_s][u"name"_s].toString() == u"Alice"_s
        && reply.header("MediaWiki-API-Error").isEmpty();
}

bool TestGrantsApi::logIn(TestBrowser &browser, const QString &name, const QString &password,
                          const QString &query)
{
    const Reply page = browser.get(kLogin + query);
    const QString token = hiddenValue(page.body, u"wpLoginToken"_s);
    const Reply reply = browser.post(
        kLogin + query,
        {{"wpName", name.toUtf8()}, {"wpPassword", password.toUtf8()}, {"wpLoginToken", token.toUtf8()}});
    return reply.status == 302 && browser.apiUserName() == name;
}

QString TestGrantsApi::csrfToken(TestBrowser &browser)
{
    const Reply reply = browser.get(u"/w/api.php?action=query&meta=tokens&format=json&formatversion=2"_s);
    return reply.json()[u"query"_s][u"tokens"_s][u"csrftoken"_s].toString();
}

Reply TestGrantsApi::grantsCall(TestBrowser &browser, const QByteArray &method, const QString &path,
                                const QByteArray &csrf, const QByteArray &bearer)
{
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArrayList pairs;
    for (auto it = browser.cookies().cbegin(); it != browser.cookies().cend(); ++it)
        pairs.append(it.key() + '=' + it.value());
    if (!pairs.isEmpty())
        headers.append({"Cookie", pairs.join("; ")});
    if (!csrf.isEmpty())
        headers.append({"X-CSRF-Token", csrf});
    if (!bearer.isEmpty())
        headers.append({"Authorization", "Bearer " + bearer});
    return g.http->send(method, g.rest(u"/mwauth/v1/grants"_s + path), {},
                        "application/x-www-form-urlencoded", headers);
}

bool TestGrantsApi::bearerWorks(const QByteArray &token)
{
    const Reply reply = g.get(u"/oauth2/resource/profile"_s, token);
    if (reply.status != 200 && reply.status != 401)
        qWarning() << reply.status << reply.body;
    return reply.status == 200;
}

RefreshRefusal TestGrantsApi::redeem(const QByteArray &refresh, const QString &clientId)
{
    RefreshRefusal refusal = RefreshRefusal::None;
    const auto redeemed = m_refresh->redeem(refresh, clientId, refusal);
    if (!redeemed)
        return RefreshRefusal::Malformed;
    return redeemed->has_value() ? RefreshRefusal::None : refusal;
}

void TestGrantsApi::discoveryAndList()
{
    const Reply discovery = g.http->send(
        "GET", QUrl(g.provider->baseUrl().toString() + u"/.well-known/oauth-authorization-server"_s));
    QCOMPARE(discovery.status, 200);
    QCOMPARE(discovery.json()[u"mwauth_grants_endpoint"_s].toString(),
             g.rest(u"/mwauth/v1/grants"_s).toString());

    TestBrowser alice(*g.provider->server());
    QVERIFY(logIn(alice, u"Alice"_s, kAlicePass));
    const Reply reply = grantsCall(alice, "GET", {});
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("Cache-Control"), QByteArray("no-store"));
    const QJsonArray grants = reply.json()[u"grants"_s].toArray();
    QCOMPARE(grants.size(), 3); // web app, tool, the OAuth 1 consumer; never Bob's
    QHash<QString, QJsonObject> byName;
    for (const QJsonValue &grant : grants) {
        QCOMPARE(grant[u"user"_s].toString(), u"Alice"_s);
        byName.insert(grant[u"consumer"_s][u"name"_s].toString(), grant.toObject());
    }
    const QJsonObject web = byName.value(u"Grants web app"_s);
    QCOMPARE(web[u"consumer"_s][u"publisher"_s].toString(), u"Admin"_s);
    QCOMPARE(web[u"consumer"_s][u"key"_s].toString(), m_web.id);
    QCOMPARE(web[u"protocol"_s].toString(), u"OAuth 2.0"_s);
    QCOMPARE(web[u"tokens"_s][u"access"_s].toInt(), 2);
    QCOMPARE(web[u"tokens"_s][u"refresh"_s].toInt(), 0);
    QVERIFY(web[u"grants"_s].toArray().contains(u"basic"_s));
    QCOMPARE(web[u"accepted"_s].toString().size(), 14);
    const QJsonObject tool = byName.value(u"Grants tool"_s);
    QCOMPARE(tool[u"tokens"_s][u"access"_s].toInt(), 1);
    QCOMPARE(tool[u"tokens"_s][u"refresh"_s].toInt(), 1);
    bool sawOauth1 = false;
    for (const QJsonObject &grant : std::as_const(byName)) {
        if (grant[u"id"_s].toInteger() == m_aliceOauth1Approval) {
            sawOauth1 = true;
            QCOMPARE(grant[u"protocol"_s].toString(), u"OAuth 1.0a"_s);
            QCOMPARE(grant[u"oauth_version"_s].toInt(), 1);
        }
    }
    QVERIFY(sawOauth1);

    // A bearer token whose grants give mwoauthmanagemygrants lists the same, without a session.
    TestBrowser nobody(*g.provider->server());
    const Reply byToken = grantsCall(nobody, "GET", {}, {}, m_aliceManage.jwt);
    QCOMPARE(byToken.status, 200);
    QCOMPARE(byToken.json()[u"grants"_s].toArray().size(), 3);
}

void TestGrantsApi::callerChecks()
{
    TestBrowser anonymous(*g.provider->server());
    Reply reply = grantsCall(anonymous, "GET", {});
    QCOMPARE(reply.status, 401);
    QCOMPARE(reply.json()[u"errorKey"_s].toString(), u"mwauth-grants-login-required"_s);
    QCOMPARE(reply.json()[u"httpCode"_s].toInt(), 401);

    // A token without the grant, a garbage token.
    reply = grantsCall(anonymous, "GET", {}, {}, m_aliceWeb.jwt);
    QCOMPARE(reply.status, 403);
    QCOMPARE(reply.json()[u"errorKey"_s].toString(), u"rest-permission-denied"_s);
    reply = grantsCall(anonymous, "GET", {}, {}, "not-a-token");
    QCOMPARE(reply.status, 401);

    TestBrowser alice(*g.provider->server());
    QVERIFY(logIn(alice, u"Alice"_s, kAlicePass));
    const QByteArray csrf = csrfToken(alice).toUtf8();
    QVERIFY(csrf.size() > 2);
    // Writes of a session need its csrf token: none and a wrong one change nothing.
    const QString one = u"/"_s + QString::number(m_aliceOauth1Approval);
    reply = grantsCall(alice, "DELETE", one);
    QCOMPARE(reply.status, 403);
    QCOMPARE(reply.json()[u"errorKey"_s].toString(), u"mwauth-grants-badtoken"_s);
    reply = grantsCall(alice, "POST", u"/revoke-all"_s, "0123456789abcdef+\\");
    QCOMPARE(reply.status, 403);
    QCOMPARE(reply.json()[u"errorKey"_s].toString(), u"mwauth-grants-badtoken"_s);
    QVERIFY(bearerWorks(m_aliceWeb.jwt));
    QCOMPARE(countRows(*g.provider->database(),
                       u"SELECT COUNT(*) FROM oauth_accepted_consumer WHERE oaac_user_id = ?"_s, {m_alice}),
             3);

    // Bad ids, someone else's grant, wrong methods, unknown paths.
    reply = grantsCall(alice, "DELETE", u"/abc"_s, csrf);
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.json()[u"error"_s].toString(), u"parameter-validation-failed"_s);
    QCOMPARE(reply.json()[u"failureCode"_s].toString(), u"badinteger"_s);
    const qint64 bobsGrant = g.approve(m_web, m_bob, {u"basic"_s});
    reply = grantsCall(alice, "DELETE", u"/"_s + QString::number(bobsGrant), csrf);
    QCOMPARE(reply.status, 404);
    QCOMPARE(reply.json()[u"errorKey"_s].toString(), u"mwauth-grants-nosuchgrant"_s);
    QVERIFY(bearerWorks(m_bobWeb.jwt));
    reply = grantsCall(alice, "PUT", {}, csrf);
    QCOMPARE(reply.status, 405);
    QVERIFY(reply.header("Allow").contains("GET"));
    reply = grantsCall(alice, "GET", u"/revoke-all"_s, csrf);
    QCOMPARE(reply.status, 405);
    reply = grantsCall(alice, "GET", u"/1/2"_s, csrf);
    QCOMPARE(reply.status, 404);
}

void TestGrantsApi::revokeOne()
{
    TestBrowser alice(*g.provider->server());
    QVERIFY(logIn(alice, u"Alice"_s, kAlicePass));
    const QByteArray csrf = csrfToken(alice).toUtf8();
    const qint64 toolGrant = g.approve(m_tool, m_alice, {u"basic"_s});
    const Reply reply = grantsCall(alice, "DELETE", u"/"_s + QString::number(toolGrant), csrf);
    QCOMPARE(reply.status, 200);
    const QJsonObject revoked = reply.json()[u"revoked"_s].toObject();
    QCOMPARE(revoked[u"grants"_s].toArray().size(), 1);
    QCOMPARE(revoked[u"access_tokens"_s].toInt(), 1);
    QCOMPARE(revoked[u"refresh_tokens"_s].toInt(), 1);
    QVERIFY(!bearerWorks(m_aliceTool.jwt));
    QCOMPARE(redeem(m_aliceRefresh, m_tool.id), RefreshRefusal::Revoked);
    // The other grants stay.
    QVERIFY(bearerWorks(m_aliceWeb.jwt));
    QVERIFY(bearerWorks(m_bobWeb.jwt));
    const Reply again = grantsCall(alice, "DELETE", u"/"_s + QString::number(toolGrant), csrf);
    QCOMPARE(again.status, 404);
}

void TestGrantsApi::revokeAllRefusesEveryToken()
{
    QVERIFY(bearerWorks(m_aliceWeb.jwt));
    QVERIFY(bearerWorks(m_aliceTool.jwt));
    TestBrowser alice(*g.provider->server());
    QVERIFY(logIn(alice, u"Alice"_s, kAlicePass));
    const QByteArray csrf = csrfToken(alice).toUtf8();
    const Reply reply = grantsCall(alice, "POST", u"/revoke-all"_s, csrf);
    QCOMPARE(reply.status, 200);
    const QJsonObject revoked = reply.json()[u"revoked"_s].toObject();
    QCOMPARE(revoked[u"grants"_s].toArray().size(), 3);
    QCOMPARE(revoked[u"oauth1_access_tokens"_s].toInt(), 1);
    QCOMPARE(revoked[u"access_tokens"_s].toInt(), 3);
    QCOMPARE(revoked[u"refresh_tokens"_s].toInt(), 1);

    QVERIFY(!bearerWorks(m_aliceWeb.jwt));
    QVERIFY(!bearerWorks(m_aliceTool.jwt));
    QVERIFY(!bearerWorks(m_aliceManage.jwt));
    QVERIFY(!oauth1Works()); // the OAuth 1.0a access token too
    QCOMPARE(redeem(m_aliceRefresh, m_tool.id), RefreshRefusal::Revoked);
    ProviderDatabase &db = *g.provider->database();
    QCOMPARE(
        countRows(db, u"SELECT COUNT(*) FROM oauth_accepted_consumer WHERE oaac_user_id = ?"_s, {m_alice}),
        0);
    QCOMPARE(countRows(db, u"SELECT COUNT(*) FROM oauth_accepted_consumer WHERE oaac_id = ?"_s,
                       {m_aliceOauth1Approval}),
             0);
    // Bob is untouched.
    QVERIFY(bearerWorks(m_bobWeb.jwt));
    QCOMPARE(countRows(db, u"SELECT COUNT(*) FROM oauth_accepted_consumer WHERE oaac_user_id = ?"_s, {m_bob}),
             1);
    // The list is empty now; a second revoke-all revokes nothing.
    QCOMPARE(grantsCall(alice, "GET", {}).json()[u"grants"_s].toArray().size(), 0);
    const Reply again = grantsCall(alice, "DELETE", {}, csrf);
    QCOMPARE(again.status, 200);
    QCOMPARE(again.json()[u"revoked"_s][u"grants"_s].toArray().size(), 0);
}

void TestGrantsApi::revokeAllNeedsRecentLogin()
{
    TestBrowser alice(*g.provider->server());
    QVERIFY(logIn(alice, u"Alice"_s, kAlicePass));
    const QByteArray csrf = csrfToken(alice).toUtf8();
    // The security window (LoginService::DefaultReauthenticateSeconds) passes.
    g.clock.advance(LoginService::DefaultReauthenticateSeconds + 1);
    Reply reply = grantsCall(alice, "POST", u"/revoke-all"_s, csrf);
    QCOMPARE(reply.status, 403);
    QCOMPARE(reply.json()[u"status"_s].toString(), u"REAUTH"_s);
    QCOMPARE(reply.json()[u"errorKey"_s].toString(), u"mwauth-grants-reauth"_s);
    QVERIFY(reply.json()[u"login_url"_s].toString().contains(u"force=mwauth-revoke-all-grants"_s));
    QVERIFY(bearerWorks(m_aliceWeb.jwt));
    QCOMPARE(countRows(*g.provider->database(),
                       u"SELECT COUNT(*) FROM oauth_accepted_consumer WHERE oaac_user_id = ?"_s, {m_alice}),
             3);
    // A bearer token alone is never a recent login (it also does not refresh the one above).
    TestBrowser nobody(*g.provider->server());
    reply = grantsCall(nobody, "POST", u"/revoke-all"_s, {}, m_aliceManage.jwt);
    QCOMPARE(reply.status, 403);
    QCOMPARE(reply.json()[u"status"_s].toString(), u"REAUTH"_s);
    QVERIFY(bearerWorks(m_aliceWeb.jwt));

    // Logging in again where login_url says opens the window: now it works.
    const QUrl loginUrl(reply.json()[u"login_url"_s].toString());
    QCOMPARE(loginUrl.path(), u"/w/index.php"_s);
    QVERIFY(logIn(alice, u"Alice"_s, kAlicePass,
                  u"&"_s + loginUrl.query(QUrl::FullyEncoded).remove(u"title=Special:UserLogin&"_s)));
    reply = grantsCall(alice, "POST", u"/revoke-all"_s, csrfToken(alice).toUtf8());
    QCOMPARE(reply.status, 200);
    QVERIFY(!bearerWorks(m_aliceWeb.jwt));
}

void TestGrantsApi::revokeAllIsAtomic()
{
    // A failure after the approvals and access tokens were changed: deleting a refresh token
    // from the cache raises an error (a trigger), so the transaction must undo the rest.
    ProviderDatabase &db = *g.provider->database();
    QSqlQuery query(db.database());
    if (TestDatabase::isPostgres()) {
        QVERIFY2(query.exec(u"CREATE FUNCTION grants_test_fail() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION "
                            "'injected failure'; END $$ LANGUAGE plpgsql"_s),
                 qPrintable(query.lastError().text()));
        QVERIFY2(query.exec(u"CREATE TRIGGER grants_test_fail BEFORE DELETE ON oauth_cache FOR EACH ROW "
                            "EXECUTE FUNCTION grants_test_fail()"_s),
                 qPrintable(query.lastError().text()));
    } else {
        QVERIFY2(query.exec(u"CREATE TRIGGER grants_test_fail BEFORE DELETE ON oauth_cache "
                            "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"_s),
                 qPrintable(query.lastError().text()));
    }
    TestBrowser alice(*g.provider->server());
    QVERIFY(logIn(alice, u"Alice"_s, kAlicePass));
    const QByteArray csrf = csrfToken(alice).toUtf8();
    Reply reply = grantsCall(alice, "POST", u"/revoke-all"_s, csrf);
    QCOMPARE(reply.status, 500);
    QCOMPARE(reply.json()[u"errorKey"_s].toString(), u"mwauth-grants-failed"_s);
    QVERIFY(!reply.body.contains(m_aliceRefresh));
    // Nothing was revoked.
    QCOMPARE(
        countRows(db, u"SELECT COUNT(*) FROM oauth_accepted_consumer WHERE oaac_user_id = ?"_s, {m_alice}),
        3);
    QCOMPARE(countRows(db, u"SELECT COUNT(*) FROM oauth2_access_tokens WHERE oaat_revoked <> 0"_s), 0);
    QVERIFY(bearerWorks(m_aliceWeb.jwt));
    QVERIFY(bearerWorks(m_aliceTool.jwt));
    QCOMPARE(countRows(db, u"SELECT COUNT(*) FROM oauth_cache WHERE oc_key LIKE 'RefreshToken:%'"_s), 1);

    // Without the failure the same request revokes everything.
    QVERIFY(query.exec(u"DROP TRIGGER grants_test_fail"_s
                       + (TestDatabase::isPostgres() ? u" ON oauth_cache"_s : QString())));
    reply = grantsCall(alice, "POST", u"/revoke-all"_s, csrf);
    QCOMPARE(reply.status, 200);
    QVERIFY(!bearerWorks(m_aliceWeb.jwt));
    QCOMPARE(redeem(m_aliceRefresh, m_tool.id), RefreshRefusal::Revoked);
}

void TestGrantsApi::revokeAllSurvivesRestart()
{
    TestBrowser alice(*g.provider->server());
    QVERIFY(logIn(alice, u"Alice"_s, kAlicePass));
    const Reply reply = grantsCall(alice, "POST", u"/revoke-all"_s, csrfToken(alice).toUtf8());
    QCOMPARE(reply.status, 200);

    // A new provider process on the same database.
    QVERIFY(startProvider());
    QVERIFY(!bearerWorks(m_aliceWeb.jwt));
    QVERIFY(!bearerWorks(m_aliceTool.jwt));
    QCOMPARE(redeem(m_aliceRefresh, m_tool.id), RefreshRefusal::Revoked);
    QVERIFY(bearerWorks(m_bobWeb.jwt));
    QCOMPARE(countRows(*g.provider->database(),
                       u"SELECT COUNT(*) FROM oauth_accepted_consumer WHERE oaac_user_id = ?"_s, {m_alice}),
             0);
}

QTEST_GUILESS_MAIN(TestGrantsApi)
#include "TestGrantsApi.moc"
