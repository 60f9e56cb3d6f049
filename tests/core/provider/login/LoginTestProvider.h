#pragma once

// The provider stack the login tests run against: an in-memory database, its users, a
// session store, and the login API on a ProviderServer at a free port, laid out like the
// recorded wiki (no script path, wiki id "oathwiki") so answers compare with the fixtures.
//
//   LoginTestProvider provider(clock, random);
//   QCOMPARE(provider.open(), QString());   // database and users
//   provider.users()->createUser(...);      // the test's accounts
//   QCOMPARE(provider.start(), QString());  // server and login API

#include "common/Clock.h"
#include "common/Random.h"
#include "provider/accounts/PasswordHasher.h"
#include "provider/accounts/UserStore.h"
#include "provider/db/ProviderDatabase.h"
#include "provider/login/LoginApi.h"
#include "provider/login/LoginService.h"
#include "provider/server/ProviderServer.h"
#include "provider/server/SessionStore.h"

#include <memory>

namespace mwauth::provider::testing {

class LoginTestProvider
{
public:
    LoginTestProvider(const Clock &clock, Random &random)
        : m_clock(clock)
        , m_random(random)
        , m_hasher(random, 1000) // cheap hashes: the tests log in often
    { }

    // Opens the database and the user store; an error text, or empty.
    QString open()
    {
        auto db = ProviderDatabase::open(QStringLiteral(":memory:"));
        if (!db)
            return db.error().toString();
        m_db = std::move(*db);
        m_users = std::make_unique<UserStore>(*m_db, m_hasher, m_clock);
        return {};
    }

    // Starts the server with the login API installed; an error text, or empty.
    QString start()
    {
        m_server = std::make_unique<ProviderServer>(&m_random);
        m_server->setScriptPath(QString());
        m_server->setWikiId(QStringLiteral("oathwiki"));
        m_server->setSessionStore(&m_sessions);
        m_login
            = std::make_unique<LoginService>(*m_users, *m_db, m_clock, m_random, QStringLiteral("127.0.0.1"));
        m_api = std::make_unique<LoginApi>(*m_login, *m_users, m_clock, m_random);
        m_api->install(*m_server);
        const Result<void> started = m_server->start(0);
        return started ? QString() : started.error().toString();
    }

    UserStore *users() const { return m_users.get(); }
    ProviderServer *server() const { return m_server.get(); }
    LoginService *login() const { return m_login.get(); }

private:
    // Declared so that destruction runs server, API, login service, sessions, users, database.
    const Clock &m_clock;
    Random &m_random;
    PasswordHasher m_hasher;
    std::unique_ptr<ProviderDatabase> m_db;
    std::unique_ptr<UserStore> m_users;
    InMemorySessionStore m_sessions;
    std::unique_ptr<LoginService> m_login;
    std::unique_ptr<LoginApi> m_api;
    std::unique_ptr<ProviderServer> m_server;
};

} // namespace mwauth::provider::testing
