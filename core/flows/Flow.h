#pragma once

#include "flows/InputRequest.h"
#include "http/HttpClient.h"
#include "trace/Exchange.h"

#include "common/Result.h"

#include <QObject>
#include <QTimer>
#include <QVariantMap>
#include <functional>
#include <optional>

namespace mwauth::flows {

// What a flow achieved: a one-line summary and named values (the user name, a token's
// expiry, the elevated-security expiry ...). Secret values never go in `values`.
struct FlowOutcome
{
    QString summary;
    QVariantMap values;
};

// A flow's result: the outcome or why it failed. Default-constructible (an Internal error,
// "no result") so that it travels in QVariant and QSignalSpy.
class FlowResult : public Result<FlowOutcome>
{
public:
    using Result<FlowOutcome>::Result;
    FlowResult()
        : Result<FlowOutcome>(Error(ErrorCode::Internal, QStringLiteral("no result")))
    { }
};

// The base of every flow: a state machine of named steps over an HttpClient.
//
//        start()
//   Idle ───────> Running ──step()──> Running ... ──succeed()/fail()──> Finished
//                   │  ^                                                   ^
//           ask()   v  │ provideInput()                                    │
//               WaitingForInput ────────── cancel() / step timeout ────────┘
//
// Signals: started() once; stepChanged(name, description) on every step; exchangeRecorded
// for each HTTP exchange the flow's client records; needsInput(request) when the user must
// answer; finished(result) exactly once, whatever ends the flow (success, failure, cancel,
// a step timeout). After finished nothing else is emitted and callbacks of requests still
// in flight are dropped.
//
// Each step has a timeout (default 60 s, setStepTimeoutMs; per step in step()); waiting for
// the user is not timed unless setInputTimeoutMs is set.
class Flow : public QObject
{
    Q_OBJECT

public:
    enum class State { Idle, Running, WaitingForInput, Finished };
    Q_ENUM(State)

    // `http` is not owned; it must outlive the flow.
    explicit Flow(http::HttpClient *http, QObject *parent = nullptr);
    ~Flow() override;

    // A short name of the flow ("clientlogin").
    virtual QString name() const = 0;

    // Starts the flow (once; later calls are ignored). The first step runs from the event
    // loop, so connect to the signals before or right after calling start().
    void start();
    // Ends the flow with Cancelled (running requests are aborted). No-op once finished.
    void cancel();
    // Answers the pending needsInput request. InvalidInput when nothing is asked or the
    // id is not the pending request's (the request stays pending).
    Result<void> provideInput(const InputAnswer &answer);

    State state() const { return m_state; }
    bool isFinished() const { return m_state == State::Finished; }
    QString currentStep() const { return m_step; }
    // The pending request while WaitingForInput.
    const std::optional<InputRequest> &pendingInput() const { return m_pending; }
    // The result once finished.
    const std::optional<FlowResult> &result() const { return m_result; }

    void setStepTimeoutMs(int ms) { m_stepTimeoutMs = ms; }
    int stepTimeoutMs() const { return m_stepTimeoutMs; }
    void setInputTimeoutMs(int ms) { m_inputTimeoutMs = ms; } // 0 = wait for ever
    http::HttpClient *http() const { return m_http; }

Q_SIGNALS:
    void started();
    void stepChanged(const QString &step, const QString &description);
    void exchangeRecorded(const mwauth::trace::Exchange &exchange);
    void needsInput(const mwauth::flows::InputRequest &request);
    void finished(const mwauth::flows::FlowResult &result);

protected:
    // The first step: called from the event loop after start().
    virtual void run() = 0;
    // The user answered the request `request` with `answer` (id already checked).
    virtual void inputProvided(const InputRequest &request, const QString &answer) = 0;
    // Called once when the flow finishes (cleanup); the default does nothing.
    virtual void finishing() { }

    // Enters step `name` and restarts the step timer (`timeoutMs` 0 = the default).
    void step(const QString &name, const QString &description = {}, int timeoutMs = 0);
    // Asks the user; the flow waits (the step timer pauses) until provideInput().
    void ask(const InputRequest &request);
    void succeed(FlowOutcome outcome);
    void fail(const Error &error);
    // Sends through the flow's client with the current step's name; `done` runs only while
    // the flow is not finished.
    void send(http::HttpRequest request, std::function<void(Result<http::HttpResponse>)> done);

private:
    void finish(FlowResult result);
    void onStepTimeout();

    http::HttpClient *m_http;
    State m_state = State::Idle;
    QString m_step;
    std::optional<InputRequest> m_pending;
    std::optional<FlowResult> m_result;
    QTimer m_stepTimer;
    int m_stepTimeoutMs = 60000;
    int m_inputTimeoutMs = 0;
    int m_currentStepTimeoutMs = 0;
    QList<quint64> m_requests;
    QMetaObject::Connection m_exchangeConnection;
};

} // namespace mwauth::flows

Q_DECLARE_METATYPE(mwauth::flows::FlowResult)
