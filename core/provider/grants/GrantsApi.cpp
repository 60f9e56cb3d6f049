#include "GrantsApi.h"

#include "common/Logging.h"
#include "provider/clients/Grants.h"
#include "provider/login/LoginService.h"
#include "provider/login/SessionTokens.h"
#include "provider/oauth2/BearerTokens.h"
#include "provider/oauth2/RestParams.h"
#include "provider/pages/PageRequest.h"

#include <QJsonArray>

namespace mwauth::provider {

const QString GrantsApi::RevokeAllOperation = QStringLiteral("mwauth-revoke-all-grants");

namespace {

// The right (given by the grant oauthmanageownclient, as in Extension:OAuth) a token needs.
const QString kManageRight = QStringLiteral("mwoauthmanagemygrants");

RestResponse failed(const QString &what, const Error &error)
{
    qCWarning(log::providerServer).noquote() << what << error.toString();
    return restError(500, QStringLiteral("mwauth-grants-failed"),
                     what + QStringLiteral(" Nothing was changed."));
}

RestResponse noStore(RestResponse response)
{
    response.addHeader("Cache-Control", "no-store");
    return response;
}

} // namespace

GrantsApi::GrantsApi(UserGrants &grants, const BearerTokens &bearer, LoginService &login)
    : m_grants(grants)
    , m_bearer(bearer)
    , m_login(login)
{ }

void GrantsApi::install(ProviderServer &server)
{
    const QString route = QString::fromLatin1(Route);
    server.setRestRoute(route, [this](const RestRequest &request) { return handle(request); });
    server.setRestRoute(route + u'/', [this](const RestRequest &request) { return handle(request); });
}

QJsonObject GrantsApi::toJson(const GrantSummary &grant)
{
    return QJsonObject {
        {QStringLiteral("id"), grant.id},
        {QStringLiteral("user"), grant.userName},
        {QStringLiteral("consumer"),
         QJsonObject {{QStringLiteral("key"), grant.consumerKey},
                      {QStringLiteral("name"), grant.consumerName},
                      {QStringLiteral("version"), grant.consumerVersion},
                      {QStringLiteral("publisher"), grant.publisher},
                      {QStringLiteral("description"), grant.description}}},
        {QStringLiteral("grants"), QJsonArray::fromStringList(grant.grants)},
        {QStringLiteral("accepted"), grant.accepted},
        {QStringLiteral("wiki"), grant.wiki},
        {QStringLiteral("oauth_version"), grant.oauthVersion},
        {QStringLiteral("protocol"),
         grant.oauthVersion == 1 ? QStringLiteral("OAuth 1.0a") : QStringLiteral("OAuth 2.0")},
        {QStringLiteral("tokens"),
         QJsonObject {{QStringLiteral("access"), grant.accessTokens},
                      {QStringLiteral("refresh"), grant.refreshTokens}}},
    };
}

QJsonObject GrantsApi::toJson(const RevokedGrants &revoked)
{
    QJsonArray grants;
    int oauth1 = 0;
    for (const GrantSummary &grant : revoked.grants) {
        grants.append(toJson(grant));
        oauth1 += grant.oauthVersion == 1 ? 1 : 0;
    }
    return QJsonObject {{QStringLiteral("grants"), grants},
                        {QStringLiteral("oauth1_access_tokens"), oauth1},
                        {QStringLiteral("access_tokens"), revoked.accessTokens},
                        {QStringLiteral("refresh_tokens"), revoked.refreshTokens}};
}

std::variant<GrantsApi::Caller, RestResponse> GrantsApi::caller(const RestRequest &request) const
{
    if (!request.header("Authorization").isEmpty()) {
        auto checked = m_bearer.authenticate(request);
        if (const OAuth2Error *error = std::get_if<OAuth2Error>(&checked))
            return error->response(request);
        const BearerToken &token = std::get<BearerToken>(checked);
        if (!token.hasUser())
            return restError(
                403, QStringLiteral("rest-permission-denied"),
                QStringLiteral("The access token is not a user's (client_credentials): it has no "
                               "grants to manage."));
        if (!Grants::rights(token.scopes).contains(kManageRight))
            return restError(
                403, QStringLiteral("rest-permission-denied"),
                QStringLiteral("The access token's grants do not give the right \"%1\" (the grant "
                               "\"oauthmanageownclient\" does).")
                    .arg(kManageRight));
        return Caller {token.userId, false};
    }
    const qint64 userId = LoginService::loggedInUserId(request.session);
    if (userId == 0)
        return restError(
            401, QStringLiteral("mwauth-grants-login-required"),
            QStringLiteral("You must be logged in (a session cookie) or send a bearer token whose "
                           "grants give the right \"%1\".")
                .arg(kManageRight));
    return Caller {userId, true};
}

RestResponse GrantsApi::handle(const RestRequest &request)
{
    const QString base = QString::fromLatin1(Route);
    const QString rest = request.routePath.mid(base.size() + 1); // after "/mwauth/v1/grants/"
    const bool collection = request.routePath == base || request.routePath == base + u'/';
    const bool revokeAllPath = rest == u"revoke-all";
    if (collection) {
        if (request.method != "GET" && request.method != "DELETE")
            return restWrongMethod(request.method, {QStringLiteral("GET"), QStringLiteral("DELETE")});
    } else if (revokeAllPath) {
        if (request.method != "POST")
            return restWrongMethod(request.method, {QStringLiteral("POST")});
    } else if (rest.contains(u'/')) {
        return restNoMatch(request.routePath);
    } else if (request.method != "DELETE") {
        return restWrongMethod(request.method, {QStringLiteral("DELETE")});
    }

    const auto who = caller(request);
    if (const RestResponse *refused = std::get_if<RestResponse>(&who))
        return *refused;
    const Caller &c = std::get<Caller>(who);
    if (request.method == "GET")
        return list(c);

    if (c.bySession) {
        QString sent = QString::fromUtf8(request.header("X-CSRF-Token"));
        if (sent.isEmpty())
            sent = QString::fromUtf8(request.formValue("token"));
        if (sent.isEmpty())
            sent = QString::fromUtf8(request.queryValue("token"));
        if (sent.isEmpty()) {
            const Result<RestParams> body = RestParams::fromBody(request);
            if (body)
                sent = RestParams(*body).string(QStringLiteral("token"), false);
        }
        if (!sessionTokenMatches(request.session, LoginService::EditTokenKey, sent))
            return restError(403, QStringLiteral("mwauth-grants-badtoken"),
                             QStringLiteral("The csrf token is missing or does not match your session "
                                            "(api.php?action=query&meta=tokens). Nothing was revoked."));
    }
    if (collection || revokeAllPath)
        return revokeAll(request, c);
    return revokeOne(request, c, rest);
}

RestResponse GrantsApi::list(const Caller &caller)
{
    const Result<QList<GrantSummary>> grants = m_grants.list(caller.userId);
    if (!grants)
        return failed(QStringLiteral("Your grants could not be read."), grants.error());
    QJsonArray array;
    for (const GrantSummary &grant : *grants)
        array.append(toJson(grant));
    return noStore(ProviderResponse::json(QJsonObject {{QStringLiteral("grants"), array}}));
}

RestResponse GrantsApi::revokeOne(const RestRequest &request, const Caller &caller, const QString &id)
{
    Q_UNUSED(request);
    bool ok = false;
    const qint64 acceptanceId = id.toLongLong(&ok);
    if (!ok || acceptanceId <= 0) {
        ParamFailure failure;
        failure.name = QStringLiteral("id");
        failure.value = id;
        failure.code = QStringLiteral("badinteger");
        failure.message = QStringLiteral("Invalid integer value \"%1\" for parameter \"id\".").arg(id);
        return failure.response();
    }
    const Result<RevokedGrants> revoked = m_grants.revoke(acceptanceId, caller.userId);
    if (!revoked) {
        if (revoked.error().code() == ErrorCode::NotFound)
            return restError(404, QStringLiteral("mwauth-grants-nosuchgrant"),
                             QStringLiteral("You have no grant with the id %1.").arg(acceptanceId));
        return failed(QStringLiteral("The grant could not be revoked."), revoked.error());
    }
    return noStore(ProviderResponse::json(QJsonObject {{QStringLiteral("revoked"), toJson(*revoked)}}));
}

RestResponse GrantsApi::revokeAll(const RestRequest &request, const Caller &caller)
{
    const SecurityLevel level = m_login.securityLevel(request.session, RevokeAllOperation);
    if (LoginService::loggedInUserId(request.session) != caller.userId || level.status != u"ok") {
        const QUrl login
            = pages::indexUrl(request, QStringLiteral("Special:UserLogin"),
                              u"force="_qs + RevokeAllOperation + u"&returnto="_qs
                                  + pages::encodedTitle(QStringLiteral("Special:OAuthManageMyGrants")));
        return restError(403, QStringLiteral("mwauth-grants-reauth"),
                         QStringLiteral("Revoking all grants needs a recent login: log in again (within %1 "
                                        "seconds) and retry. Nothing was revoked.")
                             .arg(m_login.reauthenticateSeconds()),
                         QJsonObject {{QStringLiteral("status"), QStringLiteral("REAUTH")},
                                      {QStringLiteral("login_url"), login.toString()}});
    }
    const Result<RevokedGrants> revoked = m_grants.revokeAll(caller.userId);
    if (!revoked)
        return failed(QStringLiteral("Your grants could not be revoked."), revoked.error());
    qCInfo(log::providerServer).noquote()
        << "Revoked all grants of user" << caller.userId << ":" << revoked->grants.size() << "approvals";
    return noStore(ProviderResponse::json(QJsonObject {{QStringLiteral("revoked"), toJson(*revoked)}}));
}

} // namespace mwauth::provider
