// The OAuth 2 authorization code flow of the local provider over real HTTP, driven as a
// browser would (cookies, the login form, the consent form with its CSRF token), against
// Extension:OAuth REL1_39's behaviour (reference/mediawiki-oauth.md sections 1.1, 1.2, 3):
// redirects, the consent page, error redirects without state, HTML errors, the token exchange
// with PKCE and client authentication, single-use codes (a reused code revokes its token),
// refresh rotation, expiry (FixedClock) and open-redirect attempts.

#include "../pages/PagesTestProvider.h"
#include "common/Clock.h"
#include "common/Random.h"
#include "jose/Jwt.h"
#include "provider/LocalProvider.h"
#include "provider/oauth2/AccessTokens.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QTest>
#include <QUrlQuery>

using namespace mwauth;
using namespace mwauth::provider;
using namespace mwauth::provider::testing;

namespace {

const QString kWebCallback = QStringLiteral("https://app.example/callback");
const QString kPublicCallback = QStringLiteral("http://127.0.0.1:8765/cb");
// RFC 7636 appendix B.
const QString kVerifier = QStringLiteral("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
const QString kChallenge = QStringLiteral("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");

QUrlQuery queryOf(const QByteArray &location)
{
    return QUrlQuery(QUrl::fromEncoded(location).query(QUrl::FullyEncoded));
}

QString queryItem(const QByteArray &location, const QString &name)
{
    return queryOf(location).queryItemValue(name, QUrl::FullyDecoded);
}

} // namespace

class TestAuthorizeFlow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void loginRoundTrip();
    void codeExchange_data();
    void codeExchange();
    void authorizeErrors_data();
    void authorizeErrors();
    void cancelIsUnauthorizedClient();
    void tokenErrors_data();
    void tokenErrors();
    void reusedCodeRevokesItsToken();
    void tokenEndpointChecksTheUser();
    void refreshRotation();
    void expiredCodeAndRefreshToken();
    void consentSkipped();
    void forgedApprovalPassAsksForConsent();
    void openRedirectsRefused_data();
    void openRedirectsRefused();

private:
    struct Client
    {
        QString id;
        QString secret;
    };
    Client registerClient(const QString &name, const QString &callback, bool confidential,
                          const QStringList &grants, bool trusted = false);
    QString authorizePath(const Client &client, const QString &extra) const;
    // Logs `browser` in as Alice through Special:UserLogin; true on success.
    bool logIn(TestBrowser &browser);
    // authorize -> consent form -> accept -> back: the final 302 to the redirect URI.
    Reply authorizeWithConsent(TestBrowser &browser, const QString &path);
    QString codeFrom(const Reply &reply)
    {
        return queryItem(reply.header("Location"), QStringLiteral("code"));
    }
    Reply token(const QByteArray &body, const QList<std::pair<QByteArray, QByteArray>> &headers = {});
    QByteArray webCodeBody(const QString &code) const;
    AccessTokenState tokenState(const QByteArray &jwt);

    FixedClock m_clock {1763868000};
    SystemRandom m_random;
    std::unique_ptr<LocalProvider> m_provider;
    std::unique_ptr<TestBrowser> m_browser; // logged in as Alice
    TestHttpClient m_http;
    Client m_web; // confidential, authorization_code + refresh_token, basic + editpage
    Client m_public; // public, loopback callback
    Client m_authOnly; // confidential, mwoauth-authonly
    Client m_trusted; // confidential, trusted by an admin
    Client m_proposed; // proposed, owned by Admin
};

TestAuthorizeFlow::Client TestAuthorizeFlow::registerClient(const QString &name, const QString &callback,
                                                            bool confidential, const QStringList &grants,
                                                            bool trusted)
{
    ClientRegistration registration;
    registration.name = name;
    registration.callbackUrl = callback;
    registration.description = QStringLiteral("A test client");
    registration.email = QStringLiteral("dev@example.org");
    registration.oauth2GrantTypes = {QStringLiteral("authorization_code"), QStringLiteral("refresh_token")};
    registration.oauth2IsConfidential = confidential;
    registration.grants = grants;
    registration.approved = !name.startsWith(u"Proposed");
    registration.trusted = trusted;
    registration.ownerId = m_provider->users()->findUser(QStringLiteral("Admin"))->id;
    const auto issued = m_provider->clients()->registerClient(registration, QStringLiteral("Admin"));
    if (!issued) {
        qWarning() << issued.error().toString();
        return {};
    }
    return {issued->client.consumerKey, QString::fromLatin1(issued->secret)};
}

void TestAuthorizeFlow::initTestCase()
{
    m_provider = std::make_unique<LocalProvider>(m_clock, m_random);
    LocalProviderOptions options;
    options.demo = true;
    options.passwordIterations = 1000;
    const Result<void> started = m_provider->start(options);
    QVERIFY2(started.ok(), started.ok() ? "" : qPrintable(started.error().toString()));
    const QStringList editing {QStringLiteral("basic"), QStringLiteral("editpage")};
    m_web = registerClient(QStringLiteral("Web app"), kWebCallback, true, editing);
    m_public = registerClient(QStringLiteral("Public app"), kPublicCallback, false, editing);
    m_authOnly = registerClient(QStringLiteral("Identity app"), kWebCallback, true,
                                {QStringLiteral("mwoauth-authonly")});
    m_trusted = registerClient(QStringLiteral("Trusted app"), kWebCallback, true, editing, true);
    m_proposed = registerClient(QStringLiteral("Proposed app"), kWebCallback, true, editing);
    QVERIFY(!m_web.id.isEmpty() && !m_public.id.isEmpty() && !m_authOnly.id.isEmpty()
            && !m_trusted.id.isEmpty() && !m_proposed.id.isEmpty());
    m_browser = std::make_unique<TestBrowser>(*m_provider->server());
    QVERIFY(logIn(*m_browser));
}

void TestAuthorizeFlow::cleanupTestCase()
{
    m_browser.reset();
    m_provider.reset();
}

QString TestAuthorizeFlow::authorizePath(const Client &client, const QString &extra) const
{
    QString path = u"/w/rest.php/oauth2/authorize?response_type=code&client_id="_qs + client.id;
    if (!extra.isEmpty())
        path += u'&' + extra;
    return path;
}

bool TestAuthorizeFlow::logIn(TestBrowser &browser)
{
    const Reply form = browser.get(kLogin);
    const QString token = hiddenValue(form.body, QStringLiteral("wpLoginToken"));
    if (token.isEmpty())
        return false;
    const Reply done = browser.post(
        kLogin, {{"wpName", "Alice"}, {"wpPassword", "Alice-pass-demo"}, {"wpLoginToken", token.toUtf8()}});
    return done.status == 302 && browser.apiUserName() == u"Alice";
}

Reply TestAuthorizeFlow::authorizeWithConsent(TestBrowser &browser, const QString &path)
{
    const Reply first = browser.get(path);
    if (first.status != 307)
        return first;
    const QUrl approve = QUrl::fromEncoded(first.header("Location"));
    const Reply form = browser.get(approve.path() + u'?' + approve.query(QUrl::FullyEncoded));
    if (form.status != 200 || !form.body.contains("id=\"mw-mwoauth-authorize-form\""))
        return form;
    http::FormFields fields;
    for (const char *name : {"title", "wpEditToken", "wpaction", "wpconfirmUpdate", "oauth_version",
                             "client_id", "scope", "returnto", "returntoquery"})
        fields.append(std::pair<QByteArray, QByteArray>(
            name, hiddenValue(form.body, QString::fromLatin1(name)).toUtf8()));
    fields.append(std::pair<QByteArray, QByteArray>("accept", "1"));
    const Reply accepted = browser.post(QStringLiteral("/w/index.php?title=Special:OAuth/approve"), fields);
    if (accepted.status != 302)
        return accepted;
    const QUrl back = QUrl::fromEncoded(accepted.header("Location"));
    return browser.get(back.path() + u'?' + back.query(QUrl::FullyEncoded));
}

Reply TestAuthorizeFlow::token(const QByteArray &body,
                               const QList<std::pair<QByteArray, QByteArray>> &headers)
{
    return m_http.send("POST", QUrl(m_provider->restUrl().toString() + u"/oauth2/access_token"), body,
                       "application/x-www-form-urlencoded", headers);
}

QByteArray TestAuthorizeFlow::webCodeBody(const QString &code) const
{
    return "grant_type=authorization_code&code=" + QUrl::toPercentEncoding(code)
        + "&client_id=" + m_web.id.toLatin1() + "&client_secret=" + m_web.secret.toLatin1()
        + "&redirect_uri=" + QUrl::toPercentEncoding(kWebCallback);
}

AccessTokenState TestAuthorizeFlow::tokenState(const QByteArray &jwt)
{
    const auto decoded = jose::Jwt::decode(jwt);
    if (!decoded)
        return AccessTokenState::Unknown;
    AccessTokens tokens(*m_provider->database(), m_clock, m_random, m_provider->issuer().toString());
    return tokens.state(decoded->claims()[u"jti"].toString()).valueOr(AccessTokenState::Unknown);
}

// Not logged in: 307 to Special:UserLogin, back through Special:OAuth/rest_redirect after the
// login, then 307 to the consent page.
void TestAuthorizeFlow::loginRoundTrip()
{
    TestBrowser browser(*m_provider->server());
    const QString path
        = authorizePath(m_web, u"state=xyz&redirect_uri="_qs + QUrl::toPercentEncoding(kWebCallback));
    const Reply first = browser.get(path);
    QCOMPARE(first.status, 307);
    const QByteArray location = first.header("Location");
    QVERIFY(
        location.startsWith(QByteArray(m_provider->indexUrl().toEncoded() + "?title=Special:UserLogin&")));
    QCOMPARE(queryItem(location, QStringLiteral("returnto")), QStringLiteral("Special:OAuth/rest_redirect"));
    const QString returnToQuery = queryItem(location, QStringLiteral("returntoquery"));
    QVERIFY(returnToQuery.startsWith(u"rest_url="));
    QCOMPARE(QUrlQuery(returnToQuery).queryItemValue(QStringLiteral("rest_url"), QUrl::FullyDecoded), path);

    const Reply form
        = browser.get(QUrl::fromEncoded(location).path() + u'?' + QUrl::fromEncoded(location).query());
    const QString loginToken = hiddenValue(form.body, QStringLiteral("wpLoginToken"));
    QVERIFY(!loginToken.isEmpty());
    const Reply login = browser.post(kLogin,
                                     {{"wpName", "Alice"},
                                      {"wpPassword", "Alice-pass-demo"},
                                      {"wpLoginToken", loginToken.toUtf8()},
                                      {"returnto", "Special:OAuth/rest_redirect"},
                                      {"returntoquery", returnToQuery.toUtf8()}});
    QCOMPARE(login.status, 302);
    const QUrl restRedirect = QUrl::fromEncoded(login.header("Location"));
    QVERIFY(restRedirect.query().contains(u"title=Special:OAuth/rest_redirect"));
    const Reply back = browser.get(restRedirect.path() + u'?' + restRedirect.query(QUrl::FullyEncoded));
    QCOMPARE(back.status, 302);
    const QUrl authorize = QUrl::fromEncoded(back.header("Location"));
    QCOMPARE(authorize.host(), QStringLiteral("127.0.0.1"));
    QCOMPARE(authorize.path() + u'?' + authorize.query(QUrl::FullyDecoded),
             QUrl::fromPercentEncoding(path.toUtf8()));
    const Reply consent = browser.get(authorize.path() + u'?' + authorize.query(QUrl::FullyEncoded));
    QCOMPARE(consent.status, 307);
    const QByteArray approve = consent.header("Location");
    QVERIFY(
        approve.startsWith(QByteArray(m_provider->indexUrl().toEncoded() + "?title=Special:OAuth/approve&")));
    QCOMPARE(queryItem(approve, QStringLiteral("returnto")), QStringLiteral("/w/rest.php/oauth2/authorize"));
    QCOMPARE(queryItem(approve, QStringLiteral("client_id")), m_web.id);
    QCOMPARE(queryItem(approve, QStringLiteral("oauth_version")), QStringLiteral("2"));
    QCOMPARE(queryItem(approve, QStringLiteral("scope")).replace(u'+', u' '),
             QStringLiteral("basic editpage"));
}

void TestAuthorizeFlow::codeExchange_data()
{
    QTest::addColumn<bool>("publicClient");
    QTest::addColumn<QString>("extra"); // more authorize parameters
    QTest::addColumn<QString>("verifier"); // sent to the token endpoint when not empty
    QTest::addColumn<bool>("basic"); // client_secret_basic instead of _post
    QTest::addColumn<QStringList>("scopes");
    const QStringList both {QStringLiteral("basic"), QStringLiteral("editpage")};
    QTest::newRow("confidential, secret in the body") << false << QString() << QString() << false << both;
    QTest::newRow("confidential, HTTP Basic") << false << QString() << QString() << true << both;
    QTest::newRow("scope narrowed, a grant the client lacks dropped")
        << false << u"scope=editpage+rollback"_qs << QString() << false
        << QStringList {QStringLiteral("editpage")};
    QTest::newRow("confidential with PKCE S256")
        << false << u"code_challenge_method=S256&code_challenge="_qs + kChallenge << kVerifier << false
        << both;
    QTest::newRow("public, PKCE S256")
        << true << u"code_challenge_method=S256&code_challenge="_qs + kChallenge << kVerifier << false
        << both;
    QTest::newRow("public, PKCE plain (the default method)")
        << true << u"code_challenge="_qs + kVerifier << kVerifier << false << both;
}

void TestAuthorizeFlow::codeExchange()
{
    QFETCH(bool, publicClient);
    QFETCH(QString, extra);
    QFETCH(QString, verifier);
    QFETCH(bool, basic);
    QFETCH(QStringList, scopes);
    const Client &client = publicClient ? m_public : m_web;
    const QString callback = publicClient ? kPublicCallback : kWebCallback;
    QString params = u"state=s%20t&redirect_uri="_qs + QUrl::toPercentEncoding(callback);
    if (!extra.isEmpty())
        params += u'&' + extra;
    const Reply redirected = authorizeWithConsent(*m_browser, authorizePath(client, params));
    QCOMPARE(redirected.status, 302);
    const QByteArray location = redirected.header("Location");
    QVERIFY2(location.startsWith(QByteArray(callback.toUtf8() + "?code=")), location.constData());
    QCOMPARE(queryItem(location, QStringLiteral("state")).replace(u'+', u' '),
             QStringLiteral("s t")); // form encoding
    const QString code = codeFrom(redirected);
    QVERIFY(!code.isEmpty());

    QByteArray body = "grant_type=authorization_code&code=" + QUrl::toPercentEncoding(code)
        + "&redirect_uri=" + QUrl::toPercentEncoding(callback);
    QList<std::pair<QByteArray, QByteArray>> headers;
    if (basic)
        headers.append(
            {"Authorization", "Basic " + (client.id + u':' + client.secret).toLatin1().toBase64()});
    else
        body += "&client_id=" + client.id.toLatin1()
            + (publicClient ? QByteArray() : QByteArray("&client_secret=" + client.secret.toLatin1()));
    if (!verifier.isEmpty())
        body += "&code_verifier=" + verifier.toLatin1();
    const Reply reply = token(body, headers);
    QVERIFY2(reply.status == 200, reply.body.constData());
    QCOMPARE(reply.header("Cache-Control"), QByteArray("no-store"));
    const QJsonObject json = reply.json();
    // The shape of the answer a real MediaWiki 1.39 gave to an authorization_code exchange:
    // the same keys with the same JSON types.
    QFile recorded(QStringLiteral(
        MWAUTH_SHARED_DIR "/peers/mediawiki/fixtures/oauth-ext/token-response-authorization-code.json"));
    QVERIFY2(recorded.open(QIODevice::ReadOnly), qPrintable(recorded.fileName()));
    const QJsonObject fixture = QJsonDocument::fromJson(recorded.readAll()).object();
    QVERIFY(!fixture.isEmpty());
    QCOMPARE(json.keys(), fixture.keys());
    for (auto it = fixture.constBegin(); it != fixture.constEnd(); ++it)
        QVERIFY2(json[it.key()].type() == it.value().type(), qPrintable(it.key()));
    QCOMPARE(json[u"token_type"].toString(), fixture[u"token_type"].toString());
    QCOMPARE(json[u"expires_in"].toInt(), 3600);
    const auto jwt = jose::Jwt::decode(json[u"access_token"].toString().toLatin1());
    QVERIFY(jwt.ok());
    const qint64 alice = m_provider->users()->findUser(QStringLiteral("Alice"))->id;
    QCOMPARE(jwt->claims()[u"sub"].toString(), QString::number(alice));
    QCOMPARE(jwt->claims()[u"aud"].toString(), client.id);
    QCOMPARE(jwt->claims()[u"scopes"].toArray(), QJsonArray::fromStringList(scopes));
    QCOMPARE(tokenState(json[u"access_token"].toString().toLatin1()), AccessTokenState::Active);
}

void TestAuthorizeFlow::authorizeErrors_data()
{
    QTest::addColumn<QString>("query"); // %WEB% %PUB% %CB% replaced
    QTest::addColumn<bool>("redirect"); // else the HTML error page
    QTest::addColumn<QString>("error"); // redirect: the error; page: text it shows
    QTest::addColumn<QString>("hint");
    const QString cb = u"redirect_uri="_qs + QUrl::toPercentEncoding(kWebCallback);
    QTest::newRow("unknown client") << u"response_type=code&client_id=0123456789abcdef0123456789abcdef"_qs
                                    << false << u"invalid_client"_qs << QString();
    QTest::newRow("no response_type") << u"client_id=%WEB%"_qs << false << u"invalid_request"_qs
                                      << u"Check the `response_type` parameter"_qs;
    QTest::newRow("token response_type")
        << u"response_type=token&client_id=%WEB%"_qs << false << u"invalid_request"_qs
        << u"Check the `response_type` parameter"_qs;
    QTest::newRow("redirect_uri differs (trailing slash)")
        << u"response_type=code&client_id=%WEB%&redirect_uri=https%3A%2F%2Fapp.example%2Fcallback%2F"_qs
        << false << u"invalid_client"_qs << QString();
    QTest::newRow("redirect_uri of another host")
        << u"response_type=code&client_id=%WEB%&redirect_uri=https%3A%2F%2Fevil.example%2Fcallback"_qs
        << false << u"invalid_client"_qs << QString();
    QTest::newRow("loopback with another port (exact on REL1_39)")
        << u"response_type=code&client_id=%PUB%&code_challenge=%CH%&redirect_uri=http%3A%2F%2F127.0.0.1%3A9999%2Fcb"_qs
        << false << u"invalid_client"_qs << QString();
    QTest::newRow("public client without PKCE")
        << u"response_type=code&client_id=%PUB%"_qs << false << u"invalid_request"_qs
        << u"Code challenge must be provided for public clients"_qs;
    QTest::newRow("code_challenge too short")
        << u"response_type=code&client_id=%WEB%&code_challenge=abc"_qs << false << u"invalid_request"_qs
        << u"Code challenge must follow the specifications of RFC-7636."_qs;
    QTest::newRow("code_challenge_method unknown")
        << u"response_type=code&client_id=%WEB%&code_challenge=%CH%&code_challenge_method=S512"_qs << false
        << u"invalid_request"_qs << u"Code challenge method must be one of `plain`, `S256`"_qs;
    // AuthorizationCodeProvider::init: usable, but not by this user.
    QTest::newRow("proposed client, not its owner")
        << u"response_type=code&client_id=%PROP%"_qs << false << u"access_denied"_qs
        << u"Client %PROP% is not usable by user with ID"_qs;
    QTest::newRow("unknown scope: redirect, no state")
        << u"response_type=code&client_id=%WEB%&state=abc&scope=basic+nosuchscope&"_qs + cb << true
        << u"invalid_scope"_qs << u"Check the `nosuchscope` scope"_qs;
    QTest::newRow("unknown scope without redirect_uri: page")
        << u"response_type=code&client_id=%WEB%&scope=nosuchscope"_qs << false << u"invalid_scope"_qs
        << u"Check the `nosuchscope` scope"_qs;
}

void TestAuthorizeFlow::authorizeErrors()
{
    QFETCH(QString, query);
    QFETCH(bool, redirect);
    QFETCH(QString, error);
    QFETCH(QString, hint);
    query.replace(u"%WEB%"_qs, m_web.id)
        .replace(u"%PUB%"_qs, m_public.id)
        .replace(u"%PROP%"_qs, m_proposed.id);
    query.replace(u"%CH%"_qs, kChallenge);
    hint.replace(u"%PROP%"_qs, m_proposed.id);
    const Reply reply = m_browser->get(u"/w/rest.php/oauth2/authorize?"_qs + query);
    if (redirect) {
        QCOMPARE(reply.status, 302);
        const QByteArray location = reply.header("Location");
        QVERIFY(location.startsWith(QByteArray(kWebCallback.toUtf8() + "?error=")));
        QCOMPARE(queryItem(location, QStringLiteral("error")), error);
        QCOMPARE(queryItem(location, QStringLiteral("hint")).replace(u'+', u' '), hint);
        QVERIFY(!queryItem(location, QStringLiteral("error_description")).isEmpty());
        QVERIFY(!queryOf(location).hasQueryItem(QStringLiteral("state"))); // MediaWiki sends none
        QVERIFY(!queryOf(location).hasQueryItem(QStringLiteral("code")));
    } else {
        QCOMPARE(reply.status, 200); // as REL1_39
        QVERIFY(reply.header("Location").isEmpty());
        const QString page = htmlUnescape(QString::fromUtf8(reply.body));
        QVERIFY(page.contains(u"Application Connection Error"));
        QVERIFY2(page.contains(error), qPrintable(page));
        QVERIFY2(page.contains(hint), qPrintable(page));
    }
}

void TestAuthorizeFlow::cancelIsUnauthorizedClient()
{
    const QString path
        = authorizePath(m_web, u"state=abc&redirect_uri="_qs + QUrl::toPercentEncoding(kWebCallback));
    const Reply first = m_browser->get(path);
    QCOMPARE(first.status, 307);
    const QUrl approve = QUrl::fromEncoded(first.header("Location"));
    const Reply form = m_browser->get(approve.path() + u'?' + approve.query(QUrl::FullyEncoded));
    http::FormFields fields;
    for (const char *name : {"title", "wpEditToken", "wpaction", "wpconfirmUpdate", "oauth_version",
                             "client_id", "scope", "returnto", "returntoquery"})
        fields.append(std::pair<QByteArray, QByteArray>(
            name, hiddenValue(form.body, QString::fromLatin1(name)).toUtf8()));
    fields.append(std::pair<QByteArray, QByteArray>("cancel", "1"));
    const Reply cancelled
        = m_browser->post(QStringLiteral("/w/index.php?title=Special:OAuth/approve"), fields);
    QCOMPARE(cancelled.status, 302);
    QVERIFY(cancelled.header("Location").endsWith("&approval_cancel=1"));
    const QUrl back = QUrl::fromEncoded(cancelled.header("Location"));
    const Reply reply = m_browser->get(back.path() + u'?' + back.query(QUrl::FullyEncoded));
    QCOMPARE(reply.status, 302);
    const QByteArray location = reply.header("Location");
    QCOMPARE(queryItem(location, QStringLiteral("error")), QStringLiteral("unauthorized_client"));
    QCOMPARE(queryItem(location, QStringLiteral("error_description")).replace(u'+', u' '),
             QStringLiteral("User has rejected the request from client application"));
    QVERIFY(!queryOf(location).hasQueryItem(QStringLiteral("state")));

    // A wrong CSRF token changes nothing.
    fields.removeIf(
        [](const auto &field) { return field.first == "wpEditToken" || field.first == "cancel"; });
    fields.append(std::pair<QByteArray, QByteArray>("wpEditToken", "0123+\\"));
    fields.append(std::pair<QByteArray, QByteArray>("accept", "1"));
    const Reply forged = m_browser->post(QStringLiteral("/w/index.php?title=Special:OAuth/approve"), fields);
    QCOMPARE(forged.status, 400);
    QVERIFY(forged.header("Location").isEmpty());
}

void TestAuthorizeFlow::tokenErrors_data()
{
    QTest::addColumn<QString>("authorizeExtra");
    QTest::addColumn<QByteArray>("body"); // %CODE% %ID% %SECRET% %CB% replaced
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");
    QTest::addColumn<QString>("hint");
    const QString pkce = u"code_challenge_method=S256&code_challenge="_qs + kChallenge;
    const QByteArray base = "grant_type=authorization_code&code=%CODE%&client_id=%ID%&client_secret=%SECRET%";
    QTest::newRow("no code") << QString()
                             << QByteArray(
                                    "grant_type=authorization_code&client_id=%ID%&client_secret=%SECRET%")
                             << 400 << u"invalid_request"_qs << u"Check the `code` parameter"_qs;
    QTest::newRow("garbage code") << QString()
                                  << QByteArray(
                                         "grant_type=authorization_code&code=def50200abc&client_id=%ID%"
                                         "&client_secret=%SECRET%&redirect_uri=%CB%")
                                  << 400 << u"invalid_request"_qs
                                  << u"Cannot decrypt the authorization code"_qs;
    QTest::newRow("wrong secret") << QString()
                                  << QByteArray("grant_type=authorization_code&code=%CODE%&client_id=%ID%"
                                                "&client_secret=wrong&redirect_uri=%CB%")
                                  << 401 << u"invalid_client"_qs << QString();
    QTest::newRow("no secret")
        << QString()
        << QByteArray("grant_type=authorization_code&code=%CODE%&client_id=%ID%&redirect_uri=%CB%") << 401
        << u"invalid_client"_qs << QString();
    QTest::newRow("redirect_uri missing")
        << QString() << base << 400 << u"invalid_request"_qs << u"Check the `redirect_uri` parameter"_qs;
    QTest::newRow("redirect_uri differs")
        << QString() << base + "&redirect_uri=https%3A%2F%2Fapp.example%2Fother" << 400
        << u"invalid_request"_qs << u"Invalid redirect URI"_qs;
    QTest::newRow("PKCE verifier missing")
        << pkce << base + "&redirect_uri=%CB%" << 400 << u"invalid_request"_qs
        << u"Check the `code_verifier` parameter"_qs;
    QTest::newRow("PKCE verifier wrong")
        << pkce << base + "&redirect_uri=%CB%&code_verifier=aBjftJeZ4CVP-mJ92ZoDkDlhD6nK3Y7I4U4eTSs5fvg"
        << 400 << u"invalid_grant"_qs << u"Failed to verify `code_verifier`."_qs;
    QTest::newRow("PKCE downgraded: the S256 challenge sent as a plain verifier")
        << pkce << base + "&redirect_uri=%CB%&code_verifier=" + kChallenge.toLatin1() << 400
        << u"invalid_grant"_qs << u"Failed to verify `code_verifier`."_qs;
    QTest::newRow("PKCE verifier malformed")
        << pkce << base + "&redirect_uri=%CB%&code_verifier=short" << 400 << u"invalid_request"_qs
        << u"Code Verifier must follow the specifications of RFC-7636."_qs;
    QTest::newRow("verifier without a challenge")
        << QString() << base + "&redirect_uri=%CB%&code_verifier=" + kVerifier.toLatin1() << 400
        << u"invalid_request"_qs << u"The authorization request had no code_challenge."_qs;
    QTest::newRow("another client's code")
        << QString()
        << QByteArray("grant_type=authorization_code&code=%CODE%&client_id=%TID%&client_secret=%TSECRET%"
                      "&redirect_uri=%CB%")
        << 400 << u"invalid_grant"_qs << u"Authorization code was not issued to this client"_qs;
}

void TestAuthorizeFlow::tokenErrors()
{
    QFETCH(QString, authorizeExtra);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, error);
    QFETCH(QString, hint);
    QString params = u"redirect_uri="_qs + QUrl::toPercentEncoding(kWebCallback);
    if (!authorizeExtra.isEmpty())
        params += u'&' + authorizeExtra;
    const Reply redirected = authorizeWithConsent(*m_browser, authorizePath(m_web, params));
    QCOMPARE(redirected.status, 302);
    const QString code = codeFrom(redirected);
    QVERIFY(!code.isEmpty());
    body.replace("%CODE%", QUrl::toPercentEncoding(code)).replace("%ID%", m_web.id.toLatin1());
    body.replace("%SECRET%", m_web.secret.toLatin1()).replace("%CB%", QUrl::toPercentEncoding(kWebCallback));
    body.replace("%TID%", m_trusted.id.toLatin1()).replace("%TSECRET%", m_trusted.secret.toLatin1());
    const Reply reply = token(body);
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.header("Cache-Control"), QByteArray("no-store"));
    const QJsonObject json = reply.json();
    QCOMPARE(json[u"error"].toString(), error);
    QCOMPARE(json[u"hint"].toString(), hint);
    QVERIFY(!json[u"error_description"].toString().isEmpty());
}

// AccessTokenEntity::confirmClientUsable: the code's / refresh token's user must be allowed to
// use the client when the token is issued. Alice (not the owner) holds a code and a refresh token
// of m_web; with the client back in the proposed stage (only its owner Admin may use it) both are
// refused with access_denied naming her; approved again, her new codes work.
void TestAuthorizeFlow::tokenEndpointChecksTheUser()
{
    const Reply first = authorizeWithConsent(
        *m_browser, authorizePath(m_web, u"redirect_uri="_qs + QUrl::toPercentEncoding(kWebCallback)));
    const QString firstCode = codeFrom(first);
    const Reply issued = token(webCodeBody(firstCode));
    QCOMPARE(issued.status, 200);
    const QByteArray refresh = issued.json()[u"refresh_token"].toString().toLatin1();
    const Reply second = authorizeWithConsent(
        *m_browser, authorizePath(m_web, u"redirect_uri="_qs + QUrl::toPercentEncoding(kWebCallback)));
    const QString code = codeFrom(second);
    QVERIFY(!code.isEmpty() && !refresh.isEmpty());

    const auto setStage = [this](ClientStage stage) {
        QSqlQuery query(m_provider->database()->database());
        return ProviderDatabase::run(
            query, u"UPDATE oauth_registered_consumer SET oarc_stage = ? WHERE oarc_consumer_key = ?"_qs,
            {static_cast<int>(stage), m_web.id});
    };
    QVERIFY(setStage(ClientStage::Proposed));
    const qint64 alice = m_provider->users()->findUser(u"Alice"_qs)->id;
    const QString hint = u"Client %1 is not usable by user with ID %2"_qs.arg(m_web.id).arg(alice);
    Reply refused = token(webCodeBody(code));
    const bool restored = setStage(ClientStage::Approved);
    QVERIFY(restored);
    QCOMPARE(refused.status, 401);
    QCOMPARE(refused.json()[u"error"].toString(), u"access_denied"_qs);
    QCOMPARE(refused.json()[u"hint"].toString(), hint);
    QVERIFY(setStage(ClientStage::Proposed));
    const QByteArray refreshBody
        = "grant_type=refresh_token&refresh_token=" + QUrl::toPercentEncoding(QString::fromLatin1(refresh))
        + "&client_id=" + m_web.id.toLatin1() + "&client_secret=" + m_web.secret.toLatin1();
    refused = token(refreshBody);
    QVERIFY(setStage(ClientStage::Approved));
    QCOMPARE(refused.status, 401);
    QCOMPARE(refused.json()[u"hint"].toString(), hint);
    // As in league's RefreshTokenGrant, the old refresh token was revoked before the new access
    // token was refused: it stays used up.
    const Reply again = token(refreshBody);
    QCOMPARE(again.status, 401); // league 8.x's invalidRefreshToken
    QCOMPARE(again.json()[u"error"].toString(), u"invalid_request"_qs);
    QCOMPARE(again.json()[u"message"].toString(), u"The refresh token is invalid."_qs);
    // Approved again, Alice's new codes work.
    const Reply third = authorizeWithConsent(
        *m_browser, authorizePath(m_web, u"redirect_uri="_qs + QUrl::toPercentEncoding(kWebCallback)));
    QCOMPARE(token(webCodeBody(codeFrom(third))).status, 200);
}

void TestAuthorizeFlow::reusedCodeRevokesItsToken()
{
    const Reply redirected = authorizeWithConsent(
        *m_browser, authorizePath(m_web, u"redirect_uri="_qs + QUrl::toPercentEncoding(kWebCallback)));
    const QString code = codeFrom(redirected);
    const Reply first = token(webCodeBody(code));
    QCOMPARE(first.status, 200);
    const QByteArray accessToken = first.json()[u"access_token"].toString().toLatin1();
    const QByteArray refreshToken = first.json()[u"refresh_token"].toString().toLatin1();
    QCOMPARE(tokenState(accessToken), AccessTokenState::Active);

    const Reply second = token(webCodeBody(code));
    QCOMPARE(second.status, 400);
    QCOMPARE(second.json()[u"error"].toString(), QStringLiteral("invalid_grant"));
    QCOMPARE(second.json()[u"hint"].toString(), QStringLiteral("Authorization code has been revoked"));
    QCOMPARE(tokenState(accessToken), AccessTokenState::Revoked); // RFC 6749 section 4.1.2
    const Reply refresh = token(
        "grant_type=refresh_token&refresh_token=" + QUrl::toPercentEncoding(QString::fromLatin1(refreshToken))
        + "&client_id=" + m_web.id.toLatin1() + "&client_secret=" + m_web.secret.toLatin1());
    QCOMPARE(refresh.status, 401);
    QCOMPARE(refresh.json()[u"hint"].toString(), QStringLiteral("Token has been revoked"));
}

void TestAuthorizeFlow::refreshRotation()
{
    const Reply redirected = authorizeWithConsent(
        *m_browser, authorizePath(m_web, u"redirect_uri="_qs + QUrl::toPercentEncoding(kWebCallback)));
    const Reply issued = token(webCodeBody(codeFrom(redirected)));
    QCOMPARE(issued.status, 200);
    const QByteArray oldAccess = issued.json()[u"access_token"].toString().toLatin1();
    const QByteArray oldRefresh = issued.json()[u"refresh_token"].toString().toLatin1();
    const auto refreshBody = [this](const QByteArray &refresh, const QByteArray &more = {}) -> QByteArray {
        return "grant_type=refresh_token&refresh_token="
            + QUrl::toPercentEncoding(QString::fromLatin1(refresh)) + "&client_id=" + m_web.id.toLatin1()
            + "&client_secret=" + m_web.secret.toLatin1() + more;
    };
    const Reply rotated = token(refreshBody(oldRefresh));
    QCOMPARE(rotated.status, 200);
    QCOMPARE(rotated.header("Cache-Control"), QByteArray("no-store"));
    const QByteArray newAccess = rotated.json()[u"access_token"].toString().toLatin1();
    const QByteArray newRefresh = rotated.json()[u"refresh_token"].toString().toLatin1();
    QVERIFY(!newRefresh.isEmpty() && newRefresh != oldRefresh);
    QCOMPARE(tokenState(oldAccess), AccessTokenState::Revoked); // as REL1_39 (observed)
    QCOMPARE(tokenState(newAccess), AccessTokenState::Active);
    QCOMPARE(jose::Jwt::decode(newAccess)->claims()[u"scopes"].toArray(),
             (QJsonArray {QStringLiteral("basic"), QStringLiteral("editpage")}));

    // Reuse of the old one: REL1_39's answer.
    const Reply reused = token(refreshBody(oldRefresh));
    QCOMPARE(reused.status, 401);
    QCOMPARE(reused.json()[u"error"].toString(), QStringLiteral("invalid_request"));
    QCOMPARE(reused.json()[u"error_description"].toString(), QStringLiteral("The refresh token is invalid."));
    QCOMPARE(reused.json()[u"hint"].toString(), QStringLiteral("Token has been revoked"));

    // Another client, garbage, a scope beyond the original ones.
    const Reply otherClient = token(
        "grant_type=refresh_token&refresh_token=" + QUrl::toPercentEncoding(QString::fromLatin1(newRefresh))
        + "&client_id=" + m_trusted.id.toLatin1() + "&client_secret=" + m_trusted.secret.toLatin1());
    QCOMPARE(otherClient.status, 401);
    QCOMPARE(otherClient.json()[u"hint"].toString(), QStringLiteral("Token is not linked to client"));
    const Reply garbage = token(refreshBody("def50200nonsense"));
    QCOMPARE(garbage.status, 401);
    QCOMPARE(garbage.json()[u"hint"].toString(), QStringLiteral("Cannot decrypt the refresh token"));
    const Reply wider = token(refreshBody(newRefresh, "&scope=basic+rollback"));
    QCOMPARE(wider.status, 400);
    QCOMPARE(wider.json()[u"error"].toString(), QStringLiteral("invalid_scope"));
    // A refused scope does not use the token up; narrowing works.
    const Reply narrowed = token(refreshBody(newRefresh, "&scope=basic"));
    QCOMPARE(narrowed.status, 200);
    QCOMPARE(jose::Jwt::decode(narrowed.json()[u"access_token"].toString().toLatin1())
                 ->claims()[u"scopes"]
                 .toArray(),
             QJsonArray {QStringLiteral("basic")});
}

void TestAuthorizeFlow::expiredCodeAndRefreshToken()
{
    const QString path = authorizePath(m_web, u"redirect_uri="_qs + QUrl::toPercentEncoding(kWebCallback));
    const QString stale = codeFrom(authorizeWithConsent(*m_browser, path));
    const QString fresh = codeFrom(authorizeWithConsent(*m_browser, path));
    m_clock.advance(601); // codes live 10 minutes
    const Reply expired = token(webCodeBody(stale));
    QCOMPARE(expired.status, 400);
    QCOMPARE(expired.json()[u"error"].toString(), QStringLiteral("invalid_grant"));
    QCOMPARE(expired.json()[u"hint"].toString(), QStringLiteral("Authorization code has expired"));
    Q_UNUSED(fresh);

    // A refresh token lives 30 days.
    const QString code = codeFrom(authorizeWithConsent(*m_browser, path));
    const Reply issued = token(webCodeBody(code));
    QCOMPARE(issued.status, 200);
    const QByteArray refresh = issued.json()[u"refresh_token"].toString().toLatin1();
    m_clock.advance(30.0 * 24 * 3600 + 1);
    const Reply old = token(
        "grant_type=refresh_token&refresh_token=" + QUrl::toPercentEncoding(QString::fromLatin1(refresh))
        + "&client_id=" + m_web.id.toLatin1() + "&client_secret=" + m_web.secret.toLatin1());
    QCOMPARE(old.status, 401);
    QCOMPARE(old.json()[u"hint"].toString(), QStringLiteral("Token has expired"));
    QVERIFY(logIn(*m_browser)); // the session may have expired with the clock
}

void TestAuthorizeFlow::consentSkipped()
{
    const QString callback = u"redirect_uri="_qs + QUrl::toPercentEncoding(kWebCallback);
    // A trusted client never shows the page.
    const Reply trusted = m_browser->get(authorizePath(m_trusted, callback));
    QCOMPARE(trusted.status, 302);
    QVERIFY(trusted.header("Location").startsWith(QByteArray(kWebCallback.toUtf8() + "?code=")));
    // Auth-only grants, confidential client: the page once, then no more.
    const Reply first = authorizeWithConsent(*m_browser, authorizePath(m_authOnly, callback));
    QCOMPARE(first.status, 302);
    const Reply again = m_browser->get(authorizePath(m_authOnly, callback));
    QCOMPARE(again.status, 302);
    QVERIFY(again.header("Location").startsWith(QByteArray(kWebCallback.toUtf8() + "?code=")));
    // Normal grants: always asked (REL1_39), even after an approval.
    const Reply normal = m_browser->get(authorizePath(m_web, callback));
    QCOMPARE(normal.status, 307);
    QVERIFY(normal.header("Location").contains("title=Special:OAuth/approve"));
}

void TestAuthorizeFlow::forgedApprovalPassAsksForConsent()
{
    // The client adds approval_pass=1 itself: without the session's consent it means nothing.
    const Reply reply = m_browser->get(
        authorizePath(m_web, u"approval_pass=1&redirect_uri="_qs + QUrl::toPercentEncoding(kWebCallback)));
    QCOMPARE(reply.status, 307);
    QVERIFY(reply.header("Location").contains("title=Special:OAuth/approve"));
    QVERIFY(!queryItem(reply.header("Location"), QStringLiteral("returntoquery")).contains(u"approval_pass"));
}

void TestAuthorizeFlow::openRedirectsRefused_data()
{
    QTest::addColumn<QString>("path");
    const QString rest = u"/w/index.php?title=Special:OAuth/rest_redirect&rest_url="_qs;
    QTest::newRow("rest_url to another host") << rest + u"https%3A%2F%2Fevil.example%2Fw%2Frest.php%2Fx"_qs;
    QTest::newRow("rest_url protocol-relative") << rest + u"%2F%2Fevil.example%2Fw%2Frest.php%2Fx"_qs;
    QTest::newRow("rest_url outside rest.php") << rest + u"%2Fw%2Findex.php%3Ftitle%3DMain_Page"_qs;
    QTest::newRow("rest_url climbing out") << rest + u"%2Fw%2Frest.php%2F..%2F..%2Fevil"_qs;
    QTest::newRow("rest_url with a backslash") << rest + u"%2Fw%2Frest.php%2F%5C%5Cevil.example"_qs;
    QTest::newRow("rest_url with CR LF") << rest + u"%2Fw%2Frest.php%2Fx%0D%0ASet-Cookie%3A+a%3Db"_qs;
    QTest::newRow("approve returning elsewhere")
        << u"/w/index.php?title=Special:OAuth/approve&oauth_version=2&client_id=%WEB%&scope=basic"
           u"&returnto=https%3A%2F%2Fevil.example%2F&returntoquery=x%3D1"_qs;
    QTest::newRow("approve returning to another rest route")
        << u"/w/index.php?title=Special:OAuth/approve&oauth_version=2&client_id=%WEB%&scope=basic"
           u"&returnto=%2Fw%2Frest.php%2Foauth2%2Fclient"_qs;
    QTest::newRow("approve of an unknown scope")
        << u"/w/index.php?title=Special:OAuth/approve&oauth_version=2&client_id=%WEB%&scope=rollback"
           u"&returnto=%2Fw%2Frest.php%2Foauth2%2Fauthorize"_qs;
}

void TestAuthorizeFlow::openRedirectsRefused()
{
    QFETCH(QString, path);
    path.replace(u"%WEB%"_qs, m_web.id);
    const Reply reply = m_browser->get(path);
    QCOMPARE(reply.status, 400);
    QVERIFY(reply.header("Location").isEmpty());
    // The good case does redirect, on this server.
    const Reply good = m_browser->get(
        u"/w/index.php?title=Special:OAuth/rest_redirect&rest_url=%2Fw%2Frest.php%2Foauth2%2Fauthorize%3Fa%3Db"_qs);
    QCOMPARE(good.status, 302);
    QCOMPARE(good.header("Location"), m_provider->restUrl().toEncoded() + "/oauth2/authorize?a=b");
}

QTEST_GUILESS_MAIN(TestAuthorizeFlow)
#include "TestAuthorizeFlow.moc"
