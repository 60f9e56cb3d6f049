#include "OAuth1Parameters.h"

#include "oauth1/AuthorizationHeader.h"
#include "oauth1/Signature.h"

namespace mwauth::provider {

bool OAuth1Parameters::hasOAuthHeader(const HttpRequest &request)
{
    return request.header("Authorization").startsWith("OAuth ");
}

Result<OAuth1Parameters> OAuth1Parameters::fromRequest(const HttpRequest &request)
{
    OAuth1Parameters parameters;
    for (const auto &[name, value] : request.query)
        parameters.m_values.insert(name, value);
    if (request.method == "POST"
        && request.header("Content-Type").trimmed().startsWith("application/x-www-form-urlencoded")) {
        for (const auto &[name, value] : request.form)
            parameters.m_values.insert(name, value);
    }
    if (hasOAuthHeader(request)) {
        Result<http::FormFields> header = oauth1::AuthorizationHeader::parse(request.header("Authorization"));
        if (!header)
            return header.error();
        // Only the oauth_* parameters count from the header (OAuthUtil::split_header).
        for (const auto &[name, value] : *header) {
            if (name.startsWith("oauth_"))
                parameters.m_values.insert(name, value);
        }
    }
    return parameters;
}

QByteArray OAuth1Parameters::signatureBaseString(const HttpRequest &request) const
{
    QUrl url = request.baseUrl;
    url.setPath(request.path);
    const Result<QByteArray> uri = oauth1::baseStringUri(url);
    http::FormFields fields;
    for (auto it = m_values.cbegin(); it != m_values.cend(); ++it) {
        if (it.key() != "oauth_signature")
            fields.append({it.key(), it.value()});
    }
    return request.method + '&' + http::percentEncode(uri ? *uri : QByteArray()) + '&'
        + http::percentEncode(oauth1::normalizeParameters(std::move(fields)));
}

} // namespace mwauth::provider
