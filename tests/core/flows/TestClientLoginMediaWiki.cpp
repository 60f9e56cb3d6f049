// ClientLoginFlow against the real MediaWiki 1.39 + OATHAuth (peers/mediawiki/start.sh, started
// here on a free loopback port in a temporary directory with the wiki's default throttles,
// stopped after): Alice PASS, Bob PASS with a computed TOTP code, a wrong code then the right
// one (the flow asks again), a wrong password FAIL, and the password throttle surfaced.

#include "FlowRunner.h"

#include "flows/ClientLoginFlow.h"
#include "otp/Base32.h"
#include "otp/Otp.h"
#include "trace/Trace.h"

#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace mwauth;
using namespace mwauth::flows;
using mwauth::testing::FlowRun;
using mwauth::testing::runFlow;

namespace {

// peers/mediawiki/README.md: the users start.sh makes.
const QString kAlicePassword = QStringLiteral("Alice-pass-2fa-test");
const QString kBobPassword = QStringLiteral("Bob-pass-2fa-test");
const QByteArray kBobSecret = QByteArrayLiteral("MJXWELLUN52HALLUMVZXILLTMVRXEZLU");
constexpr int kScriptTimeoutMs = 300000;

QString bobCode(double at)
{
    otp::TotpParameters totp;
    totp.secret = *otp::Base32::decode(kBobSecret);
    return *otp::totp(totp, at);
}

} // namespace

class TestClientLoginMediaWiki : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void alicePasses();
    void wrongTotpThenRight();
    void bobPassesWithAComputedCode();
    void wrongPasswordFails();
    void throttlingIsSurfaced();

private:
    QString runScript(const QString &script, bool &ok);
    FlowRun login(ClientLoginOptions options, const mwauth::testing::Answerer &answer = {});
    ClientLoginOptions options(const QString &user, const QString &password) const;

    QTemporaryDir m_dir;
    int m_port = 0;
    bool m_started = false;
    SystemClock m_clock;
    QNetworkAccessManager m_network;
};

QString TestClientLoginMediaWiki::runScript(const QString &script, bool &ok)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"MW_PORT"_qs, QString::number(m_port));
    env.insert(u"MW_DIR"_qs, m_dir.filePath(u"wiki"_qs));
    env.insert(u"MW_SKIP_APT"_qs, u"1"_qs);
    env.remove(u"MW_NO_THROTTLE"_qs); // the wiki's own throttles stay on
    QProcess process;
    process.setProcessEnvironment(env);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(u"bash"_qs, {QStringLiteral(MWAUTH_SHARED_DIR "/peers/mediawiki/") + script});
    const bool finished = process.waitForFinished(kScriptTimeoutMs);
    if (!finished)
        process.kill();
    process.waitForFinished(5000);
    ok = finished && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
    return QString::fromUtf8(process.readAll());
}

void TestClientLoginMediaWiki::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_network.setProxy(QNetworkProxy::NoProxy);
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        m_port = probe.serverPort();
    }
    bool ok = false;
    const QString output = runScript(u"start.sh"_qs, ok);
    m_started = true; // stop.sh is harmless when nothing runs
    QVERIFY2(ok, qPrintable(u"start.sh failed:\n"_qs + output));
}

void TestClientLoginMediaWiki::cleanupTestCase()
{
    if (!m_started)
        return;
    bool ok = false;
    const QString output = runScript(u"stop.sh"_qs, ok);
    QVERIFY2(ok, qPrintable(u"stop.sh failed:\n"_qs + output));
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, quint16(m_port));
    QVERIFY2(!socket.waitForConnected(2000), "the wiki still answers after stop.sh");
}

ClientLoginOptions TestClientLoginMediaWiki::options(const QString &user, const QString &password) const
{
    ClientLoginOptions o;
    o.apiUrl = QUrl(u"http://127.0.0.1:%1/api.php"_qs.arg(m_port));
    o.username = user;
    o.password = password;
    return o;
}

FlowRun TestClientLoginMediaWiki::login(ClientLoginOptions options, const mwauth::testing::Answerer &answer)
{
    trace::Trace trace;
    http::HttpClient client(&m_network, &trace); // a session of its own
    ClientLoginFlow flow(&client, std::move(options), m_clock);
    return runFlow(flow, answer, 90000);
}

void TestClientLoginMediaWiki::alicePasses()
{
    const FlowRun run = login(options(u"Alice"_qs, kAlicePassword));
    QCOMPARE(run.finishedCount, 1);
    QVERIFY2(run.result.ok(), qPrintable(run.result.error().toString()));
    QCOMPARE(run.result->values.value(u"username"_qs).toString(), u"Alice"_qs);
    // MediaWiki 1.39 answers the security level, without our expiry extension.
    QCOMPARE(run.result->values.value(u"securitysensitiveoperationstatus"_qs).toString(), u"ok"_qs);
    QVERIFY(!run.result->values.contains(u"elevatedSecurityExpiry"_qs));
}

void TestClientLoginMediaWiki::wrongTotpThenRight()
{
    int asked = 0;
    const FlowRun run
        = login(options(u"Bob"_qs, kBobPassword), [&](const InputRequest &request) -> std::optional<QString> {
              if (request.kind != InputRequest::Kind::TotpCode)
                  return std::nullopt;
              ++asked;
              if (asked == 1) {
                  QString wrong = bobCode(m_clock.nowSeconds());
                  wrong[0] = wrong[0] == u'0' ? u'1' : u'0';
                  return wrong;
              }
              return bobCode(m_clock.nowSeconds());
          });
    QVERIFY2(run.result.ok(), qPrintable(run.result.error().toString()));
    QCOMPARE(run.asked.size(), 2);
    QCOMPARE(run.asked.at(0).id, u"OATHToken"_qs);
    QCOMPARE(run.asked.at(0).label, u"Two-factor token or recovery code"_qs); // the wiki's label
    QVERIFY2(run.asked.at(1).help.startsWith(u"Verification failed."_qs), qPrintable(run.asked.at(1).help));
}

void TestClientLoginMediaWiki::bobPassesWithAComputedCode()
{
    ClientLoginOptions o = options(u"Bob"_qs, kBobPassword);
    o.totpSecret = kBobSecret;
    // The code of this time step may have been used just before: the flow then retries in
    // the next step by itself (up to 30 s).
    const FlowRun run = login(o);
    QVERIFY2(run.result.ok(), qPrintable(run.result.error().toString()));
    QVERIFY(run.asked.isEmpty());
    QCOMPARE(run.result->values.value(u"username"_qs).toString(), u"Bob"_qs);
    QCOMPARE(run.result->values.value(u"module"_qs).toString(), u"totp"_qs);
}

void TestClientLoginMediaWiki::wrongPasswordFails()
{
    const FlowRun run = login(options(u"Alice"_qs, u"not-the-password"_qs));
    QCOMPARE(run.finishedCount, 1);
    QCOMPARE(run.result.error().code(), ErrorCode::Server);
    QCOMPARE(run.result.error().detail(), u"wrongpassword"_qs);
    QCOMPARE(run.result.error().message(),
             u"login failed: Incorrect username or password entered. Please try again."_qs);
}

void TestClientLoginMediaWiki::throttlingIsSurfaced()
{
    // MediaWiki's default: 5 password attempts per name and IP in 300 s; the 6th is refused.
    for (int i = 0; i < 5; ++i) {
        const FlowRun run = login(options(u"Admin"_qs, u"wrong-%1"_qs.arg(i)));
        QCOMPARE(run.result.error().detail(), u"wrongpassword"_qs);
    }
    const FlowRun run = login(options(u"Admin"_qs, u"wrong-again"_qs));
    QCOMPARE(run.finishedCount, 1);
    QCOMPARE(run.result.error().detail(), u"login-throttled"_qs);
    QVERIFY2(run.result.error().message().contains(u"too many recent login attempts"_qs),
             qPrintable(run.result.error().message()));
}

QTEST_GUILESS_MAIN(TestClientLoginMediaWiki)
#include "TestClientLoginMediaWiki.moc"
