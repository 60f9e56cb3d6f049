#include "ProviderStack.h"

#include "DemoData.h"
#include "common/Logging.h"

namespace mwauth::provider {

ProviderStack::ProviderStack(const Clock &clock, Random &random, Settings settings)
    : m_clock(clock)
    , m_random(random)
    , m_settings(std::move(settings))
{ }

ProviderStack::~ProviderStack()
{
    close();
}

Result<void> ProviderStack::openDatabase()
{
    Result<std::unique_ptr<ProviderDatabase>> database = ProviderDatabase::open(m_settings.database);
    if (!database)
        return database.error();
    m_database = std::move(*database);
    return {};
}

void ProviderStack::openStores(const ProviderSecret &secret)
{
    Q_ASSERT(m_database);
    m_secret = &secret;
    // Sessions live in the database (hashed ids), so they survive a restart and providers on
    // one PostgreSQL database share them.
    m_sessions = std::make_unique<DatabaseSessionStore>(*m_database, m_clock);
    m_keys = std::make_unique<SigningKeyStore>(*m_database, secret, m_clock, m_random);
    m_clients = std::make_unique<ClientStore>(*m_database, secret, m_clock, m_random);
    m_hasher = std::make_unique<PasswordHasher>(m_random, m_settings.passwordIterations);
    m_users = std::make_unique<UserStore>(*m_database, *m_hasher, m_clock);
}

Result<void> ProviderStack::listen(quint16 port)
{
    Q_ASSERT(m_sessions);
    m_server = std::make_unique<ProviderServer>(&m_random);
    m_server->setScriptPath(m_settings.scriptPath);
    m_server->setSessionStore(m_sessions.get());
    m_server->setReusePort(m_settings.reusePort);
    if (m_settings.requestObserver)
        m_server->setRequestObserver(m_settings.requestObserver);
    if (const Result<void> listening = m_server->start(port); !listening) {
        m_server.reset();
        return listening;
    }
    return {};
}

void ProviderStack::installServices(const QUrl &issuer)
{
    Q_ASSERT(m_server && m_users);
    // Each service registers its api.php modules, REST routes and index.php pages on
    // *m_server, using the stores above.
    m_loginService = std::make_unique<LoginService>(*m_users, *m_database, m_clock, m_random,
                                                    QString::fromLatin1(DemoData::RpId));
    m_loginApi = std::make_unique<LoginApi>(*m_loginService, *m_users, m_clock, m_random);
    m_loginApi->install(*m_server); // api.php clientlogin, query, logout
    m_loginPages = std::make_unique<LoginPages>(*m_loginService, *m_users, m_clock, m_random);
    m_loginPages->install(*m_server); // Special:UserLogin, Special:UserLogout, Special:OATHManage
    m_keysApi = std::make_unique<KeysApi>(*m_keys);
    m_keysApi->install(*m_server); // rest.php/oauth2/jwks
    m_accessTokens = std::make_unique<AccessTokens>(*m_database, m_clock, m_random, issuer.toString());
    m_tokenApi = std::make_unique<TokenApi>(*m_clients, *m_keys, *m_accessTokens);
    m_tokenApi->install(*m_server); // rest.php/oauth2/access_token
    m_oauthCache = std::make_unique<OAuthCache>(*m_database, m_clock);
    m_acceptances = std::make_unique<AcceptanceStore>(*m_database, m_clock, m_random);
    m_codes = std::make_unique<AuthorizationCodes>(*m_oauthCache, *m_secret, m_clock, m_random,
                                                   m_settings.oauth2);
    m_refreshTokens = std::make_unique<RefreshTokens>(*m_oauthCache, *m_accessTokens, *m_secret, m_clock,
                                                      m_random, m_settings.oauth2);
    m_tokenApi->setCodeGrants(*m_codes, *m_refreshTokens,
                              m_settings.oauth2); // authorization_code, refresh_token
    m_idTokens = std::make_unique<IdTokens>(*m_users, m_clock, issuer.toString());
    m_tokenApi->setIdTokens(*m_idTokens); // scope openid -> id_token
    m_authorizeApi = std::make_unique<AuthorizeApi>(*m_clients, *m_acceptances, *m_codes, m_clock);
    m_authorizeApi->install(*m_server); // rest.php/oauth2/authorize
    m_approvePage = std::make_unique<pages::ApprovePage>(*m_clients, *m_acceptances, m_clock, m_random);
    m_approvePage->install(*m_server); // Special:OAuth/approve, Special:OAuth/rest_redirect
    m_consumerPages = std::make_unique<pages::ConsumerPages>(*m_clients, *m_users, m_clock, m_random);
    m_consumerPages->install(*m_server); // Special:OAuthConsumerRegistration, ...ManageConsumers,
                                         // ...ListConsumers, Special:Log/mwoauthconsumer
    m_discoveryApi = std::make_unique<DiscoveryApi>(*m_keys, m_settings.oauth2.dynamicRegistration);
    m_discoveryApi->install(*m_server); // /.well-known/oauth-authorization-server
    m_clientApi = std::make_unique<ClientApi>(*m_clients, *m_users, *m_keys, *m_accessTokens, m_clock);
    m_clientApi->install(*m_server); // rest.php/oauth2/client, .../client/{key}/reset_secret
    m_registrationApi = std::make_unique<DynamicRegistrationApi>(
        *m_clients, *m_users, m_clock,
        DynamicRegistrationApi::Settings {m_settings.oauth2.dynamicRegistration});
    m_registrationApi->install(*m_server); // rest.php/oauth2/register (RFC 7591; 404 unless enabled)
    m_bearerTokens
        = std::make_unique<BearerTokens>(*m_database, *m_keys, *m_clients, m_clock, issuer.toString());
    m_clientApi->setBearerAuthenticator(
        ClientApi::bearerAuthenticator(*m_bearerTokens)); // oauthmanageownclient
    m_oauth1Server = std::make_unique<OAuth1Server>(*m_clients, *m_oauthCache, *m_database, *m_secret,
                                                    m_clock, m_random, m_settings.oauth1);
    m_specialOAuth
        = std::make_unique<SpecialOAuth>(*m_oauth1Server, *m_clients, *m_acceptances, *m_users, m_clock,
                                         m_random, issuer.toString(), m_clients->options().wikiId);
    m_specialOAuth->install(*m_server); // Special:OAuth/initiate|authorize|authenticate|token|identify|...
    m_oauth1Api
        = std::make_unique<OAuth1ApiAuthenticator>(*m_oauth1Server, *m_users, m_clients->options().wikiId);
    m_server->setApiAuthenticator( // api.php with Authorization: OAuth (1.0a) or Bearer (OAuth 2)
        [this](ApiRequest &request) {
            if (OAuth1Parameters::hasOAuthHeader(request))
                return m_oauth1Api->authenticate(request);
            return m_bearerTokens->apiAuthentication(request, *m_users);
        });
    m_resourceApi = std::make_unique<ResourceApi>(*m_bearerTokens, *m_users, *m_clients);
    m_resourceApi->install(*m_server); // rest.php/oauth2/resource/{profile,scopes}
    m_userInfoApi = std::make_unique<UserInfoApi>(*m_bearerTokens, *m_users, issuer.toString());
    m_userInfoApi->install(*m_server); // rest.php/oauth2/userinfo
    m_revocationApi = std::make_unique<RevocationApi>(*m_clients, *m_bearerTokens, *m_accessTokens,
                                                      m_refreshTokens.get());
    m_revocationApi->install(*m_server); // rest.php/oauth2/revoke
    m_introspectionApi = std::make_unique<IntrospectionApi>(*m_clients, *m_bearerTokens, *m_users);
    m_introspectionApi->install(*m_server); // rest.php/oauth2/introspect
    m_userGrants = std::make_unique<UserGrants>(*m_database, m_clock);
    m_grantsApi = std::make_unique<GrantsApi>(*m_userGrants, *m_bearerTokens, *m_loginService);
    m_grantsApi->install(*m_server); // rest.php/mwauth/v1/grants
    m_manageGrantsPage = std::make_unique<pages::ManageMyGrantsPage>(*m_userGrants, *m_clients, m_random);
    m_server->setIndexPage(
        pages::ManageMyGrantsPage::Title,
        [page = m_manageGrantsPage.get()](const IndexRequest &request) { return page->handle(request); });
    m_changePasswordPage = std::make_unique<pages::ChangePasswordPage>(*m_users, *m_userGrants, m_random);
    m_server->setIndexPage(
        pages::ChangePasswordPage::Title,
        [page = m_changePasswordPage.get()](const IndexRequest &request) { return page->handle(request); });
}

void ProviderStack::close()
{
    // The server first: no handler runs once it stopped, so the services can go.
    if (m_server)
        m_server->stop();
    m_changePasswordPage.reset();
    m_manageGrantsPage.reset();
    m_grantsApi.reset();
    m_userGrants.reset();
    m_oauth1Api.reset();
    m_specialOAuth.reset();
    m_oauth1Server.reset();
    m_introspectionApi.reset();
    m_revocationApi.reset();
    m_userInfoApi.reset();
    m_resourceApi.reset();
    m_bearerTokens.reset();
    m_registrationApi.reset();
    m_clientApi.reset();
    m_discoveryApi.reset();
    m_consumerPages.reset();
    m_approvePage.reset();
    m_authorizeApi.reset();
    m_tokenApi.reset();
    m_idTokens.reset();
    m_refreshTokens.reset();
    m_codes.reset();
    m_acceptances.reset();
    m_oauthCache.reset();
    m_accessTokens.reset();
    m_keysApi.reset();
    m_loginPages.reset();
    m_loginApi.reset();
    m_loginService.reset();
    m_server.reset();
    m_users.reset();
    m_hasher.reset();
    m_clients.reset();
    m_keys.reset();
    m_sessions.reset(); // before the database goes
    m_database.reset();
    m_secret = nullptr;
}

} // namespace mwauth::provider
