#pragma once

// Runs a flow to its end in a test: every needsInput is answered by `answer` (from the event
// loop's next turn, as a user would), or left unanswered when it returns std::nullopt (the
// test then cancels or waits for a timeout). Counts the finished signals.

#include "flows/Flow.h"

#include <QSignalSpy>
#include <QTest>
#include <functional>
#include <optional>

namespace mwauth::testing {

struct FlowRun
{
    QList<flows::InputRequest> asked;
    QList<QString> steps;
    int finishedCount = 0;
    flows::FlowResult result;
};

using Answerer = std::function<std::optional<QString>(const flows::InputRequest &)>;

inline FlowRun runFlow(flows::Flow &flow, const Answerer &answer = {}, int timeoutMs = 30000)
{
    FlowRun run;
    QObject::connect(&flow, &flows::Flow::stepChanged, &flow,
                     [&run](const QString &step) { run.steps.append(step); });
    QObject::connect(&flow, &flows::Flow::needsInput, &flow,
                     [&run, &flow, answer](const flows::InputRequest &r) {
                         run.asked.append(r);
                         if (!answer)
                             return;
                         const std::optional<QString> value = answer(r);
                         if (!value)
                             return;
                         QTimer::singleShot(0, &flow, [&flow, id = r.id, v = *value] {
                             (void)flow.provideInput({id, v});
                         });
                     });
    QObject::connect(&flow, &flows::Flow::finished, &flow, [&run](const flows::FlowResult &result) {
        ++run.finishedCount;
        run.result = result;
    });
    flow.start();
    (void)QTest::qWaitFor([&run] { return run.finishedCount > 0; }, timeoutMs); // callers check finishedCount
    // Nothing more arrives afterwards.
    QCoreApplication::processEvents();
    return run;
}

} // namespace mwauth::testing
