#include "UserInfoApi.h"

#include "OidcClaims.h"
#include "common/Logging.h"

namespace mwauth::provider {

namespace {

bool hasField(const http::FormFields &fields, QByteArrayView name)
{
    for (const auto &[key, value] : fields) {
        if (key == name)
            return true;
    }
    return false;
}

bool isFormBody(const RestRequest &request)
{
    return request.header("Content-Type").trimmed().toLower().startsWith("application/x-www-form-urlencoded");
}

// Quotes a value for an auth-param (RFC 9110 section 11.2), dropping what may not appear.
QByteArray quoted(const QString &value)
{
    QByteArray out;
    for (const char c : value.toUtf8()) {
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
            out.append(c);
    }
    return '"' + out + '"';
}

} // namespace

UserInfoApi::UserInfoApi(const BearerTokens &bearer, UserStore &users, QString realm)
    : m_bearer(bearer)
    , m_users(users)
    , m_realm(std::move(realm))
{ }

void UserInfoApi::install(ProviderServer &server)
{
    server.setRestRoute(QString::fromLatin1(Route),
                        [this](const RestRequest &request) { return userInfo(request); });
}

RestResponse UserInfoApi::bearerError(int status, const QString &error, const QString &description) const
{
    QJsonObject body;
    QByteArray challenge = "Bearer realm=" + quoted(m_realm);
    if (!error.isEmpty()) {
        body.insert(QStringLiteral("error"), error);
        challenge += ", error=" + quoted(error) + ", error_description=" + quoted(description);
    } else {
        body.insert(QStringLiteral("error"), QStringLiteral("invalid_request"));
    }
    body.insert(QStringLiteral("error_description"), description);
    RestResponse response = RestResponse::json(body, status);
    response.addHeader("WWW-Authenticate", challenge);
    response.addHeader("Cache-Control", "no-store");
    return response;
}

RestResponse UserInfoApi::userInfo(const RestRequest &request)
{
    if (request.method != "GET" && request.method != "POST") {
        RestResponse response
            = RestResponse::json(QJsonObject {{QStringLiteral("error"), QStringLiteral("invalid_request")},
                                              {QStringLiteral("error_description"),
                                               QStringLiteral("The userinfo endpoint takes GET and POST.")}},
                                 405);
        response.addHeader("Allow", "GET, POST");
        return response;
    }
    const QString invalidRequest = QStringLiteral("invalid_request");
    if (hasField(request.query, "access_token"))
        return bearerError(400, invalidRequest,
                           QStringLiteral("Access tokens are not accepted in the query string; send the "
                                          "Authorization header or a form body."));
    const bool inBody
        = request.method == "POST" && isFormBody(request) && hasField(request.form, "access_token");
    Result<QByteArray> header = BearerTokens::fromAuthorizationHeader(request);
    const bool headerPresent = header.ok() || header.error().code() != ErrorCode::NotFound;
    if (inBody && headerPresent)
        return bearerError(400, invalidRequest,
                           QStringLiteral("The request sends an access token in more than one way."));
    QByteArray jwt;
    if (inBody) {
        jwt = request.formValue("access_token");
    } else if (!headerPresent) {
        return bearerError(401, {}, QStringLiteral("The request carries no access token."));
    } else if (!header) {
        return bearerError(401, QStringLiteral("invalid_token"), header.error().message());
    } else {
        jwt = *header;
    }
    const Result<BearerToken> token = m_bearer.validate(jwt);
    if (!token) {
        const ErrorCode code = token.error().code();
        if (code == ErrorCode::Database || code == ErrorCode::Crypto || code == ErrorCode::Internal) {
            qCWarning(log::providerServer).noquote()
                << "Userinfo token check failed:" << token.error().toString();
            return OAuth2Error::serverError(QStringLiteral("the access token could not be checked"))
                .response(request);
        }
        return bearerError(401, QStringLiteral("invalid_token"), token.error().message());
    }
    if (!token->hasUser())
        return bearerError(
            403, QStringLiteral("insufficient_scope"),
            QStringLiteral("The access token does not stand for a user (client credentials)."));
    const Result<User> user = m_users.userById(token->userId);
    const Result<QStringList> own = user ? m_users.groups(user->id) : Result<QStringList>(user.error());
    if (!user || !own) {
        qCWarning(log::providerServer).noquote() << "Userinfo user not read:" << own.error().toString();
        return OAuth2Error::serverError(QStringLiteral("the user could not be read")).response(request);
    }
    QStringList scopes = token->scopes;
    bool hasOidcScope = false;
    for (const QString &scope : OidcClaims::scopes())
        hasOidcScope |= scope != u"openid" && scopes.contains(scope);
    if (!hasOidcScope)
        scopes << QStringLiteral("profile") << QStringLiteral("email") << QStringLiteral("groups");
    RestResponse response
        = RestResponse::json(OidcClaims::claims(*user, OidcClaims::effectiveGroups(*own), scopes));
    response.addHeader("Cache-Control", "no-store");
    response.addHeader("Pragma", "no-cache");
    return response;
}

} // namespace mwauth::provider
