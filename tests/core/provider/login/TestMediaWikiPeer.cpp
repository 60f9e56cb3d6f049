// The same action=clientlogin conversation against the real MediaWiki 1.39 + OATHAuth
// (peers/mediawiki/start.sh, started and stopped here on a free loopback port) and against
// our provider (ProviderServer + LoginApi with the same users), at the real current time.
// Both must answer with the same statuses, message codes and request ids, and those must be
// the ones documented for MediaWiki in peers/mediawiki/README.md.

#include "LoginTestProvider.h"
#include "common/Clock.h"
#include "common/Random.h"
#include "otp/Base32.h"
#include "otp/Otp.h"
#include "provider/accounts/PasswordHasher.h"
#include "provider/accounts/UserStore.h"
#include "provider/db/ProviderDatabase.h"
#include "provider/login/LoginApi.h"
#include "provider/server/ProviderServer.h"
#include "provider/server/SessionStore.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkCookieJar>
#include <QNetworkReply>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
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
constexpr int kStartTimeoutMs = 300000;

// What one clientlogin answer is compared on.
struct Step
{
    QString status;
    QString messageCode;
    QStringList requestIds;

    bool operator==(const Step &other) const = default;
    QString describe() const
    {
        return status + u' ' + (messageCode.isEmpty() ? u"-"_qs : messageCode) + u" ["_qs
            + requestIds.join(u',') + u']';
    }
};

QString describe(const QList<Step> &steps)
{
    QStringList lines;
    for (qsizetype i = 0; i < steps.size(); ++i)
        lines.append(QString::number(i + 1) + u": "_qs + steps.at(i).describe());
    return lines.join(u"; "_qs);
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

// One browser-like conversation: a cookie jar of its own, form posts to api.php.
class Conversation
{
public:
    explicit Conversation(const QUrl &base)
        : m_base(base)
    {
        m_nam.setCookieJar(new QNetworkCookieJar(&m_nam));
    }

    QJsonObject get(const QString &query) { return send(QByteArray(), query); }
    QJsonObject post(const QString &body) { return send(body.toUtf8(), QString()); }

    QString loginToken()
    {
        return get(u"action=query&meta=tokens&type=login&format=json"_qs)[u"query"_qs][u"tokens"_qs]
                                                                         [u"logintoken"_qs]
                                                                             .toString();
    }

    static QString encode(const QString &value)
    {
        return QString::fromLatin1(QUrl::toPercentEncoding(value));
    }

    QJsonObject login(const QString &user, const QString &password, const QString &token)
    {
        return post(u"action=clientlogin&format=json&username="_qs + encode(user) + u"&password="_qs
                    + encode(password) + u"&loginreturnurl="_qs + encode(m_base.toString() + u'/')
                    + u"&logintoken="_qs + encode(token));
    }

    QJsonObject continueWith(const QString &code, const QString &token)
    {
        return post(u"action=clientlogin&format=json&logincontinue=1&OATHToken="_qs + encode(code)
                    + u"&logintoken="_qs + encode(token));
    }

    QString lastError() const { return m_lastError; }

private:
    QJsonObject send(const QByteArray &body, const QString &query)
    {
        QUrl url(m_base.toString() + u"/api.php"_qs);
        if (!query.isEmpty())
            url.setQuery(query);
        QNetworkRequest request(url);
        QNetworkReply *reply = nullptr;
        if (query.isEmpty()) {
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

Step stepOf(const QJsonObject &answer)
{
    const QJsonObject login = answer[u"clientlogin"_qs].toObject();
    Step step {login[u"status"_qs].toString(), login[u"messagecode"_qs].toString(), {}};
    const QJsonArray requests = login[u"requests"_qs].toArray();
    for (const QJsonValue &request : requests)
        step.requestIds.append(request[u"id"_qs].toString());
    if (step.status.isEmpty()) // an API error instead of a clientlogin answer
        step.status = u"error:"_qs + answer[u"error"_qs][u"code"_qs].toString();
    return step;
}

// The sequence MediaWiki answered in peers/mediawiki/README.md ("Observed outcomes").
QList<Step> documentedSteps()
{
    return {
        {u"PASS"_qs, {}, {}},
        {u"FAIL"_qs, u"wrongpassword"_qs, {}},
        {u"UI"_qs, u"oathauth-auth-ui"_qs, {kTotpRequestId}},
        {u"UI"_qs, u"oathauth-login-failed"_qs, {kTotpRequestId}},
        {u"PASS"_qs, {}, {}},
        {u"FAIL"_qs, u"authmanager-authn-not-in-progress"_qs, {}},
    };
}
} // namespace

class TestMediaWikiPeer : public QObject
{
    Q_OBJECT

private:
    QProcessEnvironment wikiEnvironment() const;
    QString runScript(const QString &script, bool &ok) const;
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
};

QProcessEnvironment TestMediaWikiPeer::wikiEnvironment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"MW_PORT"_qs, QString::number(m_wikiPort));
    env.insert(u"MW_DIR"_qs, m_wikiDir.filePath(u"wiki"_qs));
    env.insert(u"MW_NO_THROTTLE"_qs, u"1"_qs);
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
        steps.append(stepOf(wrong.login(u"Alice"_qs, u"not-Alice-pass"_qs, wrong.loginToken())));
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
    const QUrl base
        = realWiki ? QUrl(u"http://127.0.0.1:"_qs + QString::number(m_wikiPort)) : m_server->baseUrl();
    const QList<Step> steps = runConversation(base);
    m_transcripts.insert(QString::fromLatin1(QTest::currentDataTag()), steps);
    QVERIFY2(steps == documentedSteps(),
             qPrintable(u"got: "_qs + describe(steps) + u"\nwanted: "_qs + describe(documentedSteps())));
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

QTEST_GUILESS_MAIN(TestMediaWikiPeer)
#include "TestMediaWikiPeer.moc"
