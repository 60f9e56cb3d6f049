// Special:OAuthManageMyGrants (list, manage/update with the grants form, renounce) and
// Special:ChangePassword over real HTTP on a whole LocalProvider: login redirects, CSRF checks,
// escaped output, and the tokens that a renounce or a password change must revoke.

#include "../oauth2/BearerTestSupport.h"
#include "../pages/PagesTestProvider.h"

#include "provider/clients/AcceptanceStore.h"

using namespace mwauth;
using namespace mwauth::provider;
using namespace mwauth::provider::testing;
using namespace Qt::StringLiterals;

namespace {

const QString kAlicePass = QStringLiteral("Alice-pass-demo");
const QString kManage = QStringLiteral("/w/index.php?title=Special:OAuthManageMyGrants");
const QString kChange = QStringLiteral("/w/index.php?title=Special:ChangePassword");

} // namespace

class TestGrantsPages : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void anonymousGoesToLogin_data();
    void anonymousGoesToLogin();
    void listEscapes();
    void manageUpdate();
    void manageRefusals();
    void renounce();
    void changePasswordRefusals_data();
    void changePasswordRefusals();
    void changePasswordRevokes();

private:
    bool logIn(TestBrowser &browser, const QString &name, const QString &password);
    QStringList storedGrants(qint64 acceptanceId);

    BearerFixture g;
    std::unique_ptr<TestBrowser> m_alice;
    TestClient m_app;
    qint64 m_aliceId = 0;
    qint64 m_approval = 0;
    IssuedAccessToken m_aliceToken, m_bobToken;
};

void TestGrantsPages::init()
{
    QVERIFY(g.start());
    m_app = g.registerClient(u"<b>Evil & \"app\"</b>"_s, {u"basic"_s, u"editpage"_s, u"uploadfile"_s});
    QVERIFY(!m_app.id.isEmpty());
    m_aliceId = g.userId(u"Alice"_s);
    m_aliceToken = g.userToken(m_app, m_aliceId, {u"basic"_s, u"editpage"_s});
    m_approval = g.approve(m_app, m_aliceId, {});
    m_bobToken = g.userToken(m_app, g.userId(u"Bob"_s), {u"basic"_s});
    QVERIFY(m_approval > 0 && !m_aliceToken.jwt.isEmpty() && !m_bobToken.jwt.isEmpty());
    m_alice = std::make_unique<TestBrowser>(*g.provider->server());
    QVERIFY(logIn(*m_alice, u"Alice"_s, kAlicePass));
}

void TestGrantsPages::cleanup()
{
    m_alice.reset();
    g.stop();
}

bool TestGrantsPages::logIn(TestBrowser &browser, const QString &name, const QString &password)
{
    const Reply page = browser.get(kLogin);
    const QString token = hiddenValue(page.body, u"wpLoginToken"_s);
    const Reply reply = browser.post(
        kLogin,
        {{"wpName", name.toUtf8()}, {"wpPassword", password.toUtf8()}, {"wpLoginToken", token.toUtf8()}});
    return reply.status == 302 && browser.apiUserName() == name;
}

QStringList TestGrantsPages::storedGrants(qint64 acceptanceId)
{
    AcceptanceStore acceptances(*g.provider->database(), g.clock, g.random);
    const auto found = acceptances.findById(acceptanceId);
    if (!found || !found->has_value())
        return {u"<none>"_s};
    return (*found)->grants;
}

void TestGrantsPages::anonymousGoesToLogin_data()
{
    QTest::addColumn<QString>("page");
    QTest::addColumn<QByteArray>("returnTo");
    QTest::newRow("list") << kManage << QByteArray("returnto=Special:OAuthManageMyGrants");
    QTest::newRow("manage") << kManage + u"/manage/1"_s << QByteArray("returnto=Special:OAuthManageMyGrants");
    QTest::newRow("change password") << kChange << QByteArray("returnto=Special:ChangePassword");
}

void TestGrantsPages::anonymousGoesToLogin()
{
    QFETCH(QString, page);
    QFETCH(QByteArray, returnTo);
    TestBrowser anonymous(*g.provider->server());
    const Reply reply = anonymous.get(page);
    QCOMPARE(reply.status, 302);
    QVERIFY(reply.header("Location").contains("title=Special:UserLogin"));
    QVERIFY2(reply.header("Location").contains(returnTo), reply.header("Location").constData());
}

void TestGrantsPages::listEscapes()
{
    for (const QString &page : QStringList {kManage, kManage + u"/list"_s}) {
        const Reply reply = m_alice->get(page);
        QCOMPARE(reply.status, 200);
        QVERIFY(reply.body.contains("&lt;b&gt;Evil &amp; &quot;app&quot;&lt;/b&gt;"));
        QVERIFY(!reply.body.contains("<b>Evil"));
        QVERIFY(reply.body.contains(
            QByteArray("Special:OAuthManageMyGrants/manage/" + QByteArray::number(m_approval))));
        QVERIFY(reply.body.contains("OAuth 2.0"));
        QVERIFY(reply.header("Content-Security-Policy").contains("default-src 'none'"));
    }
    const Reply unknown = m_alice->get(kManage + u"/nosuchthing"_s);
    QCOMPARE(unknown.status, 404);
}

void TestGrantsPages::manageUpdate()
{
    for (const QString &sub : QStringList {u"/manage/"_s, u"/update/"_s}) {
        const QString page = kManage + sub + QString::number(m_approval);
        const Reply form = m_alice->get(page);
        QCOMPARE(form.status, 200);
        // Each of the consumer's grants is a checkbox, ticked when the approval has it.
        const QStringList approved = storedGrants(m_approval);
        for (const QString &name : {u"basic"_s, u"editpage"_s, u"uploadfile"_s}) {
            const QByteArray box = "name=\"wpGrants-" + name.toUtf8() + "\" value=\"1\"";
            QVERIFY(form.body.contains(QByteArray(box + (approved.contains(name) ? " checked>" : ">"))));
        }
        const QString token = hiddenValue(form.body, u"wpEditToken"_s);
        QVERIFY(token.endsWith(u"+\\"_s));
        const QByteArray grant = sub == u"/manage/" ? "wpGrants-uploadfile" : "wpGrants-editpage";
        const Reply updated = m_alice->post(page,
                                            {{"wpEditToken", token.toUtf8()},
                                             {"wpActionType", "update"},
                                             {"wpGrants-basic", "1"},
                                             {grant, "1"}});
        QCOMPARE(updated.status, 200);
        QVERIFY(updated.body.contains("grants were updated"));
        QCOMPARE(storedGrants(m_approval), (QStringList {u"basic"_s, QString::fromLatin1(grant.mid(9))}));
    }
}

void TestGrantsPages::manageRefusals()
{
    const QString page = kManage + u"/manage/"_s + QString::number(m_approval);
    const QString token = hiddenValue(m_alice->get(page).body, u"wpEditToken"_s);
    const QStringList before = storedGrants(m_approval);
    // No token, a wrong token, no grant ticked, an unknown action: 400 and nothing changed.
    const QList<http::FormFields> bad {
        {{"wpActionType", "renounce"}},
        {{"wpEditToken", "0123abcd+\\"}, {"wpActionType", "renounce"}},
        {{"wpEditToken", token.toUtf8()}, {"wpActionType", "update"}},
        {{"wpEditToken", token.toUtf8()}, {"wpActionType", "explode"}},
    };
    for (const http::FormFields &fields : bad) {
        const Reply reply = m_alice->post(page, fields);
        QCOMPARE(reply.status, 400);
        QVERIFY(reply.body.contains("role=\"alert\""));
        QCOMPARE(storedGrants(m_approval), before);
        QVERIFY(g.get(u"/oauth2/resource/profile"_s, m_aliceToken.jwt).status == 200);
    }
    // Someone else's approval, a bad id: 404.
    const qint64 bobs = g.approve(m_app, g.userId(u"Bob"_s), {});
    QCOMPARE(m_alice->get(kManage + u"/manage/"_s + QString::number(bobs)).status, 404);
    QCOMPARE(m_alice
                 ->post(kManage + u"/manage/"_s + QString::number(bobs),
                        {{"wpEditToken", token.toUtf8()}, {"wpActionType", "renounce"}})
                 .status,
             404);
    QCOMPARE(m_alice->get(kManage + u"/manage/abc"_s).status, 404);
    QVERIFY(g.get(u"/oauth2/resource/profile"_s, m_bobToken.jwt).status == 200);
}

void TestGrantsPages::renounce()
{
    const QString page = kManage + u"/manage/"_s + QString::number(m_approval);
    QCOMPARE(g.get(u"/oauth2/resource/profile"_s, m_aliceToken.jwt).status, 200);
    const QString token = hiddenValue(m_alice->get(page).body, u"wpEditToken"_s);
    const Reply reply = m_alice->post(page, {{"wpEditToken", token.toUtf8()}, {"wpActionType", "renounce"}});
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.body.contains("is no longer connected"));
    QVERIFY(reply.body.contains("No applications are connected"));
    QCOMPARE(storedGrants(m_approval), QStringList {u"<none>"_s});
    QCOMPARE(g.get(u"/oauth2/resource/profile"_s, m_aliceToken.jwt).status, 401);
    QCOMPARE(g.get(u"/oauth2/resource/profile"_s, m_bobToken.jwt).status, 200);
    // Renouncing again: the approval is gone.
    QCOMPARE(m_alice->post(page, {{"wpEditToken", token.toUtf8()}, {"wpActionType", "renounce"}}).status,
             404);
}

void TestGrantsPages::changePasswordRefusals_data()
{
    QTest::addColumn<bool>("goodToken");
    QTest::addColumn<QString>("current");
    QTest::addColumn<QString>("next");
    QTest::addColumn<QString>("retype");
    QTest::addColumn<QByteArray>("message");
    QTest::newRow("bad token") << false << kAlicePass << u"New-pass-1"_s << u"New-pass-1"_s
                               << QByteArray("security token");
    QTest::newRow("wrong current") << true << u"wrong"_s << u"New-pass-1"_s << u"New-pass-1"_s
                                   << QByteArray("current password is not correct");
    QTest::newRow("empty new") << true << kAlicePass << QString() << QString() << QByteArray("empty");
    QTest::newRow("mismatch") << true << kAlicePass << u"New-pass-1"_s << u"New-pass-2"_s
                              << QByteArray("do not match");
}

void TestGrantsPages::changePasswordRefusals()
{
    QFETCH(bool, goodToken);
    QFETCH(QString, current);
    QFETCH(QString, next);
    QFETCH(QString, retype);
    QFETCH(QByteArray, message);
    const Reply form = m_alice->get(kChange);
    QCOMPARE(form.status, 200);
    const QString token = goodToken ? hiddenValue(form.body, u"wpEditToken"_s) : u"00ff+\\"_s;
    const Reply reply = m_alice->post(kChange,
                                      {{"wpEditToken", token.toUtf8()},
                                       {"wpPassword", current.toUtf8()},
                                       {"wpNewPassword", next.toUtf8()},
                                       {"wpRetype", retype.toUtf8()}});
    QCOMPARE(reply.status, 400);
    QVERIFY2(reply.body.contains(message), reply.body.constData());
    QCOMPARE(g.get(u"/oauth2/resource/profile"_s, m_aliceToken.jwt).status, 200);
    QVERIFY(g.provider->users()->checkPassword(u"Alice"_s, kAlicePass)->matches);
}

void TestGrantsPages::changePasswordRevokes()
{
    const QString token = hiddenValue(m_alice->get(kChange).body, u"wpEditToken"_s);
    const Reply reply = m_alice->post(kChange,
                                      {{"wpEditToken", token.toUtf8()},
                                       {"wpPassword", kAlicePass.toUtf8()},
                                       {"wpNewPassword", "Alice-new-pass"},
                                       {"wpRetype", "Alice-new-pass"}});
    QCOMPARE(reply.status, 200);
    QVERIFY2(reply.body.contains("1 connected applications were disconnected"), reply.body.constData());
    QCOMPARE(g.get(u"/oauth2/resource/profile"_s, m_aliceToken.jwt).status, 401);
    QCOMPARE(storedGrants(m_approval), QStringList {u"<none>"_s});
    QCOMPARE(g.get(u"/oauth2/resource/profile"_s, m_bobToken.jwt).status, 200);
    TestBrowser again(*g.provider->server());
    QVERIFY(!logIn(again, u"Alice"_s, kAlicePass));
    QVERIFY(logIn(again, u"Alice"_s, u"Alice-new-pass"_s));
}

QTEST_GUILESS_MAIN(TestGrantsPages)
#include "TestGrantsPages.moc"
