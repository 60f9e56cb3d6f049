#include "ProviderHost.h"

#include <QFile>
#include <QMetaObject>
#include <QMutexLocker>
#include <QTimer>

namespace mwauth::provider {

ProviderHost::ProviderHost(const Clock &clock, Random &random, QObject *parent)
    : QObject(parent)
    , m_clock(clock)
    , m_random(random)
{
    qRegisterMetaType<mwauth::Error>();
    qRegisterMetaType<ProviderServer::ServedRequest>();
    m_thread.setObjectName(QStringLiteral("local provider"));
    m_worker = new QObject;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
}

ProviderHost::~ProviderHost()
{
    // The provider lives on m_thread: stop it there, and wait, so its port is free and no
    // serving thread calls onServed() once this object is gone.
    QMetaObject::invokeMethod(
        m_worker, [this] { m_provider.reset(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void ProviderHost::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

bool ProviderHost::start(const LocalProviderOptions &options)
{
    if (m_state != State::Stopped)
        return false;
    launch(options, false);
    return true;
}

bool ProviderHost::resetDemoData(const LocalProviderOptions &options)
{
    if (m_state != State::Stopped && m_state != State::Running)
        return false;
    launch(options, true);
    return true;
}

void ProviderHost::launch(const LocalProviderOptions &options, bool reset)
{
    m_options = options;
    m_info = {};
    setState(State::Starting);
    LocalProviderOptions serving = options;
    serving.requestObserver = [this](const ProviderServer::ServedRequest &request) { onServed(request); };
    if (reset)
        serving.demo = true;
    QMetaObject::invokeMethod(m_worker, [this, serving, reset] {
        Result<void> result;
        Info info;
        if (reset && m_provider)
            m_provider->stop();
        if (reset) {
            if (serving.database == QLatin1StringView(":memory:") || serving.database.contains(u"://"))
                result = fail(ErrorCode::InvalidInput,
                              tr("Only a provider with a SQLite database file can have its demo data reset; "
                                 "\"%1\" is not one.")
                                  .arg(serving.database));
            else
                result = removeDatabaseFiles(serving.database);
        }
        if (result) {
            if (!m_provider)
                m_provider = std::make_unique<LocalProvider>(m_clock, m_random);
            result = m_provider->start(serving);
        }
        if (result) {
            info.baseUrl = m_provider->baseUrl();
            info.apiUrl = m_provider->apiUrl();
            info.restUrl = m_provider->restUrl();
            info.indexUrl = m_provider->indexUrl();
            info.issuer = m_provider->issuer();
            info.port = static_cast<quint16>(info.baseUrl.port());
            info.workers = m_provider->workerCount();
            info.database = serving.database;
            info.demoAccounts = m_provider->demoAccounts();
            info.demoClients = m_provider->demoClients();
        } else {
            m_provider.reset();
        }
        QMetaObject::invokeMethod(this, [this, result, info] {
            if (result) {
                m_info = info;
                setState(State::Running);
                emit started();
            } else {
                m_info = {};
                setState(State::Stopped);
                emit startFailed(result.error());
            }
        });
    });
}

bool ProviderHost::stop()
{
    if (m_state != State::Running)
        return false;
    setState(State::Stopping);
    QMetaObject::invokeMethod(m_worker, [this] {
        m_provider.reset(); // stops listening; the port is free afterwards
        QMetaObject::invokeMethod(this, [this] {
            m_info = {};
            setState(State::Stopped);
            emit stopped();
        });
    });
    return true;
}

Result<void> ProviderHost::removeDatabaseFiles(const QString &file)
{
    for (const QString &suffix :
         {QString(), QStringLiteral("-wal"), QStringLiteral("-shm"), QStringLiteral(".secret")}) {
        QFile candidate(file + suffix);
        if (candidate.exists() && !candidate.remove())
            return fail(ErrorCode::Io,
                        tr("The file %1 could not be removed: %2")
                            .arg(candidate.fileName(), candidate.errorString()));
    }
    return {};
}

void ProviderHost::onServed(const ProviderServer::ServedRequest &request)
{
    QMutexLocker locker(&m_servedMutex);
    m_served.append(request);
    if (m_flushScheduled)
        return;
    m_flushScheduled = true;
    // To this object's thread; dropped if the host is gone (it waits for the provider first).
    QMetaObject::invokeMethod(this, [this] { QTimer::singleShot(100, this, &ProviderHost::flushServed); });
}

void ProviderHost::flushServed()
{
    QList<ProviderServer::ServedRequest> batch;
    {
        QMutexLocker locker(&m_servedMutex);
        batch.swap(m_served);
        m_flushScheduled = false;
    }
    if (!batch.isEmpty())
        emit requestsServed(batch);
}

} // namespace mwauth::provider
