#include "IntrospectionApi.h"

#include "RevocationApi.h"
#include "common/Logging.h"

#include <QJsonObject>

#include <cmath>

namespace mwauth::provider {

namespace {

RestResponse noStore(const QJsonObject &body)
{
    RestResponse response = RestResponse::json(body);
    response.addHeader("Cache-Control", "no-store");
    response.addHeader("Pragma", "no-cache");
    return response;
}

qint64 seconds(double value)
{
    return qint64(std::floor(value));
}

} // namespace

IntrospectionApi::IntrospectionApi(ClientStore &clients, const BearerTokens &bearer, UserStore &users)
    : m_clients(clients)
    , m_bearer(bearer)
    , m_users(users)
{ }

void IntrospectionApi::install(ProviderServer &server)
{
    server.setRestRoute(QString::fromLatin1(Route),
                        [this](const RestRequest &request) { return introspect(request); });
}

RestResponse IntrospectionApi::introspect(const RestRequest &request)
{
    if (const std::optional<RestResponse> refused = RevocationApi::checkTokenRequest(request))
        return *refused;
    const auto client = RevocationApi::authenticateClient(m_clients, request);
    if (const OAuth2Error *error = std::get_if<OAuth2Error>(&client))
        return error->response(request);
    const QJsonObject inactive {{QStringLiteral("active"), false}};
    const QByteArray jwt = request.formValue("token");
    if (jwt.count('.') != 2)
        return noStore(inactive);
    const Result<BearerToken> token = m_bearer.validate(jwt);
    if (!token) {
        const ErrorCode code = token.error().code();
        if (code == ErrorCode::Database || code == ErrorCode::Internal) {
            qCWarning(log::providerServer).noquote() << "Introspection failed:" << token.error().toString();
            return OAuth2Error::serverError(QStringLiteral("the token could not be checked"))
                .response(request);
        }
        return noStore(inactive);
    }
    if (token->clientId != std::get<OAuthClient>(client).consumerKey)
        return noStore(inactive);
    QJsonObject body {
        {QStringLiteral("active"), true},
        {QStringLiteral("scope"), token->scopes.join(u' ')},
        {QStringLiteral("client_id"), token->clientId},
        {QStringLiteral("token_type"), QStringLiteral("Bearer")},
        {QStringLiteral("exp"), seconds(token->expiresAt)},
        {QStringLiteral("iat"), seconds(token->issuedAt)},
        {QStringLiteral("nbf"), seconds(token->notBefore)},
        {QStringLiteral("aud"), token->clientId},
        {QStringLiteral("iss"), token->issuer},
        {QStringLiteral("jti"), token->jti},
    };
    if (token->hasUser()) {
        body.insert(QStringLiteral("sub"), QString::number(token->userId));
        if (const Result<User> user = m_users.userById(token->userId))
            body.insert(QStringLiteral("username"), user->name);
    }
    return noStore(body);
}

} // namespace mwauth::provider
