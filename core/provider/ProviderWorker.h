#pragma once

#include "ProviderStack.h"
#include "common/Clock.h"
#include "common/Random.h"
#include "common/Result.h"
#include "provider/secret/ProviderSecret.h"

#include <QThread>
#include <QUrl>

#include <future>

namespace mwauth::provider {

// One extra serving thread of a LocalProvider: a QThread that builds its own ProviderStack
// (its own database connection, stores, services and ProviderServer) on itself, binds it
// to the provider's port with SO_REUSEPORT and runs its event loop until stopped. The
// kernel spreads new connections over every server on the port; a connection stays with
// the thread that accepted it.
//
//   startServing() --> [thread: open database, stores, listen, install services] --> ready
//                                                                       |
//   stopServing()  --> quit the event loop --> [thread: close the stack] --> joined
//
// `clock`, `random` and `secret` are shared with the other threads and must be safe to use
// from several threads (SystemClock, SystemRandom and ProviderSecret are); they must
// outlive the worker.
class ProviderWorker final : public QThread
{
public:
    // `settings` should have reusePort set, as the provider's own server must.
    ProviderWorker(const Clock &clock, Random &random, const ProviderSecret &secret,
                   ProviderStack::Settings settings, quint16 port, QUrl issuer);
    // Stops the thread if it still runs.
    ~ProviderWorker() override;
    ProviderWorker(const ProviderWorker &) = delete;
    ProviderWorker &operator=(const ProviderWorker &) = delete;

    // Starts the thread and blocks until its server listens, or returns why it could not
    // (the database's errors, Network for the port); the thread has then ended.
    Result<void> startServing();
    // Ends the event loop, closes the stack on its thread and joins it. The connections the
    // thread had are closed.
    void stopServing();

protected:
    void run() override;

private:
    const Clock &m_clock;
    Random &m_random;
    const ProviderSecret &m_secret;
    ProviderStack::Settings m_settings;
    quint16 m_port;
    QUrl m_issuer;
    std::promise<Result<void>> m_ready;
};

} // namespace mwauth::provider
