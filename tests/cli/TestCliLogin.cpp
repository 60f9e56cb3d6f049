// `mwauth login` (the real binary) against the local provider with its demo data, served
// from this test's thread on 127.0.0.1: password from standard input, a TOTP seed, answers
// typed at the prompts, a WebAuthn credential file, reauthentication, the HAR trace, a wrong
// password (exit 1) and usage errors (exit 2).

#include "CliRunner.h"

#include "otp/Base32.h"
#include "otp/Otp.h"
#include "otp/VirtualAuthenticator.h"
#include "provider/LocalProvider.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace mwauth;
using namespace mwauth::provider;

class TestCliLogin : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void passwordFromStdin();
    void totpSecret();
    void promptedAnswers();
    void webAuthnCredentialFile();
    void reauth();
    void traceIsWrittenRedacted();
    void wrongPasswordExits1();
    void usageErrorsExit2_data();
    void usageErrorsExit2();

private:
    DemoAccount account(const QString &name) const;
    QStringList base(const QString &user) const;

    SystemClock m_clock; // the CLI computes TOTP codes at the real time
    SystemRandom m_random;
    std::unique_ptr<LocalProvider> m_provider;
    QTemporaryDir m_dir;
};

void TestCliLogin::initTestCase()
{
    m_provider = std::make_unique<LocalProvider>(m_clock, m_random);
    LocalProviderOptions options;
    options.demo = true;
    options.passwordIterations = 1000;
    const Result<void> started = m_provider->start(options);
    QVERIFY2(started.ok(), qPrintable(started.error().toString()));
}

void TestCliLogin::cleanupTestCase()
{
    m_provider.reset();
}

DemoAccount TestCliLogin::account(const QString &name) const
{
    for (const DemoAccount &a : m_provider->demoAccounts()) {
        if (a.name == name)
            return a;
    }
    return {};
}

QStringList TestCliLogin::base(const QString &user) const
{
    return {u"login"_qs, u"--api"_qs, m_provider->apiUrl().toString(), u"--user"_qs, user};
}

void TestCliLogin::passwordFromStdin()
{
    const CliRun run
        = runCli(base(u"Alice"_qs) << u"--password-stdin"_qs, account(u"Alice"_qs).password.toUtf8() + '\n');
    CLI_VERIFY_RAN(run);
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    QVERIFY2(run.outText().startsWith(u"logged in as Alice"_qs), run.describe().constData());
    QVERIFY(run.outText().contains(u"\nsecurity level: ok\n"_qs));
    QVERIFY(run.outText().contains(u"\nelevated until: "_qs));
}

void TestCliLogin::totpSecret()
{
    const DemoAccount bob = account(u"Bob"_qs);
    const CliRun run
        = runCli(base(u"Bob"_qs) << u"--password-stdin"_qs << u"--totp-secret"_qs << bob.totpSecret,
                 bob.password.toUtf8() + '\n');
    CLI_VERIFY_RAN(run);
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    QVERIFY(run.outText().contains(u"second factor: totp"_qs));
}

void TestCliLogin::promptedAnswers()
{
    // Admin: password and TOTP code typed at the prompts (standard input is not a terminal
    // here, so nothing to hide; the prompts go to standard error).
    const DemoAccount admin = account(u"Admin"_qs);
    otp::TotpParameters totp;
    totp.secret = *otp::Base32::decode(admin.totpSecret.toLatin1());
    const QString code = *otp::totp(totp, m_clock.nowSeconds());
    const CliRun run
        = runCli(base(u"Admin"_qs) << u"--prompt"_qs, admin.password.toUtf8() + '\n' + code.toUtf8() + '\n');
    CLI_VERIFY_RAN(run);
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    QVERIFY(run.errText().contains(u"Password for Admin: "_qs));
    QVERIFY(!run.errText().contains(admin.password));
    QVERIFY(run.outText().startsWith(u"logged in as Admin"_qs));
}

void TestCliLogin::webAuthnCredentialFile()
{
    const DemoAccount dave = account(u"Dave"_qs);
    const QString path = m_dir.filePath(u"dave-key.json"_qs);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(dave.webAuthnCredential);
    file.close();
    const quint32 before = otp::VirtualAuthenticator::fromJson(dave.webAuthnCredential)->signCount();
    const CliRun run
        = runCli(base(u"Dave"_qs) << u"--password-stdin"_qs << u"--webauthn-credential"_qs << path,
                 dave.password.toUtf8() + '\n');
    CLI_VERIFY_RAN(run);
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    QVERIFY(run.outText().contains(u"second factor: webauthn"_qs));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const auto after = otp::VirtualAuthenticator::fromJson(file.readAll());
    QVERIFY(after.ok());
    QCOMPARE(after->signCount(), before + 1); // written back, so the next login is not a clone
}

void TestCliLogin::reauth()
{
    const CliRun run = runCli(base(u"Alice"_qs) << u"--password-stdin"_qs << u"--reauth"_qs,
                              account(u"Alice"_qs).password.toUtf8() + '\n');
    CLI_VERIFY_RAN(run);
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    QVERIFY2(run.outText().startsWith(u"reauthenticated as Alice"_qs), run.describe().constData());
}

void TestCliLogin::traceIsWrittenRedacted()
{
    const DemoAccount bob = account(u"Bob"_qs);
    const QString har = m_dir.filePath(u"bob.har"_qs);
    const CliRun run = runCli(base(u"Bob"_qs) << u"--password-stdin"_qs << u"--totp-secret"_qs
                                              << bob.totpSecret << u"--trace"_qs << har,
                              bob.password.toUtf8() + '\n');
    CLI_VERIFY_RAN(run);
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    QFile file(har);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    QVERIFY(text.contains("\"version\": \"1.2\""));
    QVERIFY(text.contains("clientlogin"));
    QVERIFY(!text.contains(bob.password.toUtf8()));
    QVERIFY(!text.contains(bob.totpSecret.toUtf8()));
    QVERIFY(text.contains("OATHToken=[redacted]"));
}

void TestCliLogin::wrongPasswordExits1()
{
    const CliRun run = runCli(base(u"Carol"_qs) << u"--password-stdin"_qs, "not-carols-password\n");
    CLI_VERIFY_ERROR(run, 1, u"login failed: Incorrect username or password entered."_qs);
    QVERIFY(run.errText().contains(u"(wrongpassword)"_qs));
}

void TestCliLogin::usageErrorsExit2_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("needle");
    QTest::newRow("no --api") << QStringList {u"login"_qs, u"--user"_qs, u"Alice"_qs, u"--password-stdin"_qs}
                              << u"--api is required"_qs;
    QTest::newRow("not http") << QStringList {u"login"_qs,  u"--api"_qs, u"ftp://x/api.php"_qs,
                                              u"--user"_qs, u"Alice"_qs, u"--password-stdin"_qs}
                              << u"--api must be an http(s) URL"_qs;
    QTest::newRow("no --user") << QStringList {u"login"_qs, u"--api"_qs, u"http://127.0.0.1:1/api.php"_qs,
                                               u"--password-stdin"_qs}
                               << u"--user is required"_qs;
    QTest::newRow("bad base32")
        << QStringList {u"login"_qs,         u"--api"_qs,      u"http://127.0.0.1:1/api.php"_qs,
                        u"--user"_qs,        u"Bob"_qs,        u"--password-stdin"_qs,
                        u"--totp-secret"_qs, u"not base32!"_qs}
        << u"--totp-secret is not base32"_qs;
    QTest::newRow("seed and prompt") << QStringList {u"login"_qs,
                                                     u"--api"_qs,
                                                     u"http://127.0.0.1:1/api.php"_qs,
                                                     u"--user"_qs,
                                                     u"Bob"_qs,
                                                     u"--prompt"_qs,
                                                     u"--totp-secret"_qs,
                                                     u"JBSWY3DPEHPK3PXP"_qs}
                                     << u"cannot be used together"_qs;
    QTest::newRow("no password") << QStringList {u"login"_qs, u"--api"_qs, u"http://127.0.0.1:1/api.php"_qs,
                                                 u"--user"_qs, u"Bob"_qs}
                                 << u"--password-stdin or use --prompt"_qs;
    QTest::newRow("missing key file") << QStringList {u"login"_qs,
                                                      u"--api"_qs,
                                                      u"http://127.0.0.1:1/api.php"_qs,
                                                      u"--user"_qs,
                                                      u"Dave"_qs,
                                                      u"--password-stdin"_qs,
                                                      u"--webauthn-credential"_qs,
                                                      u"/nonexistent/key.json"_qs}
                                      << u"does not exist"_qs;
}

void TestCliLogin::usageErrorsExit2()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, needle);
    const CliRun run = runCli(arguments, "password\n");
    CLI_VERIFY_ERROR(run, 2, needle);
}

QTEST_GUILESS_MAIN(TestCliLogin)
#include "TestCliLogin.moc"
