// HttpClient against a scripted server on 127.0.0.1: every request becomes an Exchange in
// the Trace; cookies stay in their session; redirects, timeouts, the size cap, refused
// connections and non-JSON answers become typed errors, each callback runs exactly once.

#include "ScriptedServer.h"

#include "http/HttpClient.h"
#include "trace/Trace.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using namespace mwauth;
using namespace mwauth::http;
using mwauth::testing::ReceivedRequest;
using mwauth::testing::ScriptedServer;

namespace {

// Collects the callback's results.
struct Outcome
{
    int calls = 0;
    std::optional<Result<HttpResponse>> result;
    HttpClient::Callback callback()
    {
        return [this](Result<HttpResponse> r) {
            ++calls;
            result = std::move(r);
        };
    }
};

} // namespace

class TestHttpClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void recordsAnExchange();
    void cookiesStayInTheirSession();
    void followsRedirectsWhenAsked();
    void timeoutIsTyped();
    void sizeCapIsTyped();
    void refusedConnectionIsTyped();
    void badUrlIsTyped();
    void htmlWhereJsonWasWanted();
    void malformedJson();
    void abortCancels();
};

void TestHttpClient::recordsAnExchange()
{
    ScriptedServer server([](const ReceivedRequest &) -> QByteArray {
        return ScriptedServer::response(200, "application/json", R"({"ok":true})", "X-Test: yes\r\n");
    });
    QVERIFY(server.isListening());
    QNetworkAccessManager network;
    trace::Trace trace;
    HttpClient client(&network, &trace);
    QSignalSpy recorded(&client, &HttpClient::exchangeRecorded);
    Outcome outcome;
    client.send(HttpRequest::postForm(server.url(u"/w/api.php"_qs),
                                      {{"action", "query"}, {"password", "hunter22"}}, u"tokens"_qs),
                this, outcome.callback());
    QCOMPARE(outcome.calls, 0); // never from inside send()
    QTRY_COMPARE(outcome.calls, 1);
    QVERIFY2(outcome.result->ok(), qPrintable(outcome.result->error().toString()));
    const HttpResponse &response = outcome.result->value();
    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("x-test"), QByteArray("yes"));
    QCOMPARE(response.jsonObject()->value(u"ok"_qs).toBool(), true);
    QCOMPARE(recorded.size(), 1);
    QCOMPARE(trace.size(), 1);
    const trace::Exchange &exchange = trace.exchanges().first();
    QCOMPARE(exchange.id, 1);
    QCOMPARE(response.exchangeId, 1);
    QCOMPARE(exchange.step, u"tokens"_qs);
    QCOMPARE(exchange.method, QByteArray("POST"));
    QCOMPARE(exchange.url.path(), u"/w/api.php"_qs);
    QCOMPARE(exchange.requestBody, QByteArray("action=query&password=hunter22"));
    QCOMPARE(exchange.requestHeader("content-type"), QByteArray("application/x-www-form-urlencoded"));
    QCOMPARE(exchange.status, 200);
    QCOMPARE(exchange.responseBody, QByteArray(R"({"ok":true})"));
    QVERIFY(exchange.startedAt.isValid());
    QVERIFY(exchange.waitMs >= 0);
    QVERIFY(exchange.totalMs >= exchange.waitMs);
    QVERIFY(exchange.error.isEmpty());
    QCOMPARE(server.requests().first().body, QByteArray("action=query&password=hunter22"));
}

void TestHttpClient::cookiesStayInTheirSession()
{
    ScriptedServer server([](const ReceivedRequest &request) -> QByteArray {
        if (request.target == "/set")
            return ScriptedServer::response(200, "text/plain", "set",
                                            "Set-Cookie: session=abc123; Path=/; HttpOnly\r\n");
        return ScriptedServer::response(200, "text/plain", request.header("Cookie"));
    });
    QNetworkAccessManager network; // shared by both sessions
    HttpClient first(&network, nullptr);
    HttpClient second(&network, nullptr);
    Outcome set, again, other;
    first.send(HttpRequest::get(server.url(u"/set"_qs)), this, set.callback());
    QTRY_COMPARE(set.calls, 1);
    first.send(HttpRequest::get(server.url(u"/echo"_qs)), this, again.callback());
    second.send(HttpRequest::get(server.url(u"/echo"_qs)), this, other.callback());
    QTRY_COMPARE(again.calls, 1);
    QTRY_COMPARE(other.calls, 1);
    QCOMPARE(again.result->value().body, QByteArray("session=abc123"));
    QCOMPARE(other.result->value().body, QByteArray());
    QCOMPARE(first.cookieJar()->cookies().size(), 1);
    QVERIFY(second.cookieJar()->cookies().isEmpty());
}

void TestHttpClient::followsRedirectsWhenAsked()
{
    ScriptedServer server([](const ReceivedRequest &request) -> QByteArray {
        if (request.target == "/a")
            return ScriptedServer::response(303, "text/plain", "", "Location: /b\r\n");
        return ScriptedServer::response(200, "text/plain", request.method);
    });
    QNetworkAccessManager network;
    trace::Trace trace;
    HttpClient client(&network, &trace);
    HttpRequest request = HttpRequest::postForm(server.url(u"/a"_qs), {{"x", "1"}});

    Outcome manual;
    client.send(request, this, manual.callback());
    QTRY_COMPARE(manual.calls, 1);
    QCOMPARE(manual.result->value().status, 303);
    QCOMPARE(manual.result->value().header("Location"), QByteArray("/b"));

    request.followRedirects = true;
    Outcome followed;
    client.send(request, this, followed.callback());
    QTRY_COMPARE(followed.calls, 1);
    QCOMPARE(followed.result->value().status, 200);
    QCOMPARE(followed.result->value().body, QByteArray("GET")); // 303 turns POST into GET
    QCOMPARE(followed.result->value().url.path(), u"/b"_qs);
    QCOMPARE(trace.size(), 3);
    QCOMPARE(trace.exchanges().at(1).status, 303);
    QCOMPARE(trace.exchanges().at(2).redirectedFrom, QList<QUrl> {server.url(u"/a"_qs)});
}

void TestHttpClient::timeoutIsTyped()
{
    ScriptedServer server([](const ReceivedRequest &) -> QByteArray { return QByteArray(); }); // hangs
    QNetworkAccessManager network;
    trace::Trace trace;
    HttpClient client(&network, &trace);
    HttpRequest request = HttpRequest::get(server.url());
    request.timeoutMs = 300;
    Outcome outcome;
    client.send(request, this, outcome.callback());
    QTRY_COMPARE(outcome.calls, 1);
    QCOMPARE(outcome.result->error().code(), ErrorCode::Timeout);
    QVERIFY2(outcome.result->error().message().contains(u"did not answer within 0.3 s"_qs),
             qPrintable(outcome.result->error().message()));
    QCOMPARE(trace.size(), 1);
    QCOMPARE(trace.exchanges().first().status, 0);
    QCOMPARE(trace.exchanges().first().error, outcome.result->error().message());
    QCOMPARE(client.runningCount(), 0);
}

void TestHttpClient::sizeCapIsTyped()
{
    // One with a Content-Length over the cap, one without any length (read until close).
    const QByteArray big(100000, 'x');
    ScriptedServer server([&big](const ReceivedRequest &request) -> QByteArray {
        if (request.target == "/unsized")
            return QByteArray("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n")
                + big;
        return ScriptedServer::response(200, "text/plain", big);
    });
    QNetworkAccessManager network;
    trace::Trace trace;
    HttpClient client(&network, &trace);
    client.setMaxResponseBytes(1000);
    Outcome sized, unsized;
    client.send(HttpRequest::get(server.url(u"/sized"_qs)), this, sized.callback());
    client.send(HttpRequest::get(server.url(u"/unsized"_qs)), this, unsized.callback());
    QTRY_COMPARE(sized.calls, 1);
    QTRY_COMPARE(unsized.calls, 1);
    for (const Outcome *outcome : {&sized, &unsized}) {
        QCOMPARE(outcome->result->error().code(), ErrorCode::TooLarge);
        QVERIFY(outcome->result->error().message().contains(u"larger than the limit of 1000 bytes"_qs));
    }
    for (const trace::Exchange &exchange : trace.exchanges())
        QVERIFY(exchange.responseBody.size() <= 1000);
}

void TestHttpClient::refusedConnectionIsTyped()
{
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    }
    QNetworkAccessManager network;
    HttpClient client(&network, nullptr);
    Outcome outcome;
    client.send(HttpRequest::get(QUrl(u"http://127.0.0.1:"_qs + QString::number(port) + u"/"_qs)), this,
                outcome.callback());
    QTRY_COMPARE(outcome.calls, 1);
    QCOMPARE(outcome.result->error().code(), ErrorCode::Network);
    QVERIFY2(outcome.result->error().message().startsWith(u"could not talk to 127.0.0.1:"_qs),
             qPrintable(outcome.result->error().message()));
    QCOMPARE(outcome.result->error().detail(), u"ConnectionRefusedError"_qs);
}

void TestHttpClient::badUrlIsTyped()
{
    QNetworkAccessManager network;
    trace::Trace trace;
    HttpClient client(&network, &trace);
    Outcome outcome;
    client.send(HttpRequest::get(QUrl(u"ftp://example.org/x"_qs)), this, outcome.callback());
    QCOMPARE(outcome.calls, 0);
    QTRY_COMPARE(outcome.calls, 1);
    QCOMPARE(outcome.result->error().code(), ErrorCode::MalformedUrl);
    QCOMPARE(trace.size(), 1);
}

void TestHttpClient::htmlWhereJsonWasWanted()
{
    ScriptedServer server([](const ReceivedRequest &) -> QByteArray {
        return ScriptedServer::response(503, "text/html; charset=utf-8",
                                        "<html><head><title>Service Unavailable</title></head></html>");
    });
    QNetworkAccessManager network;
    HttpClient client(&network, nullptr);
    Outcome outcome;
    client.send(HttpRequest::get(server.url()), this, outcome.callback());
    QTRY_COMPARE(outcome.calls, 1);
    QVERIFY(outcome.result->ok()); // a response, with an error status
    QCOMPARE(outcome.result->value().status, 503);
    const Result<QJsonObject> json = outcome.result->value().jsonObject();
    QCOMPARE(json.error().code(), ErrorCode::Protocol);
    QCOMPARE(json.error().message(),
             u"expected JSON, the server sent text/html (HTTP 503): \"Service Unavailable\""_qs);
}

void TestHttpClient::malformedJson()
{
    ScriptedServer server([](const ReceivedRequest &) -> QByteArray {
        return ScriptedServer::response(200, "application/json", R"({"a": )");
    });
    QNetworkAccessManager network;
    HttpClient client(&network, nullptr);
    Outcome outcome;
    client.send(HttpRequest::get(server.url()), this, outcome.callback());
    QTRY_COMPARE(outcome.calls, 1);
    const Result<QJsonObject> json = outcome.result->value().jsonObject();
    QCOMPARE(json.error().code(), ErrorCode::MalformedJson);
    QVERIFY(json.error().message().startsWith(u"the server's JSON does not parse"_qs));
}

void TestHttpClient::abortCancels()
{
    ScriptedServer server([](const ReceivedRequest &) -> QByteArray { return QByteArray(); });
    QNetworkAccessManager network;
    HttpClient client(&network, nullptr);
    Outcome outcome;
    const quint64 id = client.send(HttpRequest::get(server.url()), this, outcome.callback());
    QTRY_COMPARE(server.requests().size(), 1);
    client.abort(id);
    QTRY_COMPARE(outcome.calls, 1);
    QCOMPARE(outcome.result->error().code(), ErrorCode::Cancelled);
    client.abort(id); // unknown now: ignored
    QCoreApplication::processEvents();
    QCOMPARE(outcome.calls, 1);
}

QTEST_GUILESS_MAIN(TestHttpClient)
#include "TestHttpClient.moc"
