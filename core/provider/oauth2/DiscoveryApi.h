#pragma once

#include "provider/keys/SigningKeyStore.h"
#include "provider/server/ProviderServer.h"

#include <QJsonObject>

namespace mwauth::provider {

// RFC 8414 authorization server metadata at /.well-known/oauth-authorization-server (the
// server's root; the issuer is the server's origin). Beyond Extension:OAuth, which publishes
// none. It lists only what the provider answers today: the token endpoint with
// client_credentials and its client authentication methods, the JWKS, the scopes (MediaWiki's
// grants) and the signing algorithms of the published keys; the endpoints of the coming
// flows (authorization, OpenID Connect, revocation, introspection) are added as they land.
// JSON, Cache-Control public, max-age=300 (as the JWKS).
class DiscoveryApi
{
public:
    static constexpr const char *WellKnownName = "oauth-authorization-server";

    // `keys` must outlive the DiscoveryApi.
    explicit DiscoveryApi(SigningKeyStore &keys);

    void install(ProviderServer &server);
    // The metadata for a server at `baseUrl` with `scriptPath` ("/w" or "").
    QJsonObject metadata(const QUrl &baseUrl, const QString &scriptPath);
    RestResponse document(const RestRequest &request);

private:
    SigningKeyStore &m_keys;
};

} // namespace mwauth::provider
