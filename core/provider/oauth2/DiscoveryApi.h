#pragma once

#include "provider/keys/SigningKeyStore.h"
#include "provider/server/ProviderServer.h"

#include <QJsonObject>

namespace mwauth::provider {

// The provider's metadata, one document served at both
//   /.well-known/oauth-authorization-server   (RFC 8414)
//   /.well-known/openid-configuration         (OpenID Connect Discovery 1.0)
// at the server's root (the issuer is the server's origin). Beyond Extension:OAuth, which
// publishes none. It names the endpoints that answer: authorize (authorization code with
// PKCE S256/plain, response_mode query only, OIDC prompt values), token (authorization_code,
// refresh_token, client_credentials; client_secret_basic, client_secret_post, none), JWKS,
// userinfo, revocation (RFC 7009) and introspection (RFC 7662), registration (RFC 7591)
// only when it is enabled; the scopes (MediaWiki's
// grants, mwoauth-authonly[private], and openid/profile/email/groups), the OIDC claims,
// public subjects, the signing algorithms of the current and next keys (id_tokens and
// access tokens), and that request objects are not supported.
// JSON, Cache-Control public, max-age=300 (as the JWKS). The serialised document is kept
// until the base URL, script path or signing algorithms change.
class DiscoveryApi
{
public:
    static constexpr const char *WellKnownName = "oauth-authorization-server";
    static constexpr const char *OpenIdWellKnownName = "openid-configuration";

    // `keys` must outlive the DiscoveryApi. `dynamicRegistration`: RFC 7591 registration
    // answers (OAuth2Options::dynamicRegistration), so registration_endpoint is named.
    explicit DiscoveryApi(SigningKeyStore &keys, bool dynamicRegistration = false);

    void install(ProviderServer &server);
    // The metadata for a server at `baseUrl` with `scriptPath` ("/w" or "").
    QJsonObject metadata(const QUrl &baseUrl, const QString &scriptPath);
    RestResponse document(const RestRequest &request);

private:
    // The algorithms of the current and next keys, in key order.
    QStringList signingAlgorithms();

    SigningKeyStore &m_keys;
    bool m_dynamicRegistration = false;
    // The last document served, as sent, and what it was made from (base URL, script path,
    // algorithms): the same request gets the same bytes without building the JSON again.
    QString m_cachedFor;
    QByteArray m_cachedBody;
};

} // namespace mwauth::provider
