#include "OAuth2Error.h"

#include <QUrl>

namespace mwauth::provider {

OAuth2Error OAuth2Error::invalidClient()
{
    return {QStringLiteral("invalid_client"), QStringLiteral("Client authentication failed"), {}, 401};
}

OAuth2Error OAuth2Error::invalidRequest(const QString &parameter, const QString &hint)
{
    return {
        QStringLiteral("invalid_request"),
        QStringLiteral("The request is missing a required parameter, includes an invalid parameter value, "
                       "includes a parameter more than once, or is otherwise malformed."),
        hint.isEmpty() ? QStringLiteral("Check the `%1` parameter").arg(parameter) : hint, 400};
}

OAuth2Error OAuth2Error::invalidGrant(const QString &hint)
{
    return {QStringLiteral("invalid_grant"),
            QStringLiteral(
                "The provided authorization grant (e.g., authorization code, resource owner credentials) "
                "or refresh token is invalid, expired, revoked, does not match the redirection URI used "
                "in the authorization request, or was issued to another client."),
            hint, 400};
}

OAuth2Error OAuth2Error::invalidScope(const QString &scope)
{
    return {QStringLiteral("invalid_scope"),
            QStringLiteral("The requested scope is invalid, unknown, or malformed"),
            QStringLiteral("Check the `%1` scope").arg(scope), 400};
}

OAuth2Error OAuth2Error::unsupportedGrantType()
{
    return {QStringLiteral("unsupported_grant_type"),
            QStringLiteral("The authorization grant type is not supported by the authorization server."),
            QStringLiteral("Check that all required parameters have been provided"), 400};
}

OAuth2Error OAuth2Error::accessDenied(const QString &hint)
{
    return {QStringLiteral("access_denied"),
            QStringLiteral("The resource owner or authorization server denied the request."), hint, 401};
}

OAuth2Error OAuth2Error::serverError(const QString &hint)
{
    return {
        QStringLiteral("server_error"),
        QStringLiteral("The authorization server encountered an unexpected condition which prevented it from "
                       "fulfilling the request: ")
            + hint,
        {},
        500};
}

OAuth2Error OAuth2Error::invalidRefreshToken(const QString &hint)
{
    return {QStringLiteral("invalid_request"), QStringLiteral("The refresh token is invalid."), hint, 401};
}

QJsonObject OAuth2Error::json() const
{
    QJsonObject body {{QStringLiteral("error"), error}, {QStringLiteral("error_description"), description}};
    if (!hint.isEmpty())
        body.insert(QStringLiteral("hint"), hint);
    body.insert(QStringLiteral("message"), description); // MediaWiki 1.39 adds the text once more
    return body;
}

RestResponse OAuth2Error::response(const HttpRequest &request) const
{
    RestResponse response = RestResponse::json(json(), status);
    response.addHeader("Cache-Control", "no-store");
    response.addHeader("Pragma", "no-cache");
    if (error == u"invalid_client" && !request.header("Authorization").isEmpty())
        response.addHeader("WWW-Authenticate", "Basic realm=\"OAuth\"");
    return response;
}

Result<ClientCredentials> clientCredentials(const HttpRequest &request)
{
    ClientCredentials credentials;
    const QByteArray authorization = request.header("Authorization");
    if (authorization.size() >= 6 && authorization.first(6).compare("Basic ", Qt::CaseInsensitive) == 0) {
        const QByteArray encoded = authorization.sliced(6).trimmed();
        const auto decoded = QByteArray::fromBase64Encoding(encoded, QByteArray::AbortOnBase64DecodingErrors);
        const qsizetype colon = decoded ? decoded.decoded.indexOf(':') : -1;
        if (!decoded || colon < 0)
            return fail(ErrorCode::InvalidInput,
                        QStringLiteral(
                            "The Authorization header is not HTTP Basic with \"client_id:client_secret\"."));
        credentials.clientId = QUrl::fromPercentEncoding(decoded.decoded.first(colon));
        credentials.secret = QUrl::fromPercentEncoding(decoded.decoded.sliced(colon + 1));
        credentials.viaBasic = true;
    }
    // The body wins over Basic, field by field, as league reads them.
    const QByteArray bodyId = request.formValue("client_id");
    const QByteArray bodySecret = request.formValue("client_secret");
    if (!bodyId.isEmpty()) {
        credentials.clientId = QString::fromUtf8(bodyId);
        credentials.viaBasic = false;
    }
    if (!bodySecret.isEmpty())
        credentials.secret = QString::fromUtf8(bodySecret);
    if (credentials.clientId.isEmpty())
        return fail(ErrorCode::InvalidInput, QStringLiteral("The request names no client (client_id)."));
    return credentials;
}

} // namespace mwauth::provider
