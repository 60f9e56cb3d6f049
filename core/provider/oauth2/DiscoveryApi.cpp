#include "DiscoveryApi.h"

#include "DynamicRegistrationApi.h"
#include "IntrospectionApi.h"
#include "OidcClaims.h"
#include "RevocationApi.h"
#include "UserInfoApi.h"
#include "provider/clients/Grants.h"
#include "provider/grants/GrantsApi.h"
#include "provider/keys/KeysApi.h"
#include "provider/oauth2/TokenApi.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace mwauth::provider {

namespace {

// AuthorizeApi::Route (the authorization code flow's endpoint).
const QString kAuthorizeRoute = QStringLiteral("/oauth2/authorize");

QJsonArray strings(std::initializer_list<const char *> values)
{
    QJsonArray array;
    for (const char *value : values)
        array.append(QString::fromLatin1(value));
    return array;
}

} // namespace

DiscoveryApi::DiscoveryApi(SigningKeyStore &keys, bool dynamicRegistration)
    : m_keys(keys)
    , m_dynamicRegistration(dynamicRegistration)
{ }

void DiscoveryApi::install(ProviderServer &server)
{
    const auto handler = [this](const RestRequest &request) { return document(request); };
    server.setWellKnownRoute(QString::fromLatin1(WellKnownName), handler);
    server.setWellKnownRoute(QString::fromLatin1(OpenIdWellKnownName), handler);
}

QJsonObject DiscoveryApi::metadata(const QUrl &baseUrl, const QString &scriptPath)
{
    const QString base = baseUrl.toString(QUrl::StripTrailingSlash);
    const QString rest = base + scriptPath + QStringLiteral("/rest.php");
    const QStringList algorithms = signingAlgorithms();
    QStringList scopes = Grants::names();
    for (const QString &special : {Grants::AuthOnly, Grants::AuthOnlyPrivate}) {
        if (!scopes.contains(special))
            scopes.append(special);
    }
    scopes.append(OidcClaims::scopes());
    const QJsonArray authMethods = strings({"client_secret_basic", "client_secret_post", "none"});
    const QJsonArray algs = QJsonArray::fromStringList(algorithms);
    QJsonObject document {
        {QStringLiteral("issuer"), base},
        {QStringLiteral("authorization_endpoint"), QString(rest + kAuthorizeRoute)},
        {QStringLiteral("token_endpoint"), QString(rest + QString::fromLatin1(TokenApi::Route))},
        {QStringLiteral("userinfo_endpoint"), QString(rest + QString::fromLatin1(UserInfoApi::Route))},
        {QStringLiteral("jwks_uri"), QString(rest + QString::fromLatin1(KeysApi::Route))},
        {QStringLiteral("revocation_endpoint"), QString(rest + QString::fromLatin1(RevocationApi::Route))},
        {QStringLiteral("introspection_endpoint"),
         QString(rest + QString::fromLatin1(IntrospectionApi::Route))},
        // Ours: the user's grants (list, revoke one, revoke all), GrantsApi.
        {QStringLiteral("mwauth_grants_endpoint"), QString(rest + QString::fromLatin1(GrantsApi::Route))},
        {QStringLiteral("response_types_supported"), strings({"code"})},
        {QStringLiteral("response_modes_supported"), strings({"query"})},
        {QStringLiteral("grant_types_supported"),
         strings({"authorization_code", "refresh_token", "client_credentials"})},
        {QStringLiteral("token_endpoint_auth_methods_supported"), authMethods},
        {QStringLiteral("revocation_endpoint_auth_methods_supported"), authMethods},
        {QStringLiteral("introspection_endpoint_auth_methods_supported"), authMethods},
        {QStringLiteral("code_challenge_methods_supported"), strings({"S256", "plain"})},
        {QStringLiteral("scopes_supported"), QJsonArray::fromStringList(scopes)},
        {QStringLiteral("subject_types_supported"), strings({"public"})},
        {QStringLiteral("id_token_signing_alg_values_supported"), algs},
        {QStringLiteral("claims_supported"), QJsonArray::fromStringList(OidcClaims::supportedClaims())},
        {QStringLiteral("prompt_values_supported"), strings({"none", "login", "consent", "select_account"})},
        {QStringLiteral("claims_parameter_supported"), false},
        {QStringLiteral("request_parameter_supported"), false},
        {QStringLiteral("request_uri_parameter_supported"), false},
        {QStringLiteral("x-mwauth-access-token-signing-alg-values"), algs},
    };
    if (m_dynamicRegistration)
        document.insert(QStringLiteral("registration_endpoint"),
                        QString(rest + QString::fromLatin1(DynamicRegistrationApi::Route)));
    return document;
}

QStringList DiscoveryApi::signingAlgorithms()
{
    QStringList algorithms;
    if (const Result<QList<SigningKeyInfo>> keys = m_keys.list()) { // cached rows
        for (const SigningKeyInfo &key : *keys) {
            if ((key.state == SigningKeyState::Current || key.state == SigningKeyState::Next)
                && !algorithms.contains(key.alg))
                algorithms.append(key.alg);
        }
    }
    return algorithms;
}

RestResponse DiscoveryApi::document(const RestRequest &request)
{
    const QString madeFrom
        = request.baseUrl.toString() + u'\n' + request.scriptPath + u'\n' + signingAlgorithms().join(u',');
    if (madeFrom != m_cachedFor || m_cachedBody.isEmpty()) {
        m_cachedBody
            = QJsonDocument(metadata(request.baseUrl, request.scriptPath)).toJson(QJsonDocument::Compact);
        m_cachedFor = madeFrom;
    }
    RestResponse response;
    response.contentType = "application/json; charset=utf-8"; // as RestResponse::json
    response.body = m_cachedBody;
    response.addHeader("Cache-Control", "public, max-age=300");
    return response;
}

} // namespace mwauth::provider
