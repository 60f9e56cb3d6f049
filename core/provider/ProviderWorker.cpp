#include "ProviderWorker.h"

#include "common/Logging.h"

namespace mwauth::provider {

ProviderWorker::ProviderWorker(const Clock &clock, Random &random, const ProviderSecret &secret,
                               ProviderStack::Settings settings, quint16 port, QUrl issuer)
    : m_clock(clock)
    , m_random(random)
    , m_secret(secret)
    , m_settings(std::move(settings))
    , m_port(port)
    , m_issuer(std::move(issuer))
{ }

ProviderWorker::~ProviderWorker()
{
    stopServing();
}

Result<void> ProviderWorker::startServing()
{
    std::future<Result<void>> ready = m_ready.get_future();
    start();
    Result<void> result = ready.get();
    if (!result)
        wait(); // run() returns at once after a failed start
    return result;
}

void ProviderWorker::stopServing()
{
    if (!isRunning())
        return;
    // exec() returns at once if quit() came first, so this cannot race the thread's start.
    quit();
    wait();
}

void ProviderWorker::run()
{
    ProviderStack stack(m_clock, m_random, m_settings);
    Result<void> started = stack.openDatabase();
    if (started) {
        stack.openStores(m_secret);
        started = stack.listen(m_port);
    }
    if (!started) {
        m_ready.set_value(started);
        return;
    }
    stack.installServices(m_issuer);
    m_ready.set_value({});
    exec();
    stack.close(); // on this thread, which owns the server's sockets and the connection
    qCDebug(log::providerServer) << "Provider worker thread stopped";
}

} // namespace mwauth::provider
