#pragma once

#include "flows/Flow.h"
#include "flows/MediaWikiErrors.h"
#include "oauth2/Pkce.h"
#include "oauth2/ProviderMetadata.h"
#include "oauth2/TokenResponse.h"

#include <QStringList>
#include <QUrl>

#include <functional>
#include <optional>

namespace mwauth::flows {

// How the client proves itself at the token, revocation and introspection endpoints.
enum class ClientAuthMethod {
    SecretPost, // client_id + client_secret in the form body (MediaWiki's usual way)
    SecretBasic, // Authorization: Basic base64(urlencode(id) ":" urlencode(secret)), RFC 6749 2.3.1
    None, // a public client: client_id in the body only
};
QString clientAuthMethodName(ClientAuthMethod method); // "client_secret_post", ...
Result<ClientAuthMethod> clientAuthMethodFromName(const QString &name);

// Which server and which client an OAuth 2 flow talks to.
struct OAuth2Settings
{
    // One of: the metadata itself; an issuer (discovery: OIDC's well-known document first,
    // then RFC 8414's); MediaWiki's rest.php (+ index.php) without discovery.
    std::optional<oauth2::ProviderMetadata> metadata;
    QUrl issuer;
    QUrl rest;
    QUrl index;

    QString clientId;
    QByteArray clientSecret; // empty for a public client
    ClientAuthMethod authMethod = ClientAuthMethod::SecretPost; // None when there is no secret
    QStringList scopes;
    bool publicClient() const { return clientSecret.isEmpty(); }
};

// The shared part of the OAuth 2 flows: the endpoints (given, discovered or MediaWiki's),
// client authentication, the token endpoint call (strict TokenResponse, errors explained in
// MediaWiki's terms) and the JWKS. Every secret a flow sends or receives goes into the
// trace's redactor.
class OAuth2Flow : public Flow
{
    Q_OBJECT

public:
    OAuth2Flow(http::HttpClient *http, OAuth2Settings settings, QObject *parent = nullptr);

    const OAuth2Settings &settings() const { return m_settings; }
    const std::optional<oauth2::ProviderMetadata> &metadata() const { return m_metadata; }
    // The last token response (access, refresh and id tokens); empty before one arrived.
    // Not in FlowOutcome::values, which never carry secrets.
    const std::optional<oauth2::TokenResponse> &tokens() const { return m_tokens; }

protected:
    // Step "discovery" (when an issuer is set): `next` runs with m_metadata set.
    void resolveEndpoints(std::function<void()> next);
    // Step `stepName`: POST `fields` + client authentication to the token endpoint.
    void requestToken(const QString &stepName, http::FormFields fields, ErrorStage stage,
                      std::function<void(const oauth2::TokenResponse &)> next);
    // POST `fields` + client authentication to `endpoint` (revocation, introspection).
    void postAuthenticated(const QString &stepName, const QUrl &endpoint, http::FormFields fields,
                           std::function<void(const http::HttpResponse &)> next);
    // GET `url` with the access token as a Bearer token; `next` gets the JSON object.
    void getWithBearer(const QString &stepName, const QUrl &url, const QByteArray &accessToken,
                       std::function<void(const QJsonObject &)> next);
    void addSecret(const QByteArray &secret);
    // The values every token outcome reports (no secrets): token_type, expires_in, scope,
    // has_refresh_token, has_id_token.
    static void describeTokens(const oauth2::TokenResponse &tokens, QVariantMap &values);

    OAuth2Settings m_settings;
    std::optional<oauth2::ProviderMetadata> m_metadata;
    std::optional<oauth2::TokenResponse> m_tokens;

private:
    void tryDiscovery(QList<QUrl> candidates, std::function<void()> next, QStringList tried);
    void applyClientAuth(http::HttpRequest &request, http::FormFields &fields) const;
};

} // namespace mwauth::flows
