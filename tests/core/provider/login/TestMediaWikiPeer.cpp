// The same action=clientlogin conversations against the real MediaWiki 1.39 + OATHAuth
// (peers/mediawiki/start.sh, started and stopped here on a free loopback port, with the
// wiki's default throttles) and against our provider (ProviderServer + LoginApi with the
// same users), at the real current time. Both must answer with the same statuses, message
// codes, request ids, API error codes and texts, and warnings; the real wiki's answers must
// be the ones documented in peers/mediawiki/README.md. Each scenario has users of its own
// on both peers, so throttles and the TOTP replay guard of one do not reach another.

#include "LoginTestProvider.h"
#include "common/Clock.h"
#include "common/Random.h"
#include "otp/Base32.h"
#include "otp/Otp.h"
#include "provider/accounts/UserStore.h"
#include "provider/server/ProviderServer.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkCookie>
#include <QNetworkCookieJar>
#include <QNetworkReply>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>

using namespace mwauth;
using namespace mwauth::provider;
using mwauth::provider::testing::LoginTestProvider;

namespace {
const QString kBobSecret = QStringLiteral("MJXWELLUN52HALLUMVZXILLTMVRXEZLU");
const QString kAlicePassword = QStringLiteral("Alice-pass-2fa-test");
const QString kBobPassword = QStringLiteral("Bob-pass-2fa-test");
const QString kTotpRequestId
    = QStringLiteral("MediaWiki\\Extension\\OATHAuth\\Auth\\TOTPAuthenticationRequest");
const QString kWrongPassword = QStringLiteral("not-the-password");
constexpr int kStartTimeoutMs = 300000;
constexpr int kMaintenanceTimeoutMs = 60000;

// What one answer (or one observation a scenario makes) is compared on.
struct Step
{
    // clientlogin status, "error:<code>" for an API error, "userinfo" for meta=userinfo, or
    // the name of a scenario's own observation ("new token")
    QString status;
    QString messageCode; // clientlogin messagecode; the user name for "userinfo"; the observation
    QStringList requestIds;
    QString info = {}; // an API error's text
    QString warnings = {}; // "<module>: <text>" per warning module, "; "-joined
    QString cookies = {}; // after a login: the cookie jar's names and lifetimes
    QString message = {}; // clientlogin message, where a scenario compares it (withMessage)

    bool operator==(const Step &other) const = default;
    QString describe() const
    {
        QString text = status + u' ' + (messageCode.isEmpty() ? u"-"_qs : messageCode) + u" ["_qs
            + requestIds.join(u',') + u']';
        if (!info.isEmpty())
            text += u" info=\""_qs + info + u'"';
        if (!warnings.isEmpty())
            text += u" warnings=\""_qs + warnings + u'"';
        if (!cookies.isEmpty())
            text += u" cookies=\""_qs + cookies + u'"';
        if (!message.isEmpty())
            text += u" message=\""_qs + message + u'"';
        return text;
    }
};

QString describe(const QList<Step> &steps)
{
    QStringList lines;
    for (qsizetype i = 0; i < steps.size(); ++i)
        lines.append(QString::number(i + 1) + u": "_qs + steps.at(i).describe());
    return lines.join(u"\n  "_qs);
}

QString bobCode(double at)
{
    otp::TotpParameters params;
    params.secret = *otp::Base32::decode(kBobSecret.toLatin1());
    return *otp::totp(params, at);
}

// A six-digit code that is valid for no step within +-6 of `at` (the wiki accepts +-4).
QString wrongBobCode(double at)
{
    QStringList valid;
    for (int step = -6; step <= 6; ++step)
        valid.append(bobCode(at + step * 30.0));
    for (int n = 0;; ++n) {
        const QString candidate = QStringLiteral("%1").arg(n, 6, 10, QLatin1Char('0'));
        if (!valid.contains(candidate))
            return candidate;
    }
}

QString encode(const QString &value)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(value));
}

Step stepOf(const QJsonObject &answer)
{
    const QJsonObject login = answer[u"clientlogin"_qs].toObject();
    Step step {login[u"status"_qs].toString(), login[u"messagecode"_qs].toString(), {}};
    const QJsonArray requests = login[u"requests"_qs].toArray();
    for (const QJsonValue &request : requests)
        step.requestIds.append(request[u"id"_qs].toString());
    if (step.status.isEmpty()) { // an API error instead of a clientlogin answer
        step.status = u"error:"_qs + answer[u"error"_qs][u"code"_qs].toString();
        step.info = answer[u"error"_qs][u"info"_qs].toString();
    }
    QStringList warnings;
    const QJsonObject modules = answer[u"warnings"_qs].toObject();
    for (auto it = modules.begin(); it != modules.end(); ++it)
        warnings.append(it.key() + u": "_qs + it.value()[u"*"_qs].toString());
    step.warnings = warnings.join(u"; "_qs);
    return step;
}

// stepOf with the clientlogin message, for scenarios that compare the text as well.
Step withMessage(const QJsonObject &answer)
{
    Step step = stepOf(answer);
    step.message = answer[u"clientlogin"_qs][u"message"_qs].toString();
    return step;
}

// Our documented additions to meta=authmanagerinfo (LoginApi.h); MediaWiki has neither.
const QStringList kOurAuthManagerInfoKeys {QStringLiteral("x-mwauth-elevatedsecurityexpiry"),
                                           QStringLiteral("x-mwauth-elevatedsecurityremaining")};

// meta=authmanagerinfo as a step: "authmanagerinfo", the securitysensitiveoperationstatus,
// and in `info` its keys, sorted, without our additions; those go to `additions`.
Step authManagerInfoStep(const QJsonObject &answer, QJsonObject &additions)
{
    const QJsonObject info = answer[u"query"_qs][u"authmanagerinfo"_qs].toObject();
    QStringList keys;
    for (auto it = info.begin(); it != info.end(); ++it) {
        if (kOurAuthManagerInfoKeys.contains(it.key()))
            additions.insert(it.key(), it.value());
        else
            keys.append(it.key());
    }
    keys.sort();
    Step step = stepOf(answer);
    step.status = u"authmanagerinfo"_qs;
    step.messageCode = info[u"securitysensitiveoperationstatus"_qs].toString();
    step.info = keys.join(u',');
    return step;
}

// One browser-like conversation: a cookie jar of its own, form posts to api.php.
class Conversation
{
public:
    explicit Conversation(const QUrl &base)
        : m_base(base)
    {
        m_nam.setCookieJar(new QNetworkCookieJar(&m_nam));
    }

    QJsonObject get(const QString &query) { return send(query, QByteArray(), false); }
    QJsonObject post(const QString &body, const QString &query = QString())
    {
        return send(query, body.toUtf8(), true);
    }

    QString loginToken()
    {
        return get(u"action=query&meta=tokens&type=login&format=json"_qs)[u"query"_qs][u"tokens"_qs]
                                                                         [u"logintoken"_qs]
                                                                             .toString();
    }

    // The first clientlogin request's parameters, without the token.
    QString loginParams(const QString &user, const QString &password) const
    {
        return u"action=clientlogin&format=json&username="_qs + encode(user) + u"&password="_qs
            + encode(password) + u"&loginreturnurl="_qs + encode(m_base.toString() + u'/');
    }

    QJsonObject login(const QString &user, const QString &password, const QString &token,
                      const QString &extra = QString())
    {
        return post(loginParams(user, password) + u"&logintoken="_qs + encode(token) + extra);
    }

    QJsonObject continueWith(const QString &code, const QString &token)
    {
        return post(u"action=clientlogin&format=json&logincontinue=1&OATHToken="_qs + encode(code)
                    + u"&logintoken="_qs + encode(token));
    }

    Step userInfo()
    {
        const QJsonObject answer = get(u"action=query&meta=userinfo&format=json"_qs);
        return {u"userinfo"_qs, answer[u"query"_qs][u"userinfo"_qs][u"name"_qs].toString(), {}};
    }

    // "<name> <lifetime>" per cookie the jar would send, sorted: "session" for a session
    // cookie, "<n>d" (rounded days from now) for a persistent one.
    QString cookieSummary() const
    {
        const QList<QNetworkCookie> cookies = m_nam.cookieJar()->cookiesForUrl(m_base);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QStringList lines;
        for (const QNetworkCookie &cookie : cookies) {
            const QString lifetime = cookie.isSessionCookie()
                ? u"session"_qs
                : QString::number(qRound(double(now.secsTo(cookie.expirationDate())) / 86400.0)) + u'd';
            lines.append(QString::fromUtf8(cookie.name()) + u' ' + lifetime);
        }
        lines.sort();
        return lines.join(u", "_qs);
    }

    QString lastError() const { return m_lastError; }

private:
    QJsonObject send(const QString &query, const QByteArray &body, bool isPost)
    {
        QUrl url(m_base.toString() + u"/api.php"_qs);
        if (!query.isEmpty())
            url.setQuery(query);
        QNetworkRequest request(url);
        QNetworkReply *reply = nullptr;
        if (isPost) {
            request.setHeader(QNetworkRequest::ContentTypeHeader, "application/x-www-form-urlencoded");
            reply = m_nam.post(request, body);
        } else {
            reply = m_nam.get(request);
        }
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!reply->isFinished() && !finished.wait(30000))
            m_lastError = u"no answer from "_qs + url.toString();
        else if (reply->error() != QNetworkReply::NoError)
            m_lastError = reply->errorString();
        const QJsonObject json = QJsonDocument::fromJson(reply->readAll()).object();
        reply->deleteLater();
        return json;
    }

    QUrl m_base;
    QNetworkAccessManager m_nam;
    QString m_lastError;
};

// The sequence MediaWiki answered in peers/mediawiki/README.md ("Observed outcomes").
QList<Step> documentedSteps()
{
    return {
        {u"PASS"_qs, {}, {}},
        {u"FAIL"_qs, u"wrongpassword"_qs, {}},
        {u"UI"_qs, u"oathauth-auth-ui"_qs, {kTotpRequestId}},
        {u"UI"_qs, u"oathauth-login-failed"_qs, {kTotpRequestId}},
        {u"PASS"_qs, {}, {}},
        {u"FAIL"_qs,
         u"authmanager-authn-not-in-progress"_qs,
         {},
         {},
         u"main: Unrecognized parameter: OATHToken."_qs},
    };
}

using Scenario = std::function<QList<Step>(const QUrl &base)>;
} // namespace

class TestMediaWikiPeer : public QObject
{
    Q_OBJECT

private:
    QProcessEnvironment wikiEnvironment() const;
    QString runScript(const QString &script, bool &ok) const;
    // Runs a maintenance script of the wiki; its output when it fails, else empty.
    QString runMaintenance(const QStringList &arguments) const;
    // Makes the same user on both peers, with Bob's TOTP seed when `totp`; an error or empty.
    QString addUser(const QString &name, const QString &password, bool totp);
    QUrl wikiBase() const { return QUrl(u"http://127.0.0.1:"_qs + QString::number(m_wikiPort)); }
    // Runs `scenario` on the wiki and on the provider: the wiki must answer `wanted`, the
    // provider what the wiki answered.
    void compareOnBoth(const Scenario &scenario, const QList<Step> &wanted);
    QList<Step> runConversation(const QUrl &base);
    bool portOpen() const;

    QTemporaryDir m_wikiDir;
    int m_wikiPort = 0;
    bool m_wikiStarted = false;
    QMap<QString, QList<Step>> m_transcripts;

    SystemClock m_clock;
    SystemRandom m_random;
    std::unique_ptr<LoginTestProvider> m_provider;
    UserStore *m_users = nullptr; // m_provider's
    ProviderServer *m_server = nullptr; // m_provider's

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void conversationIsTheDocumentedOne_data();
    void conversationIsTheDocumentedOne();
    void bothPeersAnswerAlike();

    void oldLoginTokenIsBadAfterLogin();
    void sixthAttemptAfterFiveWrongPasswordsIsThrottled();
    void totpCodeWorksOnce();
    void emptyOathTokenIsAFailedVerification();
    void rememberMeMakesLongerCookies();
    void refusedRequests();
    void unknownParametersAreWarnedAbout();
    void passwordAttemptsOfATotpUserAreThrottled();
    void missingOrEmptyTokenIsMissingParam();
    void unknownParametersAreListedInTheOrderSent();
    void emptyCredentialsHaveNoPrimaryProvider();
    void securitySensitiveOperationStatus();
};

QProcessEnvironment TestMediaWikiPeer::wikiEnvironment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"MW_PORT"_qs, QString::number(m_wikiPort));
    env.insert(u"MW_DIR"_qs, m_wikiDir.filePath(u"wiki"_qs));
    // The wiki's own throttles stay on (MediaWiki's defaults: 5 password attempts per name
    // and IP in 300 s, 150 in 48 h; OATHAuth's 10 codes per user in 60 s).
    env.remove(u"MW_NO_THROTTLE"_qs);
    return env;
}

QString TestMediaWikiPeer::runScript(const QString &script, bool &ok) const
{
    QProcess process;
    process.setProcessEnvironment(wikiEnvironment());
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(u"bash"_qs, {QStringLiteral(MWAUTH_SHARED_DIR "/peers/mediawiki/") + script});
    const bool finished = process.waitForFinished(kStartTimeoutMs);
    if (!finished)
        process.kill();
    process.waitForFinished(5000);
    ok = finished && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
    QString output = QString::fromUtf8(process.readAll());
    if (!finished)
        output += u"\n(" + script + u" did not finish within "_qs + QString::number(kStartTimeoutMs / 1000)
            + u" s)"_qs;
    return output;
}

QString TestMediaWikiPeer::runMaintenance(const QStringList &arguments) const
{
    // The variables start.sh uses to point the Debian MediaWiki code at this wiki's config.
    QProcessEnvironment env = wikiEnvironment();
    env.insert(u"MW_INSTALL_PATH"_qs, u"/usr/share/mediawiki"_qs);
    env.insert(u"MW_CONFIG_FILE"_qs, m_wikiDir.filePath(u"wiki/LocalSettings.php"_qs));
    QProcess process;
    process.setProcessEnvironment(env);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(u"php"_qs, arguments);
    const bool finished = process.waitForFinished(kMaintenanceTimeoutMs);
    if (!finished)
        process.kill();
    process.waitForFinished(5000);
    const QString output = QString::fromUtf8(process.readAll());
    if (finished && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0)
        return {};
    return u"php "_qs + arguments.join(u' ') + u" failed:\n"_qs + output;
}

QString TestMediaWikiPeer::addUser(const QString &name, const QString &password, bool totp)
{
    // start.sh's own ways: createAndPromote.php, and its setTOTP.php (OATHAuth's repository).
    QString error = runMaintenance(
        {u"/usr/share/mediawiki/maintenance/createAndPromote.php"_qs, u"--force"_qs, name, password});
    if (error.isEmpty() && totp)
        error = runMaintenance({m_wikiDir.filePath(u"wiki/setTOTP.php"_qs), name, kBobSecret});
    if (!error.isEmpty())
        return error;
    const Result<User> user = m_users->createUser(name, password);
    if (!user)
        return user.error().toString();
    if (totp) {
        const QJsonObject record {{u"keys"_qs, QJsonArray {QJsonObject {{u"secret"_qs, kBobSecret}}}}};
        if (const auto added = m_users->addTwoFactor(user->id, u"totp"_qs, record); !added)
            return added.error().toString();
    }
    return {};
}

void TestMediaWikiPeer::compareOnBoth(const Scenario &scenario, const QList<Step> &wanted)
{
    const QList<Step> wiki = scenario(wikiBase());
    const QList<Step> ours = scenario(m_server->baseUrl());
    QVERIFY2(
        wiki == wanted,
        qPrintable(u"MediaWiki answered:\n  "_qs + describe(wiki) + u"\nwanted:\n  "_qs + describe(wanted)));
    QVERIFY2(ours == wiki,
             qPrintable(u"the provider answered:\n  "_qs + describe(ours) + u"\nMediaWiki answered:\n  "_qs
                        + describe(wiki)));
}

bool TestMediaWikiPeer::portOpen() const
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, static_cast<quint16>(m_wikiPort));
    return socket.waitForConnected(2000);
}

void TestMediaWikiPeer::initTestCase()
{
    QVERIFY(m_wikiDir.isValid());
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        m_wikiPort = probe.serverPort();
    }
    bool ok = false;
    const QString output = runScript(u"start.sh"_qs, ok);
    m_wikiStarted = true; // stop.sh is harmless if nothing was started
    QVERIFY2(ok, qPrintable(u"start.sh failed:\n"_qs + output));

    m_provider = std::make_unique<LoginTestProvider>(m_clock, m_random);
    QCOMPARE(m_provider->open(), QString());
    m_users = m_provider->users();
    auto alice = m_users->createUser(u"Alice"_qs, kAlicePassword);
    auto bob = m_users->createUser(u"Bob"_qs, kBobPassword);
    QVERIFY(alice.ok() && bob.ok());
    const QJsonObject totp {{u"keys"_qs, QJsonArray {QJsonObject {{u"secret"_qs, kBobSecret}}}}};
    QVERIFY(m_users->addTwoFactor(bob->id, u"totp"_qs, totp).ok());
    QCOMPARE(m_provider->start(), QString());
    m_server = m_provider->server();
}

void TestMediaWikiPeer::cleanupTestCase()
{
    m_server = nullptr;
    m_users = nullptr;
    m_provider.reset();
    if (!m_wikiStarted)
        return;
    bool ok = false;
    const QString output = runScript(u"stop.sh"_qs, ok);
    QVERIFY2(ok, qPrintable(u"stop.sh failed:\n"_qs + output));
    QVERIFY2(!QFile::exists(m_wikiDir.filePath(u"wiki/server.pid"_qs)), qPrintable(output));
    QVERIFY2(!portOpen(), qPrintable(u"the wiki still answers on its port after stop.sh:\n"_qs + output));
}

QList<Step> TestMediaWikiPeer::runConversation(const QUrl &base)
{
    QList<Step> steps;
    {
        Conversation alice(base);
        steps.append(stepOf(alice.login(u"Alice"_qs, kAlicePassword, alice.loginToken())));
        Conversation wrong(base);
        steps.append(stepOf(wrong.login(u"Alice"_qs, kWrongPassword, wrong.loginToken())));
    }
    {
        Conversation bob(base);
        const QString token = bob.loginToken();
        steps.append(stepOf(bob.login(u"Bob"_qs, kBobPassword, token)));
        steps.append(stepOf(bob.continueWith(wrongBobCode(m_clock.nowSeconds()), token)));
        // One accepted code per peer and run: the wiki's replay guard was cleared by start.sh.
        steps.append(stepOf(bob.continueWith(bobCode(m_clock.nowSeconds()), token)));
        if (!bob.lastError().isEmpty())
            qWarning("%s", qPrintable(bob.lastError()));
    }
    {
        Conversation idle(base);
        steps.append(stepOf(idle.continueWith(bobCode(m_clock.nowSeconds()), idle.loginToken())));
    }
    return steps;
}

void TestMediaWikiPeer::conversationIsTheDocumentedOne_data()
{
    QTest::addColumn<bool>("realWiki");
    QTest::newRow("mediawiki") << true;
    QTest::newRow("provider") << false;
}

void TestMediaWikiPeer::conversationIsTheDocumentedOne()
{
    QFETCH(bool, realWiki);
    const QUrl base = realWiki ? wikiBase() : m_server->baseUrl();
    const QList<Step> steps = runConversation(base);
    m_transcripts.insert(QString::fromLatin1(QTest::currentDataTag()), steps);
    QVERIFY2(
        steps == documentedSteps(),
        qPrintable(u"got:\n  "_qs + describe(steps) + u"\nwanted:\n  "_qs + describe(documentedSteps())));
}

void TestMediaWikiPeer::bothPeersAnswerAlike()
{
    QVERIFY(m_transcripts.contains(u"mediawiki"_qs));
    QVERIFY(m_transcripts.contains(u"provider"_qs));
    const QList<Step> wiki = m_transcripts.value(u"mediawiki"_qs);
    const QList<Step> ours = m_transcripts.value(u"provider"_qs);
    QCOMPARE(ours.size(), wiki.size());
    for (qsizetype i = 0; i < wiki.size(); ++i)
        QVERIFY2(ours.at(i) == wiki.at(i),
                 qPrintable(QStringLiteral("step %1: MediaWiki %2, provider %3")
                                .arg(i + 1)
                                .arg(wiki.at(i).describe(), ours.at(i).describe())));
}

// A login renews the session: the login token from before it is refused afterwards, a new
// one works.
void TestMediaWikiPeer::oldLoginTokenIsBadAfterLogin()
{
    const QString user = u"AliceRenew"_qs;
    QCOMPARE(addUser(user, kAlicePassword, false), QString());
    compareOnBoth(
        [&](const QUrl &base) {
            Conversation conversation(base);
            const QString oldToken = conversation.loginToken();
            QList<Step> steps {stepOf(conversation.login(user, kAlicePassword, oldToken))};
            steps.append(conversation.userInfo());
            steps.append(stepOf(conversation.login(user, kAlicePassword, oldToken)));
            const QString newToken = conversation.loginToken();
            steps.append(Step {u"new token"_qs, newToken != oldToken ? u"differs"_qs : u"same"_qs, {}});
            steps.append(stepOf(conversation.login(user, kAlicePassword, newToken)));
            return steps;
        },
        {
            {u"PASS"_qs, {}, {}},
            {u"userinfo"_qs, user, {}},
            {u"error:badtoken"_qs, {}, {}, u"Invalid CSRF token."_qs},
            {u"new token"_qs, u"differs"_qs, {}},
            {u"PASS"_qs, {}, {}},
        });
}

// $wgPasswordAttemptThrottle's first limit: after 5 failed attempts for a name within 300 s
// the 6th is refused before the password is looked at, in any session.
void TestMediaWikiPeer::sixthAttemptAfterFiveWrongPasswordsIsThrottled()
{
    const QString user = u"AliceThrottle"_qs;
    QCOMPARE(addUser(user, kAlicePassword, false), QString());
    QList<Step> wanted(5, Step {u"FAIL"_qs, u"wrongpassword"_qs, {}});
    wanted.append(Step {u"FAIL"_qs, u"login-throttled"_qs, {}});
    wanted.append(Step {u"FAIL"_qs, u"login-throttled"_qs, {}});
    compareOnBoth(
        [&](const QUrl &base) {
            QList<Step> steps;
            Conversation conversation(base);
            const QString token = conversation.loginToken();
            for (int i = 0; i < 5; ++i)
                steps.append(stepOf(conversation.login(user, kWrongPassword, token)));
            steps.append(stepOf(conversation.login(user, kAlicePassword, token)));
            Conversation other(base);
            steps.append(stepOf(other.login(user, kAlicePassword, other.loginToken())));
            return steps;
        },
        wanted);
}

// OATHAuth's replay guard: the code that logged in once is refused on the next login (within
// the same 30 s step); the next step's code works.
void TestMediaWikiPeer::totpCodeWorksOnce()
{
    const QString user = u"BobReuse"_qs;
    QCOMPARE(addUser(user, kBobPassword, true), QString());
    compareOnBoth(
        [&](const QUrl &base) {
            const double now = m_clock.nowSeconds();
            const QString code = bobCode(now);
            QList<Step> steps;
            Conversation first(base);
            const QString firstToken = first.loginToken();
            steps.append(stepOf(first.login(user, kBobPassword, firstToken)));
            steps.append(stepOf(first.continueWith(code, firstToken)));
            Conversation second(base);
            const QString secondToken = second.loginToken();
            steps.append(stepOf(second.login(user, kBobPassword, secondToken)));
            steps.append(stepOf(second.continueWith(code, secondToken)));
            steps.append(stepOf(second.continueWith(bobCode(now + 30), secondToken)));
            steps.append(second.userInfo());
            return steps;
        },
        {
            {u"UI"_qs, u"oathauth-auth-ui"_qs, {kTotpRequestId}},
            {u"PASS"_qs, {}, {}},
            {u"UI"_qs, u"oathauth-auth-ui"_qs, {kTotpRequestId}},
            {u"UI"_qs, u"oathauth-login-failed"_qs, {kTotpRequestId}},
            {u"PASS"_qs, {}, {}},
            {u"userinfo"_qs, user, {}},
        });
}

// logincontinue with OATHToken empty or left out: a failed verification, the login stays
// pending and a valid code then passes.
void TestMediaWikiPeer::emptyOathTokenIsAFailedVerification()
{
    const QString user = u"BobEmpty"_qs;
    QCOMPARE(addUser(user, kBobPassword, true), QString());
    compareOnBoth(
        [&](const QUrl &base) {
            QList<Step> steps;
            Conversation conversation(base);
            const QString token = conversation.loginToken();
            steps.append(stepOf(conversation.login(user, kBobPassword, token)));
            steps.append(stepOf(conversation.continueWith(QString(), token)));
            steps.append(stepOf(conversation.post(
                u"action=clientlogin&format=json&logincontinue=1&logintoken="_qs + encode(token))));
            steps.append(stepOf(conversation.continueWith(bobCode(m_clock.nowSeconds()), token)));
            return steps;
        },
        {
            {u"UI"_qs, u"oathauth-auth-ui"_qs, {kTotpRequestId}},
            {u"UI"_qs, u"oathauth-login-failed"_qs, {kTotpRequestId}},
            {u"UI"_qs, u"oathauth-login-failed"_qs, {kTotpRequestId}},
            {u"PASS"_qs, {}, {}},
        });
}

// rememberMe=1: the user cookies last 180 days instead of 30 and a token cookie is added;
// the session cookie stays a session cookie. For a TOTP user the choice made with the
// password applies when the code passes.
void TestMediaWikiPeer::rememberMeMakesLongerCookies()
{
    const QString alice = u"AliceRemember"_qs;
    const QString bob = u"BobRemember"_qs;
    QCOMPARE(addUser(alice, kAlicePassword, false), QString());
    QCOMPARE(addUser(bob, kBobPassword, true), QString());
    const auto afterLogin = [](Step step, const Conversation &conversation) {
        step.cookies = conversation.cookieSummary();
        return step;
    };
    compareOnBoth(
        [&](const QUrl &base) {
            QList<Step> steps;
            Conversation remembered(base);
            steps.append(afterLogin(
                stepOf(remembered.login(alice, kAlicePassword, remembered.loginToken(), u"&rememberMe=1"_qs)),
                remembered));
            Conversation plain(base);
            steps.append(afterLogin(stepOf(plain.login(alice, kAlicePassword, plain.loginToken())), plain));
            Conversation twoStep(base);
            const QString token = twoStep.loginToken();
            steps.append(stepOf(twoStep.login(bob, kBobPassword, token, u"&rememberMe=1"_qs)));
            steps.append(
                afterLogin(stepOf(twoStep.continueWith(bobCode(m_clock.nowSeconds()), token)), twoStep));
            return steps;
        },
        {
            {u"PASS"_qs,
             {},
             {},
             {},
             {},
             u"oathwikiToken 180d, oathwikiUserID 180d, oathwikiUserName 180d, oathwiki_session session"_qs},
            {u"PASS"_qs,
             {},
             {},
             {},
             {},
             u"oathwikiUserID 30d, oathwikiUserName 30d, oathwiki_session session"_qs},
            {u"UI"_qs, u"oathauth-auth-ui"_qs, {kTotpRequestId}},
            {u"PASS"_qs,
             {},
             {},
             {},
             {},
             u"oathwikiToken 180d, oathwikiUserID 180d, oathwikiUserName 180d, oathwiki_session session"_qs},
        });
}

// Requests the API refuses before any login step: the token in the URL, no token.
void TestMediaWikiPeer::refusedRequests()
{
    const QString user = u"AliceRefused"_qs;
    QCOMPARE(addUser(user, kAlicePassword, false), QString());
    const QString mustPost
        = u"The following parameter was found in the query string, but must be in the POST body: logintoken."_qs;
    const QString missing = u"The \"logintoken\" parameter must be set."_qs;
    compareOnBoth(
        [&](const QUrl &base) {
            QList<Step> steps;
            Conversation conversation(base);
            const QString token = conversation.loginToken();
            const QString params = conversation.loginParams(user, kAlicePassword);
            const QString tokenParam = u"logintoken="_qs + encode(token);
            steps.append(stepOf(conversation.get(params + u'&' + tokenParam)));
            steps.append(stepOf(conversation.post(params, tokenParam)));
            steps.append(stepOf(conversation.post(params)));
            // Nothing was logged in by the refused requests; the token still works.
            steps.append(conversation.userInfo());
            steps.append(stepOf(conversation.login(user, kAlicePassword, token)));
            return steps;
        },
        {
            {u"error:mustpostparams"_qs, {}, {}, mustPost},
            {u"error:mustpostparams"_qs, {}, {}, mustPost},
            {u"error:missingparam"_qs, {}, {}, missing},
            {u"userinfo"_qs, u"127.0.0.1"_qs, {}},
            {u"PASS"_qs, {}, {}},
        });
}

// Parameters clientlogin does not know are named in a warning, in every kind of answer.
void TestMediaWikiPeer::unknownParametersAreWarnedAbout()
{
    const QString alice = u"AliceParams"_qs;
    const QString bob = u"BobParams"_qs;
    QCOMPARE(addUser(alice, kAlicePassword, false), QString());
    QCOMPARE(addUser(bob, kBobPassword, true), QString());
    const QString one = u"main: Unrecognized parameter: frobnicate."_qs;
    const QString two = u"main: Unrecognized parameters: frobnicate, zzz."_qs;
    compareOnBoth(
        [&](const QUrl &base) {
            QList<Step> steps;
            Conversation wrong(base);
            steps.append(stepOf(wrong.login(alice, kWrongPassword, wrong.loginToken(), u"&frobnicate=1"_qs)));
            Conversation right(base);
            steps.append(
                stepOf(right.login(alice, kAlicePassword, right.loginToken(), u"&frobnicate=1&zzz=2"_qs)));
            Conversation twoStep(base);
            const QString token = twoStep.loginToken();
            steps.append(stepOf(twoStep.login(bob, kBobPassword, token, u"&frobnicate=1"_qs)));
            steps.append(stepOf(twoStep.post(u"action=clientlogin&format=json&logincontinue=1&OATHToken="_qs
                                             + wrongBobCode(m_clock.nowSeconds()) + u"&logintoken="_qs
                                             + encode(token) + u"&frobnicate=1"_qs)));
            return steps;
        },
        {
            {u"FAIL"_qs, u"wrongpassword"_qs, {}, {}, one},
            {u"PASS"_qs, {}, {}, {}, two},
            {u"UI"_qs, u"oathauth-auth-ui"_qs, {kTotpRequestId}, {}, one},
            {u"UI"_qs, u"oathauth-login-failed"_qs, {kTotpRequestId}, {}, one},
        });
}

// The password throttle counts every attempt, not only wrong passwords: a TOTP user whose
// right password is answered with the code prompt 5 times (each a new session, never
// continued) is refused on the 6th.
void TestMediaWikiPeer::passwordAttemptsOfATotpUserAreThrottled()
{
    const QString user = u"BobThrottle"_qs;
    QCOMPARE(addUser(user, kBobPassword, true), QString());
    QList<Step> wanted(5, Step {u"UI"_qs, u"oathauth-auth-ui"_qs, {kTotpRequestId}});
    wanted.append(Step {u"FAIL"_qs, u"login-throttled"_qs, {}});
    compareOnBoth(
        [&](const QUrl &base) {
            QList<Step> steps;
            for (int i = 0; i < 6; ++i) {
                Conversation conversation(base);
                steps.append(stepOf(conversation.login(user, kBobPassword, conversation.loginToken())));
            }
            return steps;
        },
        wanted);
}

// ApiMain checks the token before anything else: a logintoken that is missing or empty is
// "missingparam", for a GET (where it would otherwise be mustpostparams) as for a POST.
void TestMediaWikiPeer::missingOrEmptyTokenIsMissingParam()
{
    const QString user = u"AliceNoToken"_qs;
    QCOMPARE(addUser(user, kAlicePassword, false), QString());
    const Step missing {u"error:missingparam"_qs, {}, {}, u"The \"logintoken\" parameter must be set."_qs};
    compareOnBoth(
        [&](const QUrl &base) {
            QList<Step> steps;
            Conversation fresh(base); // no session at all
            steps.append(stepOf(fresh.get(u"action=clientlogin&format=json"_qs)));
            Conversation conversation(base);
            const QString token = conversation.loginToken();
            const QString params = conversation.loginParams(user, kAlicePassword);
            steps.append(stepOf(conversation.get(u"action=clientlogin&format=json"_qs)));
            steps.append(stepOf(conversation.get(params)));
            steps.append(stepOf(conversation.get(params + u"&logintoken="_qs)));
            steps.append(stepOf(conversation.post(params + u"&logintoken="_qs)));
            steps.append(stepOf(conversation.post(params, u"logintoken="_qs)));
            // None of them logged in or spent a throttle attempt; the token still works.
            steps.append(conversation.userInfo());
            steps.append(stepOf(conversation.login(user, kAlicePassword, token)));
            return steps;
        },
        {
            missing,
            missing,
            missing,
            missing,
            missing,
            missing,
            {u"userinfo"_qs, u"127.0.0.1"_qs, {}},
            {u"PASS"_qs, {}, {}},
        });
}

// The warning names unknown parameters in the order they were sent, the POST body's before
// the query string's (PHP's $_POST + $_GET), not sorted.
void TestMediaWikiPeer::unknownParametersAreListedInTheOrderSent()
{
    const QString user = u"AliceOrder"_qs;
    QCOMPARE(addUser(user, kAlicePassword, false), QString());
    compareOnBoth(
        [&](const QUrl &base) {
            QList<Step> steps;
            Conversation wrong(base);
            steps.append(
                withMessage(wrong.post(wrong.loginParams(user, kWrongPassword) + u"&zeta=1&alpha=2"_qs
                                           + u"&logintoken="_qs + encode(wrong.loginToken()),
                                       u"mu=3&beta=4"_qs)));
            Conversation right(base);
            steps.append(
                stepOf(right.login(user, kAlicePassword, right.loginToken(), u"&zulu=1&echo=2&bravo=3"_qs)));
            return steps;
        },
        {
            {u"FAIL"_qs,
             u"wrongpassword"_qs,
             {},
             {},
             u"main: Unrecognized parameters: zeta, alpha, mu, beta."_qs,
             {},
             u"Incorrect username or password entered.\nPlease try again."_qs},
            {u"PASS"_qs, {}, {}, {}, u"main: Unrecognized parameters: zulu, echo, bravo."_qs},
        });
}

// Empty username and password with a valid token: no primary provider takes the request.
void TestMediaWikiPeer::emptyCredentialsHaveNoPrimaryProvider()
{
    const Step noPrimary {u"FAIL"_qs,
                          u"authmanager-authn-no-primary"_qs,
                          {},
                          {},
                          {},
                          {},
                          u"The supplied credentials could not be authenticated."_qs};
    compareOnBoth(
        [&](const QUrl &base) {
            QList<Step> steps;
            Conversation conversation(base);
            const QString token = conversation.loginToken();
            steps.append(withMessage(conversation.login(QString(), QString(), token)));
            steps.append(
                withMessage(conversation.login(QString(), QString(), token, u"&formatversion=2"_qs)));
            steps.append(conversation.userInfo());
            return steps;
        },
        {noPrimary, noPrimary, {u"userinfo"_qs, u"127.0.0.1"_qs, {}}});
}

// meta=authmanagerinfo&amisecuritysensitiveoperation: "reauth" for an anonymous session,
// "ok" right after a login; the same keys on both peers apart from our two additions, which
// only the provider has, and only once logged in: the elevated level ends
// $wgReauthenticateTime (300 s) after the login.
void TestMediaWikiPeer::securitySensitiveOperationStatus()
{
    const QString user = u"AliceElevated"_qs;
    QCOMPARE(addUser(user, kAlicePassword, false), QString());
    const QString query
        = u"action=query&meta=authmanagerinfo&amisecuritysensitiveoperation=foo&format=json"_qs;
    const QString v2 = u"&formatversion=2"_qs;
    QMap<QString, QList<QJsonObject>> additions; // per peer, per authmanagerinfo step
    QMap<QString, double> passedAt; // per peer: the time just before its login
    compareOnBoth(
        [&](const QUrl &base) {
            QList<QJsonObject> &added = additions[base.toString()];
            const auto info = [&](Conversation &conversation, const QString &params) {
                added.append(QJsonObject());
                return authManagerInfoStep(conversation.get(params), added.last());
            };
            QList<Step> steps;
            Conversation conversation(base);
            steps.append(info(conversation, query));
            steps.append(info(conversation, query + v2));
            const QString token = conversation.loginToken();
            passedAt.insert(base.toString(), m_clock.nowSeconds());
            steps.append(stepOf(conversation.login(user, kAlicePassword, token)));
            steps.append(info(conversation, query));
            steps.append(info(conversation, query + v2));
            return steps;
        },
        {
            {u"authmanagerinfo"_qs,
             u"reauth"_qs,
             {},
             u"canauthenticatenow,cancreateaccounts,securitysensitiveoperationstatus"_qs},
            {u"authmanagerinfo"_qs,
             u"reauth"_qs,
             {},
             u"canauthenticatenow,cancreateaccounts,canlinkaccounts,securitysensitiveoperationstatus"_qs},
            {u"PASS"_qs, {}, {}},
            {u"authmanagerinfo"_qs,
             u"ok"_qs,
             {},
             u"canauthenticatenow,cancreateaccounts,securitysensitiveoperationstatus"_qs},
            {u"authmanagerinfo"_qs,
             u"ok"_qs,
             {},
             u"canauthenticatenow,cancreateaccounts,canlinkaccounts,securitysensitiveoperationstatus"_qs},
        });
    if (QTest::currentTestFailed())
        return;

    const QList<QJsonObject> wiki = additions.value(wikiBase().toString());
    const QList<QJsonObject> ours = additions.value(m_server->baseUrl().toString());
    const double loginStart = passedAt.value(m_server->baseUrl().toString());
    QCOMPARE(wiki.size(), 4);
    QCOMPARE(ours.size(), 4);
    for (const QJsonObject &added : wiki)
        QVERIFY2(added.isEmpty(), QJsonDocument(added).toJson().constData());
    QVERIFY2(ours.at(0).isEmpty() && ours.at(1).isEmpty(),
             "the provider added its keys for an anonymous session");
    for (int i = 2; i < 4; ++i) {
        const QJsonObject &added = ours.at(i);
        QVERIFY2(added.keys() == kOurAuthManagerInfoKeys, QJsonDocument(added).toJson().constData());
        const QDateTime expiry
            = QDateTime::fromString(added[u"x-mwauth-elevatedsecurityexpiry"_qs].toString(), Qt::ISODate);
        QVERIFY2(expiry.isValid() && expiry.timeSpec() == Qt::UTC, QJsonDocument(added).toJson().constData());
        // The provider's login happened between passedAt and now; its timestamp has whole seconds.
        const double expirySeconds = double(expiry.toSecsSinceEpoch());
        QVERIFY2(expirySeconds >= std::floor(loginStart + 300) - 1
                     && expirySeconds <= m_clock.nowSeconds() + 300,
                 qPrintable(u"expiry "_qs + expiry.toString(Qt::ISODate) + u", login at "_qs
                            + QString::number(loginStart, 'f', 3)));
        const QJsonValue remaining = added[u"x-mwauth-elevatedsecurityremaining"_qs];
        QVERIFY2(remaining.isDouble() && remaining.toDouble() >= 295 && remaining.toDouble() <= 300,
                 QJsonDocument(added).toJson().constData());
    }
}

QTEST_GUILESS_MAIN(TestMediaWikiPeer)
#include "TestMediaWikiPeer.moc"
