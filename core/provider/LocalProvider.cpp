#include "LocalProvider.h"

#include "common/Logging.h"

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

    Result<std::unique_ptr<ProviderDatabase>> database = ProviderDatabase::open(options.database);
    if (!database)
        return database.error();
    m_database = std::move(*database);
    // Sessions live in the database (hashed ids), so they survive a restart and providers on
    // one PostgreSQL database share them.
    m_sessions = std::make_unique<DatabaseSessionStore>(*m_database, m_clock);
    if (const Result<int> purged = m_sessions->purgeExpired(); !purged)
        qCWarning(log::providerServer).noquote()
            << "Expired sessions were not purged:" << purged.error().toString();
    Result<ProviderSecret> secret = ProviderSecret::forDatabase(options.database, m_random);
    if (!secret) {
        stop();
        return secret.error();
    }
    m_secret = std::make_unique<ProviderSecret>(*secret);
    m_keys = std::make_unique<SigningKeyStore>(*m_database, *m_secret, m_clock, m_random);
    if (const Result<bool> keys = m_keys->ensureKeys(options.signingAlgorithm); !keys) {
        stop();
        return keys.error();
    }
    if (const Result<QStringList> swept = m_keys->sweep(); !swept) {
        stop();
        return swept.error();
    }
    m_clients = std::make_unique<ClientStore>(*m_database, *m_secret, m_clock, m_random);
    m_hasher = std::make_unique<PasswordHasher>(m_random, options.passwordIterations);
    m_users = std::make_unique<UserStore>(*m_database, *m_hasher, m_clock);

    if (options.demo) {
        Result<QList<DemoAccount>> accounts = DemoData::seed(*m_users);
        if (!accounts) {
            stop();
            return accounts.error();
        }
        m_demoAccounts = std::move(*accounts);
        Result<QList<DemoClient>> clients = DemoData::seedClients(*m_clients, *m_users);
        if (!clients) {
            stop();
            return clients.error();
        }
        m_demoClients = std::move(*clients);
    }

    m_server = std::make_unique<ProviderServer>(&m_random);
    m_server->setScriptPath(options.scriptPath);
    m_server->setSessionStore(m_sessions.get());
    const Result<void> listening = m_server->start(options.port);
    if (!listening) {
        stop();
        return listening;
    }
    installServices(); // after listening: the issuer names the port
    return {};
}

void LocalProvider::installServices()
{
    // Login API, OAuth services plug in here: each registers its api.php modules, REST
    // routes and index.php pages on *m_server, using m_users, m_database, m_clock and m_random.
    m_loginService = std::make_unique<LoginService>(*m_users, *m_database, m_clock, m_random,
                                                    QString::fromLatin1(DemoData::RpId));
    if (const Result<int> purged = m_loginService->purgeExpiredThrottles(); !purged)
        qCWarning(log::providerServer).noquote()
            << "Old login throttle counters were not purged:" << purged.error().toString();
    m_loginApi = std::make_unique<LoginApi>(*m_loginService, *m_users, m_clock, m_random);
    m_loginApi->install(*m_server);
    m_loginPages = std::make_unique<LoginPages>(*m_loginService, *m_users, m_clock, m_random);
    m_loginPages->install(*m_server); // Special:UserLogin, Special:UserLogout, Special:OATHManage
    m_keysApi = std::make_unique<KeysApi>(*m_keys);
    m_keysApi->install(*m_server); // rest.php/oauth2/jwks
    m_accessTokens = std::make_unique<AccessTokens>(*m_database, m_clock, m_random, issuer().toString());
    m_tokenApi = std::make_unique<TokenApi>(*m_clients, *m_keys, *m_accessTokens);
    m_tokenApi->install(*m_server); // rest.php/oauth2/access_token
    m_discoveryApi = std::make_unique<DiscoveryApi>(*m_keys);
    m_discoveryApi->install(*m_server); // /.well-known/oauth-authorization-server
}

void LocalProvider::stop()
{
    if (m_server)
        m_server->stop();
    m_server.reset();
    m_discoveryApi.reset();
    m_tokenApi.reset();
    m_accessTokens.reset();
    m_keysApi.reset();
    m_loginPages.reset();
    m_loginApi.reset();
    m_loginService.reset();
    m_users.reset();
    m_hasher.reset();
    m_clients.reset();
    m_keys.reset();
    m_secret.reset();
    m_sessions.reset();
    m_database.reset();
    m_demoAccounts.clear();
    m_demoClients.clear();
}

bool LocalProvider::isRunning() const
{
    return m_server && m_server->isRunning();
}

QUrl LocalProvider::baseUrl() const
{
    return isRunning() ? m_server->baseUrl() : QUrl();
}

QUrl LocalProvider::scriptUrl(const QString &file) const
{
    if (!isRunning())
        return {};
    QUrl url = m_server->baseUrl();
    url.setPath(m_server->scriptPath() + u'/' + file);
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
    return m_server->baseUrl().adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment);
}

} // namespace mwauth::provider
