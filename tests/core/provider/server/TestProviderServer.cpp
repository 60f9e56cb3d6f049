// ProviderServer over real sockets: QNetworkAccessManager requests to 127.0.0.1, the
// responses compared with MediaWiki's recorded ones (peers/mediawiki/fixtures).

#include "provider/server/ApiErrors.h"
#include "provider/server/ProviderServer.h"
#include "provider/server/SessionStore.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkCookie>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <memory>

using namespace mwauth;
using namespace mwauth::provider;

namespace {

struct Reply
{
    int status = 0;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QByteArray body;
    QList<QNetworkReply::RawHeaderPair> headers;

    QByteArray header(QByteArrayView name) const
    {
        for (const auto &[key, value] : headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        }
        return {};
    }
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

QString fixturePath(const QString &name)
{
    return QStringLiteral(MWAUTH_SHARED_DIR "/peers/mediawiki/fixtures/") + name;
}

QJsonObject fixtureJson(const QString &name)
{
    QFile file(fixturePath(name));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

// "Name: value" lines of a recorded response (the status line is skipped).
QMap<QByteArray, QByteArray> fixtureHeaders(const QString &name)
{
    QMap<QByteArray, QByteArray> headers;
    QFile file(fixturePath(name));
    if (!file.open(QIODevice::ReadOnly))
        return headers;
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (const QByteArray &line : lines) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && !line.startsWith("HTTP/"))
            headers.insert(line.first(colon).trimmed().toLower(), line.sliced(colon + 1).trimmed());
    }
    return headers;
}

QJsonObject paramsToJson(const ApiRequest &request)
{
    QJsonObject params;
    for (auto it = request.params.cbegin(); it != request.params.cend(); ++it)
        params.insert(it.key(), it.value());
    QStringList posted(request.postParamNames.cbegin(), request.postParamNames.cend());
    QStringList queried(request.queryParamNames.cbegin(), request.queryParamNames.cend());
    posted.sort();
    queried.sort();
    return QJsonObject {
        {u"handler"_qs, u"api"_qs},
        {u"method"_qs, QString::fromLatin1(request.method)},
        {u"params"_qs, params},
        {u"posted"_qs, QJsonArray::fromStringList(posted)},
        {u"queried"_qs, QJsonArray::fromStringList(queried)},
    };
}

ProviderResponse echo(const QString &handler, const HttpRequest &request)
{
    return ProviderResponse::json(QJsonObject {
        {u"handler"_qs, handler},
        {u"method"_qs, QString::fromLatin1(request.method)},
        {u"routePath"_qs, request.routePath},
        {u"form"_qs, QString::fromUtf8(request.formValue("x"))},
    });
}

void registerEchoServices(ProviderServer &server)
{
    server.setApiModule(
        u"echo"_qs, [](const ApiRequest &request) { return ProviderResponse::json(paramsToJson(request)); });
    server.setApiModule(u"needspost"_qs, [](const ApiRequest &request) {
        if (request.inQueryString(u"logintoken"_qs))
            return apiError(request, u"mustpostparams"_qs, apimessages::mustPostParams({u"logintoken"_qs}));
        return ProviderResponse::json(QJsonObject {{u"ok"_qs, true}});
    });
    server.setRestRoute(u"/oauth2/token"_qs,
                        [](const RestRequest &request) { return echo(u"rest-token"_qs, request); });
    server.setRestRoute(u"/oauth2/client/"_qs,
                        [](const RestRequest &request) { return echo(u"rest-client"_qs, request); });
    server.setIndexPage(u"Special:OAuth"_qs,
                        [](const IndexRequest &request) { return echo(u"index-oauth"_qs, request); });
    server.setIndexPage(u"Special:OAuth/authorize"_qs,
                        [](const IndexRequest &request) { return echo(u"index-authorize"_qs, request); });
}

} // namespace

class TestProviderServer : public QObject
{
    Q_OBJECT

private:
    Reply send(const QByteArray &method, const QUrl &url, const QByteArray &body = {},
               const QByteArray &contentType = "application/x-www-form-urlencoded",
               const QList<std::pair<QByteArray, QByteArray>> &headers = {})
    {
        QNetworkRequest request(url);
        if (!body.isEmpty() || method == "POST")
            request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
        for (const auto &[name, value] : headers)
            request.setRawHeader(name, value);
        QNetworkReply *reply = m_nam->sendCustomRequest(request, method, body);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        Reply result;
        if (!finished.wait(10000) && !reply->isFinished()) {
            result.error = QNetworkReply::TimeoutError;
        } else {
            result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            result.error = reply->error();
            result.body = reply->readAll();
            result.headers = reply->rawHeaderPairs();
        }
        reply->deleteLater();
        return result;
    }

    QUrl url(const ProviderServer &server, const QString &pathAndQuery)
    {
        return QUrl(server.baseUrl().toString() + pathAndQuery);
    }

    std::unique_ptr<QNetworkAccessManager> m_nam;

private Q_SLOTS:
    void init()
    {
        m_nam = std::make_unique<QNetworkAccessManager>();
        m_nam->setCookieJar(nullptr); // cookies are sent explicitly
    }
    void cleanup() { m_nam.reset(); }

    void routing_data();
    void routing();
    void formDecodingAndPostTracking();
    void repeatedNamesLastWins();
    void bodyTooLarge_data();
    void bodyTooLarge();
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
    void sessionIdShape();
    void sessionCookieLifecycle();
    void unknownSessionCookiesAreIgnored();
    void twoServersAtOnce();
    void stopFreesPort();
    void startErrors();
    void survivesGarbage();
};

void TestProviderServer::routing_data()
{
    QTest::addColumn<QString>("scriptPath");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("target");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("handler"); // empty: no handler
    QTest::addColumn<QString>("routePath");

    const QString w = QStringLiteral("/w");
    const QString root;
    QTest::newRow("api GET") << w << QByteArray("GET") << u"/w/api.php?action=echo"_qs << 200 << u"api"_qs
                             << QString();
    QTest::newRow("api POST") << w << QByteArray("POST") << u"/w/api.php?action=echo"_qs << 200 << u"api"_qs
                              << QString();
    QTest::newRow("api PUT refused") << w << QByteArray("PUT") << u"/w/api.php?action=echo"_qs << 405
                                     << QString() << QString();
    QTest::newRow("rest exact") << w << QByteArray("POST") << u"/w/rest.php/oauth2/token"_qs << 200
                                << u"rest-token"_qs << u"/oauth2/token"_qs;
    QTest::newRow("rest prefix, DELETE") << w << QByteArray("DELETE") << u"/w/rest.php/oauth2/client/abc"_qs
                                         << 200 << u"rest-client"_qs << u"/oauth2/client/abc"_qs;
    QTest::newRow("rest PATCH") << w << QByteArray("PATCH") << u"/w/rest.php/oauth2/client/x/y"_qs << 200
                                << u"rest-client"_qs << u"/oauth2/client/x/y"_qs;
    QTest::newRow("rest exact is not a prefix")
        << w << QByteArray("GET") << u"/w/rest.php/oauth2/token/x"_qs << 404 << QString() << QString();
    QTest::newRow("rest unknown") << w << QByteArray("GET") << u"/w/rest.php/nope"_qs << 404 << QString()
                                  << QString();
    QTest::newRow("index title=") << w << QByteArray("GET")
                                  << u"/w/index.php?title=Special:OAuth/authorize&x=1"_qs << 200
                                  << u"index-authorize"_qs << u"Special:OAuth/authorize"_qs;
    QTest::newRow("index path form") << w << QByteArray("GET") << u"/w/index.php/Special:OAuth/authorize"_qs
                                     << 200 << u"index-authorize"_qs << u"Special:OAuth/authorize"_qs;
    QTest::newRow("index shorter prefix")
        << w << QByteArray("POST") << u"/w/index.php/Special:OAuth/initiate"_qs << 200 << u"index-oauth"_qs
        << u"Special:OAuth/initiate"_qs;
    QTest::newRow("index escaped title, underscores")
        << w << QByteArray("GET") << u"/w/index.php?title=Special%3AOAuth"_qs << 200 << u"index-oauth"_qs
        << u"Special:OAuth"_qs;
    QTest::newRow("index prefix needs a slash")
        << w << QByteArray("GET") << u"/w/index.php?title=Special:OAuthX"_qs << 404 << QString() << QString();
    QTest::newRow("index unknown page")
        << w << QByteArray("GET") << u"/w/index.php?title=Main_Page"_qs << 404 << QString() << QString();
    QTest::newRow("api outside script path")
        << w << QByteArray("GET") << u"/api.php?action=echo"_qs << 404 << QString() << QString();
    QTest::newRow("api.phpx") << w << QByteArray("GET") << u"/w/api.phpx"_qs << 404 << QString() << QString();
    QTest::newRow("root") << w << QByteArray("GET") << u"/"_qs << 404 << QString() << QString();
    QTest::newRow("rest.php alone") << w << QByteArray("GET") << u"/w/rest.php"_qs << 404 << QString()
                                    << QString();
    QTest::newRow("root wiki api") << root << QByteArray("GET") << u"/api.php?action=echo"_qs << 200
                                   << u"api"_qs << QString();
    QTest::newRow("root wiki rest") << root << QByteArray("GET") << u"/rest.php/oauth2/token"_qs << 200
                                    << u"rest-token"_qs << u"/oauth2/token"_qs;
    QTest::newRow("root wiki index") << root << QByteArray("GET") << u"/index.php/Special:OAuth"_qs << 200
                                     << u"index-oauth"_qs << u"Special:OAuth"_qs;
    QTest::newRow("root wiki refuses /w")
        << root << QByteArray("GET") << u"/w/api.php?action=echo"_qs << 404 << QString() << QString();
}

void TestProviderServer::routing()
{
    QFETCH(QString, scriptPath);
    QFETCH(QByteArray, method);
    QFETCH(QString, target);
    QFETCH(int, status);
    QFETCH(QString, handler);
    QFETCH(QString, routePath);

    ProviderServer server;
    server.setScriptPath(scriptPath);
    registerEchoServices(server);
    const auto started = server.start(0);
    QVERIFY2(started.ok(), qPrintable(started.error().message()));
    QVERIFY(server.port() != 0);

    const Reply reply = send(method, url(server, target), method == "GET" ? QByteArray() : QByteArray("x=1"));
    QCOMPARE(reply.status, status);
    if (handler.isEmpty()) {
        if (status == 404 && target.contains(u"rest.php/"))
            QVERIFY2(reply.json()
                         .value(u"messageTranslations"_qs)
                         .toObject()
                         .value(u"en"_qs)
                         .toString()
                         .contains(u"did not match any known handler"),
                     reply.body.constData());
        else
            QVERIFY2(reply.header("content-type").startsWith("text/html; charset=utf-8"),
                     reply.body.constData());
        QVERIFY(!reply.body.isEmpty());
        return;
    }
    const QJsonObject json = reply.json();
    QCOMPARE(json.value(u"handler"_qs).toString(), handler);
    QCOMPARE(json.value(u"method"_qs).toString(), QString::fromLatin1(method));
    if (handler != u"api")
        QCOMPARE(json.value(u"routePath"_qs).toString(), routePath);
}

void TestProviderServer::formDecodingAndPostTracking()
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

void TestProviderServer::repeatedNamesLastWins()
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

void TestProviderServer::bodyTooLarge_data()
{
    QTest::addColumn<QString>("target");
    QTest::newRow("api.php") << u"/w/api.php?action=echo"_qs;
    QTest::newRow("rest.php") << u"/w/rest.php/oauth2/token"_qs;
    QTest::newRow("unknown path") << u"/elsewhere"_qs;
}

void TestProviderServer::bodyTooLarge()
{
    QFETCH(QString, target);
    ProviderServer server;
    registerEchoServices(server);
    QCOMPARE(server.maxBodySize(), qint64(1024 * 1024));
    QVERIFY(server.start(0).ok());

    const QByteArray big = "x=" + QByteArray(2 * 1024 * 1024, 'a');
    const Reply tooBig = send("POST", url(server, target), big);
    QCOMPARE(tooBig.status, 413);
    QVERIFY2(tooBig.body.contains("1048576"), tooBig.body.constData()); // names the limit
    QVERIFY2(tooBig.body.contains(QByteArray::number(big.size())), tooBig.body.constData());

    // Exactly at the limit is fine, and the server still answers.
    const QByteArray atLimit = "action=echo&x=" + QByteArray(1024 * 1024 - 14, 'b');
    QCOMPARE(atLimit.size(), 1024 * 1024);
    const Reply fits = send("POST", url(server, u"/w/api.php"_qs), atLimit);
    QCOMPARE(fits.status, 200);
    QCOMPARE(fits.json().value(u"params"_qs).toObject().value(u"x"_qs).toString().size(), 1024 * 1024 - 14);

    const Reply next = send("GET", url(server, u"/w/api.php?action=echo&n=1"_qs));
    QCOMPARE(next.status, 200);
    QCOMPARE(next.json().value(u"params"_qs).toObject().value(u"n"_qs).toString(), u"1"_qs);
}

void TestProviderServer::malformedEscapes()
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

void TestProviderServer::malformedEscapeInRawQuery()
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

void TestProviderServer::notUtf8_data()
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

void TestProviderServer::notUtf8()
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

void TestProviderServer::unknownAction_data()
{
    QTest::addColumn<QString>("formatversion");
    QTest::addColumn<QString>("fixture");
    QTest::newRow("formatversion 1") << QString() << u"clientlogin-bad-logintoken-error"_qs;
    QTest::newRow("formatversion 2") << u"2"_qs << u"fv2/clientlogin-bad-logintoken-error"_qs;
}

void TestProviderServer::unknownAction()
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

void TestProviderServer::mustPostParamsMatchesFixture_data()
{
    QTest::addColumn<QString>("formatversion");
    QTest::addColumn<QString>("fixture");
    QTest::newRow("formatversion 1") << QString() << u"clientlogin-via-get-error"_qs;
    QTest::newRow("formatversion 2") << u"2"_qs << u"fv2/clientlogin-via-get-error"_qs;
}

void TestProviderServer::mustPostParamsMatchesFixture()
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

void TestProviderServer::apiHeadersMatchFixture()
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

void TestProviderServer::missingAction()
{
    ProviderServer server;
    QVERIFY(server.start(0).ok());
    const Reply reply = send("GET", url(server, u"/w/api.php"_qs));
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.header("Content-Type").startsWith("text/html"));
    QVERIFY(reply.body.contains("API"));
}

void TestProviderServer::sessionIdShape()
{
    // The recorded wiki's session ids: 32 characters of base 32 ("0-9a-v").
    const QRegularExpression shape(u"^[0-9a-v]{32}$"_qs);
    const QByteArray recordedCookie
        = fixtureHeaders(u"query-tokens-login.headers.txt"_qs).value("set-cookie");
    const QList<QNetworkCookie> recorded = QNetworkCookie::parseCookies(recordedCookie);
    QCOMPARE(recorded.size(), 1);
    QVERIFY2(shape.match(QString::fromLatin1(recorded.first().value())).hasMatch(),
             recordedCookie.constData());

    SystemRandom random;
    const QByteArray a = newSessionId(random);
    const QByteArray b = newSessionId(random);
    QVERIFY2(shape.match(QString::fromLatin1(a)).hasMatch(), a.constData());
    QVERIFY(a != b);
    QVERIFY(isWellFormedSessionId(a));
    QVERIFY(!isWellFormedSessionId(a.left(31)));
    QVERIFY(!isWellFormedSessionId(QByteArray(a.left(31) + 'w')));
    QVERIFY(!isWellFormedSessionId(a.toUpper()));

    // The digits are RFC 4648 "base32hex" in lower case: BASE32-HEX("fooba") = "CPNMUOJ1".
    FixedRandom fooba("fooba");
    QCOMPARE(newSessionId(fooba), QByteArray("cpnmuoj1cpnmuoj1cpnmuoj1cpnmuoj1"));
    FixedRandom ones(QByteArray(1, '\xff'));
    QCOMPARE(newSessionId(ones), QByteArray(32, 'v'));
}

void TestProviderServer::sessionCookieLifecycle()
{
    ProviderServer server;
    server.setWikiId(u"oathwiki"_qs);
    QCOMPARE(server.sessionCookieName(), QByteArray("oathwiki_session"));
    server.setApiModule(u"login"_qs, [](const ApiRequest &request) {
        ApiResponse response
            = ProviderResponse::json(QJsonObject {{u"had"_qs, QString::fromLatin1(request.sessionId)}});
        SessionData data = request.session;
        data.insert(u"user"_qs, request.param(u"user"_qs));
        response.saveSession = data;
        return response;
    });
    server.setApiModule(u"whoami"_qs, [](const ApiRequest &request) {
        return ProviderResponse::json(
            QJsonObject {{u"id"_qs, QString::fromLatin1(request.sessionId)},
                         {u"user"_qs, request.session.value(u"user"_qs).toString()}});
    });
    server.setApiModule(u"logout"_qs, [](const ApiRequest &) {
        ApiResponse response = ProviderResponse::json(QJsonObject {});
        response.endSession = true;
        return response;
    });
    QVERIFY(server.start(0).ok());

    const Reply login = send("POST", url(server, u"/w/api.php"_qs), "action=login&user=Alice");
    QCOMPARE(login.status, 200);
    QCOMPARE(login.json().value(u"had"_qs).toString(), QString());
    const QList<QNetworkCookie> cookies = QNetworkCookie::parseCookies(login.header("Set-Cookie"));
    QCOMPARE(cookies.size(), 1);
    const QNetworkCookie cookie = cookies.first();
    QCOMPARE(cookie.name(), QByteArray("oathwiki_session"));
    QVERIFY(isWellFormedSessionId(cookie.value()));
    QVERIFY(cookie.isHttpOnly());
    QVERIFY(!cookie.isSecure());
    QVERIFY(cookie.isSessionCookie());
    QCOMPARE(cookie.path(), u"/"_qs);
    QCOMPARE(cookie.sameSitePolicy(), QNetworkCookie::SameSite::Lax);

    const QByteArray cookieHeader = "other=1; oathwiki_session=" + cookie.value();
    const Reply who
        = send("GET", url(server, u"/w/api.php?action=whoami"_qs), {}, {}, {{"Cookie", cookieHeader}});
    QCOMPARE(who.json().value(u"id"_qs).toString(), QString::fromLatin1(cookie.value()));
    QCOMPARE(who.json().value(u"user"_qs).toString(), u"Alice"_qs);
    QVERIFY(who.header("Set-Cookie").isEmpty());

    // Saving again keeps the id: no new cookie.
    const Reply again = send("POST", url(server, u"/w/api.php"_qs), "action=login&user=Bob",
                             "application/x-www-form-urlencoded", {{"Cookie", cookieHeader}});
    QCOMPARE(again.json().value(u"had"_qs).toString(), QString::fromLatin1(cookie.value()));
    QVERIFY(again.header("Set-Cookie").isEmpty());

    const Reply logout = send("POST", url(server, u"/w/api.php"_qs), "action=logout",
                              "application/x-www-form-urlencoded", {{"Cookie", cookieHeader}});
    const QList<QNetworkCookie> expired = QNetworkCookie::parseCookies(logout.header("Set-Cookie"));
    QCOMPARE(expired.size(), 1);
    QCOMPARE(expired.first().name(), QByteArray("oathwiki_session"));
    QVERIFY(!expired.first().isSessionCookie());
    QVERIFY(expired.first().expirationDate() < QDateTime::currentDateTimeUtc());

    const Reply gone
        = send("GET", url(server, u"/w/api.php?action=whoami"_qs), {}, {}, {{"Cookie", cookieHeader}});
    QCOMPARE(gone.json().value(u"id"_qs).toString(), QString());
    QCOMPARE(gone.json().value(u"user"_qs).toString(), QString());
}

void TestProviderServer::unknownSessionCookiesAreIgnored()
{
    InMemorySessionStore store;
    ProviderServer server;
    server.setSessionStore(&store);
    server.setApiModule(u"whoami"_qs, [](const ApiRequest &request) {
        return ProviderResponse::json(QJsonObject {{u"id"_qs, QString::fromLatin1(request.sessionId)}});
    });
    QVERIFY(store.save("0123456789abcdefghijklmnopqrstuv", {{u"user"_qs, u"Carol"_qs}}).ok());
    QVERIFY(server.start(0).ok());
    const QList<QByteArray> values = {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "short", "../../etc/passwd",
                                      "0123456789ABCDEFGHIJKLMNOPQRSTUV", ""};
    for (const QByteArray &value : values) {
        const Reply reply = send("GET", url(server, u"/w/api.php?action=whoami"_qs), {}, {},
                                 {{"Cookie", "mwauthwiki_session=" + value}});
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().value(u"id"_qs).toString(), QString());
    }
    const Reply known = send("GET", url(server, u"/w/api.php?action=whoami"_qs), {}, {},
                             {{"Cookie", "mwauthwiki_session=0123456789abcdefghijklmnopqrstuv"}});
    QCOMPARE(known.json().value(u"id"_qs).toString(), u"0123456789abcdefghijklmnopqrstuv"_qs);
}

void TestProviderServer::twoServersAtOnce()
{
    ProviderServer one;
    ProviderServer two;
    one.setApiModule(u"who"_qs, [](const ApiRequest &) {
        return ProviderResponse::json({{u"server"_qs, 1}});
    });
    two.setApiModule(u"who"_qs, [](const ApiRequest &) {
        return ProviderResponse::json({{u"server"_qs, 2}});
    });
    QVERIFY(one.start(0).ok());
    QVERIFY(two.start(0).ok());
    QVERIFY(one.port() != two.port());
    QCOMPARE(send("GET", url(one, u"/w/api.php?action=who"_qs)).json().value(u"server"_qs).toInt(), 1);
    QCOMPARE(send("GET", url(two, u"/w/api.php?action=who"_qs)).json().value(u"server"_qs).toInt(), 2);
    QCOMPARE(send("GET", url(one, u"/w/api.php?action=who"_qs)).json().value(u"server"_qs).toInt(), 1);
}

void TestProviderServer::stopFreesPort()
{
    ProviderServer server;
    server.setApiModule(u"who"_qs, [](const ApiRequest &) {
        return ProviderResponse::json({{u"ok"_qs, true}});
    });
    QVERIFY(server.start(0).ok());
    const quint16 port = server.port();
    const QUrl target = url(server, u"/w/api.php?action=who"_qs);
    QCOMPARE(send("GET", target).status, 200); // leaves a kept-alive connection open
    server.stop();
    QVERIFY(!server.isRunning());
    QCOMPARE(server.port(), quint16(0));
    QVERIFY(server.baseUrl().isEmpty());

    const Reply refused = send("GET", target);
    QVERIFY2(refused.status == 0 && refused.error != QNetworkReply::NoError, refused.body.constData());

    QTcpServer other;
    QVERIFY2(other.listen(QHostAddress::LocalHost, port), qPrintable(other.errorString()));
    other.close();
    QVERIFY(server.start(port).ok());
    QCOMPARE(server.port(), port);
    QCOMPARE(send("GET", target).status, 200);
}

void TestProviderServer::startErrors()
{
    ProviderServer server;
    QVERIFY(server.start(0).ok());
    const auto twice = server.start(0);
    QVERIFY(!twice.ok());
    QCOMPARE(twice.error().code(), ErrorCode::InvalidInput);
    QVERIFY2(twice.error().message().contains(QString::number(server.port())),
             qPrintable(twice.error().message()));

    ProviderServer clash;
    const auto taken = clash.start(server.port());
    QVERIFY(!taken.ok());
    QCOMPARE(taken.error().code(), ErrorCode::Network);
    QVERIFY2(taken.error().message().contains(u"127.0.0.1:" % QString::number(server.port())),
             qPrintable(taken.error().message()));
    QVERIFY(!clash.isRunning());
}

void TestProviderServer::survivesGarbage()
{
    ProviderServer server;
    server.setApiModule(u"who"_qs, [](const ApiRequest &) {
        return ProviderResponse::json({{u"ok"_qs, true}});
    });
    QVERIFY(server.start(0).ok());
    const QList<QByteArray> garbage = {
        "NOT HTTP AT ALL\r\n\r\n",
        QByteArray("\x00\x01\x02\xff\r\n\r\n", 8),
        "GET /w/api.php?action=who HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
        "POST /w/api.php HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\nabc",
    };
    for (const QByteArray &bytes : garbage) {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(socket.waitForConnected(5000));
        socket.write(bytes);
        QVERIFY(socket.waitForBytesWritten(5000));
        // While that connection is open (or closed by the server), others are served.
        QCOMPARE(send("GET", url(server, u"/w/api.php?action=who"_qs)).status, 200);
        const bool completeGarbage = !bytes.contains("99999999999");
        if (completeGarbage) {
            // A request that cannot be parsed is answered or its connection closed.
            QTRY_VERIFY_WITH_TIMEOUT(
                socket.bytesAvailable() > 0 || socket.state() != QAbstractSocket::ConnectedState, 10000);
            const QByteArray answer = socket.readAll();
            // A valid request line with a nonsense Content-Length is still a GET.
            const QByteArray expected = bytes.startsWith("GET") ? "HTTP/1.1 200" : "HTTP/1.1 4";
            QVERIFY2(answer.isEmpty() || answer.startsWith(expected), answer.constData());
        }
    }
    QCOMPARE(send("GET", url(server, u"/w/api.php?action=who"_qs)).status, 200);
}

QTEST_MAIN(TestProviderServer)
#include "TestProviderServer.moc"
