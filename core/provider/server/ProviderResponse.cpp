#include "ProviderResponse.h"

#include <QJsonDocument>

namespace mwauth::provider {

QByteArray ProviderResponse::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

bool ProviderResponse::hasHeader(QByteArrayView name) const
{
    for (const auto &header : headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

ProviderResponse ProviderResponse::json(const QJsonObject &object, int status)
{
    ProviderResponse response;
    response.status = status;
    response.contentType = "application/json; charset=utf-8";
    response.body = QJsonDocument(object).toJson(QJsonDocument::Compact);
    return response;
}

ProviderResponse ProviderResponse::html(int status, const QString &title, const QString &text)
{
    ProviderResponse response;
    response.status = status;
    const QString escapedTitle = title.toHtmlEscaped();
    response.body = QString(u"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
                            % escapedTitle % u"</title></head>\n<body><h1>" % escapedTitle % u"</h1>\n<p>"
                            % text.toHtmlEscaped() % u"</p></body></html>\n")
                        .toUtf8();
    return response;
}

} // namespace mwauth::provider
