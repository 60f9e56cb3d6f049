// The provider's browser pages Special:UserLogin and Special:UserLogout over real HTTP on
// 127.0.0.1: the form and its token, refused tokens, wrong passwords, the TOTP step,
// switching to recovery codes, same-origin returnto only, logout with and without its
// token, the security headers, and HTML escaping of hostile names.

#include "PagesTestProvider.h"
#include "otp/VirtualAuthenticator.h"
#include "provider/pages/HtmlPage.h"
#include "provider/pages/ReturnTo.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <memory>

using namespace mwauth;
using namespace mwauth::provider;
using namespace mwauth::provider::testing;

namespace {
const QString kCarolPassword = QStringLiteral("Carol-pages-password");
const QString kEvePassword = QStringLiteral("Eve-pages-password");
const QString kDavePassword = QStringLiteral("Dave-pages-password");
const QString kEveName = QStringLiteral("Eve \"Quote\" & 'Apos'");
const QByteArray kCarolSecret = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU";
const QString kLogout = QStringLiteral("/w/index.php?title=Special:UserLogout");
} // namespace

class TestLoginPages : public QObject
{
    Q_OBJECT

private:
    QString base() const { return m_server->baseUrl().toString(); }
    QString totpCode(const QByteArray &secret) const { return totpCodeAt(secret, m_clock.nowSeconds()); }
    // GETs the login page (with `query` appended) and returns its login token.
    QString loginToken(TestBrowser &browser, const QString &query = {});
    Reply submitPassword(TestBrowser &browser, const QString &name, const QString &password,
                         const http::FormFields &extra = {});

    FixedClock m_clock {kStartTime};
    SystemRandom m_random;
    std::unique_ptr<PagesTestProvider> m_provider;
    ProviderServer *m_server = nullptr;
    UserStore *m_users = nullptr;
    qint64 m_carolId = 0;
    std::optional<otp::VirtualAuthenticator> m_daveKey;

private Q_SLOTS:
    void init();
    void cleanup();

    void htmlEscape_data();
    void htmlEscape();
    void safeReturnTitles_data();
    void safeReturnTitles();
    void loginFormHasTokenLabelsAndHeaders();
    void pathFormServesTheSamePage();
    void loginWithoutTheRightTokenIsRefused_data();
    void loginWithoutTheRightTokenIsRefused();
    void wrongPasswordKeepsNameNotPassword();
    void aliceLogsInAndReturns();
    void mainPageShowsWhoIsLoggedIn();
    void hostileReturnToGoesToMainPage_data();
    void hostileReturnToGoesToMainPage();
    void hostileReturnToQueryIsDropped();
    void bobLogsInWithTotp();
    void carolSwitchesToRecoveryCodes();
    void cancelEndsThePendingLogin();
    void daveAnswersWithAPastedSecurityKeyAssertion();
    void loggedInPageOffersReauthentication();
    void logoutNeedsItsToken();
    void hostileNamesAreEscaped();
};

void TestLoginPages::init()
{
    m_clock.set(kStartTime);
    m_provider = std::make_unique<PagesTestProvider>(m_clock, m_random);
    QCOMPARE(m_provider->open(), QString());
    m_users = m_provider->users();
    QVERIFY(m_users->createUser(u"Alice"_qs, kAlicePassword));
    const Result<User> bob = m_users->createUser(u"Bob"_qs, kBobPassword);
    QVERIFY(bob);
    QVERIFY(m_users->addTwoFactor(bob->id, u"totp"_qs,
                                  QJsonObject {{u"secret"_qs, QString::fromLatin1(kBobSecret)}}));
    const Result<User> carol = m_users->createUser(u"Carol"_qs, kCarolPassword);
    QVERIFY(carol);
    m_carolId = carol->id;
    QVERIFY(m_users->addTwoFactor(carol->id, u"totp"_qs,
                                  QJsonObject {{u"secret"_qs, QString::fromLatin1(kCarolSecret)}}));
    QVERIFY(
        m_users->addTwoFactor(carol->id, u"recoverycodes"_qs,
                              QJsonObject {{u"recoverycodes"_qs, QJsonArray {u"RC-ONE"_qs, u"RC-TWO"_qs}}}));
    QVERIFY(m_users->createUser(kEveName, kEvePassword));
    // Dave: a security key only, whose name is markup.
    const Result<User> dave = m_users->createUser(u"Dave"_qs, kDavePassword);
    QVERIFY(dave);
    auto key = otp::VirtualAuthenticator::create(m_random, u"127.0.0.1"_qs, QByteArray::number(dave->id));
    QVERIFY(key);
    m_daveKey = *key;
    const QJsonObject data {
        {u"friendlyName"_qs, u"<b>Dave's key</b>"_qs},
        {u"credential"_qs, QJsonDocument::fromJson(m_daveKey->publicCredentialJson()).object()},
        {u"signCount"_qs, 0}};
    QVERIFY(m_users->addTwoFactor(dave->id, u"webauthn"_qs, data));
    QCOMPARE(m_provider->start(), QString());
    m_server = m_provider->server();
}

void TestLoginPages::cleanup()
{
    m_provider.reset();
    m_daveKey.reset();
}

QString TestLoginPages::loginToken(TestBrowser &browser, const QString &query)
{
    const Reply page = browser.get(kLogin + query);
    return hiddenValue(page.body, u"wpLoginToken"_qs);
}

Reply TestLoginPages::submitPassword(TestBrowser &browser, const QString &name, const QString &password,
                                     const http::FormFields &extra)
{
    const QString token = loginToken(browser);
    http::FormFields fields {
        {"wpName", name.toUtf8()}, {"wpPassword", password.toUtf8()}, {"wpLoginToken", token.toUtf8()}};
    fields.append(extra);
    return browser.post(kLogin, fields);
}

void TestLoginPages::htmlEscape_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    // The five characters HTML gives meaning to in text and quoted attributes (HTML 5.2,
    // 8.1.4 character references); everything else passes unchanged.
    QTest::newRow("script") << u"<script>alert(\"x\")</script>"_qs
                            << u"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"_qs;
    QTest::newRow("attribute break") << u"\" autofocus onfocus=\"alert(1)"_qs
                                     << u"&quot; autofocus onfocus=&quot;alert(1)"_qs;
    QTest::newRow("single quote") << u"O'Brien"_qs << u"O&#39;Brien"_qs;
    QTest::newRow("ampersand first") << u"&amp; &lt;"_qs << u"&amp;amp; &amp;lt;"_qs;
    QTest::newRow("unicode kept") << u"Zoë 名前 ✓"_qs << u"Zoë 名前 ✓"_qs;
    QTest::newRow("empty") << QString() << QString();
}

void TestLoginPages::htmlEscape()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    QCOMPARE(pages::htmlEscape(text), expected);
}

void TestLoginPages::safeReturnTitles_data()
{
    QTest::addColumn<QString>("title");
    QTest::addColumn<bool>("safe");
    QTest::newRow("special page") << u"Special:OATHManage"_qs << true;
    QTest::newRow("plain title") << u"Main Page"_qs << true;
    QTest::newRow("subpage") << u"User:Alice/Notes"_qs << true;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("blank") << u"   "_qs << false;
    QTest::newRow("absolute url") << u"https://evil.example/"_qs << false;
    QTest::newRow("scheme-relative") << u"//evil.example"_qs << false;
    QTest::newRow("slash backslash") << u"/\\evil.example"_qs << false;
    QTest::newRow("backslashes") << u"\\\\evil.example"_qs << false;
    QTest::newRow("javascript") << u"javascript:alert(1)"_qs << false;
    QTest::newRow("javascript mixed case, spaces") << u" JavaScript :alert(1)"_qs << false;
    QTest::newRow("data url") << u"data:text/html,x"_qs << false;
    QTest::newRow("crlf") << u"Main Page\r\nSet-Cookie: x=1"_qs << false;
    QTest::newRow("percent escapes") << u"%2F%2Fevil.example"_qs << false;
    QTest::newRow("fragment") << u"Main Page#x"_qs << false;
    QTest::newRow("markup") << u"<script>"_qs << false;
    QTest::newRow("too long") << QString(256, u'a') << false;
}

void TestLoginPages::safeReturnTitles()
{
    QFETCH(QString, title);
    QFETCH(bool, safe);
    QCOMPARE(pages::ReturnTo::isSafeTitle(title), safe);
}

void TestLoginPages::loginFormHasTokenLabelsAndHeaders()
{
    TestBrowser browser(*m_server);
    const Reply page = browser.get(kLogin + u"&returnto=Special:OATHManage"_qs);
    QCOMPARE(page.status, 200);
    QCOMPARE(page.header("Content-Type"), QByteArray("text/html; charset=utf-8"));
    QCOMPARE(page.header("X-Frame-Options"), QByteArray("DENY"));
    QCOMPARE(
        page.header("Content-Security-Policy"),
        QByteArray(
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"));
    QCOMPARE(page.header("Cache-Control"), QByteArray("no-store"));
    const QByteArray cookie = page.header("Set-Cookie");
    QVERIFY2(cookie.startsWith("mwauthwiki_session="), cookie.constData());
    QVERIFY(cookie.contains("HttpOnly"));
    QVERIFY(cookie.contains("SameSite=Lax"));

    const QByteArray &html = page.body;
    QVERIFY(html.contains("<html lang=\"en\">"));
    QVERIFY(html.contains("<main>"));
    QVERIFY(html.contains("<h1>Log in</h1>"));
    QVERIFY(html.contains("<label for=\"wpName1\">Username</label>"));
    QVERIFY(html.contains("id=\"wpName1\" name=\"wpName\""));
    QVERIFY(html.contains("<label for=\"wpPassword1\">Password</label>"));
    QVERIFY(html.contains("<input type=\"password\" id=\"wpPassword1\" name=\"wpPassword\""));
    QVERIFY(html.contains("name=\"wpRemember\""));
    QVERIFY(html.contains("autofocus"));
    QVERIFY(!html.contains("<script"));
    QVERIFY(html.contains("<form method=\"post\" action=\"/w/index.php?title=Special:UserLogin\""));
    QCOMPARE(hiddenValue(html, u"returnto"_qs), u"Special:OATHManage"_qs);

    // The token is the session's login token, as api.php's meta=tokens&type=login gives it.
    const QString token = hiddenValue(html, u"wpLoginToken"_qs);
    QVERIFY(token.endsWith(u"+\\"));
    const auto session = m_provider->sessions().load(browser.sessionId());
    QVERIFY(session && session->has_value());
    QCOMPARE(token, (*session)->value(LoginService::LoginTokenKey).toString() + u"+\\");
    const Reply api = browser.get(u"/w/api.php?action=query&meta=tokens&type=login&format=json"_qs);
    QCOMPARE(api.json()[u"query"_qs][u"tokens"_qs][u"logintoken"_qs].toString(), token);
    // A second visit keeps the token (and the session).
    QCOMPARE(loginToken(browser), token);
}

void TestLoginPages::pathFormServesTheSamePage()
{
    TestBrowser browser(*m_server);
    const Reply page = browser.get(u"/w/index.php/Special:UserLogin?returnto=Main_Page"_qs);
    QCOMPARE(page.status, 200);
    QVERIFY(!hiddenValue(page.body, u"wpLoginToken"_qs).isEmpty());
    QCOMPARE(hiddenValue(page.body, u"returnto"_qs), u"Main_Page"_qs);
    const Reply logout = browser.get(u"/w/index.php/Special:UserLogout"_qs);
    QCOMPARE(logout.status, 200);
    QVERIFY(logout.body.contains("You are not logged in."));
}

void TestLoginPages::loginWithoutTheRightTokenIsRefused_data()
{
    QTest::addColumn<QString>("token"); // "<session>" = the right one
    QTest::addColumn<bool>("sendCookie");
    QTest::addColumn<QByteArray>("message");
    QTest::newRow("no token") << QString() << true << QByteArray("precaution against session hijacking");
    QTest::newRow("wrong token") << u"0123456789abcdef0123456789abcdef01234567+\\"_qs << true
                                 << QByteArray("precaution against session hijacking");
    QTest::newRow("token without suffix")
        << u"<bare>"_qs << true << QByteArray("precaution against session hijacking");
    QTest::newRow("right token, no cookie")
        << u"<session>"_qs << false << QByteArray("Cookies must be enabled");
}

void TestLoginPages::loginWithoutTheRightTokenIsRefused()
{
    QFETCH(QString, token);
    QFETCH(bool, sendCookie);
    QFETCH(QByteArray, message);
    TestBrowser browser(*m_server);
    const QString real = loginToken(browser);
    if (token == u"<session>")
        token = real;
    else if (token == u"<bare>")
        token = real.chopped(2);
    if (!sendCookie)
        browser.cookies().clear();
    const Reply reply = browser.post(
        kLogin,
        {{"wpName", "Alice"}, {"wpPassword", kAlicePassword.toUtf8()}, {"wpLoginToken", token.toUtf8()}});
    QCOMPARE(reply.status, 400);
    QVERIFY(reply.body.contains("role=\"alert\""));
    QVERIFY2(reply.body.contains(message), reply.body.constData());
    QVERIFY(reply.header("Location").isEmpty());
    QVERIFY(!reply.header("Set-Cookie").contains("UserID="));
    QCOMPARE(browser.apiUserName(), QString());
}

void TestLoginPages::wrongPasswordKeepsNameNotPassword()
{
    TestBrowser browser(*m_server);
    const QString wrong = u"Not-the-password-7731"_qs;
    const Reply reply = submitPassword(browser, u"Alice"_qs, wrong);
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.body.contains("<div class=\"error\" role=\"alert\""));
    QVERIFY(reply.body.contains("Incorrect username or password entered."));
    QVERIFY(reply.body.contains("name=\"wpName\" value=\"Alice\""));
    QVERIFY(!reply.body.contains(wrong.toUtf8()));
    // The password field has the focus now that the name is there.
    QVERIFY(reply.body.contains("autocomplete=\"current-password\" required autofocus"));
    QVERIFY(!hiddenValue(reply.body, u"wpLoginToken"_qs).isEmpty());
    QCOMPARE(browser.apiUserName(), QString());
}

void TestLoginPages::aliceLogsInAndReturns()
{
    TestBrowser browser(*m_server);
    const QString token = loginToken(browser);
    const QByteArray before = browser.sessionId();
    QVERIFY(!before.isEmpty());
    const Reply reply = browser.post(kLogin,
                                     {{"wpName", "Alice"},
                                      {"wpPassword", kAlicePassword.toUtf8()},
                                      {"wpRemember", "1"},
                                      {"wpLoginToken", token.toUtf8()},
                                      {"returnto", "User:Alice"},
                                      {"returntoquery", "action=edit&section=2"}});
    QCOMPARE(reply.status, 302);
    QCOMPARE(QString::fromLatin1(reply.header("Location")),
             base() + u"/w/index.php?title=User:Alice&action=edit&section=2"_qs);
    QCOMPARE(reply.header("Cache-Control"), QByteArray("no-store"));
    QVERIFY(reply.header("Set-Cookie").contains("mwauthwikiUserID="));
    QVERIFY(reply.header("Set-Cookie").contains("mwauthwikiToken=")); // wpRemember
    const QList<QByteArray> cookies = reply.header("Set-Cookie").split('\n');
    QCOMPARE(cookies.size(), 4); // session, UserID, UserName, Token
    for (const QByteArray &cookie : cookies) {
        QVERIFY2(cookie.contains("; HttpOnly") && cookie.contains("; SameSite=Lax"), cookie.constData());
    }
    QVERIFY(browser.sessionId() != before); // renewed: no session fixation
    QCOMPARE(browser.apiUserName(), u"Alice"_qs);

    TestBrowser planted(*m_server);
    planted.setSessionId(before);
    QCOMPARE(planted.apiUserName(), QString());
}

void TestLoginPages::mainPageShowsWhoIsLoggedIn()
{
    TestBrowser browser(*m_server);
    Reply page = browser.get(u"/w/index.php?title=Main_Page"_qs);
    QCOMPARE(page.status, 200);
    QVERIFY(page.body.contains("You are not logged in."));
    QVERIFY(page.body.contains("title=Special:UserLogin"));
    const QString token = loginToken(browser);
    const Reply login = browser.post(
        kLogin,
        {{"wpName", "Alice"}, {"wpPassword", kAlicePassword.toUtf8()}, {"wpLoginToken", token.toUtf8()}});
    QCOMPARE(login.status, 302);
    QCOMPARE(QString::fromLatin1(login.header("Location")), base() + u"/w/index.php?title=Main_Page"_qs);
    page = browser.get(u"/w/index.php/Main_Page"_qs);
    QCOMPARE(page.status, 200);
    QVERIFY(page.body.contains("You are logged in as Alice."));
    QVERIFY(page.body.contains("title=Special:UserLogout"));
}

void TestLoginPages::hostileReturnToGoesToMainPage_data()
{
    QTest::addColumn<QByteArray>("returnto");
    QTest::newRow("absolute url") << QByteArray("https://evil.example/phish");
    QTest::newRow("scheme-relative") << QByteArray("//evil.example");
    QTest::newRow("slash backslash") << QByteArray("/\\evil.example");
    QTest::newRow("javascript") << QByteArray("javascript:alert(document.cookie)");
    QTest::newRow("crlf header split") << QByteArray("Main_Page\r\nSet-Cookie: evil=1");
    QTest::newRow("encoded crlf") << QByteArray("Main_Page%0d%0aSet-Cookie:%20evil=1");
}

void TestLoginPages::hostileReturnToGoesToMainPage()
{
    QFETCH(QByteArray, returnto);
    TestBrowser browser(*m_server);
    // In the query string of the form page, then carried (or not) into the POST.
    const Reply form
        = browser.get(kLogin + u"&returnto="_qs
                      + QString::fromLatin1(QUrl::toPercentEncoding(QString::fromLatin1(returnto))));
    QCOMPARE(form.status, 200);
    QCOMPARE(hiddenValue(form.body, u"returnto"_qs), QString());
    const Reply reply = browser.post(kLogin,
                                     {{"wpName", "Alice"},
                                      {"wpPassword", kAlicePassword.toUtf8()},
                                      {"wpLoginToken", hiddenValue(form.body, u"wpLoginToken"_qs).toUtf8()},
                                      {"returnto", returnto}});
    QCOMPARE(reply.status, 302);
    QCOMPARE(QString::fromLatin1(reply.header("Location")), base() + u"/w/index.php?title=Main_Page"_qs);
    QVERIFY(!reply.header("Set-Cookie").contains("evil"));
}

void TestLoginPages::hostileReturnToQueryIsDropped()
{
    TestBrowser browser(*m_server);
    const Reply reply = submitPassword(
        browser, u"Alice"_qs, kAlicePassword,
        {{"returnto", "Special:OATHManage"}, {"returntoquery", "a=1\r\nSet-Cookie: evil=1"}});
    QCOMPARE(reply.status, 302);
    QCOMPARE(QString::fromLatin1(reply.header("Location")),
             base() + u"/w/index.php?title=Special:OATHManage"_qs);

    TestBrowser other(*m_server);
    const Reply encoded
        = submitPassword(other, u"Alice"_qs, kAlicePassword,
                         {{"returnto", "Main Page"}, {"returntoquery", "x=a b&title=Evil&y=%23z"}});
    QCOMPARE(QString::fromLatin1(encoded.header("Location")),
             base() + u"/w/index.php?title=Main_Page&x=a%20b&y=%23z"_qs);
}

void TestLoginPages::bobLogsInWithTotp()
{
    TestBrowser browser(*m_server);
    const Reply step = submitPassword(browser, u"Bob"_qs, kBobPassword, {{"returnto", "Special:OATHManage"}});
    QCOMPARE(step.status, 200);
    QVERIFY(step.body.contains("<label for=\"OATHToken\">"));
    QVERIFY(step.body.contains("name=\"OATHToken\" autocomplete=\"one-time-code\" inputmode=\"numeric\""));
    QVERIFY(!step.body.contains("name=\"newModule\"")); // a single module: nothing to switch to
    QVERIFY(!step.body.contains(kBobSecret));
    QVERIFY(!step.body.contains("role=\"alert\""));
    QCOMPARE(hiddenValue(step.body, u"returnto"_qs), u"Special:OATHManage"_qs);
    QCOMPARE(browser.apiUserName(), QString());
    const QString token = hiddenValue(step.body, u"wpLoginToken"_qs);

    const QString right = totpCode(kBobSecret);
    const QByteArray wrong = right == u"000000" ? "111111" : "000000";
    const Reply failed = browser.post(
        kLogin, {{"OATHToken", wrong}, {"wpLoginToken", token.toUtf8()}, {"returnto", "Special:OATHManage"}});
    QCOMPARE(failed.status, 200);
    QVERIFY(failed.body.contains("role=\"alert\""));
    QVERIFY(failed.body.contains("Verification failed."));
    QVERIFY(failed.body.contains("name=\"OATHToken\""));
    QCOMPARE(browser.apiUserName(), QString());

    const Reply passed
        = browser.post(kLogin,
                       {{"OATHToken", right.toUtf8()},
                        {"wpLoginToken", hiddenValue(failed.body, u"wpLoginToken"_qs).toUtf8()},
                        {"returnto", "Special:OATHManage"}});
    QCOMPARE(passed.status, 302);
    QCOMPARE(QString::fromLatin1(passed.header("Location")),
             base() + u"/w/index.php?title=Special:OATHManage"_qs);
    QCOMPARE(browser.apiUserName(), u"Bob"_qs);
}

void TestLoginPages::carolSwitchesToRecoveryCodes()
{
    TestBrowser browser(*m_server);
    const Reply step = submitPassword(browser, u"Carol"_qs, kCarolPassword);
    QCOMPARE(step.status, 200);
    QVERIFY(step.body.contains("name=\"OATHToken\"")); // the web offers TOTP before recovery codes
    QVERIFY(step.body.contains("name=\"newModule\" value=\"recoverycodes\""));
    QVERIFY(!step.body.contains("name=\"newModule\" value=\"totp\""));
    const QByteArray token = hiddenValue(step.body, u"wpLoginToken"_qs).toUtf8();

    const Reply switched = browser.post(kLogin, {{"newModule", "recoverycodes"}, {"wpLoginToken", token}});
    QCOMPARE(switched.status, 200);
    QVERIFY(switched.body.contains("<label for=\"RecoveryCode\">"));
    QVERIFY(switched.body.contains("name=\"newModule\" value=\"totp\""));
    QVERIFY(!switched.body.contains("role=\"alert\""));

    const Reply invalid = browser.post(kLogin, {{"newModule", "webauthn"}, {"wpLoginToken", token}});
    QVERIFY(invalid.body.contains("role=\"alert\""));
    QVERIFY(invalid.body.contains("Invalid request."));
    QVERIFY(invalid.body.contains("name=\"wpPassword\"")); // back to the start

    const Reply again = submitPassword(browser, u"Carol"_qs, kCarolPassword);
    const QByteArray token2 = hiddenValue(again.body, u"wpLoginToken"_qs).toUtf8();
    QCOMPARE(browser.post(kLogin, {{"newModule", "recoverycodes"}, {"wpLoginToken", token2}}).status, 200);
    const Reply passed = browser.post(kLogin, {{"RecoveryCode", "RC-TWO"}, {"wpLoginToken", token2}});
    QCOMPARE(passed.status, 302);
    QCOMPARE(QString::fromLatin1(passed.header("Location")), base() + u"/w/index.php?title=Main_Page"_qs);
    QCOMPARE(browser.apiUserName(), u"Carol"_qs);
    const Result<QList<TwoFactorRecord>> codes = m_users->twoFactorRecords(m_carolId, u"recoverycodes"_qs);
    QVERIFY(codes && codes->size() == 1);
    QCOMPARE(codes->first().data.value(u"recoverycodes"_qs).toArray(), QJsonArray {u"RC-ONE"_qs});
}

void TestLoginPages::cancelEndsThePendingLogin()
{
    TestBrowser browser(*m_server);
    const Reply step = submitPassword(browser, u"Bob"_qs, kBobPassword);
    const QByteArray token = hiddenValue(step.body, u"wpLoginToken"_qs).toUtf8();
    const Reply cancelled = browser.post(kLogin, {{"wpCancel", "1"}, {"wpLoginToken", token}});
    QCOMPARE(cancelled.status, 200);
    QVERIFY(cancelled.body.contains("The login was cancelled."));
    const Reply late
        = browser.post(kLogin, {{"OATHToken", totpCode(kBobSecret).toUtf8()}, {"wpLoginToken", token}});
    QVERIFY(late.body.contains("Authentication is not in progress"));
    QCOMPARE(browser.apiUserName(), QString());
}

void TestLoginPages::daveAnswersWithAPastedSecurityKeyAssertion()
{
    TestBrowser browser(*m_server);
    const Reply step = submitPassword(browser, u"Dave"_qs, kDavePassword);
    QCOMPARE(step.status, 200);
    QVERIFY(step.body.contains("A security key answers through JavaScript in a real browser"));
    QVERIFY(step.body.contains("<label for=\"credential\">"));
    QVERIFY(step.body.contains("<textarea id=\"credential\" name=\"credential\""));
    QVERIFY(!step.body.contains("<script"));
    const QRegularExpressionMatch pre
        = QRegularExpression(u"<pre>([^<]*)</pre>"_qs).match(QString::fromUtf8(step.body));
    QVERIFY(pre.hasMatch());
    const QByteArray authInfo = htmlUnescape(pre.captured(1)).toUtf8();
    QVERIFY(QJsonDocument::fromJson(authInfo).object().contains(u"challenge"_qs));
    const QByteArray token = hiddenValue(step.body, u"wpLoginToken"_qs).toUtf8();

    const Result<QByteArray> answer = m_daveKey->answer(authInfo, base());
    QVERIFY(answer);
    const Reply passed = browser.post(kLogin, {{"credential", *answer}, {"wpLoginToken", token}});
    QCOMPARE(passed.status, 302);
    QCOMPARE(browser.apiUserName(), u"Dave"_qs);

    // The key's name is printed escaped on Special:OATHManage.
    const Reply manage = browser.get(u"/w/index.php?title=Special:OATHManage"_qs);
    QVERIFY(manage.body.contains("Security key (WebAuthn): &lt;b&gt;Dave&#39;s key&lt;/b&gt;"));
    QVERIFY(!manage.body.contains("<b>Dave"));
}

void TestLoginPages::loggedInPageOffersReauthentication()
{
    TestBrowser browser(*m_server);
    QCOMPARE(submitPassword(browser, u"Alice"_qs, kAlicePassword).status, 302);
    const Reply page = browser.get(kLogin);
    QCOMPARE(page.status, 200);
    QVERIFY(page.body.contains("You are logged in as Alice."));
    QVERIFY(page.body.contains("href=\"/w/index.php?title=Special:UserLogin&amp;force=1\""));
    QVERIFY(!page.body.contains("name=\"wpPassword\""));

    const Reply again = browser.get(kLogin + u"&force=1"_qs);
    QVERIFY(again.body.contains("role=\"status\""));
    QVERIFY(again.body.contains("please log in again to confirm that you are Alice"));
    QVERIFY(again.body.contains("name=\"wpName\" value=\"Alice\""));
    const Reply reauth
        = browser.post(kLogin,
                       {{"wpName", "Alice"},
                        {"wpPassword", kAlicePassword.toUtf8()},
                        {"wpLoginToken", hiddenValue(again.body, u"wpLoginToken"_qs).toUtf8()}});
    QCOMPARE(reauth.status, 302);
    QCOMPARE(browser.apiUserName(), u"Alice"_qs);
}

void TestLoginPages::logoutNeedsItsToken()
{
    TestBrowser browser(*m_server);
    QCOMPARE(submitPassword(browser, u"Alice"_qs, kAlicePassword).status, 302);
    const Reply confirm = browser.get(kLogout);
    QCOMPARE(confirm.status, 200);
    QCOMPARE(confirm.header("Cache-Control"), QByteArray("no-store"));
    QVERIFY(confirm.body.contains("<form method=\"post\" action=\"/w/index.php?title=Special:UserLogout\""));
    const QString token = hiddenValue(confirm.body, u"wpEditToken"_qs);
    QVERIFY(token.endsWith(u"+\\"));

    const Reply without = browser.post(kLogout, {});
    QCOMPARE(without.status, 400);
    QVERIFY(without.body.contains("role=\"alert\""));
    QVERIFY(without.body.contains("Nothing was changed"));
    const Reply wrong
        = browser.post(kLogout, {{"wpEditToken", "0123456789abcdef0123456789abcdef01234567+\\"}});
    QCOMPARE(wrong.status, 400);
    QCOMPARE(browser.apiUserName(), u"Alice"_qs);

    const QByteArray session = browser.sessionId();
    const Reply done = browser.post(kLogout, {{"wpEditToken", token.toUtf8()}});
    QCOMPARE(done.status, 200);
    QVERIFY(done.body.contains("You are now logged out."));
    QVERIFY(done.header("Set-Cookie").contains("mwauthwiki_session=deleted"));
    QVERIFY(done.header("Set-Cookie").contains("mwauthwikiUserID=deleted"));
    QCOMPARE(browser.apiUserName(), QString());
    TestBrowser old(*m_server);
    old.setSessionId(session);
    QCOMPARE(old.apiUserName(), QString()); // the session is gone on the server too
}

void TestLoginPages::hostileNamesAreEscaped()
{
    TestBrowser browser(*m_server);
    const QString hostile = u"<script>alert(\"x\")</script>"_qs;
    const Reply failed = submitPassword(browser, hostile, u"whatever"_qs);
    QCOMPARE(failed.status, 200);
    QVERIFY(!failed.body.contains("<script>"));
    QVERIFY(failed.body.contains("value=\"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;\""));

    const Reply passed
        = submitPassword(browser, kEveName, kEvePassword, {{"returnto", "User:Eve's \"page\""}});
    QCOMPARE(passed.status, 302);
    QCOMPARE(browser.apiUserName(), kEveName);
    const Reply page = browser.get(kLogin + u"&returnto=User:Eve%27s_%22page%22"_qs);
    QVERIFY(page.body.contains("You are logged in as Eve &quot;Quote&quot; &amp; &#39;Apos&#39;."));
    QVERIFY(!page.body.contains(kEveName.toUtf8()));
    QVERIFY(page.body.contains("Return to User:Eve&#39;s_&quot;page&quot;"));
    const Reply logout = browser.get(kLogout);
    QVERIFY(logout.body.contains("Do you want to log out, Eve &quot;Quote&quot; &amp; &#39;Apos&#39;?"));
}

QTEST_GUILESS_MAIN(TestLoginPages)
#include "TestLoginPages.moc"
