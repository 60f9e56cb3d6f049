#include "ErrorResponse.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace mwauth::oauth2 {

namespace {

QString stringMember(const QJsonObject &object, const char *name)
{
    const QJsonValue value = object.value(QLatin1String(name));
    return value.isString() ? value.toString() : QString();
}

} // namespace

std::optional<ErrorResponse> ErrorResponse::fromJson(QByteArrayView body, int httpStatus)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    const QJsonObject object = document.object();
    ErrorResponse response;
    response.error = stringMember(object, "error");
    if (response.error.isEmpty())
        return std::nullopt;
    response.description = stringMember(object, "error_description");
    response.uri = stringMember(object, "error_uri");
    response.hint = stringMember(object, "hint");
    response.message = stringMember(object, "message");
    response.httpStatus = httpStatus;
    return response;
}

std::optional<ErrorResponse> ErrorResponse::fromQuery(const QUrlQuery &query)
{
    ErrorResponse response;
    response.error = query.queryItemValue(QStringLiteral("error"), QUrl::FullyDecoded);
    if (response.error.isEmpty())
        return std::nullopt;
    response.description = query.queryItemValue(QStringLiteral("error_description"), QUrl::FullyDecoded);
    response.uri = query.queryItemValue(QStringLiteral("error_uri"), QUrl::FullyDecoded);
    response.hint = query.queryItemValue(QStringLiteral("hint"), QUrl::FullyDecoded);
    response.message = query.queryItemValue(QStringLiteral("message"), QUrl::FullyDecoded);
    return response;
}

QString ErrorResponse::summary() const
{
    QString text = error;
    if (!description.isEmpty())
        text += QStringLiteral(": ") + description;
    if (!hint.isEmpty())
        text += QStringLiteral(" (hint: ") + hint + u')';
    if (!message.isEmpty() && message != description)
        text += QStringLiteral(" [") + message + u']';
    return text;
}

Error ErrorResponse::toError(const QString &context) const
{
    QString text = context + QStringLiteral(": ") + summary();
    if (httpStatus != 0)
        text += QStringLiteral(" (HTTP %1)").arg(httpStatus);
    return Error(ErrorCode::Server, text);
}

} // namespace mwauth::oauth2
