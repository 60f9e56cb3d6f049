#pragma once

#include "DemoData.h"
#include "ProviderStack.h"
#include "ProviderWorker.h"
#include "common/Clock.h"
#include "common/Random.h"
#include "common/Result.h"
#include "provider/accounts/PasswordHasher.h"
#include "provider/oauth1/OAuth1Options.h"
#include "provider/oauth2/OAuth2Options.h"
#include "provider/secret/ProviderSecret.h"

#include <QList>
#include <QString>
#include <QUrl>

#include <memory>
#include <vector>

namespace mwauth::provider {

struct LocalProviderOptions
{
    quint16 port = 0; // 0: any free port
    // A ProviderDatabase location: ":memory:", a SQLite file (created 0600) or a
    // postgresql:// URL (see ProviderDatabase::open).
    QString database = QStringLiteral(":memory:");
    QString scriptPath = QStringLiteral("/w"); // "" for a wiki at the root
    bool demo = false; // seed the demo accounts (DemoData), skipping those that exist
    int passwordIterations = PasswordHasher::DefaultIterations; // tests may lower it
    // The algorithm of the first signing keys (an existing current key keeps its own).
    jose::JwsAlgorithm signingAlgorithm = jose::JwsAlgorithm::RS256;
    OAuth2Options oauth2; // the OAuth 2 / OIDC services' knobs
    OAuth1Options oauth1; // the OAuth 1.0a side's knobs (PLAINTEXT allowed or not)
    // Serving threads, each with its own database connection, stores, services and server on
    // the same port (SO_REUSEPORT; the kernel spreads connections over them): this thread plus
    // workers - 1 QThreads. 0 (default): 1 for ":memory:" (a private database that another
    // connection cannot see; more is refused), QThread::idealThreadCount() for a SQLite file
    // or PostgreSQL.
    int workers = 0;
    // Told about every answered request (see ProviderServer::setRequestObserver), on the
    // serving threads: with more than one worker it must be thread-safe. None when empty.
    ProviderServer::RequestObserver requestObserver;
};

// The local MediaWiki look-alike as one object (DESIGN.md section 5): the database, the
// users, the sessions and the HTTP server, started and stopped together. The GUI hosts one;
// `mwauth provider serve` runs one headless.
//
// Use it on one thread with an event loop (the server's rule). `clock` and `random` must
// outlive the provider; with more than one worker they are used from every serving thread
// too, so they must be thread-safe then (SystemClock and SystemRandom are).
//
// Workers: this thread's stack does the housekeeping (migrations, signing keys, demo data)
// before the worker threads start; the others share the database, so sessions, codes,
// tokens and keys are the same whichever thread answers. The accessors below give this
// thread's stack only.
class LocalProvider
{
public:
    LocalProvider(const Clock &clock, Random &random);
    ~LocalProvider();
    LocalProvider(const LocalProvider &) = delete;
    LocalProvider &operator=(const LocalProvider &) = delete;

    // Opens the database (migrating it), seeds the demo data when asked, installs the
    // services and starts listening on 127.0.0.1. On failure nothing is left open.
    // Errors: InvalidInput when already running, for a script path that does not start
    // with "/" (and is not empty) and for workers < 0 or > 1 on ":memory:"; the database's
    // errors (Io, ...); Network when the port cannot be bound.
    Result<void> start(const LocalProviderOptions &options);
    // Stops listening (the port is free when this returns) and closes the database.
    void stop();
    bool isRunning() const;
    // Serving threads while running (this one included); 0 when not running.
    int workerCount() const;

    // All empty when not running.
    QUrl baseUrl() const; // http://127.0.0.1:<port>
    QUrl apiUrl() const; // <base><script>/api.php
    QUrl restUrl() const; // <base><script>/rest.php
    QUrl indexUrl() const; // <base><script>/index.php
    QUrl issuer() const; // the base URL's origin (what OAuth 2 / OIDC tokens name as iss)

    // The demo accounts after start() with demo set (empty otherwise).
    const QList<DemoAccount> &demoAccounts() const { return m_demoAccounts; }
    // The demo clients after start() with demo set (empty otherwise).
    const QList<DemoClient> &demoClients() const { return m_demoClients; }

    const Clock &clock() const { return m_clock; }

    // The parts of the provider's own serving thread, for services and tests; null when not
    // running.
    ProviderStack *stack() { return m_stack.get(); }
    ProviderServer *server() { return m_stack ? m_stack->server() : nullptr; }
    UserStore *users() { return m_stack ? m_stack->users() : nullptr; }
    ClientStore *clients() { return m_stack ? m_stack->clients() : nullptr; }
    SigningKeyStore *keys() { return m_stack ? m_stack->keys() : nullptr; }
    ProviderDatabase *database() { return m_stack ? m_stack->database() : nullptr; }
    SessionStore *sessions() { return m_stack ? m_stack->sessions() : nullptr; } // the database's sessions

private:
    Result<void> seedDemo();
    QUrl scriptUrl(const QString &file) const;

    const Clock &m_clock;
    Random &m_random;
    std::unique_ptr<ProviderSecret> m_secret; // shared by every stack; outlives them
    std::unique_ptr<ProviderStack> m_stack; // this thread's
    std::vector<std::unique_ptr<ProviderWorker>> m_workers; // the other serving threads
    QList<DemoAccount> m_demoAccounts;
    QList<DemoClient> m_demoClients;
};

} // namespace mwauth::provider
