#pragma once

#include "BearerTokens.h"
#include "provider/accounts/UserStore.h"
#include "provider/clients/ClientStore.h"
#include "provider/server/ProviderServer.h"

namespace mwauth::provider {

// RFC 7662 token introspection: POST <script>/rest.php/oauth2/introspect, form body `token`
// (required) and `token_type_hint` (ignored), client-authenticated as the revocation
// endpoint (RevocationApi::authenticateClient).
//
// An access token of this provider that BearerTokens accepts now (signature with a published
// key, times, live row, client and approval in place) and that was issued to the
// authenticated client answers
//   {"active": true, "scope": "<grants, space-separated>", "client_id", "username" (users
//    only), "token_type": "Bearer", "exp", "iat", "nbf", "sub" (users only), "aud", "iss",
//    "jti"}
// Everything else -- garbage, expired, revoked, another client's token, a refresh token
// (refresh tokens are not introspected) -- answers {"active": false}, so a client learns
// nothing about tokens that are not its own. Cache-Control no-store.
class IntrospectionApi
{
public:
    static constexpr const char *Route = "/oauth2/introspect";

    // Everything passed must outlive the IntrospectionApi.
    IntrospectionApi(ClientStore &clients, const BearerTokens &bearer, UserStore &users);

    void install(ProviderServer &server);
    RestResponse introspect(const RestRequest &request);

private:
    ClientStore &m_clients;
    const BearerTokens &m_bearer;
    UserStore &m_users;
};

} // namespace mwauth::provider
