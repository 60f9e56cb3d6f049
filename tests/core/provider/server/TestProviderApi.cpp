// api.php through ProviderServer: parameter decoding (query + POST body, POST wins, which
// names were POSTed), refused encodings, and Action API errors compared with the recorded
// MediaWiki responses (formatversion 1 and 2).

#include "ProviderTestSupport.h"

#include <QTcpSocket>
#include <QTest>
#include <memory>

using namespace mwauth;
using namespace mwauth::provider;
using namespace mwauth::provider::testing;

class TestProviderApi : public QObject
{
    Q_OBJECT

private:
    Reply send(const QByteArray &method, const QUrl &target, const QByteArray &body = {},
               const QByteArray &contentType = "application/x-www-form-urlencoded",
               const QList<std::pair<QByteArray, QByteArray>> &headers = {})
    {
        return m_http->send(method, target, body, contentType, headers);
    }

    std::unique_ptr<TestHttpClient> m_http;

private Q_SLOTS:
    void init() { m_http = std::make_unique<TestHttpClient>(); }
    void cleanup() { m_http.reset(); }

    void formDecodingAndPostTracking();
    void repeatedNamesLastWins();
    void malformedEscapes();
    void malformedEscapeInRawQuery();
    void notUtf8_data();
    void notUtf8();
    void unknownAction_data();
    void unknownAction();
    void mustPostParamsMatchesFixture_data();
    void mustPostParamsMatchesFixture();
    void apiHeadersMatchFixture();
    void missingAction();
};

void TestProviderApi::formDecodingAndPostTracking()
{
    ProviderServer server;
    registerEchoServices(server);
    QVERIFY(server.start(0).ok());
    // "x" and "both" in the query, "both" again and the rest in the body: POST wins.
    const Reply reply = send("POST", url(server, u"/w/api.php?action=echo&both=fromquery&q=%C3%A9t%C3%A9"_qs),
                             "both=frombody&plus=a+b&pct=%26%3D%2B&empty=&flag&utf8=%E2%9C%93");
    QCOMPARE(reply.status, 200);
    const QJsonObject json = reply.json();
    const QJsonObject params = json.value(u"params"_qs).toObject();
    QCOMPARE(params.value(u"both"_qs).toString(), u"frombody"_qs);
    QCOMPARE(params.value(u"q"_qs).toString(), u"\u00e9t\u00e9"_qs);
    QCOMPARE(params.value(u"plus"_qs).toString(), u"a b"_qs);
    QCOMPARE(params.value(u"pct"_qs).toString(), u"&=+"_qs);
    QVERIFY(params.contains(u"empty"_qs));
    QCOMPARE(params.value(u"empty"_qs).toString(), QString());
    QVERIFY(params.contains(u"flag"_qs));
    QCOMPARE(params.value(u"utf8"_qs).toString(), u"\u2713"_qs);
    QCOMPARE(
        json.value(u"posted"_qs).toArray(),
        QJsonArray::fromStringList({u"both"_qs, u"empty"_qs, u"flag"_qs, u"pct"_qs, u"plus"_qs, u"utf8"_qs}));
    QCOMPARE(json.value(u"queried"_qs).toArray(),
             QJsonArray::fromStringList({u"action"_qs, u"both"_qs, u"q"_qs}));

    // A body that is not a form is not parsed as parameters.
    const Reply jsonBody
        = send("POST", url(server, u"/w/api.php?action=echo"_qs), "{\"a\":1}", "application/json");
    QCOMPARE(jsonBody.status, 200);
    QCOMPARE(jsonBody.json().value(u"posted"_qs).toArray(), QJsonArray());

    // The REST and index handlers get the decoded form too.
    const Reply rest = send("POST", url(server, u"/w/rest.php/oauth2/token"_qs), "x=a%20b%2Bc");
    QCOMPARE(rest.json().value(u"form"_qs).toString(), u"a b+c"_qs);
}

void TestProviderApi::repeatedNamesLastWins()
{
    ProviderServer server;
    registerEchoServices(server);
    QVERIFY(server.start(0).ok());
    // PHP keeps the last of repeated names in $_GET and in $_POST.
    const Reply reply = send("POST", url(server, u"/w/api.php?action=echo&a=1&a=2"_qs), "b=1&b=2&b=3");
    const QJsonObject params = reply.json().value(u"params"_qs).toObject();
    QCOMPARE(params.value(u"a"_qs).toString(), u"2"_qs);
    QCOMPARE(params.value(u"b"_qs).toString(), u"3"_qs);
}

void TestProviderApi::malformedEscapes()
{
    ProviderServer server;
    registerEchoServices(server);
    QVERIFY(server.start(0).ok());

    const Reply api = send("POST", url(server, u"/w/api.php"_qs), "action=echo&x=%zz");
    QCOMPARE(api.status, 200); // Action API errors are 200, as MediaWiki's
    QCOMPARE(api.header("MediaWiki-API-Error"), QByteArray("badencoding"));
    const QJsonObject error = api.json().value(u"error"_qs).toObject();
    QCOMPARE(error.value(u"code"_qs).toString(), u"badencoding"_qs);
    QVERIFY2(error.value(u"info"_qs).toString().contains(u"POST body is not valid URL encoding"),
             api.body.constData());
    QVERIFY2(error.value(u"info"_qs).toString().contains(u"percent sign"), api.body.constData());

    const Reply rest = send("POST", url(server, u"/w/rest.php/oauth2/token"_qs), "x=%4");
    QCOMPARE(rest.status, 400);
    QCOMPARE(rest.json().value(u"httpCode"_qs).toInt(), 400);
    QVERIFY2(rest.json()
                 .value(u"messageTranslations"_qs)
                 .toObject()
                 .value(u"en"_qs)
                 .toString()
                 .contains(u"not valid URL encoding"),
             rest.body.constData());

    const Reply index = send("POST", url(server, u"/w/index.php/Special:OAuth"_qs), "x=%G1");
    QCOMPARE(index.status, 400);
    QVERIFY(index.body.contains("not valid URL encoding"));

    QCOMPARE(send("GET", url(server, u"/w/api.php?action=echo"_qs)).status, 200);
}

void TestProviderApi::malformedEscapeInRawQuery()
{
    // Sent byte for byte (QUrl on the client side would repair the escape to "%25zz").
    // Qt's request parser keeps a stray "%" in the query as a literal character, as PHP
    // does for MediaWiki, so the parameter arrives as "%zz" (only a POST body can be
    // refused, see malformedEscapes()).
    ProviderServer server;
    registerEchoServices(server);
    QVERIFY(server.start(0).ok());
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, server.port());
    QVERIFY(socket.waitForConnected(5000));
    socket.write("GET /w/api.php?action=echo&x=%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nconnection: Close\r\n\r\n");
    QByteArray answer;
    QTRY_VERIFY_WITH_TIMEOUT((answer += socket.readAll()).contains("}")
                                 || socket.state() != QAbstractSocket::ConnectedState,
                             10000);
    answer += socket.readAll();
    QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.constData());
    const QJsonObject json = QJsonDocument::fromJson(answer.sliced(answer.indexOf("\r\n\r\n") + 4)).object();
    QCOMPARE(json.value(u"params"_qs).toObject().value(u"x"_qs).toString(), u"%zz"_qs);
    // "Connection: close" is honoured: said in the response, and the server hangs up.
    QVERIFY2(answer.contains("\r\nConnection: close\r\n"), answer.constData());
    QTRY_VERIFY_WITH_TIMEOUT(socket.state() == QAbstractSocket::UnconnectedState, 5000);
}

void TestProviderApi::notUtf8_data()
{
    QTest::addColumn<QString>("target");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("param");
    QTest::addColumn<bool>("fv2");

    QTest::newRow("lone 0xFF in query")
        << u"/w/api.php?action=echo&title=%FF"_qs << QByteArray() << u"title"_qs << false;
    QTest::newRow("truncated sequence in body")
        << u"/w/api.php"_qs << QByteArray("action=echo&user=%C3%28") << u"user"_qs << false;
    QTest::newRow("overlong slash") << u"/w/api.php"_qs << QByteArray("action=echo&p=%C0%AF") << u"p"_qs
                                    << false;
    QTest::newRow("UTF-16 surrogate")
        << u"/w/api.php"_qs << QByteArray("action=echo&s=%ED%A0%80") << u"s"_qs << false;
    QTest::newRow("not NFC, fv2") << u"/w/api.php?formatversion=2"_qs
                                  << QByteArray("action=echo&name=e%CC%81") << u"name"_qs << true;
    QTest::newRow("C0 control") << u"/w/api.php"_qs << QByteArray("action=echo&c=a%01b") << u"c"_qs << false;
    QTest::newRow("bad name, fv=latest")
        << u"/w/api.php?formatversion=latest"_qs << QByteArray("action=echo&a%FF=1") << u"a\ufffd"_qs << true;
}

void TestProviderApi::notUtf8()
{
    QFETCH(QString, target);
    QFETCH(QByteArray, body);
    QFETCH(QString, param);
    QFETCH(bool, fv2);
    ProviderServer server;
    registerEchoServices(server);
    QVERIFY(server.start(0).ok());

    const Reply reply = send(body.isEmpty() ? "GET" : "POST", url(server, target), body);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("MediaWiki-API-Error"), QByteArray("badutf8"));
    const QJsonObject error = reply.json().value(u"error"_qs).toObject();
    QCOMPARE(error.value(u"code"_qs).toString(), u"badutf8"_qs);
    const QString info = error.value(u"info"_qs).toString();
    QVERIFY2(
        info.startsWith(u"The value passed for \"" % param % u"\" contains invalid or non-normalized data."),
        qPrintable(info));
    QCOMPARE(error.contains(u"docref"_qs), fv2);
    QCOMPARE(error.contains(u"*"_qs), !fv2);
    QCOMPARE(send("GET", url(server, u"/w/api.php?action=echo"_qs)).status, 200);
}

void TestProviderApi::unknownAction_data()
{
    QTest::addColumn<QString>("formatversion");
    QTest::addColumn<QString>("fixture");
    QTest::newRow("formatversion 1") << QString() << u"clientlogin-bad-logintoken-error"_qs;
    QTest::newRow("formatversion 2") << u"2"_qs << u"fv2/clientlogin-bad-logintoken-error"_qs;
}

void TestProviderApi::unknownAction()
{
    QFETCH(QString, formatversion);
    QFETCH(QString, fixture);
    const QJsonObject recorded = fixtureJson(fixture + u".json");
    QVERIFY2(!recorded.isEmpty(), qPrintable(fixturePath(fixture)));
    const QJsonObject recordedError = recorded.value(u"error"_qs).toObject();

    ProviderServer server;
    server.setScriptPath(QString()); // the recorded wiki lives at the root
    registerEchoServices(server);
    QVERIFY(server.start(0).ok());
    QString target = u"/api.php?action=nosuchaction&format=json"_qs;
    if (!formatversion.isEmpty())
        target += u"&formatversion=" % formatversion;
    const Reply reply = send("GET", url(server, target));
    QCOMPARE(reply.status, 200);
    const QJsonObject ours = reply.json();
    const QJsonObject error = ours.value(u"error"_qs).toObject();

    // The same members at both levels as the real wiki's error.
    QCOMPARE(ours.keys(), recorded.keys());
    QCOMPARE(error.keys(), recordedError.keys());
    QCOMPARE(error.value(u"code"_qs).toString(), u"badvalue"_qs);
    QCOMPARE(error.value(u"info"_qs).toString(),
             u"Unrecognized value for parameter \"action\": nosuchaction."_qs);
    // The docref sentence is the real wiki's, with our api.php URL in it.
    const QString docKey = formatversion.isEmpty() ? u"*"_qs : u"docref"_qs;
    QString expectedDocRef = recordedError.value(docKey).toString();
    expectedDocRef.replace(u"http://127.0.0.1:8089/api.php"_qs, server.apiUrl().toString());
    QCOMPARE(error.value(docKey).toString(), expectedDocRef);
    QCOMPARE(reply.header("MediaWiki-API-Error"), QByteArray("badvalue"));
}

void TestProviderApi::mustPostParamsMatchesFixture_data()
{
    QTest::addColumn<QString>("formatversion");
    QTest::addColumn<QString>("fixture");
    QTest::newRow("formatversion 1") << QString() << u"clientlogin-via-get-error"_qs;
    QTest::newRow("formatversion 2") << u"2"_qs << u"fv2/clientlogin-via-get-error"_qs;
}

void TestProviderApi::mustPostParamsMatchesFixture()
{
    QFETCH(QString, formatversion);
    QFETCH(QString, fixture);
    const QJsonObject recorded = fixtureJson(fixture + u".json");
    QVERIFY(!recorded.isEmpty());
    const QMap<QByteArray, QByteArray> recordedHeaders = fixtureHeaders(fixture + u".headers.txt");

    ProviderServer server;
    server.setScriptPath(QString());
    registerEchoServices(server);
    QVERIFY(server.start(0).ok());
    QString target = u"/api.php?action=needspost&logintoken=abc"_qs;
    if (!formatversion.isEmpty())
        target += u"&formatversion=" % formatversion;
    const Reply reply = send("GET", url(server, target));
    QCOMPARE(reply.status, 200);

    // The whole error object equals the recorded one once the docref names our server.
    QString ourBody = QString::fromUtf8(reply.body);
    ourBody.replace(server.apiUrl().toString().replace(u'/', u"\\/"_qs), u"http://127.0.0.1:8089/api.php"_qs);
    ourBody.replace(server.apiUrl().toString(), u"http://127.0.0.1:8089/api.php"_qs);
    QCOMPARE(QJsonDocument::fromJson(ourBody.toUtf8()).object(), recorded);
    QCOMPARE(reply.header("MediaWiki-API-Error"), recordedHeaders.value("mediawiki-api-error"));
    QCOMPARE(reply.header("Content-Type"), recordedHeaders.value("content-type"));

    // POSTed, the token passes.
    QString postTarget = u"/api.php"_qs;
    const Reply posted = send("POST", url(server, postTarget), "action=needspost&logintoken=abc");
    QCOMPARE(posted.json().value(u"ok"_qs).toBool(), true);
}

void TestProviderApi::apiHeadersMatchFixture()
{
    const QMap<QByteArray, QByteArray> recorded = fixtureHeaders(u"clientlogin-alice-pass.headers.txt"_qs);
    QVERIFY(!recorded.isEmpty());
    ProviderServer server;
    registerEchoServices(server);
    QVERIFY(server.start(0).ok());
    const Reply reply = send("POST", url(server, u"/w/api.php"_qs), "action=echo");
    QCOMPARE(reply.status, 200);
    for (const QByteArray name : {"content-type", "cache-control", "x-content-type-options",
                                  "x-frame-options", "content-disposition"}) {
        QVERIFY2(recorded.contains(name), name.constData());
        QCOMPARE(reply.header(name), recorded.value(name));
    }
    QCOMPARE(reply.header("MediaWiki-API-Error"), QByteArray()); // only on errors
    QCOMPARE(reply.header("Content-Length").toInt(), reply.body.size());
}

void TestProviderApi::missingAction()
{
    ProviderServer server;
    QVERIFY(server.start(0).ok());
    const Reply reply = send("GET", url(server, u"/w/api.php"_qs));
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.header("Content-Type").startsWith("text/html"));
    QVERIFY(reply.body.contains("API"));
}

QTEST_MAIN(TestProviderApi)
#include "TestProviderApi.moc"
