// multipart/form-data from independent clients to the provider: curl -F and
// python-requests (files=...), the two ways scripts post forms to api.php.

#include "ProviderTestSupport.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryFile>
#include <QTest>
#include <memory>

using namespace mwauth;
using namespace mwauth::provider;
using namespace mwauth::provider::testing;

class TestMultipartPeers : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<ProviderServer> m_server;

    // Runs a client while this thread's event loop serves its requests; its stdout.
    static QByteArray run(const QString &program, const QStringList &arguments, int *exitCode)
    {
        QProcess process;
        process.start(program, arguments);
        QSignalSpy finished(&process, &QProcess::finished);
        if (!finished.wait(20000)) {
            process.kill();
            process.waitForFinished(5000);
            *exitCode = -1;
            return {};
        }
        *exitCode = process.exitCode();
        const QByteArray err = process.readAllStandardError();
        if (!err.isEmpty())
            qWarning().noquote() << program << "said:" << QString::fromUtf8(err);
        return process.readAllStandardOutput();
    }

private Q_SLOTS:
    void init()
    {
        m_server = std::make_unique<ProviderServer>();
        registerEchoServices(*m_server);
        QVERIFY(m_server->start(0).ok());
    }
    void cleanup() { m_server.reset(); }

    void curlForm();
    void curlEscapesPartNames();
    void pythonRequests();
};

void TestMultipartPeers::curlForm()
{
    const QString curl = QStandardPaths::findExecutable(u"curl"_qs);
    QVERIFY2(!curl.isEmpty(), "curl is needed for this peer test (Debian package curl)");
    QTemporaryFile file;
    QVERIFY(file.open());
    file.write("uploaded file content");
    file.flush();

    int exitCode = 0;
    const QByteArray out = run(curl,
                               {u"-sS"_qs, u"-F"_qs, u"action=echo"_qs, u"-F"_qs,
                                QString::fromUtf8("text=gr\xc3\xbc\xc3\x9f \xe2\x82\xac & %41"), u"-F"_qs,
                                u"upload=@"_qs + file.fileName(), u"-F"_qs, u"quoted=a\"b"_qs,
                                url(*m_server, u"/w/api.php?q=1"_qs).toString()},
                               &exitCode);
    QCOMPARE(exitCode, 0);
    const QJsonObject json = QJsonDocument::fromJson(out).object();
    const QJsonObject params = json.value(u"params"_qs).toObject();
    QVERIFY2(params.value(u"action"_qs).toString() == u"echo", out.constData());
    QCOMPARE(params.value(u"text"_qs).toString(), QString::fromUtf8("gr\xc3\xbc\xc3\x9f \xe2\x82\xac & %41"));
    QCOMPARE(params.value(u"quoted"_qs).toString(), u"a\"b"_qs);
    QVERIFY(!params.contains(u"upload"_qs)); // a file, not a parameter (PHP's $_FILES)
    QCOMPARE(json.value(u"posted"_qs).toArray(), QJsonArray({u"action"_qs, u"quoted"_qs, u"text"_qs}));
    QCOMPARE(json.value(u"queried"_qs).toArray(), QJsonArray({u"q"_qs}));
}

void TestMultipartPeers::curlEscapesPartNames()
{
    // curl (7.81 and later) writes a '"' in a part name as "%22", as HTML forms do; PHP 8
    // keeps "%22" in the $_POST key (seen with its built-in server), and so does the provider.
    const QString curl = QStandardPaths::findExecutable(u"curl"_qs);
    QVERIFY(!curl.isEmpty());
    int exitCode = 0;
    const QByteArray out = run(curl,
                               {u"-sS"_qs, u"-F"_qs, u"action=echo"_qs, u"-F"_qs, u"na\"me=v"_qs,
                                url(*m_server, u"/w/api.php"_qs).toString()},
                               &exitCode);
    QCOMPARE(exitCode, 0);
    const QJsonObject params = QJsonDocument::fromJson(out).object().value(u"params"_qs).toObject();
    QVERIFY2(params.value(u"na%22me"_qs).toString() == u"v", out.constData());
}

void TestMultipartPeers::pythonRequests()
{
    const QString python = QStringLiteral(MWAUTH_PYTHON3);
    const QString script = uR"(
import sys, json, requests
url = sys.argv[1]
r = requests.post(url, data={'action': 'echo', 'lgname': 'Alice'},
                  files={'f': ('f.bin', b'\x00\xff', 'application/octet-stream'),
                         'text': (None, 'gr\u00fc\u00df \u20ac'.encode('utf-8'))})
print(json.dumps({'status': r.status_code,
                  'sent': r.request.headers['Content-Type'],
                  'body': r.json()}))
)"_qs;
    int exitCode = 0;
    const QByteArray out
        = run(python, {u"-c"_qs, script, url(*m_server, u"/w/api.php"_qs).toString()}, &exitCode);
    QVERIFY2(exitCode == 0,
             "python3-requests is needed for this peer test (Debian package python3-requests)");
    const QJsonObject result = QJsonDocument::fromJson(out).object();
    QCOMPARE(result.value(u"status"_qs).toInt(), 200);
    QVERIFY2(result.value(u"sent"_qs).toString().startsWith(u"multipart/form-data; boundary="),
             out.constData());
    const QJsonObject body = result.value(u"body"_qs).toObject();
    const QJsonObject params = body.value(u"params"_qs).toObject();
    QCOMPARE(params.value(u"lgname"_qs).toString(), u"Alice"_qs);
    QCOMPARE(params.value(u"text"_qs).toString(), QString::fromUtf8("gr\xc3\xbc\xc3\x9f \xe2\x82\xac"));
    QVERIFY(!params.contains(u"f"_qs));
    QCOMPARE(body.value(u"posted"_qs).toArray(), QJsonArray({u"action"_qs, u"lgname"_qs, u"text"_qs}));
}

QTEST_MAIN(TestMultipartPeers)
#include "TestMultipartPeers.moc"
