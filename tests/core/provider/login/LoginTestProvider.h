#pragma once

// The provider stack the login and page tests run against: an in-memory database, its users,
// a session store, and the login API (and, if asked, the login pages) on a ProviderServer at
// a free port. By default laid out like the recorded wiki (no script path, wiki id
// "oathwiki") so answers compare with the fixtures.
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
#include "provider/pages/LoginPages.h"
#include "provider/server/ProviderServer.h"
#include "provider/server/SessionStore.h"

#include <memory>

namespace mwauth::provider::testing {

struct LoginTestProviderOptions
{
    QString scriptPath; // ProviderServer::setScriptPath: "" as the recorded wiki, or "/w"
    QString wikiId = QStringLiteral("oathwiki"); // ProviderServer::setWikiId (the cookie prefix)
    bool installPages = false; // LoginPages: Special:UserLogin, UserLogout, OATHManage

    // The recorded wiki's layout, API only (the default).
    static LoginTestProviderOptions recordedWiki() { return {}; }
    // ProviderServer's default layout ("/w", "mwauthwiki") with the login pages.
    static LoginTestProviderOptions withPages()
    {
        return {QStringLiteral("/w"), QStringLiteral("mwauthwiki"), true};
    }
};

class LoginTestProvider
{
public:
    LoginTestProvider(const Clock &clock, Random &random,
                      const LoginTestProviderOptions &options = LoginTestProviderOptions::recordedWiki())
        : m_clock(clock)
        , m_random(random)
        , m_options(options)
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

    // Starts the server with the login API (and the pages) installed; an error text, or empty.
    QString start()
    {
        m_server = std::make_unique<ProviderServer>(&m_random);
        m_server->setScriptPath(m_options.scriptPath);
        m_server->setWikiId(m_options.wikiId);
        m_server->setSessionStore(&m_sessions);
        m_login
            = std::make_unique<LoginService>(*m_users, *m_db, m_clock, m_random, QStringLiteral("127.0.0.1"));
        m_api = std::make_unique<LoginApi>(*m_login, *m_users, m_clock, m_random);
        m_api->install(*m_server);
        if (m_options.installPages) {
            m_pages = std::make_unique<LoginPages>(*m_login, *m_users, m_clock, m_random);
            m_pages->install(*m_server);
        }
        const Result<void> started = m_server->start(0);
        return started ? QString() : started.error().toString();
    }

    UserStore *users() const { return m_users.get(); }
    ProviderServer *server() const { return m_server.get(); }
    LoginService *login() const { return m_login.get(); }
    InMemorySessionStore &sessions() { return m_sessions; }

private:
    // Declared so that destruction runs server, pages, API, login service, sessions, users,
    // database.
    const Clock &m_clock;
    Random &m_random;
    const LoginTestProviderOptions m_options;
    PasswordHasher m_hasher;
    std::unique_ptr<ProviderDatabase> m_db;
    std::unique_ptr<UserStore> m_users;
    InMemorySessionStore m_sessions;
    std::unique_ptr<LoginService> m_login;
    std::unique_ptr<LoginApi> m_api;
    std::unique_ptr<LoginPages> m_pages;
    std::unique_ptr<ProviderServer> m_server;
};

} // namespace mwauth::provider::testing
