#include "DiscoveryApi.h"

#include "provider/clients/Grants.h"
#include "provider/keys/KeysApi.h"
#include "provider/oauth2/TokenApi.h"

#include <QJsonArray>

namespace mwauth::provider {

DiscoveryApi::DiscoveryApi(SigningKeyStore &keys)
    : m_keys(keys)
{ }

void DiscoveryApi::install(ProviderServer &server)
{
    server.setWellKnownRoute(QString::fromLatin1(WellKnownName),
                             [this](const RestRequest &request) { return document(request); });
}

QJsonObject DiscoveryApi::metadata(const QUrl &baseUrl, const QString &scriptPath)
{
    const QString base = baseUrl.toString(QUrl::StripTrailingSlash);
    const QString rest = base + scriptPath + QStringLiteral("/rest.php");
    QStringList algorithms;
    if (const Result<QList<SigningKeyInfo>> keys = m_keys.list()) {
        for (const SigningKeyInfo &key : *keys) {
            if ((key.state == SigningKeyState::Current || key.state == SigningKeyState::Next)
                && !algorithms.contains(key.alg))
                algorithms.append(key.alg);
        }
    }
    QStringList scopes = Grants::names();
    for (const QString &special : {Grants::AuthOnly, Grants::AuthOnlyPrivate}) {
        if (!scopes.contains(special))
            scopes.append(special);
    }
    return QJsonObject {
        {QStringLiteral("issuer"), base},
        {QStringLiteral("token_endpoint"), QString(rest + QString::fromLatin1(TokenApi::Route))},
        {QStringLiteral("jwks_uri"), QString(rest + QString::fromLatin1(KeysApi::Route))},
        {QStringLiteral("grant_types_supported"), QJsonArray {QStringLiteral("client_credentials")}},
        {QStringLiteral("token_endpoint_auth_methods_supported"),
         QJsonArray {QStringLiteral("client_secret_basic"), QStringLiteral("client_secret_post")}},
        {QStringLiteral("scopes_supported"), QJsonArray::fromStringList(scopes)},
        // RFC 8414 requires the member; no response type is offered until /authorize exists.
        {QStringLiteral("response_types_supported"), QJsonArray()},
        {QStringLiteral("x-mwauth-access-token-signing-alg-values"), QJsonArray::fromStringList(algorithms)},
    };
}

RestResponse DiscoveryApi::document(const RestRequest &request)
{
    RestResponse response = RestResponse::json(metadata(request.baseUrl, request.scriptPath));
    response.addHeader("Cache-Control", "public, max-age=300");
    return response;
}

} // namespace mwauth::provider
