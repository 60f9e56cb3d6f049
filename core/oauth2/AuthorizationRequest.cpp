#include "AuthorizationRequest.h"

#include "http/FormCodec.h"

namespace mwauth::oauth2 {

QUrl AuthorizationRequest::toUrl() const
{
    http::FormFields fields;
    const auto add = [&fields](const char *name, const QString &value) {
        fields.append({QByteArray(name), value.toUtf8()});
    };
    add("response_type", QStringLiteral("code"));
    add("client_id", clientId);
    if (!redirectUri.isEmpty())
        add("redirect_uri", redirectUri);
    if (!scopes.isEmpty())
        add("scope", scopes.join(u' '));
    if (!state.isEmpty())
        fields.append({QByteArray("state"), state});
    if (!nonce.isEmpty())
        fields.append({QByteArray("nonce"), nonce});
    if (pkce) {
        fields.append({QByteArray("code_challenge"), pkce->challenge()});
        add("code_challenge_method", pkceMethodName(pkce->method()));
    }
    if (!prompt.isEmpty())
        add("prompt", prompt);
    for (const auto &[name, value] : extra)
        fields.append({name.toUtf8(), value.toUtf8()});

    QUrl url = endpoint;
    QByteArray query = url.query(QUrl::FullyEncoded).toLatin1();
    if (!query.isEmpty())
        query += '&';
    query += http::encodeForm(fields);
    url.setQuery(QString::fromLatin1(query), QUrl::StrictMode);
    return url;
}

} // namespace mwauth::oauth2
