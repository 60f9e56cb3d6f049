// multipart/form-data bodies to the provider over real sockets: Qt's own encoder
// (QHttpMultiPart) and hand-written bodies in python-requests' layout reach api.php as POSTed
// parameters, exactly like a urlencoded body; malformed ones get the "badmultipart" API
// error, non-UTF-8 parts MediaWiki's "badutf8".

#include "ProviderTestSupport.h"

#include <QHttpMultiPart>
#include <QTest>
#include <memory>

using namespace mwauth;
using namespace mwauth::provider;
using namespace mwauth::provider::testing;

namespace {

QHttpPart textPart(const QByteArray &name, const QByteArray &value)
{
    QHttpPart part;
    part.setHeader(QNetworkRequest::ContentDispositionHeader, QByteArray("form-data; name=\"" + name + '"'));
    part.setBody(value);
    return part;
}

} // namespace

class TestProviderMultipart : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<ProviderServer> m_server;
    std::unique_ptr<TestHttpClient> m_http;

    Reply postMultipart(const QString &pathAndQuery, const QByteArray &boundary, const QByteArray &body)
    {
        return m_http->send("POST", url(*m_server, pathAndQuery), body,
                            "multipart/form-data; boundary=" + boundary);
    }

private Q_SLOTS:
    void init()
    {
        m_server = std::make_unique<ProviderServer>();
        registerEchoServices(*m_server);
        QVERIFY(m_server->start(0).ok());
        m_http = std::make_unique<TestHttpClient>();
    }
    void cleanup()
    {
        m_http.reset();
        m_server.reset();
    }

    void qtEncoderBody();
    void pythonRequestsLayout();
    void postednessLikeUrlencoded();
    void filePartsAreNotParameters();
    void restAndIndexSeeTheForm();
    void nonUtf8Part();
    void malformed_data();
    void malformed();
};

void TestProviderMultipart::qtEncoderBody()
{
    QNetworkAccessManager nam;
    auto *multiPart = new QHttpMultiPart(QHttpMultiPart::FormDataType);
    multiPart->append(textPart("action", "echo"));
    multiPart->append(textPart("text", "gr\xc3\xbc\xc3\x9f \xe2\x82\xac & = %20 +"));
    multiPart->append(textPart("lines", "a\r\nb\r\n"));
    QNetworkRequest request(url(*m_server, u"/w/api.php"_qs));
    QNetworkReply *reply = nam.post(request, multiPart);
    multiPart->setParent(reply);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    QVERIFY(finished.wait(10000));
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    const QJsonObject json = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    const QJsonObject params = json.value(u"params"_qs).toObject();
    QCOMPARE(params.value(u"action"_qs).toString(), u"echo"_qs);
    QCOMPARE(params.value(u"text"_qs).toString(),
             QString::fromUtf8("gr\xc3\xbc\xc3\x9f \xe2\x82\xac & = %20 +"));
    QCOMPARE(params.value(u"lines"_qs).toString(), u"a\r\nb\r\n"_qs);
    QCOMPARE(json.value(u"posted"_qs).toArray(), QJsonArray({u"action"_qs, u"lines"_qs, u"text"_qs}));
}

void TestProviderMultipart::pythonRequestsLayout()
{
    // urllib3's encode_multipart_formdata: a 32-hex-digit boundary, CRLF, no part types.
    const QByteArray b = "7d4a1b2c3e4f5061728394a5b6c7d8e9";
    const QByteArray body = "--" + b + "\r\nContent-Disposition: form-data; name=\"action\"\r\n\r\necho\r\n--"
        + b + "\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nAlice\r\n--" + b + "--\r\n";
    const Reply reply = postMultipart(u"/w/api.php"_qs, b, body);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json().value(u"params"_qs).toObject().value(u"username"_qs).toString(), u"Alice"_qs);
}

void TestProviderMultipart::postednessLikeUrlencoded()
{
    // The same parameters as a urlencoded body and as a multipart body give the same
    // parameters and the same POSTed names; query names stay query names.
    const Reply urlencoded
        = m_http->send("POST", url(*m_server, u"/w/api.php?action=echo&q=1"_qs), "a=1&b=x%20y&q=2");
    const QByteArray body = "--B\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n"
                            "--B\r\nContent-Disposition: form-data; name=b\r\n\r\nx y\r\n"
                            "--B\r\nContent-Disposition: form-data; name=q\r\n\r\n2\r\n--B--\r\n";
    const Reply multipart = postMultipart(u"/w/api.php?action=echo&q=1"_qs, "B", body);
    QCOMPARE(urlencoded.status, 200);
    QCOMPARE(multipart.status, 200);
    QCOMPARE(multipart.json(), urlencoded.json());
    QCOMPARE(multipart.json().value(u"params"_qs).toObject().value(u"q"_qs).toString(), u"2"_qs);
    QCOMPARE(multipart.json().value(u"queried"_qs).toArray(), QJsonArray({u"action"_qs, u"q"_qs}));

    // A module that wants a POSTed token accepts it from a multipart body.
    const QByteArray token
        = "--B\r\nContent-Disposition: form-data; name=\"logintoken\"\r\n\r\nabc+\\\r\n--B--\r\n";
    const Reply posted = postMultipart(u"/w/api.php?action=needspost"_qs, "B", token);
    QCOMPARE(posted.json().value(u"ok"_qs).toBool(), true);
}

void TestProviderMultipart::filePartsAreNotParameters()
{
    const QByteArray body = "--B\r\nContent-Disposition: form-data; name=\"action\"\r\n\r\necho\r\n"
                            "--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f.txt\"\r\n"
                            "Content-Type: text/plain\r\n\r\nfile content\r\n--B--\r\n";
    const Reply reply = postMultipart(u"/w/api.php"_qs, "B", body);
    QCOMPARE(reply.status, 200);
    QVERIFY(!reply.json().value(u"params"_qs).toObject().contains(u"f"_qs));
    QCOMPARE(reply.json().value(u"posted"_qs).toArray(), QJsonArray({u"action"_qs}));
}

void TestProviderMultipart::restAndIndexSeeTheForm()
{
    const QByteArray body
        = "--B\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nfrom multipart\r\n--B--\r\n";
    const Reply rest = postMultipart(u"/w/rest.php/oauth2/token"_qs, "B", body);
    QCOMPARE(rest.status, 200);
    QCOMPARE(rest.json().value(u"form"_qs).toString(), u"from multipart"_qs);
    const Reply index = postMultipart(u"/w/index.php?title=Special:OAuth"_qs, "B", body);
    QCOMPARE(index.json().value(u"form"_qs).toString(), u"from multipart"_qs);

    const Reply broken = postMultipart(u"/w/rest.php/oauth2/token"_qs, "B", "--B\r\n");
    QCOMPARE(broken.status, 400);
    QVERIFY2(broken.body.contains("not valid multipart/form-data"), broken.body.constData());
}

void TestProviderMultipart::nonUtf8Part()
{
    // A Latin-1 part: its charset is not converted, so the bytes are not UTF-8 (as in PHP).
    const QByteArray body = "--B\r\nContent-Disposition: form-data; name=\"action\"\r\n\r\necho\r\n"
                            "--B\r\nContent-Disposition: form-data; name=\"lgname\"\r\n"
                            "Content-Type: text/plain; charset=ISO-8859-1\r\n\r\nJos\xe9\r\n--B--\r\n";
    const Reply reply = postMultipart(u"/w/api.php"_qs, "B", body);
    QCOMPARE(reply.status, 200);
    const QJsonObject error = reply.json().value(u"error"_qs).toObject();
    QCOMPARE(error.value(u"code"_qs).toString(), u"badutf8"_qs);
    QCOMPARE(error.value(u"info"_qs).toString(), apimessages::badUtf8(u"lgname"_qs));
}

void TestProviderMultipart::malformed_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("explains");
    const QByteArray a = "--B\r\nContent-Disposition: form-data; name=\"action\"\r\n\r\necho\r\n";
    QTest::newRow("no closing delimiter")
        << QByteArray("multipart/form-data; boundary=B") << a << u"the closing \"--B--\" is missing"_qs;
    QTest::newRow("no boundary") << QByteArray("multipart/form-data") << QByteArray(a + "--B--")
                                 << u"no boundary parameter"_qs;
    QTest::newRow("part without name")
        << QByteArray("multipart/form-data; boundary=B")
        << QByteArray(a + "--B\r\nContent-Disposition: form-data\r\n\r\nx\r\n--B--") << u"Part 2"_qs;
}

void TestProviderMultipart::malformed()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(QString, explains);
    const Reply reply
        = m_http->send("POST", url(*m_server, u"/w/api.php?formatversion=2"_qs), body, contentType);
    QCOMPARE(reply.status, 200); // Action API errors are HTTP 200, as MediaWiki's
    QCOMPARE(reply.header("MediaWiki-API-Error"), QByteArray("badmultipart"));
    const QJsonObject error = reply.json().value(u"error"_qs).toObject();
    QCOMPARE(error.value(u"code"_qs).toString(), u"badmultipart"_qs);
    const QString info = error.value(u"info"_qs).toString();
    QVERIFY2(info.startsWith(u"The POST body is not valid multipart/form-data: "), qPrintable(info));
    QVERIFY2(info.contains(explains), qPrintable(info));
    // The server goes on serving.
    QCOMPARE(m_http->send("GET", url(*m_server, u"/w/api.php?action=echo"_qs)).status, 200);
}

QTEST_MAIN(TestProviderMultipart)
#include "TestProviderMultipart.moc"
