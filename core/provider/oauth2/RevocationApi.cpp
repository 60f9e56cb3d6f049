#include "RevocationApi.h"

#include "AccessTokens.h"
#include "RefreshTokens.h"
#include "RestParams.h"
#include "common/Logging.h"

namespace mwauth::provider {

RevocationApi::RevocationApi(ClientStore &clients, const BearerTokens &bearer, AccessTokens &accessTokens,
                             RefreshTokens *refreshTokens)
    : m_clients(clients)
    , m_bearer(bearer)
    , m_accessTokens(accessTokens)
    , m_refreshTokens(refreshTokens)
{ }

void RevocationApi::install(ProviderServer &server)
{
    server.setRestRoute(QString::fromLatin1(Route),
                        [this](const RestRequest &request) { return revoke(request); });
}

std::variant<OAuthClient, OAuth2Error> RevocationApi::authenticateClient(ClientStore &clients,
                                                                         const RestRequest &request)
{
    const Result<ClientCredentials> credentials = clientCredentials(request);
    if (!credentials)
        return request.header("Authorization").isEmpty()
            ? OAuth2Error::invalidRequest(QStringLiteral("client_id"))
            : OAuth2Error::invalidClient();
    const Result<OAuthClient> client = clients.findByKey(credentials->clientId);
    if (!client) {
        if (client.error().code() != ErrorCode::NotFound)
            qCWarning(log::providerServer).noquote() << "Client lookup failed:" << client.error().toString();
        return OAuth2Error::invalidClient();
    }
    const bool usable = client->oauthVersion == 2 && clients.isUsableBySomeone(*client);
    if (!usable)
        return OAuth2Error::invalidClient();
    if (client->isConfidential()
        && (credentials->secret.isEmpty() || !clients.verifySecret(*client, credentials->secret.toUtf8())))
        return OAuth2Error::invalidClient();
    return *client;
}

std::optional<RestResponse> RevocationApi::checkTokenRequest(const RestRequest &request)
{
    if (request.method != "POST")
        return restWrongMethod(request.method, {QStringLiteral("POST")});
    if (request.formValue("token").isEmpty())
        return OAuth2Error::invalidRequest(QStringLiteral("token")).response(request);
    return std::nullopt;
}

RestResponse RevocationApi::revoke(const RestRequest &request)
{
    if (const std::optional<RestResponse> refused = checkTokenRequest(request))
        return *refused;
    const auto client = authenticateClient(m_clients, request);
    if (const OAuth2Error *error = std::get_if<OAuth2Error>(&client))
        return error->response(request);
    const QString clientId = std::get<OAuthClient>(client).consumerKey;
    const QByteArray token = request.formValue("token");
    const bool refreshFirst = request.formValue("token_type_hint") == "refresh_token";

    const auto revokeAccess = [&]() -> Result<bool> {
        if (token.count('.') != 2)
            return false;
        const Result<BearerToken> valid = m_bearer.validate(token);
        if (!valid) {
            const ErrorCode code = valid.error().code();
            if (code == ErrorCode::Database || code == ErrorCode::Internal)
                return valid.error();
            return false; // not a live token of ours: nothing to revoke
        }
        if (valid->clientId != clientId)
            return true; // found, but another client's: left alone
        const Result<bool> revoked = m_accessTokens.revoke(valid->jti);
        if (!revoked)
            return revoked.error();
        return true;
    };
    const auto revokeRefresh = [&]() -> Result<bool> {
        if (!m_refreshTokens || token.count('.') == 2)
            return false;
        RefreshRefusal refusal = RefreshRefusal::None;
        const Result<std::optional<RefreshTokenData>> redeemed
            = m_refreshTokens->redeem(token, clientId, refusal);
        if (!redeemed)
            return redeemed.error();
        if (!redeemed->has_value())
            return refusal != RefreshRefusal::Malformed;
        const Result<int> family = m_refreshTokens->revokeFamily((*redeemed)->family);
        if (!family)
            return family.error();
        return true;
    };
    Result<bool> found = refreshFirst ? revokeRefresh() : revokeAccess();
    if (found && !*found)
        found = refreshFirst ? revokeAccess() : revokeRefresh();
    if (!found) {
        qCWarning(log::providerServer).noquote() << "Revocation failed:" << found.error().toString();
        return OAuth2Error::serverError(QStringLiteral("the token could not be revoked")).response(request);
    }
    RestResponse response;
    response.status = 200;
    response.contentType = "application/json; charset=utf-8";
    response.body = "{}";
    response.addHeader("Cache-Control", "no-store");
    response.addHeader("Pragma", "no-cache");
    return response;
}

} // namespace mwauth::provider
