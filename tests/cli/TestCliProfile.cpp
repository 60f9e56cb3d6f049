// `mwauth profile ...` and `mwauth secrets forget` as a process, under tests/keychain-session.sh
// (a private Secret Service, HOME and XDG in a temporary directory, so the CLI's app database
// at AppDataLocation is the test's own). The CLI discovers the in-process LocalProvider, so the
// process is awaited with the event loop running (QSignalSpy), not with a blocking wait.

#include "CliRunner.h"

#include "../core/secrets/SecretTestSupport.h"
#include "profiles/AppDatabase.h"
#include "profiles/ProfileStore.h"
#include "provider/LocalProvider.h"
#include "secrets/IndexedSecretStore.h"
#include "secrets/KeychainSecretStore.h"
#include "secrets/SecretIndex.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTemporaryDir>

using namespace mwauth;
using namespace mwauth::secrets;
using namespace mwauth::secrets::test;
using namespace Qt::StringLiterals;

namespace {

// Runs mwauth while this thread's event loop keeps serving the in-process provider.
CliRun runAsync(const QStringList &arguments, const QByteArray &input = {},
                const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment())
{
    CliRun run;
    QProcess process;
    process.setProcessEnvironment(environment);
    QSignalSpy finished(&process, &QProcess::finished);
    process.start(QStringLiteral(MWAUTH_CLI_PATH), arguments);
    if (!process.waitForStarted(10000))
        return run;
    process.write(input);
    process.closeWriteChannel();
    run.finished = finished.wait(60000) || !finished.isEmpty();
    if (!run.finished) {
        process.kill();
        process.waitForFinished(5000);
    }
    run.crashed = process.exitStatus() == QProcess::CrashExit;
    run.exitCode = process.exitCode();
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

QStringList listedNames()
{
    const CliRun run = runCli({u"profile"_s, u"list"_s, u"--json"_s});
    QStringList names;
    for (const QJsonValue &v : QJsonDocument::fromJson(run.out).array())
        names << v[u"name"_s].toString();
    return names;
}

} // namespace

class TestCliProfile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void listHasTheLocalProvider();
    void addDiscoversOurProvider();
    void addErrors();
    void removeAsksFirst();
    void exportImport();
    void forgetSecrets();
    void forgetWithoutKeychain();

private:
    SystemClock m_clock;
    SystemRandom m_random;
    std::unique_ptr<provider::LocalProvider> m_provider;
};

void TestCliProfile::initTestCase()
{
    QVERIFY2(!qEnvironmentVariableIsEmpty("MWAUTH_KEYCHAIN_HOME"), "run under tests/keychain-session.sh");
    // The CLI's application name: the same AppDataLocation, so the same app database.
    QCoreApplication::setApplicationName(u"mwauth"_s);
    QVERIFY(
        profiles::AppDatabase::defaultLocation().startsWith(qEnvironmentVariable("MWAUTH_KEYCHAIN_HOME")));
    m_provider = std::make_unique<provider::LocalProvider>(m_clock, m_random);
    provider::LocalProviderOptions options;
    options.passwordIterations = 1000;
    const Result<void> started = m_provider->start(options);
    QVERIFY2(started.ok(), qPrintable(started.error().toString()));
}

void TestCliProfile::cleanupTestCase()
{
    m_provider->stop();
}

void TestCliProfile::listHasTheLocalProvider()
{
    const CliRun run = runCli({u"profile"_s, u"list"_s, u"--json"_s});
    CLI_VERIFY_RAN(run);
    QCOMPARE(run.exitCode, 0);
    const QJsonArray list = QJsonDocument::fromJson(run.out).array();
    QCOMPARE(list.size(), 1);
    QCOMPARE(list[0][u"name"_s].toString(), u"Local provider"_s);
    QVERIFY(list[0][u"built_in"_s].toBool());
    const CliRun text = runCli({u"profile"_s, u"list"_s});
    QVERIFY(text.outText().startsWith(u"Local provider  local-provider"_s));
}

void TestCliProfile::addDiscoversOurProvider()
{
    const CliRun run = runAsync(
        {u"profile"_s, u"add"_s, u"Ours"_s, u"--url"_s, m_provider->baseUrl().toString(), u"--json"_s});
    CLI_VERIFY_RAN(run);
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    const QJsonObject added = QJsonDocument::fromJson(run.out).object();
    QCOMPARE(added[u"api_url"_s].toString(), m_provider->apiUrl().toString());
    QCOMPARE(added[u"rest_url"_s].toString(), m_provider->restUrl().toString());
    QCOMPARE(added[u"index_url"_s].toString(), m_provider->indexUrl().toString());
    const CliRun oidc = runAsync(
        {u"profile"_s, u"add"_s, u"Ours OIDC"_s, u"--oidc"_s, u"--url"_s, m_provider->issuer().toString()});
    QVERIFY2(oidc.exitCode == 0, oidc.describe().constData());
    QVERIFY(oidc.outText().startsWith(u"Added Ours OIDC  (oidc, id "_s));
    const CliRun shown = runCli({u"profile"_s, u"show"_s, u"Ours"_s, u"--json"_s});
    QCOMPARE(shown.exitCode, 0);
    const QJsonObject profile = QJsonDocument::fromJson(shown.out).object();
    QCOMPARE(profile[u"kind"_s].toString(), u"mediawiki"_s);
    QCOMPARE(profile[u"id"_s].toString(), added[u"id"_s].toString());
    QCOMPARE(profile[u"secrets_in_keychain"_s].toInt(), 0);
    QCOMPARE(listedNames(), QStringList({u"Local provider"_s, u"Ours"_s, u"Ours OIDC"_s}));
}

void TestCliProfile::addErrors()
{
    quint16 closed = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        closed = probe.serverPort();
    }
    const QStringList before = listedNames();
    const CliRun unreachable
        = runCli({u"profile"_s, u"add"_s, u"Nowhere"_s, u"--url"_s, u"http://127.0.0.1:%1/"_s.arg(closed)});
    CLI_VERIFY_ERROR(unreachable, 3, u"Could not reach http://127.0.0.1:%1/api.php"_s.arg(closed));
    const CliRun noUrl = runCli({u"profile"_s, u"add"_s, u"X"_s});
    CLI_VERIFY_ERROR(noUrl, 2, u"--url is required"_s);
    const CliRun taken = runCli({u"profile"_s, u"add"_s, u"Ours"_s, u"--url"_s, u"http://127.0.0.1:1/"_s});
    CLI_VERIFY_ERROR(taken, 3, u"already"_s);
    const CliRun notHttp = runCli({u"profile"_s, u"add"_s, u"F"_s, u"--url"_s, u"file:///etc"_s});
    CLI_VERIFY_ERROR(notHttp, 3, u"not an http or https URL"_s);
    const CliRun missing = runCli({u"profile"_s, u"show"_s, u"Nope"_s});
    CLI_VERIFY_ERROR(missing, 3, u"no profile named"_s);
    QCOMPARE(listedNames(), before);
}

void TestCliProfile::removeAsksFirst()
{
    const CliRun declined = runCli({u"profile"_s, u"remove"_s, u"Ours OIDC"_s}, "n\n");
    QCOMPARE(declined.exitCode, 2);
    QVERIFY(declined.errText().contains(u"nothing was removed"_s));
    const CliRun noAnswer = runCli({u"profile"_s, u"remove"_s, u"Ours OIDC"_s});
    QCOMPARE(noAnswer.exitCode, 2);
    QVERIFY(listedNames().contains(u"Ours OIDC"_s));
    const CliRun builtIn = runCli({u"profile"_s, u"remove"_s, u"Local provider"_s, u"--yes"_s});
    CLI_VERIFY_ERROR(builtIn, 3, u"built in"_s);
    const CliRun yes = runCli({u"profile"_s, u"remove"_s, u"Ours OIDC"_s}, "y\n");
    QVERIFY2(yes.exitCode == 0, yes.describe().constData());
    QVERIFY(!listedNames().contains(u"Ours OIDC"_s));
}

void TestCliProfile::exportImport()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(u"profiles.json"_s);
    const CliRun exported = runCli({u"profile"_s, u"export"_s, u"--output"_s, file});
    QVERIFY2(exported.exitCode == 0, exported.describe().constData());
    QVERIFY(QFile::exists(file));
    // Importing into the same database: the name is taken, nothing is added.
    const CliRun again = runCli({u"profile"_s, u"import"_s, file});
    CLI_VERIFY_ERROR(again, 3, u"Nothing was imported"_s);
    // Renamed, it goes in.
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QByteArray json = f.readAll();
    json.replace("\"Ours\"", "\"Ours copy\"");
    const CliRun imported = runCli({u"profile"_s, u"import"_s, u"-"_s}, json);
    QVERIFY2(imported.exitCode == 0, imported.describe().constData());
    QCOMPARE(listedNames(), QStringList({u"Local provider"_s, u"Ours"_s, u"Ours copy"_s}));
    const CliRun malformed = runCli({u"profile"_s, u"import"_s, u"-"_s}, "{\"format\":");
    CLI_VERIFY_ERROR(malformed, 3, u"not JSON"_s);
    QCOMPARE(listedNames().size(), 3);
}

void TestCliProfile::forgetSecrets()
{
    Result<std::unique_ptr<profiles::AppDatabase>> db
        = profiles::AppDatabase::open(profiles::AppDatabase::defaultLocation());
    QVERIFY(db.ok());
    profiles::ProfileStore store(**db, m_random);
    const QString ours = store.find(u"Ours"_s)->id;
    const QString copy = store.find(u"Ours copy"_s)->id;
    SecretIndex index((*db)->connectionName());
    KeychainSecretStore keychain;
    IndexedSecretStore secrets(keychain, index);
    for (const QString &profile : {ours, copy}) {
        for (const SecretKind kind : allSecretKinds())
            QVERIFY(waitFor(secrets.write({profile, kind, u"app"_s}, sampleSecret(profile, kind))).ok);
    }
    const CliRun declined = runCli({u"secrets"_s, u"forget"_s, u"--profile"_s, u"Ours"_s}, "no\n");
    QCOMPARE(declined.exitCode, 2);
    QCOMPARE(index.refs(ours)->size(), 8);
    const CliRun shown = runCli({u"profile"_s, u"show"_s, u"Ours"_s});
    QVERIFY(shown.outText().contains(u"Secrets:   8 in the keychain"_s));
    for (const QByteArray &needle : {QByteArray("MWSECRET"), sampleSecret(ours, SecretKind::Password)})
        QVERIFY(!shown.out.contains(needle));

    const CliRun forgot = runCli({u"secrets"_s, u"forget"_s, u"--profile"_s, u"Ours"_s}, "y\n");
    QVERIFY2(forgot.exitCode == 0, forgot.describe().constData());
    QVERIFY(forgot.outText().contains(u"Forgot 8 secret(s)"_s));
    QVERIFY(index.refs(ours)->isEmpty());
    for (const SecretKind kind : allSecretKinds()) {
        QCOMPARE(waitFor(keychain.read({ours, kind, u"app"_s})).failure, SecretFailure::NotFound);
        QCOMPARE(waitFor(keychain.read({copy, kind, u"app"_s})).secret, sampleSecret(copy, kind));
    }
    // profile remove forgets the secrets too.
    const CliRun removed = runCli({u"profile"_s, u"remove"_s, u"Ours copy"_s, u"--yes"_s});
    QVERIFY2(removed.exitCode == 0, removed.describe().constData());
    QVERIFY(removed.outText().contains(u"Forgot 8 secret(s)"_s));
    QCOMPARE(waitFor(keychain.read({copy, SecretKind::TotpSeed, u"app"_s})).failure, SecretFailure::NotFound);
    QVERIFY(index.all()->isEmpty());
}

void TestCliProfile::forgetWithoutKeychain()
{
    Result<std::unique_ptr<profiles::AppDatabase>> db
        = profiles::AppDatabase::open(profiles::AppDatabase::defaultLocation());
    QVERIFY(db.ok());
    profiles::ProfileStore store(**db, m_random);
    const QString ours = store.find(u"Ours"_s)->id;
    SecretIndex index((*db)->connectionName());
    KeychainSecretStore keychain;
    IndexedSecretStore secrets(keychain, index);
    QVERIFY(waitFor(secrets.write({ours, SecretKind::ClientSecret, u"app"_s}, "kept")).ok);

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"DBUS_SESSION_BUS_ADDRESS"_s, u"unix:path=/nonexistent/mwauth-test/bus"_s);
    const CliRun forgot
        = runAsync({u"secrets"_s, u"forget"_s, u"--profile"_s, u"Ours"_s, u"--yes"_s}, {}, env);
    CLI_VERIFY_RAN(forgot);
    QCOMPARE(forgot.exitCode, 3);
    QVERIFY2(forgot.errText().contains(u"no D-Bus session bus"_s), forgot.describe().constData());
    const CliRun removed = runAsync({u"profile"_s, u"remove"_s, u"Ours"_s, u"--yes"_s}, {}, env);
    QCOMPARE(removed.exitCode, 3);
    QVERIFY(removed.errText().contains(u"The profile was kept"_s));
    // Nothing lost: the profile, its index entry and the secret are all still there.
    QVERIFY(store.find(u"Ours"_s).ok());
    QCOMPARE(index.refs(ours)->size(), 1);
    QCOMPARE(waitFor(keychain.read({ours, SecretKind::ClientSecret, u"app"_s})).secret, QByteArray("kept"));
}

QTEST_GUILESS_MAIN(TestCliProfile)
#include "TestCliProfile.moc"
