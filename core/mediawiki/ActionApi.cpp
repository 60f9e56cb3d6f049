#include "ActionApi.h"

#include <QJsonArray>
#include <QUrlQuery>

namespace mwauth::mediawiki {

namespace {

http::FormFields withFormat(http::FormFields params)
{
    params.append({QByteArrayLiteral("format"), QByteArrayLiteral("json")});
    params.append({QByteArrayLiteral("formatversion"), QByteArrayLiteral("2")});
    return params;
}

} // namespace

ActionApi::ActionApi(QUrl apiUrl)
    : m_url(std::move(apiUrl))
{ }

http::HttpRequest ActionApi::get(const http::FormFields &params, const QString &step) const
{
    QUrl url = m_url;
    url.setQuery(QString::fromLatin1(http::encodeForm(withFormat(params))), QUrl::StrictMode);
    return http::HttpRequest::get(url, step);
}

http::HttpRequest ActionApi::post(const http::FormFields &params, const QString &step) const
{
    return http::HttpRequest::postForm(m_url, withFormat(params), step);
}

http::HttpRequest ActionApi::tokenRequest(const QString &type, const QString &step) const
{
    return get({{"action", "query"}, {"meta", "tokens"}, {"type", type.toUtf8()}}, step);
}

Result<QJsonObject> ActionApi::parse(const Result<http::HttpResponse> &response)
{
    if (!response)
        return response.error();
    Result<QJsonObject> json = response->jsonObject();
    if (!json) {
        if (json.error().code() == ErrorCode::Protocol || response->isSuccess())
            return json.error().prefixed(QStringLiteral("api.php"));
        return fail(ErrorCode::Server, QStringLiteral("api.php answered HTTP %1").arg(response->status));
    }
    const QJsonValue error = json->value(QStringLiteral("error"));
    if (error.isObject()) {
        const QString code = error[QStringLiteral("code")].toString();
        QString info = error[QStringLiteral("info")].toString();
        if (info.isEmpty())
            info = error[QStringLiteral("*")].toString();
        return fail(ErrorCode::Server,
                    QStringLiteral("the wiki refused the request: %1 (%2)").arg(info, code), code);
    }
    if (!response->isSuccess())
        return fail(ErrorCode::Server, QStringLiteral("api.php answered HTTP %1").arg(response->status));
    return json;
}

Result<QString> ActionApi::token(const QJsonObject &answer, const QString &type)
{
    const QString value = answer.value(QStringLiteral("query"))[QStringLiteral("tokens")][type].toString();
    if (value.isEmpty())
        return fail(ErrorCode::Protocol, QStringLiteral("the wiki's answer has no %1").arg(type));
    return value;
}

} // namespace mwauth::mediawiki
