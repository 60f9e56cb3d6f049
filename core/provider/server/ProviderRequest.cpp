#include "ProviderRequest.h"

namespace mwauth::provider {

QByteArray HttpRequest::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

QByteArray HttpRequest::queryValue(QByteArrayView name) const
{
    return http::fieldValue(query, name);
}

QByteArray HttpRequest::formValue(QByteArrayView name) const
{
    return http::fieldValue(form, name);
}

QString ApiRequest::apiUrl() const
{
    return baseUrl.toString(QUrl::StripTrailingSlash) + scriptPath + u"/api.php";
}

} // namespace mwauth::provider
