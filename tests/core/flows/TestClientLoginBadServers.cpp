// ClientLoginFlow against servers that misbehave (a scripted server on 127.0.0.1): malformed
// JSON, an HTML error page where JSON was expected, an oversize body, a hang, an API error,
// an unknown status. Each gives a clear error and the flow finishes exactly once. And a UI
// request of a module nobody knows is still rendered from its fields and answered.

#include "../http/ScriptedServer.h"
#include "FlowRunner.h"

#include "flows/ClientLoginFlow.h"
#include "http/FormCodec.h"
#include "trace/Trace.h"

#include <QNetworkAccessManager>
#include <QTest>

using namespace mwauth;
using namespace mwauth::flows;
using mwauth::testing::ReceivedRequest;
using mwauth::testing::runFlow;
using mwauth::testing::ScriptedServer;

namespace {

const QByteArray tokens = R"({"batchcomplete":true,"query":{"tokens":{"logintoken":"abcdef0123456789+\\"}}})";

QByteArray json(const QByteArray &body)
{
    return ScriptedServer::response(200, "application/json; charset=utf-8", body);
}

} // namespace

class TestClientLoginBadServers : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void badAnswers_data();
    void badAnswers();
    void hangIsATimeout();
    void unknownModuleIsRenderedFromItsFields();
    void redirectAsksForTheBrowser();
    void totpThrottleIsSurfaced();
};

void TestClientLoginBadServers::badAnswers_data()
{
    QTest::addColumn<QByteArray>("answer");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QString>("message");
    QTest::newRow("malformed JSON") << json(R"({"clientlogin": {"status": "PA)") << ErrorCode::MalformedJson
                                    << u"api.php: the server's JSON does not parse"_qs;
    QTest::newRow("HTML error page")
        << ScriptedServer::response(
               500, "text/html",
               "<!DOCTYPE html><html><head><title>Internal error - Wiki</title></head></html>")
        << ErrorCode::Protocol
        << u"api.php: expected JSON, the server sent text/html (HTTP 500): \"Internal error - Wiki\""_qs;
    QTest::newRow("oversize body") << json("{\"x\":\"" + QByteArray(9 * 1024 * 1024, 'a') + "\"}")
                                   << ErrorCode::TooLarge << u"the response from 127.0.0.1:"_qs;
    QTest::newRow("API error") << json(R"({"error":{"code":"badtoken","info":"Invalid CSRF token."}})")
                               << ErrorCode::Server
                               << u"the wiki refused the request: Invalid CSRF token. (badtoken)"_qs;
    QTest::newRow("no clientlogin") << json(R"({"batchcomplete":true})") << ErrorCode::MalformedJson
                                    << u"the wiki's answer has no clientlogin object"_qs;
    QTest::newRow("unknown status") << json(R"({"clientlogin":{"status":"MAYBE"}})") << ErrorCode::Protocol
                                    << u"unknown clientlogin status \"MAYBE\""_qs;
    QTest::newRow("UI without requests")
        << json(R"({"clientlogin":{"status":"UI","requests":[]}})") << ErrorCode::Protocol
        << u"clientlogin answered UI without any request"_qs;
    QTest::newRow("RESTART") << json(
        R"({"clientlogin":{"status":"RESTART","message":"Not linked.","messagecode":"authmanager-authn-no-local-user"}})")
                             << ErrorCode::Server
                             << u"the wiki asks to start again (RESTART: the account is not linked): Not linked."_qs;
}

void TestClientLoginBadServers::badAnswers()
{
    QFETCH(QByteArray, answer);
    QFETCH(ErrorCode, code);
    QFETCH(QString, message);
    ScriptedServer server([&](const ReceivedRequest &request) -> QByteArray {
        if (request.method == "GET")
            return json(tokens);
        return answer;
    });
    QNetworkAccessManager network;
    trace::Trace trace;
    http::HttpClient client(&network, &trace);
    ClientLoginOptions options;
    options.apiUrl = server.url(u"/w/api.php"_qs);
    options.username = u"Alice"_qs;
    options.password = u"Alice-secret"_qs;
    SystemClock clock;
    ClientLoginFlow flow(&client, options, clock);
    const auto run = runFlow(flow);
    QCOMPARE(run.finishedCount, 1);
    QCOMPARE(run.result.error().code(), code);
    QVERIFY2(run.result.error().message().startsWith(message), qPrintable(run.result.error().toString()));
    QCOMPARE(trace.size(), 2); // tokens and clientlogin, both recorded
    QVERIFY(!trace.exchanges().at(1).error.isEmpty() || trace.exchanges().at(1).status > 0);
}

void TestClientLoginBadServers::hangIsATimeout()
{
    ScriptedServer server([&](const ReceivedRequest &request) -> QByteArray {
        if (request.method == "GET")
            return json(tokens);
        return {}; // never answers
    });
    QNetworkAccessManager network;
    http::HttpClient client(&network, nullptr);
    client.setDefaultTimeoutMs(400);
    ClientLoginOptions options;
    options.apiUrl = server.url(u"/w/api.php"_qs);
    options.username = u"Alice"_qs;
    options.password = u"Alice-secret"_qs;
    SystemClock clock;
    ClientLoginFlow flow(&client, options, clock);
    const auto run = runFlow(flow);
    QCOMPARE(run.finishedCount, 1);
    QCOMPARE(run.result.error().code(), ErrorCode::Timeout);
    QVERIFY2(run.result.error().message().endsWith(u"did not answer within 0.4 s"_qs),
             qPrintable(run.result.error().message()));
    QCOMPARE(client.runningCount(), 0);
}

void TestClientLoginBadServers::unknownModuleIsRenderedFromItsFields()
{
    // A module nobody knows: a PIN (sensitive) and a select; the flow asks both, sends them.
    const QByteArray ui
        = R"({"clientlogin":{"status":"UI","message":"Enter your PIN.","messagecode":"x-pin","requests":[
        {"id":"MediaWiki\\Extension\\Foo\\PinAuthenticationRequest","required":"required","provider":"Foo","account":"Alice",
         "metadata":{},"fields":{
            "pin":{"type":"password","label":"PIN","help":"Your PIN","optional":false,"sensitive":true},
            "color":{"type":"select","label":"Colour","help":"Pick one","optional":false,"options":{"red":"Red","blue":"Blue"}},
            "info":{"type":"null","label":"Just information","help":""}}}]}})";
    ScriptedServer server([&](const ReceivedRequest &request) -> QByteArray {
        if (request.method == "GET" && request.target.contains("meta=tokens"))
            return json(tokens);
        if (request.method == "GET")
            return json(
                R"({"query":{"authmanagerinfo":{"securitysensitiveoperationstatus":"ok"},"userinfo":{"id":1,"name":"Alice"}}})");
        const auto form = *http::decodeForm(request.body);
        if (http::fieldValue(form, "logincontinue") != "1")
            return json(ui);
        if (http::fieldValue(form, "pin") == "4321" && http::fieldValue(form, "color") == "blue")
            return json(R"({"clientlogin":{"status":"PASS","username":"Alice"}})");
        return json(R"({"clientlogin":{"status":"FAIL","message":"Wrong.","messagecode":"x-wrong"}})");
    });
    QNetworkAccessManager network;
    trace::Trace trace;
    http::HttpClient client(&network, &trace);
    ClientLoginOptions options;
    options.apiUrl = server.url(u"/w/api.php"_qs);
    options.username = u"Alice"_qs;
    options.password = u"Alice-secret"_qs;
    SystemClock clock;
    ClientLoginFlow flow(&client, options, clock);
    const auto run = runFlow(flow, [](const InputRequest &request) -> std::optional<QString> {
        return request.id == u"pin" ? u"4321"_qs : u"blue"_qs;
    });
    QVERIFY2(run.result.ok(), qPrintable(run.result.error().toString()));
    QCOMPARE(run.asked.size(), 2);
    QCOMPARE(run.asked.at(0).id, u"color"_qs); // the server's field order (JSON objects are sorted)
    QCOMPARE(run.asked.at(0).kind, InputRequest::Kind::ModuleChoice);
    QCOMPARE(run.asked.at(0).choices.size(), 2);
    QCOMPARE(run.asked.at(1).id, u"pin"_qs);
    QCOMPARE(run.asked.at(1).kind, InputRequest::Kind::Secret);
    QVERIFY(run.asked.at(1).help.startsWith(u"Enter your PIN."_qs));
    // The PIN the user typed is a secret of the trace from now on.
    QCOMPARE(trace.redactor().text(u"pin=4321"_qs), u"pin=[redacted]"_qs);
}

void TestClientLoginBadServers::redirectAsksForTheBrowser()
{
    // REDIRECT (a third-party login): the flow asks to open the target, then continues with
    // the query of the address the browser came back to.
    ScriptedServer server([&](const ReceivedRequest &request) -> QByteArray {
        if (request.method == "GET" && request.target.contains("meta=tokens"))
            return json(tokens);
        if (request.method == "GET")
            return json(R"({"query":{"authmanagerinfo":{},"userinfo":{"id":1,"name":"Alice"}}})");
        const auto form = *http::decodeForm(request.body);
        if (http::fieldValue(form, "logincontinue") != "1")
            return json(
                R"({"clientlogin":{"status":"REDIRECT","redirecttarget":"https://idp.example/auth?x=1","requests":[]}})");
        if (http::fieldValue(form, "code") == "from-idp" && http::fieldValue(form, "state") == "s1")
            return json(R"({"clientlogin":{"status":"PASS","username":"Alice"}})");
        return json(R"({"clientlogin":{"status":"FAIL","message":"No.","messagecode":"x"}})");
    });
    QNetworkAccessManager network;
    http::HttpClient client(&network, nullptr);
    ClientLoginOptions options;
    options.apiUrl = server.url(u"/w/api.php"_qs);
    options.username = u"Alice"_qs;
    options.password = u"Alice-secret"_qs;
    SystemClock clock;
    ClientLoginFlow flow(&client, options, clock);
    const auto run = runFlow(flow, [](const InputRequest &request) -> std::optional<QString> {
        if (request.kind != InputRequest::Kind::OpenBrowser)
            return std::nullopt;
        return u"http://127.0.0.1/return?code=from-idp&state=s1"_qs;
    });
    QVERIFY2(run.result.ok(), qPrintable(run.result.error().toString()));
    QCOMPARE(run.asked.size(), 1);
    QCOMPARE(run.asked.first().url, QUrl(u"https://idp.example/auth?x=1"_qs));
}

void TestClientLoginBadServers::totpThrottleIsSurfaced()
{
    // OATHAuth's code throttle answers UI with oathauth-throttled: the flow ends with it
    // rather than asking again.
    ScriptedServer server([&](const ReceivedRequest &request) -> QByteArray {
        if (request.method == "GET")
            return json(tokens);
        return json(
            R"({"clientlogin":{"status":"UI","message":"Too many verification attempts! Please wait 1 minute.","messagecode":"oathauth-throttled","requests":[{"id":"MediaWiki\\Extension\\OATHAuth\\Auth\\TOTPAuthenticationRequest","fields":{"OATHToken":{"type":"string","label":"Code","help":""}}}]}})");
    });
    QNetworkAccessManager network;
    http::HttpClient client(&network, nullptr);
    ClientLoginOptions options;
    options.apiUrl = server.url(u"/w/api.php"_qs);
    options.username = u"Bob"_qs;
    options.password = u"Bob-secret"_qs;
    SystemClock clock;
    ClientLoginFlow flow(&client, options, clock);
    const auto run
        = runFlow(flow, [](const InputRequest &) -> std::optional<QString> { return u"123456"_qs; });
    QCOMPARE(run.finishedCount, 1);
    QVERIFY(run.asked.isEmpty());
    QCOMPARE(run.result.error().code(), ErrorCode::Server);
    QCOMPARE(run.result.error().detail(), u"oathauth-throttled"_qs);
    QCOMPARE(run.result.error().message(),
             u"the wiki throttles this login: Too many verification attempts! Please wait 1 minute."_qs);
}

QTEST_GUILESS_MAIN(TestClientLoginBadServers)
#include "TestClientLoginBadServers.moc"
