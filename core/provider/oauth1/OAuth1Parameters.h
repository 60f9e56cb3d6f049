#pragma once

#include "common/Result.h"
#include "provider/server/ProviderRequest.h"

#include <QByteArray>
#include <QMap>

namespace mwauth::provider {

// The OAuth 1.0a parameters of one request as Extension:OAuth reads them
// (MWOAuthRequest::fromRequest): the query string, then a form-urlencoded POST body, then the
// oauth_* parameters of an "Authorization: OAuth ..." header, each later source replacing a
// value of the same name (so the header wins). One value per name.
class OAuth1Parameters
{
public:
    // MalformedHeader when the request has an "Authorization: OAuth" header that
    // oauth1::AuthorizationHeader::parse() refuses (the message says why).
    static Result<OAuth1Parameters> fromRequest(const HttpRequest &request);
    // True when the request carries "Authorization: OAuth ..." (MediaWiki's
    // Utils::hasOAuthHeaders: the scheme exactly "OAuth" followed by a space).
    static bool hasOAuthHeader(const HttpRequest &request);

    QByteArray value(QByteArrayView name) const { return m_values.value(name.toByteArray()); }
    QString text(QByteArrayView name) const { return QString::fromUtf8(value(name)); }
    bool has(QByteArrayView name) const { return m_values.contains(name.toByteArray()); }
    void set(const QByteArray &name, const QByteArray &value) { m_values.insert(name, value); }

    // What is signed (RFC 5849 section 3.4.1): METHOD & enc(<request base URL><path>) &
    // enc(every parameter above but oauth_signature, normalized). The URL is the server's
    // base URL (MediaWiki's $wgServer) and the request's path.
    QByteArray signatureBaseString(const HttpRequest &request) const;

private:
    QMap<QByteArray, QByteArray> m_values;
};

} // namespace mwauth::provider
