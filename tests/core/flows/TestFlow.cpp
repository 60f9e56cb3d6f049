// The Flow base: steps and signals in order, input asked and answered through
// provideInput, wrong answers refused, and finished exactly once whether the flow succeeds,
// fails, is cancelled (while a request runs or while waiting for input) or a step times out.

#include "../http/ScriptedServer.h"

#include "flows/Flow.h"
#include "trace/Trace.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using namespace mwauth;
using namespace mwauth::flows;
using mwauth::testing::ReceivedRequest;
using mwauth::testing::ScriptedServer;

namespace {

// fetch "/" → ask for a code → fetch "/check?code=..." → PASS when the server says "ok".
class EchoFlow : public Flow
{
public:
    EchoFlow(http::HttpClient *http, QUrl base)
        : Flow(http)
        , m_base(std::move(base))
    { }
    QString name() const override { return u"echo"_qs; }
    int finishingCalls = 0;

protected:
    void run() override
    {
        step(u"fetch"_qs, u"first request"_qs);
        send(http::HttpRequest::get(m_base), [this](Result<http::HttpResponse> response) {
            if (!response)
                return fail(response.error());
            step(u"code"_qs);
            InputRequest request;
            request.kind = InputRequest::Kind::TotpCode;
            request.id = u"code"_qs;
            request.label = u"Code"_qs;
            ask(request);
        });
    }
    void inputProvided(const InputRequest &, const QString &answer) override
    {
        step(u"check"_qs);
        QUrl url = m_base;
        url.setPath(u"/check"_qs);
        url.setQuery(u"code="_qs + answer);
        send(http::HttpRequest::get(url), [this](Result<http::HttpResponse> response) {
            if (!response)
                return fail(response.error());
            if (response->body != "ok")
                return fail(Error(ErrorCode::Server, QString::fromUtf8(response->body)));
            succeed({u"done"_qs, {{u"user"_qs, u"Alice"_qs}}});
        });
    }
    void finishing() override { ++finishingCalls; }

private:
    QUrl m_base;
};

} // namespace

class TestFlow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void runsToSuccess();
    void wrongInputIsRefused();
    void failureFinishesOnce();
    void cancelWhileRequestRuns();
    void cancelWhileWaitingForInput();
    void stepTimeout();
    void inputTimeout();
};

void TestFlow::runsToSuccess()
{
    ScriptedServer server([](const ReceivedRequest &request) -> QByteArray {
        return ScriptedServer::response(200, "text/plain",
                                        request.target == "/check?code=123456" ? "ok" : "hello");
    });
    QNetworkAccessManager network;
    trace::Trace trace;
    http::HttpClient client(&network, &trace);
    EchoFlow flow(&client, server.url());
    QSignalSpy started(&flow, &Flow::started);
    QSignalSpy steps(&flow, &Flow::stepChanged);
    QSignalSpy exchanges(&flow, &Flow::exchangeRecorded);
    QSignalSpy input(&flow, &Flow::needsInput);
    QSignalSpy finished(&flow, &Flow::finished);
    flow.start();
    flow.start(); // ignored
    QTRY_COMPARE(input.size(), 1);
    QCOMPARE(started.size(), 1);
    QCOMPARE(flow.state(), Flow::State::WaitingForInput);
    const auto request = input.first().first().value<InputRequest>();
    QCOMPARE(request.kind, InputRequest::Kind::TotpCode);
    QCOMPARE(request.id, u"code"_qs);
    QVERIFY(flow.provideInput({u"code"_qs, u"123456"_qs}).ok());
    QTRY_COMPARE(finished.size(), 1);
    const auto result = finished.first().first().value<FlowResult>();
    QVERIFY2(result.ok(), qPrintable(result.error().toString()));
    QCOMPARE(result->summary, u"done"_qs);
    QCOMPARE(result->values.value(u"user"_qs).toString(), u"Alice"_qs);
    QCOMPARE(steps.size(), 3);
    QCOMPARE(steps.at(0).first().toString(), u"fetch"_qs);
    QCOMPARE(steps.at(2).first().toString(), u"check"_qs);
    QCOMPARE(exchanges.size(), 2);
    QCOMPARE(trace.exchanges().at(0).step, u"fetch"_qs);
    QCOMPARE(trace.exchanges().at(1).step, u"check"_qs);
    QVERIFY(flow.isFinished());
    QVERIFY(flow.result()->ok());
    QCOMPARE(flow.finishingCalls, 1);
    flow.cancel(); // too late: nothing happens
    QCoreApplication::processEvents();
    QCOMPARE(finished.size(), 1);
}

void TestFlow::wrongInputIsRefused()
{
    ScriptedServer server([](const ReceivedRequest &) -> QByteArray {
        return ScriptedServer::response(200, "text/plain", "x");
    });
    QNetworkAccessManager network;
    http::HttpClient client(&network, nullptr);
    EchoFlow flow(&client, server.url());
    QSignalSpy input(&flow, &Flow::needsInput);
    const Result<void> early = flow.provideInput({u"code"_qs, u"1"_qs});
    QCOMPARE(early.error().code(), ErrorCode::InvalidInput);
    QCOMPARE(early.error().message(), u"the flow is not waiting for input"_qs);
    flow.start();
    QTRY_COMPARE(input.size(), 1);
    const Result<void> wrong = flow.provideInput({u"password"_qs, u"1"_qs});
    QCOMPARE(wrong.error().message(), u"the flow is waiting for \"code\", not \"password\""_qs);
    QCOMPARE(flow.state(), Flow::State::WaitingForInput); // still asked
    QVERIFY(flow.pendingInput().has_value());
}

void TestFlow::failureFinishesOnce()
{
    ScriptedServer server([](const ReceivedRequest &request) -> QByteArray {
        return ScriptedServer::response(200, "text/plain",
                                        request.target.startsWith("/check") ? "bad code" : "x");
    });
    QNetworkAccessManager network;
    http::HttpClient client(&network, nullptr);
    EchoFlow flow(&client, server.url());
    QSignalSpy input(&flow, &Flow::needsInput);
    QSignalSpy finished(&flow, &Flow::finished);
    flow.start();
    QTRY_COMPARE(input.size(), 1);
    QVERIFY(flow.provideInput({u"code"_qs, u"000000"_qs}).ok());
    QTRY_COMPARE(finished.size(), 1);
    const auto result = finished.first().first().value<FlowResult>();
    QCOMPARE(result.error().code(), ErrorCode::Server);
    QCOMPARE(result.error().message(), u"bad code"_qs);
    flow.cancel();
    QCoreApplication::processEvents();
    QCOMPARE(finished.size(), 1);
    QCOMPARE(flow.finishingCalls, 1);
}

void TestFlow::cancelWhileRequestRuns()
{
    ScriptedServer server([](const ReceivedRequest &) -> QByteArray { return QByteArray(); }); // hangs
    QNetworkAccessManager network;
    http::HttpClient client(&network, nullptr);
    EchoFlow flow(&client, server.url());
    QSignalSpy finished(&flow, &Flow::finished);
    QSignalSpy exchanges(&flow, &Flow::exchangeRecorded);
    flow.start();
    QTRY_COMPARE(server.requests().size(), 1);
    flow.cancel();
    QCOMPARE(finished.size(), 1);
    const auto result = finished.first().first().value<FlowResult>();
    QCOMPARE(result.error().code(), ErrorCode::Cancelled);
    QCOMPARE(result.error().message(), u"the flow was cancelled during step \"fetch\""_qs);
    QCOMPARE(client.runningCount(), 0); // the request was aborted
    QCoreApplication::processEvents();
    QCOMPARE(finished.size(), 1);
    QCOMPARE(exchanges.size(), 0); // nothing is emitted after finished
}

void TestFlow::cancelWhileWaitingForInput()
{
    ScriptedServer server([](const ReceivedRequest &) -> QByteArray {
        return ScriptedServer::response(200, "text/plain", "x");
    });
    QNetworkAccessManager network;
    http::HttpClient client(&network, nullptr);
    EchoFlow flow(&client, server.url());
    QSignalSpy input(&flow, &Flow::needsInput);
    QSignalSpy finished(&flow, &Flow::finished);
    flow.start();
    QTRY_COMPARE(input.size(), 1);
    flow.cancel();
    QCOMPARE(finished.size(), 1);
    QVERIFY(!flow.pendingInput().has_value());
    QCOMPARE(flow.provideInput({u"code"_qs, u"1"_qs}).error().code(), ErrorCode::InvalidInput);
    QCOMPARE(finished.size(), 1);
}

void TestFlow::stepTimeout()
{
    ScriptedServer server([](const ReceivedRequest &) -> QByteArray { return QByteArray(); }); // hangs
    QNetworkAccessManager network;
    http::HttpClient client(&network, nullptr); // its own timeout (30 s) is longer
    EchoFlow flow(&client, server.url());
    flow.setStepTimeoutMs(300);
    QSignalSpy finished(&flow, &Flow::finished);
    flow.start();
    QTRY_COMPARE(finished.size(), 1);
    const auto result = finished.first().first().value<FlowResult>();
    QCOMPARE(result.error().code(), ErrorCode::Timeout);
    QCOMPARE(result.error().message(), u"step \"fetch\" did not finish within 0.3 s"_qs);
    QCOMPARE(client.runningCount(), 0);
    QCoreApplication::processEvents();
    QCOMPARE(finished.size(), 1);
}

void TestFlow::inputTimeout()
{
    ScriptedServer server([](const ReceivedRequest &) -> QByteArray {
        return ScriptedServer::response(200, "text/plain", "x");
    });
    QNetworkAccessManager network;
    http::HttpClient client(&network, nullptr);
    EchoFlow flow(&client, server.url());
    flow.setInputTimeoutMs(200);
    QSignalSpy finished(&flow, &Flow::finished);
    flow.start();
    QTRY_COMPARE(finished.size(), 1);
    const auto result = finished.first().first().value<FlowResult>();
    QCOMPARE(result.error().code(), ErrorCode::Timeout);
    QVERIFY2(result.error().message().startsWith(u"nobody answered \"Code\""_qs),
             qPrintable(result.error().message()));
}

QTEST_GUILESS_MAIN(TestFlow)
#include "TestFlow.moc"
