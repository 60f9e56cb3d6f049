#include "ResourceApi.h"

#include "OidcClaims.h"
#include "RestParams.h"
#include "common/Logging.h"
#include "provider/login/LoginService.h"

#include <QJsonArray>

namespace mwauth::provider {

ResourceApi::ResourceApi(const BearerTokens &bearer, UserStore &users, ClientStore &clients)
    : m_bearer(bearer)
    , m_users(users)
    , m_clients(clients)
{ }

void ResourceApi::install(ProviderServer &server)
{
    server.setRestRoute(QString::fromLatin1(Route),
                        [this](const RestRequest &request) { return resource(request); });
}

RestResponse ResourceApi::resource(const RestRequest &request)
{
    if (request.method != "GET" && request.method != "HEAD") {
        return restWrongMethod(request.method, {QStringLiteral("GET")});
    }
    const QString type = request.routePath.sliced(qsizetype(qstrlen(Route)));
    if (type != u"profile" && type != u"scopes") {
        // MediaWiki's REST parameter validation runs before the handler, so before the token.
        return restError(
            400, QString(), QStringLiteral("Invalid value \"%1\" for path parameter \"type\".").arg(type),
            QJsonObject {{QStringLiteral("error"), QStringLiteral("parameter-validation-failed")},
                         {QStringLiteral("name"), QStringLiteral("type")},
                         {QStringLiteral("value"), type},
                         {QStringLiteral("failureCode"), QStringLiteral("badvalue")},
                         {QStringLiteral("failureData"), QJsonValue()}});
    }
    const auto authenticated = m_bearer.authenticate(request);
    if (const OAuth2Error *error = std::get_if<OAuth2Error>(&authenticated))
        return error->response(request);
    const BearerToken &token = std::get<BearerToken>(authenticated);
    if (type == u"scopes") {
        const Result<OAuthClient> client = m_clients.findById(token.clientRowId);
        if (!client)
            return OAuth2Error::serverError(QStringLiteral("the client could not be read")).response(request);
        return RestResponse::json(
            QJsonObject {{QStringLiteral("scopes"), QJsonArray::fromStringList(client->grants)}});
    }
    const Result<QJsonObject> body = profile(token, request);
    if (!body) {
        qCWarning(log::providerServer).noquote() << "Profile not read:" << body.error().toString();
        return OAuth2Error::serverError(QStringLiteral("the profile could not be read")).response(request);
    }
    return RestResponse::json(*body);
}

Result<QJsonObject> ResourceApi::profile(const BearerToken &token, const HttpRequest &request) const
{
    QJsonObject profile;
    QStringList groups;
    if (token.hasUser()) {
        const Result<User> user = m_users.userById(token.userId);
        if (!user)
            return user.error();
        const Result<QStringList> own = m_users.groups(user->id);
        if (!own)
            return own.error();
        groups = OidcClaims::effectiveGroups(*own);
        profile.insert(QStringLiteral("sub"), QString::number(user->id));
        profile.insert(QStringLiteral("username"), user->name);
        profile.insert(QStringLiteral("editcount"), user->editCount);
        profile.insert(QStringLiteral("confirmed_email"), !user->email.isEmpty());
        profile.insert(QStringLiteral("blocked"), false);
        profile.insert(QStringLiteral("registered"), user->registration);
        if (OidcClaims::allowsPrivateInfo(token.scopes)) {
            profile.insert(QStringLiteral("realname"), QString());
            profile.insert(QStringLiteral("email"), user->email);
        }
    } else {
        // As 1.39 answers a client_credentials token: the anonymous user of the request.
        groups = OidcClaims::effectiveGroups({}, false);
        profile.insert(QStringLiteral("sub"), QStringLiteral("0"));
        profile.insert(QStringLiteral("username"), LoginService::ipText(request.peer));
        profile.insert(QStringLiteral("editcount"), 0);
        profile.insert(QStringLiteral("confirmed_email"), false);
        profile.insert(QStringLiteral("blocked"), false);
        profile.insert(QStringLiteral("registered"), false);
    }
    profile.insert(QStringLiteral("groups"), QJsonArray::fromStringList(groups));
    profile.insert(
        QStringLiteral("rights"),
        QJsonArray::fromStringList(OidcClaims::grantedRights(OidcClaims::groupRights(groups), token.scopes)));
    profile.insert(QStringLiteral("grants"), QJsonArray::fromStringList(token.scopes));
    return profile;
}

} // namespace mwauth::provider
