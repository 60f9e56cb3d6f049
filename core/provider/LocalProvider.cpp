#include "LocalProvider.h"

#include "common/Logging.h"

#include <QThread>

using namespace Qt::StringLiterals;

namespace mwauth::provider {

LocalProvider::LocalProvider(const Clock &clock, Random &random)
    : m_clock(clock)
    , m_random(random)
{ }

LocalProvider::~LocalProvider()
{
    stop();
}

Result<void> LocalProvider::start(const LocalProviderOptions &options)
{
    if (isRunning())
        return fail(ErrorCode::InvalidInput, u"The local provider is already running."_s);
    if (!options.scriptPath.isEmpty() && !options.scriptPath.startsWith(u'/'))
        return fail(ErrorCode::InvalidInput,
                    u"The script path '%1' must start with '/' (for example '/w'), or be empty."_s.arg(
                        options.scriptPath));

    const bool privateMemory = options.database == u":memory:"_s || options.database == u"sqlite::memory:"_s;
    if (options.workers < 0)
        return fail(ErrorCode::InvalidInput,
                    u"The number of serving threads must be at least 1 (or 0 for the default), not %1."_s.arg(
                        options.workers));
    if (privateMemory && options.workers > 1)
        return fail(
            ErrorCode::InvalidInput,
            u"An in-memory database (\":memory:\") is private to one connection, so it cannot be served "
            "by %1 threads; use a SQLite file or PostgreSQL for more than one worker."_s.arg(
                options.workers));
    const int workers
        = options.workers > 0 ? options.workers : (privateMemory ? 1 : qMax(1, QThread::idealThreadCount()));

    ProviderStack::Settings settings;
    settings.database = options.database;
    settings.scriptPath = options.scriptPath;
    settings.passwordIterations = options.passwordIterations;
    settings.oauth2 = options.oauth2;
    settings.oauth1 = options.oauth1;
    settings.reusePort = workers > 1;
    settings.requestObserver = options.requestObserver;
    m_stack = std::make_unique<ProviderStack>(m_clock, m_random, settings);
    if (const Result<void> opened = m_stack->openDatabase(); !opened) {
        stop();
        return opened;
    }
    Result<ProviderSecret> secret = ProviderSecret::forDatabase(options.database, m_random);
    if (!secret) {
        stop();
        return secret.error();
    }
    m_secret = std::make_unique<ProviderSecret>(*secret);
    m_stack->openStores(*m_secret);

    // Housekeeping once per start, on this thread only.
    if (const Result<int> purged = m_stack->sessions()->purgeExpired(); !purged)
        qCWarning(log::providerServer).noquote()
            << "Expired sessions were not purged:" << purged.error().toString();
    if (const Result<bool> keys = m_stack->keys()->ensureKeys(options.signingAlgorithm); !keys) {
        stop();
        return keys.error();
    }
    if (const Result<QStringList> swept = m_stack->keys()->sweep(); !swept) {
        stop();
        return swept.error();
    }
    if (options.demo) {
        if (const Result<void> seeded = seedDemo(); !seeded) {
            stop();
            return seeded;
        }
    }

    if (const Result<void> listening = m_stack->listen(options.port); !listening) {
        stop();
        return listening;
    }
    m_stack->installServices(issuer()); // after listening: the issuer names the port
    for (int i = 1; i < workers; ++i) {
        auto worker = std::make_unique<ProviderWorker>(m_clock, m_random, *m_secret, settings,
                                                       m_stack->server()->port(), issuer());
        if (const Result<void> serving = worker->startServing(); !serving) {
            stop();
            return serving.error().prefixed(
                u"Serving thread %1 of %2 did not start"_s.arg(i + 1).arg(workers));
        }
        m_workers.push_back(std::move(worker));
    }
    if (const Result<int> purged = m_stack->loginService()->purgeExpiredThrottles(); !purged)
        qCWarning(log::providerServer).noquote()
            << "Old login throttle counters were not purged:" << purged.error().toString();
    return {};
}

Result<void> LocalProvider::seedDemo()
{
    Result<QList<DemoAccount>> accounts = DemoData::seed(*m_stack->users());
    if (!accounts)
        return accounts.error();
    m_demoAccounts = std::move(*accounts);
    Result<QList<DemoClient>> clients = DemoData::seedClients(*m_stack->clients(), *m_stack->users());
    if (!clients)
        return clients.error();
    m_demoClients = std::move(*clients);
    return {};
}

void LocalProvider::stop()
{
    for (const std::unique_ptr<ProviderWorker> &worker : m_workers)
        worker->stopServing();
    m_workers.clear(); // before the secret they use goes
    m_stack.reset(); // stops its server: the port is free afterwards
    m_secret.reset();
    m_demoAccounts.clear();
    m_demoClients.clear();
}

bool LocalProvider::isRunning() const
{
    return m_stack && m_stack->server() && m_stack->server()->isRunning();
}

int LocalProvider::workerCount() const
{
    return isRunning() ? 1 + int(m_workers.size()) : 0;
}

QUrl LocalProvider::baseUrl() const
{
    return isRunning() ? m_stack->server()->baseUrl() : QUrl();
}

QUrl LocalProvider::scriptUrl(const QString &file) const
{
    if (!isRunning())
        return {};
    QUrl url = m_stack->server()->baseUrl();
    url.setPath(m_stack->server()->scriptPath() + u'/' + file);
    return url;
}

QUrl LocalProvider::apiUrl() const
{
    return scriptUrl(u"api.php"_s);
}

QUrl LocalProvider::restUrl() const
{
    return scriptUrl(u"rest.php"_s);
}

QUrl LocalProvider::indexUrl() const
{
    return scriptUrl(u"index.php"_s);
}

QUrl LocalProvider::issuer() const
{
    if (!isRunning())
        return {};
    return m_stack->server()->baseUrl().adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment);
}

} // namespace mwauth::provider
