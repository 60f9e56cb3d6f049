// The consumer pages over real HTTP on 127.0.0.1 against a whole LocalProvider: proposing OAuth
// 2.0 and OAuth 1.0a consumers through the form (each validation error next to its field), the
// owner's list and update with a secret reset, the admin queues with reasons and their log
// entries, non-admins and forged forms refused, hostile names escaped, the public directory's
// filters, and the usability rule (OAuthClient::isUsableBy) on rest.php/oauth2/authorize and
// access_token for the owner, another user and after a proposal expired.

#include "PagesTestProvider.h"
#include "jose/KeyGenerator.h"
#include "provider/LocalProvider.h"
#include "provider/pages/ConsumerPages.h"

#include <QTest>
#include <QUrlQuery>
#include <memory>

using namespace mwauth;
using namespace mwauth::provider;
using namespace mwauth::provider::testing;

namespace {
const QString kRegistration = QStringLiteral("/w/index.php?title=Special:OAuthConsumerRegistration");
const QString kManage = QStringLiteral("/w/index.php?title=Special:OAuthManageConsumers");
const QString kList = QStringLiteral("/w/index.php?title=Special:OAuthListConsumers");
const QString kPassword = QStringLiteral("Consumer-pages-password");
const QString kOwnerEmail = QStringLiteral("owner@example.org");
} // namespace

class TestConsumerPages : public QObject
{
    Q_OBJECT

private:
    // Logs a new browser in as `name`.
    std::unique_ptr<TestBrowser> logIn(const QString &name);
    // The fields of a valid OAuth 2 proposal, with the browser's edit token.
    http::FormFields oauth2Fields(TestBrowser &browser, const QString &name);
    // The form of `path` fetched, its token added to `fields`, posted.
    Reply submit(TestBrowser &browser, const QString &path, http::FormFields fields);
    QList<OAuthClient> clientsNamed(const QString &name) const;
    OAuthClient propose(TestBrowser &browser, const QString &name); // OAuth 2, via the form
    QString manageAction(TestBrowser &admin, const OAuthClient &client, const QString &action,
                         const QString &reason, int expectedStatus);

    FixedClock m_clock {kStartTime};
    SystemRandom m_random;
    std::unique_ptr<LocalProvider> m_provider;
    std::unique_ptr<TestBrowser> m_owner; // "Owner", with a confirmed e-mail address
    std::unique_ptr<TestBrowser> m_admin; // "Boss", group sysop
    qint64 m_ownerId = 0;
    qint64 m_otherId = 0;

private Q_SLOTS:
    void init();
    void cleanup();

    void anonymousIsSentToLogin();
    void proposeOAuth2();
    void proposeOAuth1OwnerOnlyWithKeyAndRanges();
    void validationErrorsNextToTheirField_data();
    void validationErrorsNextToTheirField();
    void forgedFormsRefused();
    void hostileNamesEscaped();
    void listUpdateAndResetSecret();
    void adminQueueActionsAndLog();
    void nonAdminsRefused();
    void suppressionHidesAConsumer();
    void publicDirectoryFilters();
    void usabilityOnOAuth2Endpoints();
};

void TestConsumerPages::init()
{
    m_clock.set(kStartTime);
    m_provider = std::make_unique<LocalProvider>(m_clock, m_random);
    LocalProviderOptions options;
    options.passwordIterations = 1000;
    const Result<void> started = m_provider->start(options);
    QVERIFY2(started.ok(), started.ok() ? "" : qPrintable(started.error().toString()));
    UserStore *users = m_provider->users();
    const Result<User> owner = users->createUser(u"Owner"_qs, kPassword, kOwnerEmail);
    const Result<User> other = users->createUser(u"Other"_qs, kPassword, u"other@example.org"_qs);
    const Result<User> boss = users->createUser(u"Boss"_qs, kPassword, u"boss@example.org"_qs);
    QVERIFY(owner && other && boss);
    QVERIFY(users->addToGroup(boss->id, pages::ConsumerPages::AdminGroup));
    m_ownerId = owner->id;
    m_otherId = other->id;
    m_owner = logIn(u"Owner"_qs);
    m_admin = logIn(u"Boss"_qs);
    QVERIFY(m_owner && m_admin);
}

void TestConsumerPages::cleanup()
{
    m_owner.reset();
    m_admin.reset();
    m_provider.reset();
}

std::unique_ptr<TestBrowser> TestConsumerPages::logIn(const QString &name)
{
    auto browser = std::make_unique<TestBrowser>(*m_provider->server());
    const Reply form = browser->get(kLogin);
    const QString token = hiddenValue(form.body, QStringLiteral("wpLoginToken"));
    const Reply done = browser->post(
        kLogin,
        {{"wpName", name.toUtf8()}, {"wpPassword", kPassword.toUtf8()}, {"wpLoginToken", token.toUtf8()}});
    if (done.status != 302 || browser->apiUserName() != name)
        return nullptr;
    return browser;
}

http::FormFields TestConsumerPages::oauth2Fields(TestBrowser &, const QString &name)
{
    return {{"wpname", name.toUtf8()},
            {"wpversion", "1.0"},
            {"wpdescription", "Does things"},
            {"wpcallbackUrl", "https://app.example/callback"},
            {"wpemail", kOwnerEmail.toUtf8()},
            {"wpwiki", "*"},
            {"wpoauth2IsConfidential", "1"},
            {"wpoauth2GrantTypes", "authorization_code"},
            {"wpoauth2GrantTypes", "refresh_token"},
            {"wpoauth2GrantTypes", "client_credentials"},
            {"wpgranttype", "normal"},
            {"wpgrants", "editpage"},
            {"wpagreement", "1"}};
}

Reply TestConsumerPages::submit(TestBrowser &browser, const QString &path, http::FormFields fields)
{
    const Reply form = browser.get(path);
    if (form.status != 200)
        return form;
    fields.append({"wpEditToken", hiddenValue(form.body, u"wpEditToken"_qs).toUtf8()});
    return browser.post(path, fields);
}

QList<OAuthClient> TestConsumerPages::clientsNamed(const QString &name) const
{
    QList<OAuthClient> found;
    for (const OAuthClient &client : m_provider->clients()->listAll().valueOr({})) {
        if (client.name == name)
            found << client;
    }
    return found;
}

OAuthClient TestConsumerPages::propose(TestBrowser &browser, const QString &name)
{
    const Reply reply = submit(browser, kRegistration + u"/propose/oauth2"_qs, oauth2Fields(browser, name));
    if (reply.status != 200)
        qWarning() << reply.body;
    const QList<OAuthClient> clients = clientsNamed(name);
    return clients.isEmpty() ? OAuthClient() : clients.first();
}

QString TestConsumerPages::manageAction(TestBrowser &admin, const OAuthClient &client, const QString &action,
                                        const QString &reason, int expectedStatus)
{
    const QString path = kManage + u'/' + clientStageName(client.stage) + u'/' + client.consumerKey;
    const Reply page = admin.get(path);
    const Reply done = admin.post(path,
                                  {{"wpEditToken", hiddenValue(page.body, u"wpEditToken"_qs).toUtf8()},
                                   {"wpconsumerKey", client.consumerKey.toUtf8()},
                                   {"wpchangeToken", hiddenValue(page.body, u"wpchangeToken"_qs).toUtf8()},
                                   {"wpaction", action.toUtf8()},
                                   {"wpreason", reason.toUtf8()}});
    if (done.status != expectedStatus)
        return u"status %1: "_qs.arg(done.status) + QString::fromUtf8(done.body);
    return {};
}

void TestConsumerPages::anonymousIsSentToLogin()
{
    TestBrowser anonymous(*m_provider->server());
    const QString base = m_provider->server()->baseUrl().toString();
    Reply reply = anonymous.get(kRegistration + u"/propose/oauth2"_qs);
    QCOMPARE(reply.status, 302);
    QCOMPARE(
        QString::fromLatin1(reply.header("Location")),
        base
            + u"/w/index.php?title=Special:UserLogin&returnto=Special:OAuthConsumerRegistration/propose/oauth2"_qs);
    reply = anonymous.post(kRegistration + u"/propose/oauth2"_qs, oauth2Fields(anonymous, u"Sneaky"_qs));
    QCOMPARE(reply.status, 302);
    QVERIFY(clientsNamed(u"Sneaky"_qs).isEmpty());
    reply = anonymous.get(kManage + u"/proposed"_qs);
    QCOMPARE(reply.status, 302);
    QCOMPARE(QString::fromLatin1(reply.header("Location")),
             base
                 + u"/w/index.php?title=Special:UserLogin&returnto=Special:OAuthManageConsumers/proposed"_qs);
    // The public directory and the log need no account.
    QCOMPARE(anonymous.get(kList).status, 200);
    QCOMPARE(anonymous.get(u"/w/index.php?title=Special:Log/mwoauthconsumer"_qs).status, 200);
}

void TestConsumerPages::proposeOAuth2()
{
    const Reply form = m_owner->get(kRegistration + u"/propose/oauth2"_qs);
    QCOMPARE(form.status, 200);
    QVERIFY(!hiddenValue(form.body, u"wpEditToken"_qs).isEmpty());
    // Every grant of the catalogue is a checkbox (basic is implied).
    QVERIFY(form.body.contains("name=\"wpgrants\" value=\"editpage\""));
    QVERIFY(form.body.contains("name=\"wpgrants\" value=\"highvolume\""));
    QVERIFY(!form.body.contains("name=\"wpgrants\" value=\"basic\""));
    QVERIFY(form.body.contains("name=\"wpoauth2GrantTypes\" value=\"client_credentials\""));

    const Reply done
        = submit(*m_owner, kRegistration + u"/propose/oauth2"_qs, oauth2Fields(*m_owner, u"My tool"_qs));
    QCOMPARE(done.status, 200);
    const QList<OAuthClient> clients = clientsNamed(u"My tool"_qs);
    QCOMPARE(clients.size(), 1);
    const OAuthClient &client = clients.first();
    QCOMPARE(client.stage, ClientStage::Proposed);
    QCOMPARE(client.userId, m_ownerId);
    QCOMPARE(client.oauthVersion, 2);
    QCOMPARE(client.callbackUrl, u"https://app.example/callback"_qs);
    QCOMPARE(client.grants, (QStringList {u"basic"_qs, u"editpage"_qs}));
    QCOMPARE(client.oauth2GrantTypes.size(), 3);
    QVERIFY(client.oauth2IsConfidential);
    // The key and the secret are on the result page, and the secret is the real one.
    const QString page = QString::fromUtf8(done.body);
    QVERIFY(page.contains(u"Client application key: "_qs + client.consumerKey));
    const QRegularExpression secret(u"Client application secret: ([0-9a-f]{40})"_qs);
    const QRegularExpressionMatch match = secret.match(page);
    QVERIFY(match.hasMatch());
    QVERIFY(m_provider->clients()->verifySecret(client, match.captured(1).toLatin1()));
    // ... and never again: the list and the view show no secret.
    QVERIFY(!m_owner->get(kRegistration + u"/list"_qs).body.contains(match.captured(1).toLatin1()));
    QVERIFY(
        !m_owner->get(kList + u"/view/"_qs + client.consumerKey).body.contains(match.captured(1).toLatin1()));
    const QList<ConsumerLogEntry> log = m_provider->clients()->logEntries().valueOr({});
    QVERIFY(!log.isEmpty());
    QCOMPARE(log.first().action, u"propose"_qs);
    QCOMPARE(log.first().actor, u"Owner"_qs);
    QCOMPARE(log.first().consumerKey, client.consumerKey);
}

void TestConsumerPages::proposeOAuth1OwnerOnlyWithKeyAndRanges()
{
    const Result<jose::Jwk> key = jose::KeyGenerator::generate(jose::JwsAlgorithm::RS256);
    QVERIFY(key);
    const QByteArray pem = key->toPublicPem().valueOr({});
    QVERIFY(pem.startsWith("-----BEGIN PUBLIC KEY-----"));
    const Reply form = m_owner->get(kRegistration + u"/propose/oauth1a"_qs);
    QVERIFY(form.body.contains("name=\"wprsaKey\""));
    QVERIFY(!form.body.contains("wpoauth2GrantTypes"));
    const Reply done = submit(*m_owner, kRegistration + u"/propose/oauth1a"_qs,
                              {{"wpname", "Bot one"},
                               {"wpversion", "2.1.3-beta"},
                               {"wpdescription", "A bot"},
                               {"wpcallbackUrl", ""},
                               {"wpemail", kOwnerEmail.toUtf8()},
                               {"wpwiki", "*"},
                               {"wpownerOnly", "1"},
                               {"wpgranttype", "normal"},
                               {"wpgrants", "editpage"},
                               {"wpgrants", "highvolume"},
                               {"wprestrictions", "192.0.2.0/24\n2001:db8::/32\n"},
                               {"wprsaKey", pem},
                               {"wpagreement", "1"}});
    QCOMPARE(done.status, 200);
    const QList<OAuthClient> clients = clientsNamed(u"Bot one"_qs);
    QCOMPARE(clients.size(), 1);
    const OAuthClient &client = clients.first();
    QCOMPARE(client.oauthVersion, 1);
    QVERIFY(client.ownerOnly);
    QCOMPARE(client.stage, ClientStage::Approved); // owner-only: approved at once
    QCOMPARE(client.rsaKey, QString::fromLatin1(pem).trimmed());
    QCOMPARE(client.restrictions, u"{\"IPAddresses\":[\"192.0.2.0/24\",\"2001:db8::/32\"]}"_qs);
    QCOMPARE(client.grants, (QStringList {u"basic"_qs, u"editpage"_qs, u"highvolume"_qs}));
    const QString page = QString::fromUtf8(done.body);
    QVERIFY(page.contains(u"Consumer token: "_qs + client.consumerKey));
    QVERIFY(QRegularExpression(u"Access token: [0-9a-f]{32}\nAccess secret: [0-9a-f]{40}"_qs)
                .match(page)
                .hasMatch());
    QCOMPARE(m_provider->clients()->logEntries().valueOr({}).first().action, u"create-owner-only"_qs);
}

void TestConsumerPages::validationErrorsNextToTheirField_data()
{
    QTest::addColumn<QByteArray>("field");
    QTest::addColumn<QByteArray>("value"); // replaces the valid value (or is added)
    QTest::addColumn<QString>("errorField"); // the id of the field the error stands next to
    QTest::addColumn<QString>("message");
    QTest::newRow("name empty") << QByteArray("wpname") << QByteArray("") << u"wpname"_qs
                                << u"1 to 128 bytes"_qs;
    QTest::newRow("name too long") << QByteArray("wpname") << QByteArray(129, 'n') << u"wpname"_qs
                                   << u"it is 129"_qs;
    QTest::newRow("version not semver")
        << QByteArray("wpversion") << QByteArray("one point oh") << u"wpversion"_qs << u"is not a version"_qs;
    QTest::newRow("callback http not loopback")
        << QByteArray("wpcallbackUrl") << QByteArray("http://app.example/cb") << u"wpcallbackUrl"_qs
        << u"must use https"_qs;
    QTest::newRow("callback javascript") << QByteArray("wpcallbackUrl") << QByteArray("javascript:alert(1)")
                                         << u"wpcallbackUrl"_qs << u"cannot be a callback"_qs;
    QTest::newRow("email not the user's") << QByteArray("wpemail") << QByteArray("someone@example.org")
                                          << u"wpemail"_qs << u"confirmed address"_qs;
    QTest::newRow("wiki unknown") << QByteArray("wpwiki") << QByteArray("otherwiki") << u"wpwiki"_qs
                                  << u"the wiki must be"_qs;
    QTest::newRow("grant unknown") << QByteArray("wpgrants") << QByteArray("nosuchgrant") << u"wpgrants"_qs
                                   << u"nosuchgrant"_qs;
    QTest::newRow("grant type unknown")
        << QByteArray("wpgranttype") << QByteArray("everything") << u"wpgranttype"_qs << u"three kinds"_qs;
    QTest::newRow("IP range bad") << QByteArray("wprestrictions") << QByteArray("10.0.0.0/8\nnot-a-range")
                                  << u"wprestrictions"_qs << u"'not-a-range' is not an IP range"_qs;
    QTest::newRow("IP without prefix")
        << QByteArray("wprestrictions") << QByteArray("10.1.2.3") << u"wprestrictions"_qs << u"CIDR"_qs;
    QTest::newRow("no grant types") << QByteArray("wpoauth2GrantTypes") << QByteArray()
                                    << u"wpoauth2GrantTypes"_qs << u"at least one grant type"_qs;
    QTest::newRow("agreement missing")
        << QByteArray("wpagreement") << QByteArray() << u"wpagreement"_qs << u"agreement must be accepted"_qs;
}

void TestConsumerPages::validationErrorsNextToTheirField()
{
    QFETCH(QByteArray, field);
    QFETCH(QByteArray, value);
    QFETCH(QString, errorField);
    QFETCH(QString, message);
    http::FormFields fields = oauth2Fields(*m_owner, u"Checked app"_qs);
    bool replaced = false;
    for (qsizetype i = fields.size() - 1; i >= 0; --i) {
        if (fields[i].first != field)
            continue;
        if (value.isNull() || replaced)
            fields.removeAt(i);
        else
            fields[i].second = value;
        replaced = true;
    }
    if (!replaced && !value.isNull())
        fields.append({field, value});
    const Reply reply = submit(*m_owner, kRegistration + u"/propose/oauth2"_qs, fields);
    QCOMPARE(reply.status, 400);
    const QString page = htmlUnescape(QString::fromUtf8(reply.body));
    // The error stands right before the field's label (or inside its fieldset).
    const QRegularExpression nextTo(u"<p class=\"error\" role=\"alert\">([^<]*)</p>\n(<label[^>]*for=\""_qs
                                    + QRegularExpression::escape(errorField)
                                    + u"|<label class=\"checkbox\" for=\""_qs
                                    + QRegularExpression::escape(errorField) + u")"_qs);
    const QRegularExpressionMatch match = nextTo.match(page);
    QVERIFY2(match.hasMatch(), qPrintable(page));
    QVERIFY2(match.captured(1).contains(message), qPrintable(match.captured(1)));
    QVERIFY(clientsNamed(u"Checked app"_qs).isEmpty()); // nothing saved
    // What was typed is kept (but never a token).
    if (field == "wpname" && !value.isEmpty())
        QVERIFY(page.contains(u"value=\""_qs + QString::fromLatin1(value) + u'"'));
    if (field != "wpdescription")
        QVERIFY(page.contains(u">Does things</textarea>"_qs));
}

void TestConsumerPages::forgedFormsRefused()
{
    const QString path = kRegistration + u"/propose/oauth2"_qs;
    http::FormFields fields = oauth2Fields(*m_owner, u"Forged"_qs);
    QCOMPARE(m_owner->post(path, fields).status, 400); // no token
    fields.append(std::pair<QByteArray, QByteArray>("wpEditToken", "0123456789abcdef+\\"));
    const Reply wrong = m_owner->post(path, fields);
    QCOMPARE(wrong.status, 400);
    QVERIFY(wrong.body.contains("security token does not match"));
    QVERIFY(clientsNamed(u"Forged"_qs).isEmpty());

    // An admin action without the right token, or with a stale change token, changes nothing.
    const OAuthClient client = propose(*m_owner, u"Target"_qs);
    QVERIFY(client.id != 0);
    const QString manage = kManage + u"/proposed/"_qs + client.consumerKey;
    const Reply page = m_admin->get(manage);
    QCOMPARE(page.status, 200);
    const QByteArray change = hiddenValue(page.body, u"wpchangeToken"_qs).toUtf8();
    QCOMPARE(change.size(), 40);
    QCOMPARE(m_admin->post(manage, {{"wpchangeToken", change}, {"wpaction", "approve"}}).status, 400);
    QCOMPARE(
        m_admin->post(manage, {{"wpEditToken", "bad"}, {"wpchangeToken", change}, {"wpaction", "approve"}})
            .status,
        400);
    // The owner's token is no good in the admin's session either.
    const QByteArray ownerToken
        = hiddenValue(m_owner->get(kRegistration + u"/propose/oauth2"_qs).body, u"wpEditToken"_qs).toUtf8();
    QCOMPARE(
        m_admin
            ->post(manage, {{"wpEditToken", ownerToken}, {"wpchangeToken", change}, {"wpaction", "approve"}})
            .status,
        400);
    QCOMPARE(m_provider->clients()->findById(client.id).valueOr({}).stage, ClientStage::Proposed);
    // Stale: someone rejected it after the form was loaded.
    QVERIFY(
        m_provider->clients()->setStage(client.id, ClientStore::StageAction::Reject, u"dup"_qs, u"Boss"_qs));
    const Reply stale = m_admin->post(manage,
                                      {{"wpEditToken", hiddenValue(page.body, u"wpEditToken"_qs).toUtf8()},
                                       {"wpchangeToken", change},
                                       {"wpaction", "approve"}});
    QCOMPARE(stale.status, 409);
    QCOMPARE(m_provider->clients()->findById(client.id).valueOr({}).stage, ClientStage::Rejected);
}

void TestConsumerPages::hostileNamesEscaped()
{
    const QString hostile = u"<script>alert(\"x\")</script>&'"_qs;
    http::FormFields fields = oauth2Fields(*m_owner, hostile);
    fields.append(std::pair<QByteArray, QByteArray>("wpdescription", "<img src=x onerror=alert(1)>"));
    fields.removeAt(2); // the first description
    const Reply done = submit(*m_owner, kRegistration + u"/propose/oauth2"_qs, fields);
    QCOMPARE(done.status, 200);
    const QList<OAuthClient> clients = clientsNamed(hostile);
    QCOMPARE(clients.size(), 1);
    const QString key = clients.first().consumerKey;
    const QList<Reply> pagesShowingIt = {
        done,
        m_owner->get(kRegistration + u"/list"_qs),
        m_owner->get(kList + u"/view/"_qs + key),
        m_owner->get(kList + u"&stage=all"_qs),
        m_admin->get(kManage + u"/proposed"_qs),
        m_admin->get(kManage + u"/proposed/"_qs + key),
        m_admin->get(u"/w/index.php?title=Special:Log/mwoauthconsumer"_qs),
    };
    for (const Reply &reply : pagesShowingIt) {
        QCOMPARE(reply.status, 200);
        QVERIFY2(!reply.body.contains("<script>"), reply.body.constData());
        QVERIFY(!reply.body.contains("<img"));
        QVERIFY2(reply.body.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"),
                 reply.body.constData());
    }
}

void TestConsumerPages::listUpdateAndResetSecret()
{
    const OAuthClient client = propose(*m_owner, u"Updatable"_qs);
    QVERIFY(client.id != 0);
    const Reply list = m_owner->get(kRegistration + u"/list"_qs);
    QCOMPARE(list.status, 200);
    QVERIFY(list.body.contains(client.consumerKey.toLatin1()));
    QVERIFY(list.body.contains("<td>proposed</td>"));
    // Another user's list does not show it, and they cannot update it.
    auto other = logIn(u"Other"_qs);
    QVERIFY(other);
    QVERIFY(!other->get(kRegistration + u"/list"_qs).body.contains(client.consumerKey.toLatin1()));
    QCOMPARE(other->get(kRegistration + u"/update/"_qs + client.consumerKey).status, 404);

    const QString path = kRegistration + u"/update/"_qs + client.consumerKey;
    // A bad range: refused next to the field, nothing changed.
    Reply reply = submit(*m_owner, path, {{"wprestrictions", "300.1.1.1/8"}, {"wpreason", "tighten"}});
    QCOMPARE(reply.status, 400);
    QVERIFY(reply.body.contains("is not an IP range"));
    QCOMPARE(m_provider->clients()->findById(client.id).valueOr({}).restrictions,
             ClientRegistration::defaultRestrictions());
    const QByteArray oldSecret = m_provider->clients()->clientSecret(client);
    reply = submit(*m_owner, path,
                   {{"wprestrictions", "127.0.0.0/8"}, {"wpreason", "new machine"}, {"wpresetSecret", "1"}});
    QCOMPARE(reply.status, 200);
    const OAuthClient updated = m_provider->clients()->findById(client.id).valueOr({});
    QCOMPARE(updated.restrictions, u"{\"IPAddresses\":[\"127.0.0.0/8\"]}"_qs);
    const QRegularExpressionMatch match
        = QRegularExpression(u"New secret: ([0-9a-f]{40})"_qs).match(QString::fromUtf8(reply.body));
    QVERIFY(match.hasMatch());
    QVERIFY(m_provider->clients()->verifySecret(updated, match.captured(1).toLatin1()));
    QVERIFY(!m_provider->clients()->verifySecret(updated, oldSecret));
    const QList<ConsumerLogEntry> log = m_provider->clients()->logEntries().valueOr({});
    QCOMPARE(log.at(0).action, u"update"_qs);
    QCOMPARE(log.at(0).reason, u"new machine"_qs);
    QCOMPARE(log.at(1).action, u"update"_qs);
}

void TestConsumerPages::adminQueueActionsAndLog()
{
    const OAuthClient first = propose(*m_owner, u"First app"_qs);
    const OAuthClient second = propose(*m_owner, u"Second app"_qs);
    QVERIFY(first.id != 0 && second.id != 0);
    Reply queue = m_admin->get(kManage);
    QCOMPARE(queue.status, 200);
    QVERIFY(queue.body.contains("First app") && queue.body.contains("Second app"));

    QCOMPARE(manageAction(*m_admin, first, u"approve"_qs, u"looks fine"_qs, 200), QString());
    OAuthClient now = m_provider->clients()->findById(first.id).valueOr({});
    QCOMPARE(now.stage, ClientStage::Approved);
    QCOMPARE(manageAction(*m_admin, second, u"reject"_qs, u"spam"_qs, 200), QString());
    QCOMPARE(m_provider->clients()->findById(second.id).valueOr({}).stage, ClientStage::Rejected);
    // An action the stage does not have: refused, nothing changed.
    QCOMPARE(manageAction(*m_admin, now, u"reenable"_qs, u"no"_qs, 400), QString());
    QCOMPARE(manageAction(*m_admin, now, u"disable"_qs, u"abuse"_qs, 200), QString());
    now = m_provider->clients()->findById(first.id).valueOr({});
    QCOMPARE(now.stage, ClientStage::Disabled);
    QCOMPARE(manageAction(*m_admin, now, u"reenable"_qs, u"fixed"_qs, 200), QString());
    QCOMPARE(m_provider->clients()->findById(first.id).valueOr({}).stage, ClientStage::Approved);
    // The queues list what they hold.
    queue = m_admin->get(kManage + u"/rejected"_qs);
    QVERIFY(queue.body.contains("Second app") && !queue.body.contains("First app"));
    QCOMPARE(m_admin->get(kManage + u"/nosuchqueue"_qs).status, 404);

    // The log: newest first, with actor, action and reason.
    const Reply log = m_owner->get(u"/w/index.php?title=Special:Log/mwoauthconsumer"_qs);
    QCOMPARE(log.status, 200);
    const QString text = htmlUnescape(QString::fromUtf8(log.body));
    const QStringList expected
        = {u"Boss reenable OAuth consumer \"First app\" ("_qs + first.consumerKey + u") (fixed)"_qs,
           u"Boss disable OAuth consumer \"First app\""_qs,
           u"Boss reject OAuth consumer \"Second app\" ("_qs + second.consumerKey + u") (spam)"_qs,
           u"Boss approve OAuth consumer \"First app\" ("_qs + first.consumerKey + u") (looks fine)"_qs,
           u"Owner propose OAuth consumer \"Second app\""_qs,
           u"Owner propose OAuth consumer \"First app\""_qs};
    qsizetype at = 0;
    for (const QString &line : expected) {
        const qsizetype found = text.indexOf(line, at);
        QVERIFY2(found > at, qPrintable(line));
        at = found;
    }
    QCOMPARE(m_owner->get(u"/w/index.php?title=Special:Log/delete"_qs).status, 404);
}

void TestConsumerPages::nonAdminsRefused()
{
    const OAuthClient client = propose(*m_owner, u"Wants approval"_qs);
    QVERIFY(client.id != 0);
    const QString path = kManage + u"/proposed/"_qs + client.consumerKey;
    const Reply page = m_owner->get(path);
    QCOMPARE(page.status, 403);
    QVERIFY(page.body.contains("mwoauthmanageconsumer"));
    QVERIFY(!page.body.contains("wpchangeToken"));
    const QByteArray token
        = hiddenValue(m_owner->get(kRegistration + u"/propose/oauth2"_qs).body, u"wpEditToken"_qs).toUtf8();
    const Reply post = m_owner->post(
        path,
        {{"wpEditToken", token},
         {"wpchangeToken", pages::ConsumerPages::changeToken(client, m_owner->sessionId()).toUtf8()},
         {"wpaction", "approve"}});
    QCOMPARE(post.status, 403);
    QCOMPARE(m_provider->clients()->findById(client.id).valueOr({}).stage, ClientStage::Proposed);
}

void TestConsumerPages::suppressionHidesAConsumer()
{
    const Result<User> hider
        = m_provider->users()->createUser(u"Hider"_qs, kPassword, u"hider@example.org"_qs);
    QVERIFY(hider);
    QVERIFY(m_provider->users()->addToGroup(hider->id, pages::ConsumerPages::AdminGroup));
    QVERIFY(m_provider->users()->addToGroup(hider->id, pages::ConsumerPages::SuppressGroup));
    auto suppressor = logIn(u"Hider"_qs);
    QVERIFY(suppressor);
    const OAuthClient client = propose(*m_owner, u"Abusive app"_qs);
    QVERIFY(client.id != 0);
    const QString path = kManage + u"/proposed/"_qs + client.consumerKey;
    // Only the suppress group gets the checkbox; a plain admin who sends it anyway is refused.
    QVERIFY(!m_admin->get(path).body.contains("wpsuppress"));
    QVERIFY(suppressor->get(path).body.contains("name=\"wpsuppress\""));
    const auto post = [&](TestBrowser &browser, const QByteArray &action) {
        const Reply page
            = browser.get(kManage + u'/' + clientStageName(m_provider->clients()->findById(client.id)->stage)
                          + u'/' + client.consumerKey);
        return browser.post(path,
                            {{"wpEditToken", hiddenValue(page.body, u"wpEditToken"_qs).toUtf8()},
                             {"wpchangeToken", hiddenValue(page.body, u"wpchangeToken"_qs).toUtf8()},
                             {"wpaction", action},
                             {"wpsuppress", "1"},
                             {"wpreason", "spam"}});
    };
    QCOMPARE(post(*m_admin, "reject").status, 403);
    QCOMPARE(m_provider->clients()->findById(client.id)->stage, ClientStage::Proposed);
    QCOMPARE(post(*suppressor, "reject").status, 200);
    const OAuthClient hidden = m_provider->clients()->findById(client.id).valueOr({});
    QCOMPARE(hidden.stage, ClientStage::Rejected);
    QVERIFY(hidden.deleted);
    QVERIFY(!hidden.isUsableBy(m_ownerId, static_cast<qint64>(m_clock.nowSeconds())));
    // Gone from the public directory, its view, and the plain admin's queue and page.
    TestBrowser anonymous(*m_provider->server());
    QVERIFY(!anonymous.get(kList + u"&stage=all"_qs).body.contains("Abusive app"));
    QCOMPARE(anonymous.get(kList + u"/view/"_qs + client.consumerKey).status, 404);
    QVERIFY(!m_admin->get(kManage + u"/rejected"_qs).body.contains("Abusive app"));
    QCOMPARE(m_admin->get(kManage + u"/rejected/"_qs + client.consumerKey).status, 404);
    QVERIFY(suppressor->get(kManage + u"/rejected"_qs).body.contains("Abusive app"));
    // Approving clears the suppression.
    const Reply approved = post(*suppressor, "approve");
    QCOMPARE(approved.status, 200);
    const OAuthClient back = m_provider->clients()->findById(client.id).valueOr({});
    QCOMPARE(back.stage, ClientStage::Approved);
    QVERIFY(!back.deleted);
    QVERIFY(anonymous.get(kList).body.contains("Abusive app"));
}

void TestConsumerPages::publicDirectoryFilters()
{
    const OAuthClient mine = propose(*m_owner, u"Listed app"_qs);
    const OAuthClient theirs = propose(*m_owner, u"Other app"_qs);
    QVERIFY(mine.id != 0 && theirs.id != 0);
    QVERIFY(m_provider->clients()->setStage(mine.id, ClientStore::StageAction::Approve, {}, u"Boss"_qs));
    TestBrowser anonymous(*m_provider->server());
    Reply reply = anonymous.get(kList); // default: approved only
    QVERIFY(reply.body.contains("Listed app") && !reply.body.contains("Other app"));
    reply = anonymous.get(kList + u"/list&stage=proposed"_qs);
    QVERIFY(!reply.body.contains("Listed app") && reply.body.contains("Other app"));
    reply = anonymous.get(kList + u"&stage=all&name=Other+app"_qs);
    QVERIFY(!reply.body.contains("Listed app") && reply.body.contains("Other app"));
    reply = anonymous.get(kList + u"&stage=all&publisher=Owner"_qs);
    QVERIFY(reply.body.contains("Listed app") && reply.body.contains("Other app"));
    reply = anonymous.get(kList + u"&stage=all&publisher=Other"_qs);
    QVERIFY(!reply.body.contains("Listed app") && !reply.body.contains("Other app"));
    reply = anonymous.get(kList + u"&stage=bogus"_qs);
    QCOMPARE(reply.status, 400);
    QVERIFY(reply.body.contains("is not a stage"));
    QCOMPARE(anonymous.get(kList + u"/view/"_qs + mine.consumerKey).status, 200);
    QCOMPARE(anonymous.get(kList + u"/view/0123"_qs).status, 404);
}

void TestConsumerPages::usabilityOnOAuth2Endpoints()
{
    const OAuthClient client = propose(*m_owner, u"Proposed tool"_qs);
    QVERIFY(client.id != 0);
    const QString authorize
        = u"/w/rest.php/oauth2/authorize?response_type=code&client_id="_qs + client.consumerKey;
    // The owner may use their proposal: on to the consent page.
    Reply reply = m_owner->get(authorize);
    QCOMPARE(reply.status, 307);
    QVERIFY(reply.header("Location").contains("Special:OAuth/approve"));
    // Another user may not: MediaWiki's access_denied.
    auto other = logIn(u"Other"_qs);
    QVERIFY(other);
    reply = other->get(authorize);
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.header("Location").isEmpty());
    QVERIFY(reply.body.contains("access_denied"));
    QVERIFY(reply.body.contains(QStringLiteral("Client %1 is not usable by user with ID %2")
                                    .arg(client.consumerKey)
                                    .arg(m_otherId)
                                    .toUtf8()));
    // Nor the consent page.
    QCOMPARE(other
                 ->get(u"/w/index.php?title=Special:OAuth/approve&oauth_version=2&client_id="_qs
                       + client.consumerKey + u"&returnto=/w/rest.php/oauth2/authorize"_qs)
                 .status,
             400);

    // client_credentials: the owner's own token works while proposed.
    TestHttpClient http;
    const QByteArray secret = m_provider->clients()->clientSecret(client);
    const QByteArray body = "grant_type=client_credentials&client_id=" + client.consumerKey.toLatin1()
        + "&client_secret=" + secret;
    const QUrl token(m_provider->restUrl().toString() + u"/oauth2/access_token"_qs);
    reply = http.send("POST", token, body, "application/x-www-form-urlencoded");
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.json().contains(u"access_token"_qs));

    // 30 days idle: expired for everyone, before and after the stage is written. (The
    // sessions are older than that too: everyone logs in again.)
    m_clock.advance(OAuthClient::RequestExpirationAge);
    m_owner = logIn(u"Owner"_qs);
    m_admin = logIn(u"Boss"_qs);
    other = logIn(u"Other"_qs);
    QVERIFY(m_owner && m_admin && other);
    reply = http.send("POST", token, body, "application/x-www-form-urlencoded");
    QCOMPARE(reply.status, 401);
    QCOMPARE(reply.json().value(u"error"_qs).toString(), u"invalid_client"_qs);
    reply = m_owner->get(authorize);
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.body.contains("invalid_client"));
    QCOMPARE(m_provider->clients()->findById(client.id).valueOr({}).stage, ClientStage::Proposed);
    const Reply queue = m_admin->get(kManage + u"/expired"_qs); // runs the expiry
    QVERIFY(queue.body.contains("Proposed tool"));
    QCOMPARE(m_provider->clients()->findById(client.id).valueOr({}).stage, ClientStage::Expired);
    // An admin approves it: everyone may use it.
    const OAuthClient expired = m_provider->clients()->findById(client.id).valueOr({});
    QCOMPARE(manageAction(*m_admin, expired, u"approve"_qs, u"late review"_qs, 200), QString());
    QCOMPARE(other->get(authorize).status, 307);
    reply = http.send("POST", token, body, "application/x-www-form-urlencoded");
    QCOMPARE(reply.status, 200);
}

QTEST_GUILESS_MAIN(TestConsumerPages)
#include "TestConsumerPages.moc"
