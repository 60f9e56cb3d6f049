// ProviderServer over real sockets: routing of the wiki URL layout, body limit, sessions and
// their cookie, several servers, start/stop, garbage on the wire.

#include "ProviderTestSupport.h"

#include <QNetworkCookie>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <memory>

using namespace mwauth;
using namespace mwauth::provider;
using namespace mwauth::provider::testing;

class TestProviderServer : public QObject
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

    void routing_data();
    void routing();
    void bodyTooLarge_data();
    void bodyTooLarge();
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
    QTest::newRow("well-known at the root")
        << w << QByteArray("GET") << u"/.well-known/openid-configuration"_qs << 200 << u"well-known"_qs
        << u"openid-configuration"_qs;
    QTest::newRow("well-known unknown")
        << w << QByteArray("GET") << u"/.well-known/security.txt"_qs << 404 << QString() << QString();
    QTest::newRow("well-known not under the script path")
        << w << QByteArray("GET") << u"/w/.well-known/openid-configuration"_qs << 404 << QString()
        << QString();
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
        // A request that cannot be parsed is answered or its connection closed; the socket
        // guard answers a nonsense Content-Length with 400 (RFC 9112 section 6.3) and an
        // oversized one with 413, without waiting for the body.
        QTRY_VERIFY_WITH_TIMEOUT(
            socket.bytesAvailable() > 0 || socket.state() != QAbstractSocket::ConnectedState, 10000);
        const QByteArray answer = socket.readAll();
        const QByteArray expected = bytes.contains("-5") ? "HTTP/1.1 400"
            : bytes.contains("99999999999")              ? "HTTP/1.1 413"
                                                         : "HTTP/1.1 4";
        QVERIFY2(answer.isEmpty() || answer.startsWith(expected), answer.constData());
        if (bytes.startsWith("GET") || bytes.startsWith("POST"))
            QVERIFY2(!answer.isEmpty(), bytes.constData());
    }
    QCOMPARE(send("GET", url(server, u"/w/api.php?action=who"_qs)).status, 200);
}

QTEST_MAIN(TestProviderServer)
#include "TestProviderServer.moc"
