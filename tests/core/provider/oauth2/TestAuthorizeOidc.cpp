// OpenID Connect on the authorization code flow of the local provider, over real HTTP:
// id_token with nonce / auth_time / at_hash, prompt (none, login, consent), max_age,
// request / request_uri / response_mode, and state on OIDC error redirects (MediaWiki puts
// none on its own).

#include "../pages/PagesTestProvider.h"
#include "common/Clock.h"
#include "common/Random.h"
#include "jose/Jwks.h"
#include "jose/Jws.h"
#include "jose/Jwt.h"
#include "provider/LocalProvider.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QTest>
#include <QUrlQuery>

using namespace mwauth;
using namespace mwauth::provider;
using namespace mwauth::provider::testing;

namespace {

const QString kCallback = QStringLiteral("https://rp.example/cb");

QString queryItem(const QByteArray &location, const QString &name)
{
    return QUrlQuery(QUrl::fromEncoded(location).query(QUrl::FullyEncoded))
        .queryItemValue(name, QUrl::FullyDecoded)
        .replace(u'+', u' ');
}

bool hasItem(const QByteArray &location, const QString &name)
{
    return QUrlQuery(QUrl::fromEncoded(location).query(QUrl::FullyEncoded)).hasQueryItem(name);
}

} // namespace

class TestAuthorizeOidc : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void idToken();
    void errorRedirects_data();
    void errorRedirects();
    void promptNoneWithoutLogin();
    void promptLoginAndMaxAge();
    void promptConsentShowsThePage();

private:
    struct Client
    {
        QString id;
        QString secret;
    };
    Client registerClient(const QString &name, bool trusted);
    QString path(const Client &client, const QString &extra) const;
    bool logIn(TestBrowser &browser, const QString &returnTo = {}, const QString &returnToQuery = {},
               Reply *reply = nullptr);

    FixedClock m_clock {1763868000};
    SystemRandom m_random;
    std::unique_ptr<LocalProvider> m_provider;
    std::unique_ptr<TestBrowser> m_browser;
    TestHttpClient m_http;
    Client m_trusted;
    Client m_normal;
    double m_loginTime = 0;
};

TestAuthorizeOidc::Client TestAuthorizeOidc::registerClient(const QString &name, bool trusted)
{
    ClientRegistration registration;
    registration.name = name;
    registration.callbackUrl = kCallback;
    registration.description = QStringLiteral("A relying party");
    registration.email = QStringLiteral("rp@example.org");
    registration.oauth2GrantTypes = {QStringLiteral("authorization_code"), QStringLiteral("refresh_token")};
    registration.grants = {QStringLiteral("basic")};
    registration.approved = true;
    registration.trusted = trusted;
    registration.ownerId = m_provider->users()->findUser(QStringLiteral("Admin"))->id;
    const auto issued = m_provider->clients()->registerClient(registration, QStringLiteral("Admin"));
    return issued ? Client {issued->client.consumerKey, QString::fromLatin1(issued->secret)} : Client {};
}

QString TestAuthorizeOidc::path(const Client &client, const QString &extra) const
{
    return u"/w/rest.php/oauth2/authorize?response_type=code&scope=openid+profile&state=st1&client_id="_qs
        + client.id + u"&redirect_uri="_qs + QUrl::toPercentEncoding(kCallback)
        + (extra.isEmpty() ? QString() : u'&' + extra);
}

bool TestAuthorizeOidc::logIn(TestBrowser &browser, const QString &returnTo, const QString &returnToQuery,
                              Reply *reply)
{
    const Reply form = browser.get(kLogin + u"&force=1"_qs);
    const QString token = hiddenValue(form.body, QStringLiteral("wpLoginToken"));
    http::FormFields fields {
        {"wpName", "Alice"}, {"wpPassword", "Alice-pass-demo"}, {"wpLoginToken", token.toUtf8()}};
    if (!returnTo.isEmpty()) {
        fields.append(std::pair<QByteArray, QByteArray>("returnto", returnTo.toUtf8()));
        fields.append(std::pair<QByteArray, QByteArray>("returntoquery", returnToQuery.toUtf8()));
    }
    const Reply done = browser.post(kLogin, fields);
    if (reply)
        *reply = done;
    m_loginTime = m_clock.nowSeconds();
    return done.status == 302;
}

void TestAuthorizeOidc::initTestCase()
{
    m_provider = std::make_unique<LocalProvider>(m_clock, m_random);
    LocalProviderOptions options;
    options.demo = true;
    options.passwordIterations = 1000;
    const Result<void> started = m_provider->start(options);
    QVERIFY2(started.ok(), started.ok() ? "" : qPrintable(started.error().toString()));
    m_trusted = registerClient(QStringLiteral("Trusted RP"), true);
    m_normal = registerClient(QStringLiteral("Normal RP"), false);
    QVERIFY(!m_trusted.id.isEmpty() && !m_normal.id.isEmpty());
    m_browser = std::make_unique<TestBrowser>(*m_provider->server());
    QVERIFY(logIn(*m_browser));
}

void TestAuthorizeOidc::cleanupTestCase()
{
    m_browser.reset();
    m_provider.reset();
}

void TestAuthorizeOidc::idToken()
{
    m_clock.advance(5); // auth_time is the login's time, not the request's
    const Reply redirected = m_browser->get(path(m_trusted, u"nonce=n-0S6_WzA2Mj"_qs));
    QCOMPARE(redirected.status, 302);
    const QByteArray location = redirected.header("Location");
    QCOMPARE(queryItem(location, QStringLiteral("state")), QStringLiteral("st1"));
    const QString code = queryItem(location, QStringLiteral("code"));
    const Reply reply
        = m_http.send("POST", QUrl(m_provider->restUrl().toString() + u"/oauth2/access_token"),
                      "grant_type=authorization_code&code=" + QUrl::toPercentEncoding(code) + "&redirect_uri="
                          + QUrl::toPercentEncoding(kCallback) + "&client_id=" + m_trusted.id.toLatin1()
                          + "&client_secret=" + m_trusted.secret.toLatin1());
    QCOMPARE(reply.status, 200);
    const QJsonObject json = reply.json();
    const QByteArray idToken = json[u"id_token"].toString().toLatin1();
    QVERIFY(!idToken.isEmpty());
    // Verified with the provider's JWKS, as a relying party does.
    const Reply jwks = m_http.send("GET", QUrl(m_provider->restUrl().toString() + u"/oauth2/jwks"));
    const auto keys = jose::Jwks::fromJson(jwks.body);
    QVERIFY(keys.ok());
    const auto parts = jose::Jws::parse(idToken);
    QVERIFY(parts.ok());
    QVERIFY(jose::Jws::verify(*parts, *keys).ok());
    const QJsonObject claims = jose::Jwt::decode(idToken)->claims();
    const qint64 alice = m_provider->users()->findUser(QStringLiteral("Alice"))->id;
    QCOMPARE(claims[u"iss"].toString(), m_provider->issuer().toString());
    QCOMPARE(claims[u"aud"].toString(), m_trusted.id);
    QCOMPARE(claims[u"sub"].toString(), QString::number(alice));
    QCOMPARE(claims[u"nonce"].toString(), QStringLiteral("n-0S6_WzA2Mj"));
    QCOMPARE(qint64(claims[u"auth_time"].toDouble()), qint64(m_loginTime)); // 5 s before the request
    // at_hash: left half of SHA-256 of the access token (RS256/ES256), base64url.
    const QByteArray hash
        = QCryptographicHash::hash(json[u"access_token"].toString().toLatin1(), QCryptographicHash::Sha256);
    QCOMPARE(claims[u"at_hash"].toString().toLatin1(),
             hash.first(16).toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    // The access token's scopes are the requested grants only: openid and profile are none.
    QCOMPARE(jose::Jwt::decode(json[u"access_token"].toString().toLatin1())->claims()[u"scopes"].toArray(),
             QJsonArray());
}

void TestAuthorizeOidc::errorRedirects_data()
{
    QTest::addColumn<QString>("extra");
    QTest::addColumn<bool>("trusted");
    QTest::addColumn<QString>("error");
    QTest::newRow("request object") << u"request=eyJhbGciOiJub25lIn0.e30."_qs << true
                                    << u"request_not_supported"_qs;
    QTest::newRow("request_uri") << u"request_uri=https%3A%2F%2Frp.example%2Freq"_qs << true
                                 << u"request_uri_not_supported"_qs;
    QTest::newRow("response_mode fragment") << u"response_mode=fragment"_qs << true << u"invalid_request"_qs;
    QTest::newRow("prompt none with login") << u"prompt=none+login"_qs << true << u"invalid_request"_qs;
    QTest::newRow("prompt unknown") << u"prompt=sometimes"_qs << true << u"invalid_request"_qs;
    QTest::newRow("max_age negative") << u"max_age=-1"_qs << true << u"invalid_request"_qs;
    QTest::newRow("prompt none, consent needed") << u"prompt=none"_qs << false << u"consent_required"_qs;
    QTest::newRow("unknown scope") << u"scope=openid+nosuch"_qs << true << u"invalid_scope"_qs;
}

void TestAuthorizeOidc::errorRedirects()
{
    QFETCH(QString, extra);
    QFETCH(bool, trusted);
    QFETCH(QString, error);
    QString target = path(trusted ? m_trusted : m_normal, extra);
    if (extra.startsWith(u"scope="))
        target.replace(u"scope=openid+profile&"_qs, QString());
    const Reply reply = m_browser->get(target);
    QCOMPARE(reply.status, 302);
    const QByteArray location = reply.header("Location");
    QVERIFY(location.startsWith(QByteArray(kCallback.toUtf8() + "?error=")));
    QCOMPARE(queryItem(location, QStringLiteral("error")), error);
    QCOMPARE(queryItem(location, QStringLiteral("state")), QStringLiteral("st1")); // OIDC Core 3.1.2.6
    QVERIFY(!hasItem(location, QStringLiteral("code")));
}

void TestAuthorizeOidc::promptNoneWithoutLogin()
{
    TestBrowser anonymous(*m_provider->server());
    const Reply reply = anonymous.get(path(m_trusted, u"prompt=none"_qs));
    QCOMPARE(reply.status, 302);
    QCOMPARE(queryItem(reply.header("Location"), QStringLiteral("error")), QStringLiteral("login_required"));
    QCOMPARE(queryItem(reply.header("Location"), QStringLiteral("state")), QStringLiteral("st1"));
    // Without prompt=none: the login page, as MediaWiki.
    const Reply login = anonymous.get(path(m_trusted, {}));
    QCOMPARE(login.status, 307);
    QVERIFY(login.header("Location").contains("title=Special:UserLogin"));
}

void TestAuthorizeOidc::promptLoginAndMaxAge()
{
    m_clock.advance(60);
    // prompt=login: a new login even though the session is logged in.
    const Reply first = m_browser->get(path(m_trusted, u"prompt=login"_qs));
    QCOMPARE(first.status, 307);
    const QByteArray location = first.header("Location");
    QVERIFY(location.contains("title=Special:UserLogin"));
    QCOMPARE(queryItem(location, QStringLiteral("force")), QStringLiteral("1"));
    // Coming back without a new login: sent to log in again.
    const QString returnToQuery = queryItem(location, QStringLiteral("returntoquery"));
    const QString restUrl
        = QUrlQuery(returnToQuery).queryItemValue(QStringLiteral("rest_url"), QUrl::FullyDecoded);
    QVERIFY(restUrl.contains(u"oidc_login_after="));
    const Reply again = m_browser->get(restUrl);
    QCOMPARE(again.status, 307);
    QVERIFY(again.header("Location").contains("title=Special:UserLogin"));
    // After the login: the code.
    Reply login;
    QVERIFY(logIn(*m_browser, QStringLiteral("Special:OAuth/rest_redirect"), returnToQuery, &login));
    const QUrl restRedirect = QUrl::fromEncoded(login.header("Location"));
    const Reply back = m_browser->get(restRedirect.path() + u'?' + restRedirect.query(QUrl::FullyEncoded));
    QCOMPARE(back.status, 302);
    const QUrl authorize = QUrl::fromEncoded(back.header("Location"));
    const Reply done = m_browser->get(authorize.path() + u'?' + authorize.query(QUrl::FullyEncoded));
    QCOMPARE(done.status, 302);
    QVERIFY(hasItem(done.header("Location"), QStringLiteral("code")));

    // max_age: fine right after the login, a new login once it is older.
    QCOMPARE(m_browser->get(path(m_trusted, u"max_age=30"_qs)).status, 302);
    m_clock.advance(31);
    const Reply stale = m_browser->get(path(m_trusted, u"max_age=30"_qs));
    QCOMPARE(stale.status, 307);
    QVERIFY(stale.header("Location").contains("title=Special:UserLogin"));
    const Reply none = m_browser->get(path(m_trusted, u"max_age=30&prompt=none"_qs));
    QCOMPARE(none.status, 302);
    QCOMPARE(queryItem(none.header("Location"), QStringLiteral("error")), QStringLiteral("login_required"));
}

void TestAuthorizeOidc::promptConsentShowsThePage()
{
    QCOMPARE(m_browser->get(path(m_trusted, {})).status, 302); // trusted: no page
    const Reply reply = m_browser->get(path(m_trusted, u"prompt=consent"_qs));
    QCOMPARE(reply.status, 307);
    QVERIFY(reply.header("Location").contains("title=Special:OAuth/approve"));
}

QTEST_GUILESS_MAIN(TestAuthorizeOidc)
#include "TestAuthorizeOidc.moc"
