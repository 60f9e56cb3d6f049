// The provider's Action API login (core/provider/login) over real HTTP on 127.0.0.1, each
// answer compared structurally with what MediaWiki 1.39 + OATHAuth answered to the same
// request (peers/mediawiki/fixtures and fixtures/fv2).

#include "ApiLoginClient.h"
#include "LoginTestProvider.h"
#include "LoginTestSupport.h"
#include "ProviderTestSupport.h"
#include "otp/Base32.h"
#include "otp/Otp.h"
#include "provider/login/LoginApi.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QTest>
#include <memory>

using namespace mwauth;
using namespace mwauth::provider;
using namespace mwauth::provider::testing;

namespace {
const QString kBobSecret = QStringLiteral("MJXWELLUN52HALLUMVZXILLTMVRXEZLU");
const QString kAlicePassword = QStringLiteral("Alice-pass-2fa-test");
const QString kBobPassword = QStringLiteral("Bob-pass-2fa-test");
constexpr double kStartTime = 1763868000; // 2025-11-23T03:20:00Z, a step boundary
} // namespace

class TestLoginApi : public QObject
{
    Q_OBJECT

private:
    // One client with its own session cookie.
    using Client = ApiSession;

    QString fv() const { return QString::fromLatin1(QTest::currentDataTag()); }
    bool isV2() const { return fv() == u"fv2"; }
    QString fixture(const QString &name) const
    {
        return QString((isV2() ? u"fv2/"_qs : QString()) + name + u".json"_qs);
    }
    QString formatParams() const { return isV2() ? u"format=json&formatversion=2"_qs : u"format=json"_qs; }

    Reply get(Client &client, const QString &query) { return m_api->get(client, query); }
    Reply post(Client &client, const QString &body, const QString &query = {})
    {
        return m_api->post(client, query, body);
    }
    QString loginToken(Client &client);
    QString totpCode(double at) const;
    QStringList differences(const QString &fixtureName, const Reply &reply) const;
    Reply clientLogin(Client &client, const QString &user, const QString &password,
                      const QString &extra = {});
    Reply continueWith(Client &client, const QString &token, const QString &code);

    FixedClock m_clock;
    SystemRandom m_random;
    std::unique_ptr<LoginTestProvider> m_provider;
    UserStore *m_users = nullptr; // m_provider's
    ProviderServer *m_server = nullptr; // m_provider's
    std::unique_ptr<ApiLoginClient> m_api;
    User m_alice;
    User m_bob;

private Q_SLOTS:
    void init();
    void cleanup();

    void versions_data();
    void loginTokenMatchesFixture_data() { versions_data(); }
    void loginTokenMatchesFixture();
    void csrfTokenAndUserInfoForAnonymous_data() { versions_data(); }
    void csrfTokenAndUserInfoForAnonymous();
    void authManagerInfo_data() { versions_data(); }
    void authManagerInfo();
    void alicePasses_data() { versions_data(); }
    void alicePasses();
    void rememberMeSetsLongCookies();
    void wrongPasswordFails_data() { versions_data(); }
    void wrongPasswordFails();
    void sixthFailedPasswordIsThrottled_data() { versions_data(); }
    void sixthFailedPasswordIsThrottled();
    void apiErrors_data() { versions_data(); }
    void apiErrors();
    void bobNeedsTotp_data() { versions_data(); }
    void bobNeedsTotp();
    void wrongTotpThenRightCode_data() { versions_data(); }
    void wrongTotpThenRightCode();
    void replayedStepIsRefused_data() { versions_data(); }
    void replayedStepIsRefused();
    void totpIsThrottledAfterTenFailures_data() { versions_data(); }
    void totpIsThrottledAfterTenFailures();
    void continueWithoutPendingLogin_data() { versions_data(); }
    void continueWithoutPendingLogin();
    void logoutEndsTheSession();
    void refusedRequests();
    void shapeComparisonFindsDifferences();
    void siteInfo();
};

QString TestLoginApi::loginToken(Client &client)
{
    const Reply reply = get(client, u"action=query&meta=tokens&type=login&"_qs + formatParams());
    return reply.json()[u"query"_qs][u"tokens"_qs][u"logintoken"_qs].toString();
}

QString TestLoginApi::totpCode(double at) const
{
    otp::TotpParameters params;
    params.secret = *otp::Base32::decode(kBobSecret.toLatin1());
    return *otp::totp(params, at);
}

QStringList TestLoginApi::differences(const QString &fixtureName, const Reply &reply) const
{
    const QJsonObject expected = fixtureJson(fixture(fixtureName));
    if (expected.isEmpty())
        return {u"fixture "_qs + fixture(fixtureName) + u" is missing or empty"_qs};
    ShapeOptions options;
    options.actualBaseUrl = m_server->baseUrl().toString();
    return shapeDifferences(expected, reply.json(), options);
}

Reply TestLoginApi::clientLogin(Client &client, const QString &user, const QString &password,
                                const QString &extra)
{
    const QString token = loginToken(client);
    return post(client,
                u"action=clientlogin&"_qs + formatParams() + u"&username="_qs + user + u"&password="_qs
                    + QString::fromLatin1(QUrl::toPercentEncoding(password))
                    + u"&loginreturnurl=http%3A%2F%2F127.0.0.1%3A8089%2F&logintoken="_qs
                    + QString::fromLatin1(QUrl::toPercentEncoding(token)) + extra);
}

Reply TestLoginApi::continueWith(Client &client, const QString &token, const QString &code)
{
    return post(client,
                u"action=clientlogin&"_qs + formatParams() + u"&logincontinue=1&OATHToken="_qs + code
                    + u"&logintoken="_qs + QString::fromLatin1(QUrl::toPercentEncoding(token)));
}

#define COMPARE_FIXTURE(name, reply)                                                                         \
    do {                                                                                                     \
        const QStringList problems_ = differences(QStringLiteral(name), reply);                              \
        QVERIFY2(problems_.isEmpty(), qPrintable(QStringLiteral(name ": ") + problems_.join(u"; "_qs)));     \
    } while (false)

void TestLoginApi::init()
{
    m_clock.set(kStartTime);
    m_provider = std::make_unique<LoginTestProvider>(m_clock, m_random);
    QCOMPARE(m_provider->open(), QString());
    m_users = m_provider->users();
    QVERIFY(m_users->createUser(u"Admin"_qs, u"Admin-pass-2fa-test"_qs).ok());
    QVERIFY(m_users->createUser(u"Dummy"_qs, u"Dummy-pass-2fa-test"_qs).ok());
    auto alice = m_users->createUser(u"Alice"_qs, kAlicePassword);
    auto bob = m_users->createUser(u"Bob"_qs, kBobPassword);
    QVERIFY(alice.ok() && bob.ok());
    m_alice = *alice;
    m_bob = *bob;
    const QJsonObject totp {{u"keys"_qs, QJsonArray {QJsonObject {{u"secret"_qs, kBobSecret}}}}};
    QVERIFY(m_users->addTwoFactor(m_bob.id, u"totp"_qs, totp).ok());

    QCOMPARE(m_provider->start(), QString());
    m_server = m_provider->server();
    m_api = std::make_unique<ApiLoginClient>(*m_server);
}

void TestLoginApi::cleanup()
{
    m_api.reset();
    m_server = nullptr;
    m_users = nullptr;
    m_provider.reset();
}

void TestLoginApi::versions_data()
{
    QTest::addColumn<int>("unused");
    QTest::newRow("fv1") << 1;
    QTest::newRow("fv2") << 2;
}

void TestLoginApi::loginTokenMatchesFixture()
{
    Client client;
    const Reply reply = get(client, u"action=query&meta=tokens&type=login&"_qs + formatParams());
    QCOMPARE(reply.status, 200);
    COMPARE_FIXTURE("query-tokens-login", reply);
    const QString token = reply.json()[u"query"_qs][u"tokens"_qs][u"logintoken"_qs].toString();
    QVERIFY2(QRegularExpression(u"^[0-9a-f]{40}\\+\\\\$"_qs).match(token).hasMatch(), qPrintable(token));
    QVERIFY(!client.session.isEmpty()); // the token lives in a new session
    // The same session keeps its token; another session gets another one.
    QCOMPARE(loginToken(client), token);
    Client other;
    QVERIFY(loginToken(other) != token);
}

void TestLoginApi::csrfTokenAndUserInfoForAnonymous()
{
    Client client;
    const Reply reply = get(
        client, u"action=query&meta=tokens|userinfo&type=csrf&uiprop=groups|rights&"_qs + formatParams());
    const QJsonObject query = reply.json()[u"query"_qs].toObject();
    QCOMPARE(query[u"tokens"_qs][u"csrftoken"_qs].toString(), u"+\\"_qs);
    const QJsonObject info = query[u"userinfo"_qs].toObject();
    QCOMPARE(info[u"id"_qs].toInt(-1), 0);
    QCOMPARE(info[u"name"_qs].toString(), u"127.0.0.1"_qs);
    QVERIFY(info.contains(u"anon"_qs));
    QCOMPARE(info[u"anon"_qs], isV2() ? QJsonValue(true) : QJsonValue(QString()));
    QCOMPARE(info[u"groups"_qs].toArray(), QJsonArray {u"*"_qs});
    QVERIFY(info[u"rights"_qs].toArray().contains(u"read"_qs));
    QVERIFY(client.session.isEmpty()); // nothing to remember for an anonymous csrf token
}

void TestLoginApi::authManagerInfo()
{
    Client client;
    const Reply plain
        = get(client, u"action=query&meta=authmanagerinfo&amirequestsfor=login&"_qs + formatParams());
    COMPARE_FIXTURE("authmanagerinfo-login", plain);
    const Reply merged
        = get(client,
              u"action=query&meta=authmanagerinfo&amirequestsfor=login&amimergerequestfields=1&"_qs
                  + formatParams());
    COMPARE_FIXTURE("authmanagerinfo-login-merged", merged);
    // The two must differ (a merged answer is not a plain one).
    QVERIFY(!differences(u"authmanagerinfo-login"_qs, merged).isEmpty());
}

void TestLoginApi::alicePasses()
{
    Client client;
    QVERIFY(!loginToken(client).isEmpty()); // the session starts here
    const QByteArray before = client.session;
    QVERIFY(!before.isEmpty());
    const Reply reply = clientLogin(client, u"Alice"_qs, kAlicePassword);
    COMPARE_FIXTURE("clientlogin-alice-pass", reply);
    // The login moved the session to a new id; the old one no longer logs anybody in.
    QVERIFY(!client.session.isEmpty());
    QVERIFY(client.session != before);
    Client planted {before, {}};
    const Reply stale = get(planted, u"action=query&meta=userinfo&"_qs + formatParams());
    QCOMPARE(stale.json()[u"query"_qs][u"userinfo"_qs][u"id"_qs].toInteger(), 0);
    const QByteArray cookies = reply.header("Set-Cookie");
    QVERIFY2(cookies.contains(QByteArray("oathwikiUserID=" + QByteArray::number(m_alice.id) + ";")),
             cookies.constData());
    QVERIFY2(cookies.contains("oathwikiUserName=Alice;"), cookies.constData());
    QVERIFY(cookies.contains("Max-Age=2592000"));
    QVERIFY(!cookies.contains("oathwikiToken="));
    const Reply info = get(client, u"action=query&meta=userinfo&"_qs + formatParams());
    COMPARE_FIXTURE("userinfo-alice-after-login", info);
    QCOMPARE(info.json()[u"query"_qs][u"userinfo"_qs][u"id"_qs].toInteger(), m_alice.id);
    // Logged in, the csrf token is the session's own.
    const Reply csrf = get(client, u"action=query&meta=tokens&"_qs + formatParams());
    QVERIFY(QRegularExpression(u"^[0-9a-f]{40}\\+\\\\$"_qs)
                .match(csrf.json()[u"query"_qs][u"tokens"_qs][u"csrftoken"_qs].toString())
                .hasMatch());
}

void TestLoginApi::rememberMeSetsLongCookies()
{
    Client client;
    const Reply reply = clientLogin(client, u"Alice"_qs, kAlicePassword, u"&rememberMe=1"_qs);
    QCOMPARE(reply.json()[u"clientlogin"_qs][u"status"_qs].toString(), u"PASS"_qs);
    QVERIFY(differences(u"clientlogin-alice-rememberme-pass"_qs, reply).isEmpty());
    const QByteArray cookies = reply.header("Set-Cookie");
    QVERIFY2(cookies.contains("oathwikiToken="), cookies.constData());
    QVERIFY(cookies.contains("Max-Age=15552000"));
    QVERIFY(!cookies.contains("Max-Age=2592000"));
}

void TestLoginApi::wrongPasswordFails()
{
    const struct
    {
        const char *fixture;
        QString user;
        QString password;
    } cases[] = {
        {"clientlogin-alice-wrong-password-fail", u"Alice"_qs, u"not-her-password"_qs},
        {"clientlogin-bob-wrong-password-fail", u"Bob"_qs, u"not-his-password"_qs},
        {"clientlogin-nosuchuser-fail", u"Nosuchuser"_qs, u"whatever"_qs},
    };
    for (const auto &c : cases) {
        Client client;
        const Reply reply = clientLogin(client, c.user, c.password);
        const QStringList problems = differences(QString::fromLatin1(c.fixture), reply);
        QVERIFY2(problems.isEmpty(),
                 qPrintable(QString::fromLatin1(c.fixture) + u": "_qs + problems.join(u"; "_qs)));
        QVERIFY(!reply.header("Set-Cookie").contains("UserID"));
        const Reply info = get(client, u"action=query&meta=userinfo&"_qs + formatParams());
        QCOMPARE(info.json()[u"query"_qs][u"userinfo"_qs][u"id"_qs].toInt(-1), 0);
    }
}

void TestLoginApi::sixthFailedPasswordIsThrottled()
{
    Client client;
    for (int i = 0; i < 5; ++i) {
        m_clock.advance(10);
        const Reply reply = clientLogin(client, u"Alice"_qs, u"wrong"_qs);
        COMPARE_FIXTURE("clientlogin-alice-wrong-password-fail", reply);
    }
    // The 6th attempt within 300 s is refused even with the right password.
    const Reply throttled = clientLogin(client, u"Alice"_qs, kAlicePassword);
    COMPARE_FIXTURE("clientlogin-throttled-6th-attempt-fail", throttled);
    // Another name is not affected.
    Client other;
    QCOMPARE(clientLogin(other, u"Admin"_qs, u"Admin-pass-2fa-test"_qs)
                 .json()[u"clientlogin"_qs][u"status"_qs]
                 .toString(),
             u"PASS"_qs);
    // When the first failure leaves the window, one more attempt is allowed.
    // Still throttled just before (failures at +10..+50 s, now +309 s).
    m_clock.advance(259);
    COMPARE_FIXTURE("clientlogin-throttled-6th-attempt-fail",
                    clientLogin(client, u"Alice"_qs, kAlicePassword));
    m_clock.advance(2); // +311 s: the failure at +10 s is out of the window
    COMPARE_FIXTURE("clientlogin-alice-pass", clientLogin(client, u"Alice"_qs, kAlicePassword));
}

void TestLoginApi::apiErrors()
{
    Client client;
    const QString token = loginToken(client);
    const QString encodedToken = QString::fromLatin1(QUrl::toPercentEncoding(token));
    const QString common
        = u"action=clientlogin&"_qs + formatParams() + u"&username=Alice&password="_qs + kAlicePassword;

    const Reply badToken
        = post(client, common + u"&loginreturnurl=http%3A%2F%2F127.0.0.1%2F&logintoken=0123%2B%5C"_qs);
    COMPARE_FIXTURE("clientlogin-bad-logintoken-error", badToken);
    QCOMPARE(badToken.header("MediaWiki-API-Error"), QByteArray("badtoken"));

    // Another session's token is a bad token here.
    Client other;
    const QString othersToken = QString::fromLatin1(QUrl::toPercentEncoding(loginToken(other)));
    COMPARE_FIXTURE(
        "clientlogin-bad-logintoken-error",
        post(client, common + u"&loginreturnurl=http%3A%2F%2F127.0.0.1%2F&logintoken="_qs + othersToken));

    const Reply missing = post(client, common + u"&logintoken="_qs + encodedToken);
    COMPARE_FIXTURE("clientlogin-missing-returnurl-error", missing);

    const Reply viaGet
        = get(client, common + u"&loginreturnurl=http%3A%2F%2F127.0.0.1%2F&logintoken="_qs + encodedToken);
    COMPARE_FIXTURE("clientlogin-via-get-error", viaGet);

    // None of these logged anybody in.
    const Reply info = get(client, u"action=query&meta=userinfo&"_qs + formatParams());
    QCOMPARE(info.json()[u"query"_qs][u"userinfo"_qs][u"id"_qs].toInt(-1), 0);
}

void TestLoginApi::bobNeedsTotp()
{
    Client client;
    const Reply step1 = clientLogin(client, u"Bob"_qs, kBobPassword);
    COMPARE_FIXTURE("clientlogin-bob-step1-ui", step1);
    QVERIFY(step1.header("Set-Cookie").isEmpty());
    // Not logged in yet.
    QCOMPARE(get(client, u"action=query&meta=userinfo&"_qs + formatParams())
                 .json()[u"query"_qs][u"userinfo"_qs][u"id"_qs]
                 .toInt(-1),
             0);
    const QString token = loginToken(client);
    const Reply step2 = continueWith(client, token, totpCode(m_clock.nowSeconds()));
    COMPARE_FIXTURE("clientlogin-bob-step2-pass", step2);
    QVERIFY(step2.header("Set-Cookie").contains("oathwikiUserName=Bob;"));
    COMPARE_FIXTURE("userinfo-bob-after-login",
                    get(client, u"action=query&meta=userinfo&"_qs + formatParams()));
}

void TestLoginApi::wrongTotpThenRightCode()
{
    Client client;
    COMPARE_FIXTURE("clientlogin-bob-retry-step1-ui", clientLogin(client, u"Bob"_qs, kBobPassword));
    const QString token = loginToken(client);
    const QString right = totpCode(m_clock.nowSeconds());
    const QString wrong = right == u"000000"_qs ? u"111111"_qs : u"000000"_qs;
    COMPARE_FIXTURE("clientlogin-bob-step2-wrong-totp-ui", continueWith(client, token, wrong));
    // The login is still pending: the right code passes.
    COMPARE_FIXTURE("clientlogin-bob-step3-after-wrong-totp-pass", continueWith(client, token, right));
    // The login renewed the session, and its login token went with it (MediaWiki: badtoken).
    COMPARE_FIXTURE("clientlogin-bad-logintoken-error", continueWith(client, token, right));

    // A second login a step later: a recovery code is not accepted (as in the recorded
    // OATHAuth build), nor a code 5 steps away (outside the window of 4); then a valid one.
    m_clock.advance(30);
    Client second;
    COMPARE_FIXTURE("clientlogin-bob-step1-ui", clientLogin(second, u"Bob"_qs, kBobPassword));
    const QString token2 = loginToken(second);
    COMPARE_FIXTURE("clientlogin-bob-step3-recovery-code-rejected-ui",
                    continueWith(second, token2, u"BOBRECOVERYAAAAA"_qs));
    COMPARE_FIXTURE("clientlogin-bob-step2-wrong-totp-ui",
                    continueWith(second, token2, totpCode(m_clock.nowSeconds() + 5 * 30)));
    COMPARE_FIXTURE("clientlogin-bob-step4-after-two-failures-pass",
                    continueWith(second, token2, totpCode(m_clock.nowSeconds())));
}

void TestLoginApi::replayedStepIsRefused()
{
    Client first;
    clientLogin(first, u"Bob"_qs, kBobPassword);
    const QString code = totpCode(m_clock.nowSeconds());
    COMPARE_FIXTURE("clientlogin-bob-step2-pass", continueWith(first, loginToken(first), code));

    // Same 30 s step, another session: the same code is a replay, and so is an older step's.
    Client second;
    COMPARE_FIXTURE("clientlogin-bob-replay-step1-ui", clientLogin(second, u"Bob"_qs, kBobPassword));
    const QString token = loginToken(second);
    COMPARE_FIXTURE("clientlogin-bob-step2-replayed-totp-ui", continueWith(second, token, code));
    COMPARE_FIXTURE("clientlogin-bob-step2-replayed-totp-ui",
                    continueWith(second, token, totpCode(m_clock.nowSeconds() - 30)));
    // The next step's code (inside the window) is newer and passes.
    COMPARE_FIXTURE("clientlogin-bob-step2-pass",
                    continueWith(second, token, totpCode(m_clock.nowSeconds() + 30)));
}

void TestLoginApi::totpIsThrottledAfterTenFailures()
{
    Client client;
    clientLogin(client, u"Bob"_qs, kBobPassword);
    const QString token = loginToken(client);
    const QString right = totpCode(m_clock.nowSeconds());
    const QString wrong = right == u"000000"_qs ? u"111111"_qs : u"000000"_qs;
    for (int i = 0; i < 10; ++i) {
        m_clock.advance(1);
        COMPARE_FIXTURE("clientlogin-bob-step2-wrong-totp-ui", continueWith(client, token, wrong));
    }
    // The 11th code within 60 s is not checked, even when right.
    COMPARE_FIXTURE("clientlogin-bob-totp-throttled-ui",
                    continueWith(client, token, totpCode(m_clock.nowSeconds())));
    // Once the first failure is more than 60 s old, a valid code passes again.
    m_clock.advance(60 - 9);
    COMPARE_FIXTURE("clientlogin-bob-step2-pass",
                    continueWith(client, token, totpCode(m_clock.nowSeconds())));
}

void TestLoginApi::continueWithoutPendingLogin()
{
    Client client;
    const QString token = loginToken(client);
    const Reply reply = continueWith(client, token, totpCode(m_clock.nowSeconds()));
    COMPARE_FIXTURE("clientlogin-continue-without-pending-login", reply);
    // After a finished login, continuing is not in progress either.
    clientLogin(client, u"Alice"_qs, kAlicePassword);
    COMPARE_FIXTURE("clientlogin-continue-without-pending-login",
                    continueWith(client, loginToken(client), totpCode(m_clock.nowSeconds())));
}

void TestLoginApi::logoutEndsTheSession()
{
    Client client;
    QCOMPARE(
        clientLogin(client, u"Alice"_qs, kAlicePassword).json()[u"clientlogin"_qs][u"status"_qs].toString(),
        u"PASS"_qs);
    const Reply tokens = get(client, u"action=query&meta=tokens&format=json"_qs);
    const QString csrf = tokens.json()[u"query"_qs][u"tokens"_qs][u"csrftoken"_qs].toString();
    QVERIFY(csrf.size() == 42);

    const Reply viaGet = get(
        client, u"action=logout&format=json&token="_qs + QString::fromLatin1(QUrl::toPercentEncoding(csrf)));
    QCOMPARE(viaGet.json()[u"error"_qs][u"code"_qs].toString(), u"mustpostparams"_qs);
    const Reply anonToken = post(client, u"action=logout&format=json&token=%2B%5C"_qs);
    QCOMPARE(anonToken.json()[u"error"_qs][u"code"_qs].toString(), u"badtoken"_qs);
    QCOMPARE(get(client, u"action=query&meta=userinfo&format=json"_qs)
                 .json()[u"query"_qs][u"userinfo"_qs][u"id"_qs]
                 .toInteger(),
             m_alice.id);

    const QByteArray session = client.session;
    const Reply out = post(
        client, u"action=logout&format=json&token="_qs + QString::fromLatin1(QUrl::toPercentEncoding(csrf)));
    QCOMPARE(out.status, 200);
    QCOMPARE(out.json(), QJsonObject());
    QVERIFY(out.header("Set-Cookie").contains("oathwikiUserID=deleted"));
    Client old {session, {}};
    const QJsonObject info = get(old, u"action=query&meta=userinfo&format=json"_qs)
                                 .json()[u"query"_qs][u"userinfo"_qs]
                                 .toObject();
    QCOMPARE(info[u"id"_qs].toInt(-1), 0);
    QVERIFY(info.contains(u"anon"_qs));
}

void TestLoginApi::refusedRequests()
{
    Client client;
    const QString token = QString::fromLatin1(QUrl::toPercentEncoding(loginToken(client)));
    const struct
    {
        bool posted;
        QString params;
        QString code;
        QString infoPart;
    } cases[] = {
        // As the real wiki answers: a missing or empty token is missingparam, also for a GET
        // (whose "mustbeposted" comes after the token checks and is never reached).
        {false, u"action=clientlogin&format=json&loginreturnurl=x"_qs, u"missingparam"_qs,
         u"\"logintoken\""_qs},
        {false, u"action=clientlogin&format=json&loginreturnurl=x&logintoken="_qs, u"missingparam"_qs,
         u"\"logintoken\""_qs},
        {true, u"action=clientlogin&format=json&loginreturnurl=x"_qs, u"missingparam"_qs,
         u"\"logintoken\""_qs},
        {true, u"action=clientlogin&format=json&loginreturnurl=x&logintoken="_qs, u"missingparam"_qs,
         u"\"logintoken\""_qs},
        {true, u"action=clientlogin&format=json&loginreturnurl=x&logintoken=0123%2B%5C"_qs, u"badtoken"_qs,
         u"Invalid CSRF"_qs},
        {false, u"action=clientlogin&format=json&loginreturnurl=x&logintoken=0123%2B%5C"_qs,
         u"mustpostparams"_qs, u"logintoken"_qs},
        {false, u"action=query&format=json&meta=allmessages|tokens"_qs, u"badvalue"_qs, u"allmessages"_qs},
        {false, u"action=query&format=json&meta=tokens&type=patrol"_qs, u"badvalue"_qs, u"patrol"_qs},
        {false, u"action=query&format=json&meta=authmanagerinfo&amirequestsfor=create"_qs, u"badvalue"_qs,
         u"amirequestsfor"_qs},
        {true, u"action=logout&format=json"_qs, u"missingparam"_qs, u"\"token\""_qs},
    };
    for (const auto &c : cases) {
        const Reply reply = c.posted ? post(client, c.params) : get(client, c.params);
        const QJsonObject error = reply.json()[u"error"_qs].toObject();
        QCOMPARE(error[u"code"_qs].toString(), c.code);
        QVERIFY2(error[u"info"_qs].toString().contains(c.infoPart), qPrintable(error[u"info"_qs].toString()));
        QCOMPARE(reply.header("MediaWiki-API-Error"), c.code.toLatin1());
    }
    // Unknown parameters of a started login are reported, the login still works.
    const Reply extra = clientLogin(client, u"Alice"_qs, kAlicePassword, u"&bogus=1"_qs);
    QCOMPARE(extra.json()[u"clientlogin"_qs][u"status"_qs].toString(), u"PASS"_qs);
    QCOMPARE(extra.json()[u"warnings"_qs][u"main"_qs][u"*"_qs].toString(),
             u"Unrecognized parameter: bogus."_qs);
    // Several are listed in the order sent (POST body first, then the query string), not sorted.
    Client other;
    const Reply several = clientLogin(other, u"Alice"_qs, kAlicePassword, u"&zeta=1&alpha=2&mid=3"_qs);
    QCOMPARE(several.json()[u"warnings"_qs][u"main"_qs][u"*"_qs].toString(),
             u"Unrecognized parameters: zeta, alpha, mid."_qs);
}

void TestLoginApi::shapeComparisonFindsDifferences()
{
    const QJsonObject expected {
        {u"status"_qs, u"UI"_qs},
        {u"id"_qs, 4},
        {u"flag"_qs, true},
        {u"logintoken"_qs, u"abc+\\"_qs},
        {u"list"_qs, QJsonArray {QJsonObject {{u"a"_qs, u"x"_qs}}}},
    };
    ShapeOptions options;
    QVERIFY(shapeDifferences(expected, expected, options).isEmpty());
    QJsonObject sameShape = expected;
    sameShape[u"id"_qs] = 7; // numbers compare by type
    sameShape[u"logintoken"_qs] = u"def+\\"_qs; // tokens compare by type
    QVERIFY(shapeDifferences(expected, sameShape, options).isEmpty());

    const QList<std::pair<QString, QJsonValue>> changes {
        {u"status"_qs, u"PASS"_qs},
        {u"id"_qs, u"4"_qs},
        {u"flag"_qs, false},
        {u"flag"_qs, u""_qs},
        {u"list"_qs, QJsonArray {QJsonObject {{u"a"_qs, u"y"_qs}}}},
        {u"list"_qs, QJsonArray {QJsonObject {{u"b"_qs, u"x"_qs}}}},
        {u"list"_qs, QJsonArray {}},
        {u"extra"_qs, 1},
    };
    for (const auto &[key, value] : changes) {
        QJsonObject changed = expected;
        changed[key] = value;
        QVERIFY2(!shapeDifferences(expected, changed, options).isEmpty(), qPrintable(key));
    }
    QJsonObject missing = expected;
    missing.remove(u"flag"_qs);
    QVERIFY(!shapeDifferences(expected, missing, options).isEmpty());
}

void TestLoginApi::siteInfo()
{
    // What a client reads to find api.php, rest.php and index.php and to tell that the wiki
    // has Extension:OAuth (member names as MediaWiki 1.39's ApiQuerySiteinfo).
    Client client;
    const Reply reply = get(client, u"action=query&meta=siteinfo&siprop=general|extensions&format=json"_qs);
    QCOMPARE(reply.status, 200);
    const QJsonObject query = reply.json().value(u"query"_qs).toObject();
    const QJsonObject general = query.value(u"general"_qs).toObject();
    const QString base = m_server->baseUrl().toString();
    QCOMPARE(general.value(u"server"_qs).toString(), base);
    QCOMPARE(general.value(u"servername"_qs).toString(), u"127.0.0.1"_qs);
    QCOMPARE(general.value(u"scriptpath"_qs).toString(), m_server->scriptPath());
    QCOMPARE(general.value(u"script"_qs).toString(), m_server->scriptPath() + u"/index.php"_qs);
    QCOMPARE(general.value(u"wikiid"_qs).toString(), m_server->wikiId());
    QVERIFY(general.value(u"generator"_qs).toString().startsWith(u"MediaWiki 1.39"_qs));
    QCOMPARE(general.value(u"base"_qs).toString(),
             base + m_server->scriptPath() + u"/index.php?title=Main_Page"_qs);
    QCOMPARE(QDateTime::fromString(general.value(u"time"_qs).toString(), Qt::ISODate).toSecsSinceEpoch(),
             static_cast<qint64>(m_clock.nowSeconds()));
    QStringList names;
    for (const QJsonValue extension : query.value(u"extensions"_qs).toArray())
        names.append(extension.toObject().value(u"name"_qs).toString());
    QCOMPARE(names, QStringList({u"OAuth"_qs, u"OATHAuth"_qs, u"WebAuthn"_qs}));

    // siprop defaults to general; an unknown property is MediaWiki's badvalue.
    const Reply plain = get(client, u"action=query&meta=siteinfo&format=json"_qs);
    QVERIFY(plain.json().value(u"query"_qs).toObject().contains(u"general"_qs));
    QVERIFY(!plain.json().value(u"query"_qs).toObject().contains(u"extensions"_qs));
    const Reply bad = get(client, u"action=query&meta=siteinfo&siprop=general|nonsense&format=json"_qs);
    QCOMPARE(bad.json().value(u"error"_qs).toObject().value(u"code"_qs).toString(), u"badvalue"_qs);
    QCOMPARE(bad.header("MediaWiki-API-Error"), QByteArray("badvalue"));
}

QTEST_GUILESS_MAIN(TestLoginApi)
#include "TestLoginApi.moc"
