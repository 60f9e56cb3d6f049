// `mwauth provider serve` and `mwauth provider user`, run as processes: the first JSON line,
// the server answering api.php, a clean stop on SIGTERM/SIGINT, and bad options.

#include "CliRunner.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>

using namespace Qt::StringLiterals;

class TestCliProvider : public QObject
{
    Q_OBJECT

private slots:
    void serveDemoJson_data();
    void serveDemoJson();
    void serveTextWithScriptPath();
    void badOptions_data();
    void badOptions();
    void serveOAuthOptions();
    void userAddAndList();

private:
    // Starts `mwauth provider serve <arguments>` and returns its first stdout line.
    static QByteArray startServe(QProcess &process, const QStringList &arguments);
    static QJsonObject getJson(const QUrl &url, QByteArray *errorHeader);
};

QByteArray TestCliProvider::startServe(QProcess &process, const QStringList &arguments)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const char *name :
         {"http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"})
        environment.remove(QString::fromLatin1(name));
    process.setProcessEnvironment(environment);
    process.setProgram(QStringLiteral(MWAUTH_CLI_PATH));
    process.setArguments(QStringList {u"provider"_s, u"serve"_s} + arguments);
    process.start();
    if (!process.waitForStarted(10000))
        return {};
    while (!process.canReadLine() && process.state() == QProcess::Running)
        process.waitForReadyRead(30000);
    return process.readLine();
}

QJsonObject TestCliProvider::getJson(const QUrl &url, QByteArray *errorHeader)
{
    QNetworkAccessManager network;
    network.setProxy(QNetworkProxy::NoProxy);
    std::unique_ptr<QNetworkReply> reply(network.get(QNetworkRequest(url)));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished() && !finished.wait(15000))
        return {};
    if (errorHeader)
        *errorHeader = reply->rawHeader("MediaWiki-API-Error");
    return QJsonDocument::fromJson(reply->readAll()).object();
}

void TestCliProvider::serveDemoJson_data()
{
    QTest::addColumn<int>("signal");
    QTest::newRow("SIGTERM") << int(SIGTERM);
    QTest::newRow("SIGINT") << int(SIGINT);
}

void TestCliProvider::serveDemoJson()
{
    QFETCH(int, signal);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString db = dir.filePath(u"provider.sqlite"_s);
    QProcess process;
    const QByteArray line
        = startServe(process, {u"--port"_s, u"0"_s, u"--demo"_s, u"--json"_s, u"--db"_s, db});
    QVERIFY2(!line.isEmpty(), process.readAllStandardError().constData());
    QJsonParseError parseError;
    const QJsonObject json = QJsonDocument::fromJson(line, &parseError).object();
    QVERIFY2(parseError.error == QJsonParseError::NoError, line.constData());

    // URLs.
    const QString base = json.value(u"base"_s).toString();
    const QRegularExpressionMatch match
        = QRegularExpression(u"^http://127\\.0\\.0\\.1:([0-9]{1,5})$"_s).match(base);
    QVERIFY2(match.hasMatch(), qPrintable(base));
    const int port = match.captured(1).toInt();
    QVERIFY(port > 0 && port < 65536);
    QCOMPARE(json.value(u"api"_s).toString(), base + u"/w/api.php"_s);
    QCOMPARE(json.value(u"rest"_s).toString(), base + u"/w/rest.php"_s);
    QCOMPARE(json.value(u"index"_s).toString(), base + u"/w/index.php"_s);
    QCOMPARE(json.value(u"issuer"_s).toString(), base);
    QVERIFY(json.value(u"clients"_s).isArray());

    // The demo users and their secrets.
    const QJsonArray users = json.value(u"users"_s).toArray();
    QCOMPARE(users.size(), 5);
    QHash<QString, QJsonObject> byName;
    for (const QJsonValue &user : users)
        byName.insert(user.toObject().value(u"name"_s).toString(), user.toObject());
    QCOMPARE(QStringList(byName.keys()).size(), 5);
    for (const QString &name : {u"Alice"_s, u"Bob"_s, u"Carol"_s, u"Dave"_s, u"Admin"_s}) {
        QVERIFY2(byName.contains(name), qPrintable(name));
        QCOMPARE(byName[name].value(u"password"_s).toString(), name + u"-pass-demo"_s);
        QVERIFY(byName[name].value(u"modules"_s).isArray());
    }
    QVERIFY(byName[u"Alice"_s].value(u"modules"_s).toArray().isEmpty());
    QVERIFY(!byName[u"Alice"_s].contains(u"totp_secret"_s));
    QCOMPARE(byName[u"Bob"_s].value(u"totp_secret"_s).toString(), u"BOBBOBDEMOTOTPSECRETBOBBOBDEMO22"_s);
    QCOMPARE(byName[u"Carol"_s].value(u"recovery_codes"_s).toArray().size(), 10);
    const QJsonObject carolKey = byName[u"Carol"_s].value(u"webauthn_credential"_s).toObject();
    QCOMPARE(carolKey.value(u"rpId"_s).toString(), u"127.0.0.1"_s);
    QVERIFY(carolKey.value(u"privateKey"_s).toObject().contains(u"d"_s));
    QVERIFY(byName[u"Dave"_s].contains(u"webauthn_credential"_s));
    QVERIFY(!byName[u"Dave"_s].contains(u"totp_secret"_s));
    QVERIFY(byName[u"Admin"_s].value(u"groups"_s).toArray().contains(u"sysop"_s));

    // The server answers api.php; an unknown action gets MediaWiki's badvalue error.
    QUrl api(json.value(u"api"_s).toString());
    api.setQuery(u"action=nosuchmodule&format=json"_s);
    QByteArray errorHeader;
    const QJsonObject answer = getJson(api, &errorHeader);
    const QJsonObject error = answer.value(u"error"_s).toObject();
    QCOMPARE(error.value(u"code"_s).toString(), u"badvalue"_s);
    QVERIFY2(error.value(u"info"_s).toString().contains(u"nosuchmodule"_s),
             QJsonDocument(answer).toJson().constData());
    QCOMPARE(errorHeader, QByteArray("badvalue"));

    // A signal stops it cleanly: exit 0, the port is free, the database file exists (0600).
    QSignalSpy finished(&process, &QProcess::finished);
    ::kill(pid_t(process.processId()), signal);
    QVERIFY(finished.wait(30000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 0);
    QVERIFY(process.readAllStandardError().contains("stopped"));
    QTcpServer probe;
    QVERIFY2(probe.listen(QHostAddress::LocalHost, quint16(port)), "the port is still taken");
    QVERIFY(QFileInfo::exists(db));
    QCOMPARE(QFile::permissions(db) & (QFileDevice::ReadOther | QFileDevice::ReadGroup),
             QFileDevice::Permissions());
}

void TestCliProvider::serveTextWithScriptPath()
{
    QProcess process;
    const QByteArray line = startServe(process, {u"--demo"_s, u"--script-path"_s, u"/wiki"_s});
    QVERIFY2(line.startsWith("The local provider"), line.constData());
    QByteArray text = line + process.readAll();
    // The whole summary ends with the demo consumers; read until the last one.
    while (!text.contains("Demo proposed app") && process.state() == QProcess::Running) {
        if (!process.waitForReadyRead(30000))
            break;
        text += process.readAll();
    }
    QVERIFY2(text.contains("/wiki/api.php"), text.constData());
    QVERIFY(text.contains("Carol-pass-demo"));
    QVERIFY(text.contains("CAROL-DEMO-RC-10"));
    QVERIFY(text.contains(":memory:"));
    // The demo consumers with what a demo needs: ids, secrets of confidential ones, callbacks.
    QVERIFY2(text.contains("Demo consumers"), text.constData());
    QVERIFY(text.contains("Demo bot  (OAuth 2.0, confidential, approved)"));
    QVERIFY(text.contains("Demo public app  (OAuth 2.0, public, approved)"));
    QVERIFY(text.contains("Demo OAuth 1 tool  (OAuth 1.0a, approved)"));
    QVERIFY(text.contains("Demo proposed app  (OAuth 2.0, confidential, proposed)"));
    QVERIFY(text.contains("grant types: client_credentials"));
    QVERIFY(text.contains("callback: http://127.0.0.1:53682/oauth1/callback"));
    QCOMPARE(text.count("  secret: "),
             5); // web app, bot, OAuth 1 tool, owner-only script, proposed: not the public app
    QSignalSpy finished(&process, &QProcess::finished);
    process.terminate();
    QVERIFY(finished.wait(30000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 0);
}

void TestCliProvider::badOptions_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("needle");
    QTest::newRow("port too big") << QStringList {u"--port"_s, u"99999"_s} << 2 << u"--port"_s;
    QTest::newRow("port not a number") << QStringList {u"--port"_s, u"eighty"_s} << 2 << u"--port"_s;
    QTest::newRow("script path without slash")
        << QStringList {u"--script-path"_s, u"w"_s} << 2 << u"must start with '/'"_s;
    QTest::newRow("unknown option") << QStringList {u"--bogus"_s} << 2 << u"bogus"_s;
    // A file stands where the database's folder should be: not writable, even for root.
    QTest::newRow("unwritable db") << QStringList {u"--db"_s,
                                                   QStringLiteral(MWAUTH_CLI_PATH) + u"/provider.sqlite"_s}
                                   << 3 << u"could not be created"_s;
    QTest::newRow("workers on :memory:")
        << QStringList {u"--db"_s, u":memory:"_s, u"--workers"_s, u"2"_s} << 3 << u"in-memory database"_s;
    QTest::newRow("workers negative") << QStringList {u"--workers"_s, u"-1"_s} << 2 << u"--workers"_s;
    QTest::newRow("alg HS256") << QStringList {u"--alg"_s, u"HS256"_s} << 2 << u"not offered"_s;
    QTest::newRow("alg none") << QStringList {u"--alg"_s, u"none"_s} << 2 << u"not offered"_s;
    QTest::newRow("refresh grace negative")
        << QStringList {u"--refresh-grace"_s, u"-5"_s} << 2 << u"--refresh-grace"_s;
    QTest::newRow("token lifetime zero")
        << QStringList {u"--token-lifetime"_s, u"0"_s} << 2 << u"--token-lifetime"_s;
    QTest::newRow("bad postgres url")
        << QStringList {u"--db"_s, u"postgresql://"_s} << 3 << u"could not start"_s;
}

void TestCliProvider::badOptions()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, code);
    QFETCH(QString, needle);
    const CliRun run = runCli(QStringList {u"provider"_s, u"serve"_s} + arguments);
    CLI_VERIFY_ERROR(run, code, needle);
}

// The OAuth options reach the provider: ES256 first keys, two serving threads on a database
// file, RFC 7591 registration advertised and answering.
void TestCliProvider::serveOAuthOptions()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QProcess process;
    const QByteArray line = startServe(process,
                                       {u"--json"_s, u"--db"_s, dir.filePath(u"p.sqlite"_s), u"--alg"_s,
                                        u"ES256"_s, u"--workers"_s, u"2"_s, u"--dynamic-registration"_s});
    QVERIFY2(!line.isEmpty(), process.readAllStandardError().constData());
    const QJsonObject json = QJsonDocument::fromJson(line).object();
    const QString base = json.value(u"base"_s).toString();
    const QString rest = json.value(u"rest"_s).toString();
    QVERIFY2(!base.isEmpty(), line.constData());

    const QJsonObject metadata = getJson(QUrl(base + u"/.well-known/openid-configuration"_s), nullptr);
    QCOMPARE(metadata.value(u"registration_endpoint"_s).toString(), rest + u"/oauth2/register"_s);
    QCOMPARE(metadata.value(u"id_token_signing_alg_values_supported"_s).toArray(), QJsonArray {u"ES256"_s});
    const QJsonArray keys = getJson(QUrl(rest + u"/oauth2/jwks"_s), nullptr).value(u"keys"_s).toArray();
    QVERIFY(!keys.isEmpty());
    for (const QJsonValue &key : keys)
        QCOMPARE(key.toObject().value(u"kty"_s).toString(), u"EC"_s);

    QSignalSpy finished(&process, &QProcess::finished);
    process.terminate();
    QVERIFY(finished.wait(30000));
    QCOMPARE(process.exitCode(), 0);
}

void TestCliProvider::userAddAndList()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString db = dir.filePath(u"users.sqlite"_s);
    const CliRun added
        = runCli({u"provider"_s, u"user"_s, u"add"_s, u"erin_smith"_s, u"--password-stdin"_s, u"--email"_s,
                  u"erin@example.org"_s, u"--groups"_s, u"sysop,bot"_s, u"--db"_s, db},
                 "Erin-secret-1\n");
    CLI_VERIFY_RAN(added);
    QVERIFY2(added.exitCode == 0, added.describe().constData());
    QVERIFY2(added.outText().contains(u"Erin smith"_s), added.describe().constData());
    QVERIFY(!added.out.contains("Erin-secret-1"));

    const CliRun duplicate
        = runCli({u"provider"_s, u"user"_s, u"add"_s, u"Erin smith"_s, u"--password-stdin"_s, u"--db"_s, db},
                 "other\n");
    CLI_VERIFY_ERROR(duplicate, 3, u"Erin smith"_s);

    const CliRun noPassword = runCli({u"provider"_s, u"user"_s, u"add"_s, u"Frank"_s, u"--db"_s, db});
    CLI_VERIFY_ERROR(noPassword, 2, u"--password-stdin"_s);

    const CliRun listed = runCli({u"provider"_s, u"user"_s, u"list"_s, u"--json"_s, u"--db"_s, db});
    CLI_VERIFY_RAN(listed);
    QVERIFY2(listed.exitCode == 0, listed.describe().constData());
    const QJsonArray users = QJsonDocument::fromJson(listed.out).array();
    QCOMPARE(users.size(), 1);
    const QJsonObject erin = users.first().toObject();
    QCOMPARE(erin.value(u"name"_s).toString(), u"Erin smith"_s);
    QCOMPARE(erin.value(u"email"_s).toString(), u"erin@example.org"_s);
    QCOMPARE(erin.value(u"groups"_s).toArray(), (QJsonArray {u"bot"_s, u"sysop"_s}));

    const CliRun unknown = runCli({u"provider"_s, u"user"_s, u"remove"_s, u"--db"_s, db});
    CLI_VERIFY_ERROR(unknown, 2, u"remove"_s);
}

QTEST_GUILESS_MAIN(TestCliProvider)
#include "TestCliProvider.moc"
