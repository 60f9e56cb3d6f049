#pragma once

#include "LocalProvider.h"
#include "common/Error.h"

#include <QList>
#include <QMutex>
#include <QObject>
#include <QPointer>
#include <QThread>
#include <QUrl>

#include <functional>
#include <memory>

namespace mwauth::provider {

// Runs a LocalProvider on a thread of its own, for a GUI that must never wait on it: start,
// stop and reset are requests that answer with signals. The console's provider panel hosts
// one; `mwauth provider serve` does not need it (it runs the provider on its main thread).
//
//   Stopped --start()--> Starting --started()--> Running --stop()--> Stopping --stopped()--> Stopped
//                            \--startFailed(error)--> Stopped
//
// resetDemoData() is stop + delete the SQLite file (and its secret, WAL and SHM files) +
// start with demo data, answered like start(). Requests made in the wrong state are ignored
// and return false. The served-request log arrives in batches (requestsServed), at most
// every 100 ms, so a load test does not flood the GUI's event queue.
//
// `clock` and `random` must outlive the host and be thread-safe (SystemClock and
// SystemRandom are): the provider uses them on its threads.
class ProviderHost : public QObject
{
    Q_OBJECT
public:
    enum class State { Stopped, Starting, Running, Stopping };
    Q_ENUM(State)

    // What a running provider offers; empty while not running.
    struct Info
    {
        QUrl baseUrl;
        QUrl apiUrl;
        QUrl restUrl;
        QUrl indexUrl;
        QUrl issuer;
        quint16 port = 0;
        int workers = 0;
        QString database;
        QList<DemoAccount> demoAccounts;
        QList<DemoClient> demoClients;
    };

    ProviderHost(const Clock &clock, Random &random, QObject *parent = nullptr);
    // Stops the provider (blocking until its port is free) and ends the thread.
    ~ProviderHost() override;

    State state() const { return m_state; }
    bool isRunning() const { return m_state == State::Running; }
    const Info &info() const { return m_info; }
    // The options of the last start() or resetDemoData().
    const LocalProviderOptions &options() const { return m_options; }

    bool start(const LocalProviderOptions &options);
    bool stop();
    // Only for a SQLite file database (InvalidInput through startFailed otherwise).
    bool resetDemoData(const LocalProviderOptions &options);

    // Runs `work` on the provider's thread with the running provider (its own stack: stores and
    // services of that thread) and hands the result to `done` on this object's thread, unless
    // `context` is gone by then. When the provider is not running, `done` gets InvalidInput
    // without `work` being run. For admin operations (keys, consumers) from the GUI thread.
    template<typename T>
    void call(QObject *context, std::function<Result<T>(LocalProvider &)> work,
              std::function<void(Result<T>)> done)
    {
        QPointer<QObject> guard(context);
        QMetaObject::invokeMethod(m_worker, [this, guard, work = std::move(work), done = std::move(done)] {
            Result<T> result = m_provider && m_provider->isRunning()
                ? work(*m_provider)
                : Result<T>(fail(ErrorCode::InvalidInput, tr("The local provider is not running.")));
            QMetaObject::invokeMethod(this, [guard, done, result = std::move(result)] {
                if (guard)
                    done(result);
            });
        });
    }

    // Removes a SQLite provider database and the files beside it ("-wal", "-shm", ".secret").
    // Missing files are fine; Io names a file that could not be removed.
    static Result<void> removeDatabaseFiles(const QString &file);

signals:
    void stateChanged(mwauth::provider::ProviderHost::State state);
    void started();
    void startFailed(const mwauth::Error &error);
    void stopped();
    void requestsServed(const QList<mwauth::provider::ProviderServer::ServedRequest> &requests);

private:
    void setState(State state);
    void launch(const LocalProviderOptions &options, bool reset);
    void onServed(const ProviderServer::ServedRequest &request); // any serving thread
    void flushServed();

    const Clock &m_clock;
    Random &m_random;
    QThread m_thread;
    QObject *m_worker = nullptr; // lives on m_thread; the provider's event loop
    std::unique_ptr<LocalProvider> m_provider; // used on m_thread only
    State m_state = State::Stopped;
    Info m_info;
    LocalProviderOptions m_options;

    QMutex m_servedMutex;
    QList<ProviderServer::ServedRequest> m_served; // guarded by m_servedMutex
    bool m_flushScheduled = false; // guarded by m_servedMutex
};

} // namespace mwauth::provider

Q_DECLARE_METATYPE(mwauth::provider::ProviderServer::ServedRequest)
