#include "TokenResponse.h"

#include "jose/JsonStrict.h"

#include <QJsonValue>

#include <cmath>

namespace mwauth::oauth2 {

namespace {

Error malformed(const QString &text)
{
    return Error(ErrorCode::MalformedJson, QStringLiteral("The token response ") + text);
}

// A string member: nullopt when absent; an error when present but not a string.
Result<std::optional<QString>> optionalString(const QJsonObject &object, const char *name)
{
    const QJsonValue value = object.value(QLatin1String(name));
    if (value.isUndefined())
        return std::optional<QString>();
    if (!value.isString())
        return malformed(QStringLiteral("has a \"%1\" that is not a string.").arg(QLatin1String(name)));
    return std::optional<QString>(value.toString());
}

} // namespace

Result<TokenResponse> TokenResponse::fromJson(QByteArrayView body)
{
    const Result<QJsonObject> parsed
        = jose::JsonStrict::parseObject(body, ErrorCode::MalformedJson, QStringLiteral("The token response"));
    if (!parsed)
        return parsed.error();
    TokenResponse response;
    response.raw = *parsed;

    Result<std::optional<QString>> access = optionalString(*parsed, "access_token");
    if (!access)
        return access.error();
    if (!access->has_value() || (*access)->isEmpty())
        return malformed(QStringLiteral("has no \"access_token\"."));
    response.accessToken = (*access)->toUtf8();

    Result<std::optional<QString>> type = optionalString(*parsed, "token_type");
    if (!type)
        return type.error();
    if (!type->has_value() || (*type)->isEmpty())
        return malformed(QStringLiteral("has no \"token_type\"."));
    response.tokenType = **type;

    const QJsonValue expires = parsed->value(QStringLiteral("expires_in"));
    if (!expires.isUndefined()) {
        const double seconds = expires.toDouble(-1);
        if (!expires.isDouble() || seconds < 0 || std::floor(seconds) != seconds || seconds > 1e15)
            return malformed(
                QStringLiteral("has an \"expires_in\" that is not a non-negative whole number."));
        response.expiresIn = qint64(seconds);
    }

    Result<std::optional<QString>> refresh = optionalString(*parsed, "refresh_token");
    if (!refresh)
        return refresh.error();
    if (refresh->has_value())
        response.refreshToken = (*refresh)->toUtf8();

    Result<std::optional<QString>> scope = optionalString(*parsed, "scope");
    if (!scope)
        return scope.error();
    if (scope->has_value())
        response.scope = (*scope)->split(u' ', Qt::SkipEmptyParts);

    Result<std::optional<QString>> idToken = optionalString(*parsed, "id_token");
    if (!idToken)
        return idToken.error();
    if (idToken->has_value())
        response.idToken = (*idToken)->toUtf8();
    return response;
}

Result<TokenResponse> TokenResponse::fromReply(int httpStatus, const QByteArray &contentType,
                                               QByteArrayView body)
{
    if (const std::optional<ErrorResponse> error = ErrorResponse::fromJson(body, httpStatus))
        return error->toError(QStringLiteral("The token endpoint refused the request"));
    if (httpStatus != 200)
        return unexpectedBody(QStringLiteral("The token endpoint"), httpStatus, contentType, body);
    Result<TokenResponse> parsed = fromJson(body);
    if (!parsed && parsed.error().code() == ErrorCode::MalformedJson && !contentType.contains("json"))
        return unexpectedBody(QStringLiteral("The token endpoint"), httpStatus, contentType, body);
    return parsed;
}

Error unexpectedBody(const QString &what, int httpStatus, const QByteArray &contentType, QByteArrayView body)
{
    const QString type = contentType.isEmpty()
        ? QStringLiteral("no content type")
        : QString::fromLatin1(contentType.split(';').first().trimmed());
    QString text = QStringLiteral("%1 answered HTTP %2 with %3").arg(what).arg(httpStatus).arg(type);
    if (body.isEmpty())
        text += QStringLiteral(" and an empty body");
    else if (contentType.contains("html") || body.trimmed().startsWith("<"))
        text += QStringLiteral(" (an error page?)");
    text += QStringLiteral(" where JSON was expected.");
    return Error(ErrorCode::Protocol, text);
}

} // namespace mwauth::oauth2
