#pragma once

#include "DemoData.h"
#include "common/Clock.h"
#include "common/Random.h"
#include "common/Result.h"
#include "provider/accounts/PasswordHasher.h"
#include "provider/accounts/UserStore.h"
#include "provider/clients/ClientStore.h"
#include "provider/db/ProviderDatabase.h"
#include "provider/keys/KeysApi.h"
#include "provider/keys/SigningKeyStore.h"
#include "provider/login/LoginApi.h"
#include "provider/login/LoginService.h"
#include "provider/oauth2/AccessTokens.h"
#include "provider/oauth2/DiscoveryApi.h"
#include "provider/oauth2/TokenApi.h"
#include "provider/pages/LoginPages.h"
#include "provider/secret/ProviderSecret.h"
#include "provider/server/DatabaseSessionStore.h"
#include "provider/server/ProviderServer.h"
#include "provider/server/SessionStore.h"

#include <QList>
#include <QString>
#include <QUrl>

#include <memory>

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
};

// The local MediaWiki look-alike as one object (DESIGN.md section 5): the database, the
// users, the sessions and the HTTP server, started and stopped together. The GUI hosts one;
// `mwauth provider serve` runs one headless.
//
// Use it on one thread with an event loop (the server's rule). `clock` and `random` must
// outlive the provider.
class LocalProvider
{
public:
    LocalProvider(const Clock &clock, Random &random);
    ~LocalProvider();
    LocalProvider(const LocalProvider &) = delete;
    LocalProvider &operator=(const LocalProvider &) = delete;

    // Opens the database (migrating it), seeds the demo data when asked, installs the
    // services and starts listening on 127.0.0.1. On failure nothing is left open.
    // Errors: InvalidInput when already running or for a script path that does not start
    // with "/" (and is not empty); the database's errors (Io, ...); Network when the port
    // cannot be bound.
    Result<void> start(const LocalProviderOptions &options);
    // Stops listening (the port is free when this returns) and closes the database.
    void stop();
    bool isRunning() const;

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

    // The parts, for services and tests; null when not running.
    ProviderServer *server() { return m_server.get(); }
    UserStore *users() { return m_users.get(); }
    ClientStore *clients() { return m_clients.get(); }
    SigningKeyStore *keys() { return m_keys.get(); }
    ProviderDatabase *database() { return m_database.get(); }
    SessionStore *sessions() { return m_sessions.get(); } // the database's sessions

private:
    // The single place where API services are registered on the server.
    void installServices();
    QUrl scriptUrl(const QString &file) const;

    const Clock &m_clock;
    Random &m_random;
    std::unique_ptr<ProviderDatabase> m_database;
    std::unique_ptr<DatabaseSessionStore> m_sessions; // before the database goes
    std::unique_ptr<ProviderSecret> m_secret;
    std::unique_ptr<SigningKeyStore> m_keys;
    std::unique_ptr<ClientStore> m_clients;
    std::unique_ptr<PasswordHasher> m_hasher;
    std::unique_ptr<UserStore> m_users;
    std::unique_ptr<LoginService> m_loginService;
    std::unique_ptr<LoginApi> m_loginApi;
    std::unique_ptr<LoginPages> m_loginPages;
    std::unique_ptr<KeysApi> m_keysApi;
    std::unique_ptr<AccessTokens> m_accessTokens;
    std::unique_ptr<TokenApi> m_tokenApi;
    std::unique_ptr<DiscoveryApi> m_discoveryApi;
    std::unique_ptr<ProviderServer> m_server;
    QList<DemoAccount> m_demoAccounts;
    QList<DemoClient> m_demoClients;
};

} // namespace mwauth::provider
