#include "TokenApi.h"

#include "common/Logging.h"
#include "provider/clients/Grants.h"

#include <QJsonObject>

#include <cmath>

namespace mwauth::provider {

namespace {

const QString kClientCredentials = QStringLiteral("client_credentials");
const QString kAuthorizationCode = QStringLiteral("authorization_code");
const QString kRefreshToken = QStringLiteral("refresh_token");

QString formText(const RestRequest &request, QByteArrayView name)
{
    return QString::fromUtf8(request.formValue(name));
}

bool hasFormField(const RestRequest &request, QByteArrayView name)
{
    for (const auto &[key, value] : request.form) {
        if (key == name)
            return true;
    }
    return false;
}

} // namespace

TokenApi::TokenApi(ClientStore &clients, SigningKeyStore &keys, AccessTokens &tokens)
    : m_clients(clients)
    , m_keys(keys)
    , m_tokens(tokens)
{ }

void TokenApi::install(ProviderServer &server)
{
    server.setRestRoute(QString::fromLatin1(Route),
                        [this](const RestRequest &request) { return accessToken(request); });
}

RestResponse TokenApi::accessToken(const RestRequest &request)
{
    if (request.method != "POST") {
        RestResponse response = RestResponse::json(
            QJsonObject {{QStringLiteral("messageTranslations"),
                          QJsonObject {{QStringLiteral("en"), QStringLiteral("Method not allowed")}}},
                         {QStringLiteral("httpCode"), 405},
                         {QStringLiteral("httpReason"), QStringLiteral("Method Not Allowed")}},
            405);
        response.addHeader("Allow", "POST");
        return response;
    }
    // Only form bodies are read: a JSON body leaves grant_type missing, as MediaWiki answers.
    const QString grantType = formText(request, "grant_type");
    if (grantType.isEmpty())
        return OAuth2Error::invalidRequest(QStringLiteral("grant_type")).response(request);
    if (grantType != kClientCredentials && grantType != kAuthorizationCode && grantType != kRefreshToken)
        return OAuth2Error::unsupportedGrantType().response(request);
    if (grantType != kClientCredentials) // until the authorization endpoint exists
        return OAuth2Error::unsupportedGrantType().response(request);

    const auto client = authenticate(request, grantType);
    if (const OAuth2Error *error = std::get_if<OAuth2Error>(&client))
        return error->response(request);
    return clientCredentials(request, std::get<OAuthClient>(client));
}

std::variant<OAuthClient, OAuth2Error> TokenApi::authenticate(const RestRequest &request,
                                                              const QString &grantType)
{
    const Result<ClientCredentials> credentials = provider::clientCredentials(request);
    if (!credentials)
        return OAuth2Error::invalidRequest(QStringLiteral("client_id"));
    const Result<OAuthClient> client = m_clients.findByKey(credentials->clientId);
    if (!client) {
        if (client.error().code() != ErrorCode::NotFound)
            qCWarning(log::providerServer).noquote() << "Client lookup failed:" << client.error().toString();
        return OAuth2Error::invalidClient();
    }
    // Usable as Consumer::isUsableBy for its owner at least (proposed clients work for them),
    // OAuth 2, not deleted, and allowed this grant type.
    const bool usable = client->oauthVersion == 2 && !client->deleted
        && (client->stage == ClientStage::Approved || client->stage == ClientStage::Proposed)
        && client->oauth2GrantTypes.contains(grantType);
    if (!usable)
        return OAuth2Error::invalidClient();
    if (client->isConfidential()) {
        // Constant-time comparison with the derived secret; an empty secret never matches.
        if (credentials->secret.isEmpty() || !m_clients.verifySecret(*client, credentials->secret.toUtf8()))
            return OAuth2Error::invalidClient();
    }
    return *client;
}

RestResponse TokenApi::clientCredentials(const RestRequest &request, const OAuthClient &client)
{
    if (!client.isConfidential()) // league's ClientCredentialsGrant: confidential clients only
        return OAuth2Error::invalidClient().response(request);
    QStringList scopes;
    if (hasFormField(request, "scope") && !formText(request, "scope").trimmed().isEmpty()) {
        const QStringList requested = formText(request, "scope").split(u' ', Qt::SkipEmptyParts);
        for (const QString &scope : requested) {
            if (!Grants::isKnown(scope))
                return OAuth2Error::invalidScope(scope).response(request);
            if (client.grants.contains(scope) && !scopes.contains(scope))
                scopes.append(scope); // scopes the client lacks are dropped silently
        }
    } else {
        scopes = client.grants;
    }
    const Result<jose::Jwk> key = m_keys.currentKey();
    if (!key) {
        qCWarning(log::providerServer).noquote() << "No signing key:" << key.error().toString();
        return OAuth2Error::serverError(QStringLiteral("no signing key")).response(request);
    }
    AccessTokenGrant grant;
    grant.clientId = client.consumerKey;
    grant.clientRowId = client.id;
    grant.scopes = scopes;
    const Result<IssuedAccessToken> token = m_tokens.issue(*key, grant);
    if (!token) {
        qCWarning(log::providerServer).noquote() << "Access token not issued:" << token.error().toString();
        return OAuth2Error::serverError(QStringLiteral("the token could not be issued")).response(request);
    }
    return tokenResponse(*token, grant.lifetimeSeconds);
}

RestResponse TokenApi::tokenResponse(const IssuedAccessToken &token, double lifetime)
{
    RestResponse response = RestResponse::json(QJsonObject {
        {QStringLiteral("token_type"), QStringLiteral("Bearer")},
        {QStringLiteral("expires_in"), qint64(std::llround(lifetime))},
        {QStringLiteral("access_token"), QString::fromLatin1(token.jwt)},
    });
    response.addHeader("Cache-Control", "no-store");
    response.addHeader("Pragma", "no-cache");
    return response;
}

} // namespace mwauth::provider
