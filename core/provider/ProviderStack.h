#pragma once

#include "common/Clock.h"
#include "common/Random.h"
#include "common/Result.h"
#include "jose/Jwk.h"
#include "provider/accounts/PasswordHasher.h"
#include "provider/accounts/UserStore.h"
#include "provider/clients/AcceptanceStore.h"
#include "provider/clients/ClientStore.h"
#include "provider/db/ProviderDatabase.h"
#include "provider/grants/ChangePasswordPage.h"
#include "provider/grants/GrantsApi.h"
#include "provider/grants/ManageMyGrantsPage.h"
#include "provider/grants/UserGrants.h"
#include "provider/keys/KeysApi.h"
#include "provider/keys/SigningKeyStore.h"
#include "provider/login/LoginApi.h"
#include "provider/login/LoginService.h"
#include "provider/oauth1/OAuth1ApiAuthenticator.h"
#include "provider/oauth1/OAuth1Options.h"
#include "provider/oauth1/OAuth1Server.h"
#include "provider/oauth1/SpecialOAuth.h"
#include "provider/oauth2/AccessTokens.h"
#include "provider/oauth2/AuthorizationCodes.h"
#include "provider/oauth2/AuthorizeApi.h"
#include "provider/oauth2/BearerTokens.h"
#include "provider/oauth2/ClientApi.h"
#include "provider/oauth2/DiscoveryApi.h"
#include "provider/oauth2/DynamicRegistrationApi.h"
#include "provider/oauth2/IdTokens.h"
#include "provider/oauth2/IntrospectionApi.h"
#include "provider/oauth2/OAuth2Options.h"
#include "provider/oauth2/OAuthCache.h"
#include "provider/oauth2/RefreshTokens.h"
#include "provider/oauth2/ResourceApi.h"
#include "provider/oauth2/RevocationApi.h"
#include "provider/oauth2/TokenApi.h"
#include "provider/oauth2/UserInfoApi.h"
#include "provider/pages/ApprovePage.h"
#include "provider/pages/ConsumerPages.h"
#include "provider/pages/LoginPages.h"
#include "provider/secret/ProviderSecret.h"
#include "provider/server/DatabaseSessionStore.h"
#include "provider/server/ProviderServer.h"

#include <QString>
#include <QUrl>
#include <memory>

namespace mwauth::provider {

// What one serving thread of the local provider needs, built on its own database
// connection: the stores (users, clients, signing keys, sessions), the services (login,
// OAuth, ...) and the ProviderServer they are registered on.
//
// LocalProvider runs one on its own thread and may run more on worker threads, all serving
// the same port and the same database (DESIGN.md section 5: one QHttpServer per thread).
// Nothing in a stack is shared with another stack except the Clock, the Random and the
// ProviderSecret, which are safe to share.
//
// Build it in this order, on the thread that will use it:
//   openDatabase() -> openStores() -> listen() -> installServices()
// Everything it made is destroyed by close() (or the destructor), in reverse order.
class ProviderStack
{
public:
    struct Settings
    {
        QString database = QStringLiteral(":memory:"); // see ProviderDatabase::open
        QString scriptPath = QStringLiteral("/w");
        int passwordIterations = PasswordHasher::DefaultIterations;
        OAuth2Options oauth2; // token lifetimes, refresh grace, dynamic registration
        OAuth1Options oauth1; // PLAINTEXT, timestamp window, request token lifetime
        bool reusePort = false; // ProviderServer::setReusePort: stacks on several threads share the port
        // ProviderServer::setRequestObserver (called on this stack's thread); none when empty.
        ProviderServer::RequestObserver requestObserver;
    };

    // `clock` and `random` must outlive the stack.
    ProviderStack(const Clock &clock, Random &random, Settings settings);
    ~ProviderStack();
    ProviderStack(const ProviderStack &) = delete;
    ProviderStack &operator=(const ProviderStack &) = delete;

    // Opens (and migrates) the database: errors of ProviderDatabase::open.
    Result<void> openDatabase();
    // Makes the stores on the open database. `secret` must outlive the stack.
    void openStores(const ProviderSecret &secret);
    // Makes the server and listens on 127.0.0.1:`port` (0: any free port). Network when the
    // port cannot be bound.
    Result<void> listen(quint16 port);
    // Registers every service on the listening server. `issuer` is what tokens name as iss.
    // The single place where services are registered.
    void installServices(const QUrl &issuer);
    // Stops the server (its port is free when this returns) and destroys everything.
    void close();

    const Settings &settings() const { return m_settings; }

    // Null until made.
    ProviderDatabase *database() const { return m_database.get(); }
    DatabaseSessionStore *sessions() const { return m_sessions.get(); }
    SigningKeyStore *keys() const { return m_keys.get(); }
    ClientStore *clients() const { return m_clients.get(); }
    // The provider secret the stores were opened with (tests derive handed-out secrets with it).
    const ProviderSecret *secret() const { return m_secret; }
    UserStore *users() const { return m_users.get(); }
    ProviderServer *server() const { return m_server.get(); }
    LoginService *loginService() const { return m_loginService.get(); }
    AccessTokens *accessTokens() const { return m_accessTokens.get(); }
    UserGrants *userGrants() const { return m_userGrants.get(); }

private:
    const Clock &m_clock;
    Random &m_random;
    Settings m_settings;
    const ProviderSecret *m_secret = nullptr;

    // Stores (declaration order = construction order; destroyed in reverse).
    std::unique_ptr<ProviderDatabase> m_database;
    std::unique_ptr<DatabaseSessionStore> m_sessions;
    std::unique_ptr<SigningKeyStore> m_keys;
    std::unique_ptr<ClientStore> m_clients;
    std::unique_ptr<PasswordHasher> m_hasher;
    std::unique_ptr<UserStore> m_users;
    // The server, then the services registered on it.
    std::unique_ptr<ProviderServer> m_server;
    std::unique_ptr<LoginService> m_loginService;
    std::unique_ptr<LoginApi> m_loginApi;
    std::unique_ptr<LoginPages> m_loginPages;
    std::unique_ptr<KeysApi> m_keysApi;
    std::unique_ptr<AccessTokens> m_accessTokens;
    // The authorization code flow (AuthorizeApi, Special:OAuth/approve, the code and
    // refresh grants of TokenApi).
    std::unique_ptr<OAuthCache> m_oauthCache;
    std::unique_ptr<AcceptanceStore> m_acceptances;
    std::unique_ptr<AuthorizationCodes> m_codes;
    std::unique_ptr<RefreshTokens> m_refreshTokens;
    std::unique_ptr<IdTokens> m_idTokens;
    std::unique_ptr<AuthorizeApi> m_authorizeApi;
    std::unique_ptr<pages::ApprovePage> m_approvePage;
    std::unique_ptr<pages::ConsumerPages> m_consumerPages;
    std::unique_ptr<TokenApi> m_tokenApi;
    std::unique_ptr<DiscoveryApi> m_discoveryApi;
    std::unique_ptr<ClientApi> m_clientApi;
    std::unique_ptr<DynamicRegistrationApi> m_registrationApi;
    // Bearer tokens and what consumes them (resource, userinfo, revoke, introspect, api.php).
    std::unique_ptr<BearerTokens> m_bearerTokens;
    std::unique_ptr<ResourceApi> m_resourceApi;
    std::unique_ptr<UserInfoApi> m_userInfoApi;
    std::unique_ptr<RevocationApi> m_revocationApi;
    std::unique_ptr<IntrospectionApi> m_introspectionApi;
    // The user's grants (rest.php/mwauth/v1/grants, Special:OAuthManageMyGrants) and
    // Special:ChangePassword, which revokes them.
    std::unique_ptr<UserGrants> m_userGrants;
    std::unique_ptr<GrantsApi> m_grantsApi;
    std::unique_ptr<pages::ManageMyGrantsPage> m_manageGrantsPage;
    std::unique_ptr<pages::ChangePasswordPage> m_changePasswordPage;
    // OAuth 1.0a: Special:OAuth and api.php under "Authorization: OAuth".
    std::unique_ptr<OAuth1Server> m_oauth1Server;
    std::unique_ptr<SpecialOAuth> m_specialOAuth;
    std::unique_ptr<OAuth1ApiAuthenticator> m_oauth1Api;
};

} // namespace mwauth::provider
