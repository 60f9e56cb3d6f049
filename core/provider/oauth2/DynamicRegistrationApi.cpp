#include "DynamicRegistrationApi.h"

#include "RestParams.h"
#include "common/Logging.h"
#include "provider/clients/Grants.h"
#include "provider/login/LoginService.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace mwauth::provider {

namespace {

RestResponse registrationError(const QString &error, const QString &description)
{
    RestResponse response = RestResponse::json(
        QJsonObject {{QStringLiteral("error"), error}, {QStringLiteral("error_description"), description}},
        400);
    response.addHeader("Cache-Control", "no-store");
    return response;
}

RestResponse invalidMetadata(const QString &description)
{
    return registrationError(QStringLiteral("invalid_client_metadata"), description);
}

// A JSON array of strings, or an error sentence naming `field`.
Result<QStringList> stringArray(const QJsonObject &body, const QString &field, const QStringList &fallback)
{
    const QJsonValue value = body.value(field);
    if (value.isUndefined() || value.isNull())
        return fallback;
    if (!value.isArray())
        return fail(ErrorCode::InvalidInput, QStringLiteral("%1 must be an array of strings.").arg(field));
    QStringList list;
    const QJsonArray array = value.toArray();
    for (const QJsonValue &element : array) {
        if (!element.isString())
            return fail(ErrorCode::InvalidInput,
                        QStringLiteral("%1 must be an array of strings.").arg(field));
        if (!list.contains(element.toString()))
            list << element.toString();
    }
    return list;
}

} // namespace

DynamicRegistrationApi::DynamicRegistrationApi(ClientStore &clients, UserStore &users, const Clock &clock,
                                               Settings settings)
    : m_clients(clients)
    , m_users(users)
    , m_clock(clock)
    , m_settings(std::move(settings))
{ }

void DynamicRegistrationApi::install(ProviderServer &server)
{
    server.setRestRoute(QString::fromLatin1(Route),
                        [this](const RestRequest &request) { return handle(request); });
}

RestResponse DynamicRegistrationApi::handle(const RestRequest &request)
{
    if (!m_settings.enabled)
        return restNoMatch(request.routePath);
    if (request.method != "POST")
        return restWrongMethod(request.method, {QStringLiteral("POST")});
    const QByteArray type = request.header("Content-Type").split(';').first().trimmed().toLower();
    const QJsonDocument document = QJsonDocument::fromJson(request.body);
    if (type != "application/json" || !document.isObject())
        return invalidMetadata(QStringLiteral("The request must be a JSON object (application/json)."));
    const QJsonObject body = document.object();

    const Result<QStringList> redirectUris = stringArray(body, QStringLiteral("redirect_uris"), {});
    if (!redirectUris)
        return registrationError(QStringLiteral("invalid_redirect_uri"), redirectUris.error().message());
    if (redirectUris->size() != 1) {
        return registrationError(
            QStringLiteral("invalid_redirect_uri"),
            QStringLiteral("Give exactly one redirect URI: MediaWiki keeps one callback per "
                           "client."));
    }
    const QString name = body.value(QStringLiteral("client_name")).toString();
    if (name.isEmpty())
        return invalidMetadata(QStringLiteral("client_name is required."));
    const Result<QStringList> grantTypes
        = stringArray(body, QStringLiteral("grant_types"), {QStringLiteral("authorization_code")});
    if (!grantTypes)
        return invalidMetadata(grantTypes.error().message());
    const Result<QStringList> responseTypes
        = stringArray(body, QStringLiteral("response_types"), {QStringLiteral("code")});
    if (!responseTypes)
        return invalidMetadata(responseTypes.error().message());
    for (const QString &responseType : *responseTypes) {
        if (responseType != u"code")
            return invalidMetadata(
                QStringLiteral("The response type '%1' is not supported; only code.").arg(responseType));
    }
    const QString authMethod = body.value(QStringLiteral("token_endpoint_auth_method"))
                                   .toString(QStringLiteral("client_secret_basic"));
    if (authMethod != u"none" && authMethod != u"client_secret_basic"
        && authMethod != u"client_secret_post") {
        return invalidMetadata(
            QStringLiteral("The token_endpoint_auth_method '%1' is not supported; use none, "
                           "client_secret_basic or client_secret_post.")
                .arg(authMethod));
    }
    const QString scope = body.value(QStringLiteral("scope")).toString(QStringLiteral("basic"));
    const QStringList scopes = scope.split(u' ', Qt::SkipEmptyParts);
    for (const QString &grant : scopes) {
        if (!Grants::isKnown(grant))
            return invalidMetadata(QStringLiteral("The scope '%1' is not a grant of this wiki.").arg(grant));
    }

    // The owner: the session's user, else the configured one.
    Result<User> owner = fail(ErrorCode::NotFound, QString());
    if (const qint64 id = LoginService::loggedInUserId(request.session); id > 0)
        owner = m_users.userById(id);
    else
        owner = m_users.findUser(m_settings.anonymousOwner);
    if (!owner)
        return invalidMetadata(QStringLiteral("There is no user to own the client."));

    ClientRegistration r;
    r.name = name;
    r.version = body.value(QStringLiteral("software_version")).toString(QStringLiteral("1.0"));
    r.oauthVersion = OAuthClient::OAuthVersion2;
    r.callbackUrl = redirectUris->first();
    r.description = body.value(QStringLiteral("client_uri"))
                        .toString(QStringLiteral("Registered through RFC 7591 dynamic client registration."));
    r.email = owner->email.isEmpty() ? QStringLiteral("noreply@localhost.invalid") : owner->email;
    r.ownerId = owner->id;
    r.oauth2IsConfidential = authMethod != u"none";
    r.oauth2GrantTypes = *grantTypes;
    r.grants = scopes;
    r.approved = m_settings.autoApprove;
    const Result<IssuedClientCredentials> issued = m_clients.registerClient(r, owner->name);
    if (!issued) {
        const QString message = issued.error().message();
        if (message.startsWith(QStringLiteral("callbackUrl: ")))
            return registrationError(QStringLiteral("invalid_redirect_uri"), message);
        if (issued.error().code() == ErrorCode::InvalidInput || issued.error().code() == ErrorCode::Conflict)
            return invalidMetadata(message);
        qCWarning(log::providerServer).noquote()
            << "Dynamic registration failed:" << issued.error().toString();
        return RestResponse::json(QJsonObject {{QStringLiteral("error"), QStringLiteral("server_error")}},
                                  500);
    }
    const OAuthClient &client = issued->client;
    QJsonObject answer {{QStringLiteral("client_id"), client.consumerKey},
                        {QStringLiteral("client_id_issued_at"), qint64(std::floor(m_clock.nowSeconds()))},
                        {QStringLiteral("redirect_uris"), QJsonArray::fromStringList({client.callbackUrl})},
                        {QStringLiteral("client_name"), client.name},
                        {QStringLiteral("grant_types"), QJsonArray::fromStringList(client.oauth2GrantTypes)},
                        {QStringLiteral("response_types"), QJsonArray::fromStringList(*responseTypes)},
                        {QStringLiteral("token_endpoint_auth_method"), authMethod},
                        {QStringLiteral("scope"), client.grants.join(u' ')}};
    if (client.isConfidential()) {
        answer.insert(QStringLiteral("client_secret"), QString::fromLatin1(issued->secret));
        answer.insert(QStringLiteral("client_secret_expires_at"), 0);
    }
    RestResponse response = RestResponse::json(answer, 201);
    response.addHeader("Cache-Control", "no-store");
    response.addHeader("Pragma", "no-cache");
    return response;
}

} // namespace mwauth::provider
