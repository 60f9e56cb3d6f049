// multipart/form-data against the parser MediaWiki really sits on: PHP's (php -S, the CLI
// built-in server, uses the same rfc1867 code as every SAPI). Well-formed bodies give the
// same $_POST as our decoder (last value of a name wins, as in WebRequest); for the
// malformed bodies we refuse, the test records what PHP does instead, so the divergences
// documented in MultipartCodec.h stay true.

#include "http/MultipartCodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace mwauth;
using namespace mwauth::http;

namespace {

// $_POST as [[base64 name, base64 value], ...] plus the $_FILES names and the last warning.
constexpr char kEchoScript[] = R"(<?php
header('Content-Type: application/json');
$post = [];
foreach ($_POST as $name => $value) {
    $post[] = [base64_encode((string)$name), base64_encode($value)];
}
$error = error_get_last();
echo json_encode(['post' => $post, 'files' => array_keys($_FILES),
                  'warning' => $error ? $error['message'] : '']);
)";

struct PhpResult
{
    QMap<QByteArray, QByteArray> post;
    int files = 0;
    QString warning;
};

QMap<QByteArray, QByteArray> lastValueWins(const FormFields &fields)
{
    QMap<QByteArray, QByteArray> map;
    for (const auto &[name, value] : fields)
        map.insert(name, value);
    return map;
}

} // namespace

class TestMultipartPhpPeer : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_php;
    QUrl m_url;
    QNetworkAccessManager m_nam;

    std::optional<PhpResult> askPhp(const QByteArray &contentType, const QByteArray &body)
    {
        QNetworkRequest request(m_url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
        QNetworkReply *reply = m_nam.post(request, body);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!finished.wait(10000))
            return std::nullopt;
        const QJsonObject json = QJsonDocument::fromJson(reply->readAll()).object();
        reply->deleteLater();
        if (json.isEmpty())
            return std::nullopt;
        PhpResult result;
        for (const QJsonValue &pair : json.value(u"post"_qs).toArray()) {
            const QJsonArray p = pair.toArray();
            result.post.insert(QByteArray::fromBase64(p.at(0).toString().toLatin1()),
                               QByteArray::fromBase64(p.at(1).toString().toLatin1()));
        }
        result.files = static_cast<int>(json.value(u"files"_qs).toArray().size());
        result.warning = json.value(u"warning"_qs).toString();
        return result;
    }

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void sameAsPhp_data();
    void sameAsPhp();
    void phpIsLenientWhereWeRefuse_data();
    void phpIsLenientWhereWeRefuse();
};

void TestMultipartPhpPeer::initTestCase()
{
    const QString php = QStandardPaths::findExecutable(u"php"_qs);
    QVERIFY2(!php.isEmpty(), "php is needed for this peer test (Debian package php-cli)");
    QVERIFY(m_dir.isValid());
    QFile script(m_dir.filePath(u"echo.php"_qs));
    QVERIFY(script.open(QIODevice::WriteOnly));
    script.write(kEchoScript);
    script.close();

    QTcpServer probe; // a free port for php -S
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 port = probe.serverPort();
    probe.close();
    m_php = std::make_unique<QProcess>();
    m_php->setProcessChannelMode(QProcess::MergedChannels);
    m_php->start(php,
                 {u"-n"_qs, u"-d"_qs, u"display_errors=0"_qs, u"-S"_qs,
                  u"127.0.0.1:"_qs + QString::number(port), script.fileName()});
    QVERIFY(m_php->waitForStarted(10000));
    QByteArray output;
    QTRY_VERIFY_WITH_TIMEOUT((output += m_php->readAll()).contains("started"), 10000);
    m_url = QUrl(u"http://127.0.0.1:"_qs + QString::number(port) + u"/echo.php"_qs);
}

void TestMultipartPhpPeer::cleanupTestCase()
{
    if (m_php) {
        m_php->terminate();
        m_php->waitForFinished(5000);
    }
}

void TestMultipartPhpPeer::sameAsPhp_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");

    const QByteArray ct = "multipart/form-data; boundary=AaB03x";
    const auto part = [](const QByteArray &disposition, const QByteArray &value) -> QByteArray {
        return "--AaB03x\r\nContent-Disposition: " + disposition + "\r\n\r\n" + value + "\r\n";
    };
    QTest::newRow("two fields") << ct
                                << QByteArray(part("form-data; name=\"a\"", "1")
                                              + part("form-data; name=\"b\"", "2") + "--AaB03x--\r\n");
    QTest::newRow("repeated name, empty value, CRLF in value")
        << ct
        << QByteArray(part("form-data; name=a", "1") + part("form-data; name=e", "")
                      + part("form-data; name=a", "l1\r\nl2\r\n") + "--AaB03x--\r\n");
    QTest::newRow("escaped quote, kept %22, UTF-8 name")
        << ct
        << QByteArray(part(R"(form-data; name="a\"b")", "1") + part(R"(form-data; name="p%22q")", "2")
                      + part("form-data; name=\"gr\xc3\xbc\xc3\x9f\"", "\xe2\x82\xac") + "--AaB03x--\r\n");
    QTest::newRow("binary value") << ct
                                  << QByteArray(part("form-data; name=bin", QByteArray("\xff\x00\xfe", 3))
                                                + "--AaB03x--\r\n");
    QTest::newRow("preamble, epilogue, header case, part type")
        << ct
        << QByteArray("preamble\r\n--AaB03x\r\ncontent-disposition: FORM-DATA; NAME=\"x\"\r\n"
                      "Content-Type: text/plain; charset=ISO-8859-1\r\n\r\n\xe9\r\n--AaB03x--\r\nepilogue");
    QTest::newRow("file part") << ct
                               << QByteArray("--AaB03x\r\nContent-Disposition: form-data; name=\"f\"; "
                                             "filename=\"f.txt\"\r\nContent-Type: text/plain\r\n\r\nabc\r\n"
                                             + part("form-data; name=\"b\"", "2") + "--AaB03x--\r\n");
    QTest::newRow("quoted boundary with a space")
        << QByteArray("multipart/form-data; boundary=\"a b\"")
        << QByteArray("--a b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--a b--\r\n");
}

void TestMultipartPhpPeer::sameAsPhp()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    const auto ours = decodeMultipartForm(body, contentType);
    QVERIFY2(ours.ok(), qPrintable(ours.error().message()));
    const auto php = askPhp(contentType, body);
    QVERIFY(php);
    QCOMPARE(lastValueWins(ours->fields), php->post);
    QCOMPARE(ours->skippedFiles, php->files);
    QVERIFY(!php->post.isEmpty());
}

void TestMultipartPhpPeer::phpIsLenientWhereWeRefuse_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArrayList>("phpKeeps"); // names in PHP's $_POST; empty: none
    QTest::addColumn<QString>("phpWarns");

    const QByteArray ct = "multipart/form-data; boundary=B";
    const QByteArray a = "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n";
    QTest::newRow("no closing delimiter") << ct << a << QByteArrayList {"a"} << QString();
    QTest::newRow("bare LF") << ct
                             << QByteArray("--B\nContent-Disposition: form-data; name=\"a\"\n\n1\n--B--\n")
                             << QByteArrayList {"a"} << QString();
    QTest::newRow("part without Content-Disposition")
        << ct << QByteArray("--B\r\nX: 1\r\n\r\nv\r\n" + a + "--B--\r\n") << QByteArrayList {"a"}
        << QString();
    QTest::newRow("no boundary") << QByteArray("multipart/form-data") << QByteArray(a + "--B--\r\n")
                                 << QByteArrayList {} << u"Missing boundary"_qs;
    QTest::newRow("part without name")
        << ct << QByteArray("--B\r\nContent-Disposition: form-data\r\n\r\nv\r\n" + a + "--B--\r\n")
        << QByteArrayList {} << u"garbled"_qs;
}

void TestMultipartPhpPeer::phpIsLenientWhereWeRefuse()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(QByteArrayList, phpKeeps);
    QFETCH(QString, phpWarns);
    QVERIFY(!decodeMultipartForm(body, contentType).ok());
    const auto php = askPhp(contentType, body);
    QVERIFY(php);
    QCOMPARE(php->post.keys(), phpKeeps);
    QVERIFY2(php->warning.contains(phpWarns), qPrintable(php->warning));
}

QTEST_MAIN(TestMultipartPhpPeer)
#include "TestMultipartPhpPeer.moc"
