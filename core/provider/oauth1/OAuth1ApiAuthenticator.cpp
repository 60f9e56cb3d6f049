#include "OAuth1ApiAuthenticator.h"

#include "OAuth1Parameters.h"
#include "provider/login/LoginService.h"
#include "provider/oauth2/BearerTokens.h"
#include "provider/oauth2/OidcClaims.h"
#include "provider/server/ApiErrors.h"

namespace mwauth::provider {

OAuth1ApiAuthenticator::OAuth1ApiAuthenticator(OAuth1Server &server, UserStore &users, QString wikiId)
    : m_server(server)
    , m_users(users)
    , m_wikiId(std::move(wikiId))
{ }

ProviderServer::ApiAuthentication OAuth1ApiAuthenticator::authenticate(ApiRequest &request) const
{
    ProviderServer::ApiAuthentication outcome;
    if (!OAuth1Parameters::hasOAuthHeader(request))
        return outcome;
    const auto refuse = [&](const QString &code, const QString &info) {
        outcome.refusal = apiError(request, code, info);
        return outcome;
    };
    const auto invalid = [&](const QString &why) {
        return refuse(QStringLiteral("mwoauth-invalid-authorization"),
                      QStringLiteral("The authorization headers in your request are not valid: %1").arg(why));
    };
    const Result<OAuth1Parameters> params = OAuth1Parameters::fromRequest(request);
    if (!params)
        return invalid(params.error().message());
    OAuth1Outcome<OAuth1Access> verified = m_server.verifyRequest(request, *params);
    if (auto *error = std::get_if<OAuth1Error>(&verified))
        return invalid(error->message);
    const OAuth1Access &access = std::get<OAuth1Access>(verified);
    if (access.acceptance.wiki != u"*" && access.acceptance.wiki != m_wikiId)
        return refuse(
            QStringLiteral("mwoauth-invalid-authorization-wrong-wiki"),
            QStringLiteral("The authorization headers in your request are not valid for %1").arg(m_wikiId));
    const Result<User> user = m_users.userById(access.acceptance.userId);
    const Result<QStringList> own = user ? m_users.groups(user->id) : Result<QStringList>(user.error());
    if (!user || !own)
        return refuse(QStringLiteral("mwoauth-invalid-authorization-invalid-user"),
                      QStringLiteral("The authorization headers in your request are for a user that does not "
                                     "exist here"));
    if (!m_server.clients().isUsableBy(access.client, user->id))
        return refuse(QStringLiteral("mwoauth-invalid-authorization-not-approved"),
                      QStringLiteral("The app that you are trying to connect seems to be set up incorrectly. "
                                     "Contact the author of \"%1\" for help.")
                          .arg(access.client.name));
    SessionData session;
    session.insert(LoginService::UserIdKey, user->id);
    session.insert(LoginService::UserNameKey, user->name);
    session.insert(BearerTokens::GrantedRightsKey,
                   OidcClaims::grantedRights(OidcClaims::groupRights(OidcClaims::effectiveGroups(*own)),
                                             access.acceptance.grants));
    request.session = session;
    outcome.sessionReplaced = true;
    return outcome;
}

} // namespace mwauth::provider
