// Special:OATHManage over real HTTP on 127.0.0.1: anonymous visitors are sent to the login,
// the overview names the methods without their secrets, changes need the edit token and a
// recent login (FixedClock moved past LoginService's 300 s), TOTP is stored only after a
// correct confirmation code, new recovery codes replace the old ones and are shown once.

#include "PagesTestProvider.h"
#include "otp/Base32.h"
#include "otp/OtpAuthUri.h"
#include "provider/pages/OathManagePage.h"

#include <QJsonArray>
#include <QTest>
#include <memory>

using namespace mwauth;
using namespace mwauth::provider;
using namespace mwauth::provider::testing;

namespace {
const QString kManage = QStringLiteral("/w/index.php?title=Special:OATHManage");
} // namespace

class TestOathManagePage : public QObject
{
    Q_OBJECT

private:
    QString base() const { return m_server->baseUrl().toString(); }
    // Logs in through Special:UserLogin (with Bob's TOTP step when he is asked).
    void logIn(TestBrowser &browser, const QString &name, const QString &password);
    QList<TwoFactorRecord> records(qint64 userId, const QString &module = {}) const;

    FixedClock m_clock {kStartTime};
    SystemRandom m_random;
    std::unique_ptr<PagesTestProvider> m_provider;
    ProviderServer *m_server = nullptr;
    UserStore *m_users = nullptr;
    qint64 m_aliceId = 0;
    qint64 m_bobId = 0;

private Q_SLOTS:
    void init();
    void cleanup();

    void anonymousIsSentToLogin();
    void overviewShowsMethodsWithoutSecrets();
    void disableNeedsTokenAndRecentLogin();
    void enablingTotpNeedsTheRightCode();
    void newRecoveryCodesAreShownOnce();
};

void TestOathManagePage::init()
{
    m_clock.set(kStartTime);
    m_provider = std::make_unique<PagesTestProvider>(m_clock, m_random);
    QCOMPARE(m_provider->open(), QString());
    m_users = m_provider->users();
    const Result<User> alice = m_users->createUser(u"Alice"_qs, kAlicePassword);
    QVERIFY(alice);
    m_aliceId = alice->id;
    const Result<User> bob = m_users->createUser(u"Bob"_qs, kBobPassword);
    QVERIFY(bob);
    m_bobId = bob->id;
    QVERIFY(m_users->addTwoFactor(m_bobId, u"totp"_qs,
                                  QJsonObject {{u"secret"_qs, QString::fromLatin1(kBobSecret)}}));
    QVERIFY(m_users->addTwoFactor(
        m_bobId, u"recoverycodes"_qs,
        QJsonObject {{u"recoverycodes"_qs, QJsonArray {u"BOB-RC-1"_qs, u"BOB-RC-2"_qs, u"BOB-RC-3"_qs}}}));
    QCOMPARE(m_provider->start(), QString());
    m_server = m_provider->server();
}

void TestOathManagePage::cleanup()
{
    m_provider.reset();
}

void TestOathManagePage::logIn(TestBrowser &browser, const QString &name, const QString &password)
{
    const Reply form = browser.get(kLogin);
    const QByteArray token = hiddenValue(form.body, u"wpLoginToken"_qs).toUtf8();
    Reply reply = browser.post(
        kLogin, {{"wpName", name.toUtf8()}, {"wpPassword", password.toUtf8()}, {"wpLoginToken", token}});
    if (reply.status == 200 && reply.body.contains("name=\"OATHToken\""))
        reply = browser.post(
            kLogin,
            {{"OATHToken", totpCodeAt(kBobSecret, m_clock.nowSeconds()).toUtf8()}, {"wpLoginToken", token}});
    QCOMPARE(reply.status, 302);
    QCOMPARE(browser.apiUserName(), name);
}

QList<TwoFactorRecord> TestOathManagePage::records(qint64 userId, const QString &module) const
{
    const Result<QList<TwoFactorRecord>> list = m_users->twoFactorRecords(userId, module);
    return list ? *list : QList<TwoFactorRecord>();
}

void TestOathManagePage::anonymousIsSentToLogin()
{
    TestBrowser browser(*m_server);
    const Reply reply = browser.get(kManage);
    QCOMPARE(reply.status, 302);
    QCOMPARE(QString::fromLatin1(reply.header("Location")),
             base() + u"/w/index.php?title=Special:UserLogin&returnto=Special:OATHManage"_qs);
    const Reply post = browser.post(kManage, {{"wpAction", "disable"}, {"wpModule", "totp"}});
    QCOMPARE(post.status, 302);
    QCOMPARE(records(m_bobId, u"totp"_qs).size(), 1);
}

void TestOathManagePage::overviewShowsMethodsWithoutSecrets()
{
    TestBrowser browser(*m_server);
    logIn(browser, u"Bob"_qs, kBobPassword);
    const Reply page = browser.get(kManage);
    QCOMPARE(page.status, 200);
    QCOMPARE(page.header("Cache-Control"), QByteArray("no-store"));
    QCOMPARE(page.header("X-Frame-Options"), QByteArray("DENY"));
    QVERIFY(page.body.contains("Logged in as Bob."));
    QVERIFY(page.body.contains("Authenticator app (time-based one-time code)"));
    QVERIFY(page.body.contains("Recovery code: 3 recovery codes left"));
    QVERIFY(!page.body.contains(kBobSecret));
    QVERIFY(!page.body.contains("BOB-RC-"));
    QVERIFY(page.body.contains("name=\"wpModule\" value=\"totp\""));
    QVERIFY(!page.body.contains("value=\"enable-totp\"")); // he has TOTP already
    QVERIFY(!hiddenValue(page.body, u"wpEditToken"_qs).isEmpty());

    TestBrowser alice(*m_server);
    logIn(alice, u"Alice"_qs, kAlicePassword);
    const Reply none = alice.get(kManage);
    QVERIFY(none.body.contains("You have no two-factor authentication method enabled"));
    QVERIFY(none.body.contains("value=\"enable-totp\""));
    QVERIFY(!none.body.contains("value=\"recovery-codes\"")); // nothing to fall back from
}

void TestOathManagePage::disableNeedsTokenAndRecentLogin()
{
    TestBrowser browser(*m_server);
    logIn(browser, u"Bob"_qs, kBobPassword);
    const QByteArray token = hiddenValue(browser.get(kManage).body, u"wpEditToken"_qs).toUtf8();

    const Reply noToken = browser.post(kManage, {{"wpAction", "disable"}, {"wpModule", "totp"}});
    QCOMPARE(noToken.status, 400);
    QVERIFY(noToken.body.contains("role=\"alert\""));
    QVERIFY(noToken.body.contains("Nothing was changed."));
    QCOMPARE(records(m_bobId, u"totp"_qs).size(), 1);

    // The login is older than LoginService's 300 s: the change needs a reauthentication.
    m_clock.advance(LoginService::DefaultReauthenticateSeconds + 1);
    const Reply stale
        = browser.post(kManage, {{"wpAction", "disable"}, {"wpModule", "totp"}, {"wpEditToken", token}});
    QCOMPARE(stale.status, 302);
    const QString location = QString::fromLatin1(stale.header("Location"));
    QCOMPARE(
        location,
        base()
            + u"/w/index.php?title=Special:UserLogin&force=oathauth-manage&returnto=Special:OATHManage"_qs);
    QCOMPARE(records(m_bobId, u"totp"_qs).size(), 1);

    const Reply reauth = browser.get(location.mid(base().size()));
    QVERIFY(reauth.body.contains("please log in again to confirm that you are Bob"));
    const QByteArray loginToken = hiddenValue(reauth.body, u"wpLoginToken"_qs).toUtf8();
    QCOMPARE(hiddenValue(reauth.body, u"returnto"_qs), u"Special:OATHManage"_qs);
    const Reply step = browser.post(kLogin,
                                    {{"wpName", "Bob"},
                                     {"wpPassword", kBobPassword.toUtf8()},
                                     {"wpLoginToken", loginToken},
                                     {"returnto", "Special:OATHManage"}});
    QVERIFY(step.body.contains("name=\"OATHToken\""));
    QVERIFY(!step.body.contains("value=\"recoverycodes\"")); // no recovery codes for a reauthentication
    const Reply back = browser.post(kLogin,
                                    {{"OATHToken", totpCodeAt(kBobSecret, m_clock.nowSeconds()).toUtf8()},
                                     {"wpLoginToken", loginToken},
                                     {"returnto", "Special:OATHManage"}});
    QCOMPARE(back.status, 302);
    QCOMPARE(QString::fromLatin1(back.header("Location")), base() + kManage);

    // The login renewed the session and its tokens: the old edit token is refused.
    const Reply oldToken
        = browser.post(kManage, {{"wpAction", "disable"}, {"wpModule", "totp"}, {"wpEditToken", token}});
    QCOMPARE(oldToken.status, 400);
    const QByteArray fresh = hiddenValue(browser.get(kManage).body, u"wpEditToken"_qs).toUtf8();
    const Reply disabled
        = browser.post(kManage, {{"wpAction", "disable"}, {"wpModule", "totp"}, {"wpEditToken", fresh}});
    QCOMPARE(disabled.status, 200);
    QVERIFY(disabled.body.contains("Authenticator app (time-based one-time code) is disabled."));
    QVERIFY(disabled.body.contains("Your recovery codes were removed with it."));
    QVERIFY(records(m_bobId).isEmpty());

    // Bob now logs in with his password alone.
    TestBrowser other(*m_server);
    logIn(other, u"Bob"_qs, kBobPassword);
}

void TestOathManagePage::enablingTotpNeedsTheRightCode()
{
    TestBrowser browser(*m_server);
    logIn(browser, u"Alice"_qs, kAlicePassword);
    const QByteArray token = hiddenValue(browser.get(kManage).body, u"wpEditToken"_qs).toUtf8();
    const Reply setup = browser.post(kManage, {{"wpAction", "enable-totp"}, {"wpEditToken", token}});
    QCOMPARE(setup.status, 200);
    QCOMPARE(setup.header("Cache-Control"), QByteArray("no-store"));
    QVERIFY(setup.body.contains("name=\"OATHToken\" autocomplete=\"one-time-code\" inputmode=\"numeric\""));
    const QRegularExpression uriPattern(u"<pre>(otpauth://[^<]*)</pre>"_qs);
    const QRegularExpressionMatch match = uriPattern.match(QString::fromUtf8(setup.body));
    QVERIFY2(match.hasMatch(), setup.body.constData());
    const Result<otp::OtpAuthUri> uri = otp::OtpAuthUri::parse(htmlUnescape(match.captured(1)));
    QVERIFY2(uri, uri ? "" : qPrintable(uri.error().message()));
    QCOMPARE(uri->account, u"Alice"_qs);
    QCOMPARE(uri->issuer, u"mwauthwiki"_qs);
    QCOMPARE(uri->parameters.secret.size(), 20);
    const QByteArray secret = otp::Base32::encode(uri->parameters.secret, false);
    // The base32 secret is shown too, in groups of four.
    QVERIFY(setup.body.contains(QByteArray(secret.first(4) + ' ' + secret.sliced(4, 4))));
    QVERIFY(records(m_aliceId).isEmpty()); // nothing stored before the confirmation

    const QString right = totpCodeAt(secret, m_clock.nowSeconds());
    const QByteArray wrong = right == u"123456" ? "654321" : "123456";
    const Reply refused
        = browser.post(kManage, {{"wpAction", "confirm-totp"}, {"OATHToken", wrong}, {"wpEditToken", token}});
    QCOMPARE(refused.status, 400);
    QVERIFY(refused.body.contains("role=\"alert\""));
    QVERIFY(refused.body.contains("The verification code is not right."));
    QVERIFY(refused.body.contains(secret.first(4))); // the same seed, still pending
    QVERIFY(records(m_aliceId).isEmpty());

    const Reply enabled = browser.post(
        kManage, {{"wpAction", "confirm-totp"}, {"OATHToken", right.toUtf8()}, {"wpEditToken", token}});
    QCOMPARE(enabled.status, 200);
    QVERIFY(enabled.body.contains("The authenticator app is enabled."));
    const QList<TwoFactorRecord> totp = records(m_aliceId, u"totp"_qs);
    QCOMPARE(totp.size(), 1);
    QCOMPARE(totp.first().data.value(u"secret"_qs).toString(), QString::fromLatin1(secret));
    QCOMPARE(totp.first().data.value(u"digits"_qs).toInt(), 6);
    QCOMPARE(totp.first().data.value(u"period"_qs).toInt(), 30);
    QVERIFY(!enabled.body.contains(secret)); // the overview never shows it
    const Reply replay = browser.post(
        kManage, {{"wpAction", "confirm-totp"}, {"OATHToken", right.toUtf8()}, {"wpEditToken", token}});
    QCOMPARE(replay.status, 400);
    QVERIFY(replay.body.contains("No authenticator app setup is in progress"));
    QCOMPARE(records(m_aliceId, u"totp"_qs).size(), 1);

    // The next login asks for a code of the new key.
    TestBrowser next(*m_server);
    const Reply form = next.get(kLogin);
    const Reply step = next.post(kLogin,
                                 {{"wpName", "Alice"},
                                  {"wpPassword", kAlicePassword.toUtf8()},
                                  {"wpLoginToken", hiddenValue(form.body, u"wpLoginToken"_qs).toUtf8()}});
    QVERIFY(step.body.contains("name=\"OATHToken\""));
    // The code that confirmed the key is used up: it does not log in too.
    const Reply reused = next.post(kLogin,
                                   {{"OATHToken", right.toUtf8()},
                                    {"wpLoginToken", hiddenValue(step.body, u"wpLoginToken"_qs).toUtf8()}});
    QVERIFY(reused.status != 302);
    QVERIFY(reused.body.contains("name=\"OATHToken\""));
    QCOMPARE(next.apiUserName(), QString());
}

void TestOathManagePage::newRecoveryCodesAreShownOnce()
{
    TestBrowser browser(*m_server);
    logIn(browser, u"Bob"_qs, kBobPassword);
    const QByteArray token = hiddenValue(browser.get(kManage).body, u"wpEditToken"_qs).toUtf8();
    const Reply shown = browser.post(kManage, {{"wpAction", "recovery-codes"}, {"wpEditToken", token}});
    QCOMPARE(shown.status, 200);
    QCOMPARE(shown.header("Cache-Control"), QByteArray("no-store"));
    const QList<TwoFactorRecord> stored = records(m_bobId, u"recoverycodes"_qs);
    QCOMPARE(stored.size(), 1);
    const QJsonArray codes = stored.first().data.value(u"recoverycodes"_qs).toArray();
    QCOMPARE(codes.size(), pages::OathManagePage::RecoveryCodeCount);
    for (const QJsonValue &code : codes) {
        QCOMPARE(code.toString().size(), 16);
        QVERIFY(shown.body.contains(QByteArray("<code>" + code.toString().toLatin1() + "</code>")));
    }
    QVERIFY(!codes.contains(u"BOB-RC-1"_qs));
    const Reply overview = browser.get(kManage);
    QVERIFY(overview.body.contains("Recovery code: 10 recovery codes left"));
    QVERIFY(!overview.body.contains(codes.first().toString().toLatin1()));
}

QTEST_GUILESS_MAIN(TestOathManagePage)
#include "TestOathManagePage.moc"
