#include "Flow.h"

namespace mwauth::flows {

Flow::Flow(http::HttpClient *http, QObject *parent)
    : QObject(parent)
    , m_http(http)
{
    Q_ASSERT(http);
    m_stepTimer.setSingleShot(true);
    connect(&m_stepTimer, &QTimer::timeout, this, &Flow::onStepTimeout);
}

Flow::~Flow()
{
    for (quint64 id : std::as_const(m_requests))
        m_http->abort(id);
}

void Flow::start()
{
    if (m_state != State::Idle)
        return;
    m_state = State::Running;
    m_exchangeConnection
        = connect(m_http, &http::HttpClient::exchangeRecorded, this, [this](const trace::Exchange &exchange) {
              if (!isFinished())
                  Q_EMIT exchangeRecorded(exchange);
          });
    QTimer::singleShot(0, this, [this] {
        if (isFinished())
            return;
        Q_EMIT started();
        run();
    });
}

void Flow::cancel()
{
    if (isFinished())
        return;
    finish(Error(ErrorCode::Cancelled,
                 m_step.isEmpty() ? tr("the flow was cancelled")
                                  : tr("the flow was cancelled during step \"%1\"").arg(m_step)));
}

Result<void> Flow::provideInput(const InputAnswer &answer)
{
    if (m_state != State::WaitingForInput || !m_pending)
        return mwauth::fail(ErrorCode::InvalidInput, tr("the flow is not waiting for input"));
    if (answer.id != m_pending->id)
        return mwauth::fail(ErrorCode::InvalidInput,
                            tr("the flow is waiting for \"%1\", not \"%2\"").arg(m_pending->id, answer.id));
    const InputRequest request = *m_pending;
    m_pending.reset();
    m_state = State::Running;
    m_stepTimer.start(m_currentStepTimeoutMs);
    inputProvided(request, answer.value);
    return {};
}

void Flow::step(const QString &name, const QString &description, int timeoutMs)
{
    if (isFinished())
        return;
    m_step = name;
    m_currentStepTimeoutMs = timeoutMs > 0 ? timeoutMs : m_stepTimeoutMs;
    if (m_state != State::WaitingForInput)
        m_stepTimer.start(m_currentStepTimeoutMs);
    Q_EMIT stepChanged(name, description);
}

void Flow::ask(const InputRequest &request)
{
    if (isFinished())
        return;
    m_pending = request;
    m_state = State::WaitingForInput;
    m_stepTimer.stop();
    if (m_inputTimeoutMs > 0)
        m_stepTimer.start(m_inputTimeoutMs);
    Q_EMIT needsInput(request);
}

void Flow::succeed(FlowOutcome outcome)
{
    finish(FlowResult(std::move(outcome)));
}

void Flow::fail(const Error &error)
{
    finish(error);
}

void Flow::send(http::HttpRequest request, std::function<void(Result<http::HttpResponse>)> done)
{
    if (isFinished())
        return;
    if (request.step.isEmpty())
        request.step = m_step;
    // The id is known only after send() returns; the callback never runs before that.
    auto id = std::make_shared<quint64>(0);
    *id = m_http->send(request, this,
                       [this, id, done = std::move(done)](Result<http::HttpResponse> response) {
                           m_requests.removeOne(*id);
                           if (isFinished())
                               return;
                           done(std::move(response));
                       });
    m_requests.append(*id);
}

void Flow::finish(FlowResult result)
{
    if (isFinished())
        return;
    m_state = State::Finished;
    m_pending.reset();
    m_stepTimer.stop();
    m_result = result;
    const QList<quint64> running = std::exchange(m_requests, {});
    for (quint64 id : running)
        m_http->abort(id);
    disconnect(m_exchangeConnection);
    finishing();
    Q_EMIT finished(result);
}

void Flow::onStepTimeout()
{
    if (isFinished())
        return;
    if (m_state == State::WaitingForInput) {
        finish(Error(ErrorCode::Timeout,
                     tr("nobody answered \"%1\" within %2 s")
                         .arg(m_pending ? m_pending->label : m_step)
                         .arg(m_inputTimeoutMs / 1000)));
        return;
    }
    finish(
        Error(ErrorCode::Timeout,
              tr("step \"%1\" did not finish within %2 s").arg(m_step).arg(m_currentStepTimeoutMs / 1000.0)));
}

} // namespace mwauth::flows
