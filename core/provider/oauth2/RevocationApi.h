#pragma once

#include "BearerTokens.h"
#include "OAuth2Error.h"
#include "provider/clients/ClientStore.h"
#include "provider/server/ProviderServer.h"

#include <variant>

namespace mwauth::provider {

class AccessTokens;
class RefreshTokens;

// RFC 7009 token revocation: POST <script>/rest.php/oauth2/revoke, form body
//   token            required (invalid_request without it)
//   token_type_hint  access_token | refresh_token; a hint only: the other kind is tried too,
//                    an unknown hint is ignored (section 2.1)
// Client authentication as the token endpoint (client_secret_post, client_secret_basic;
// a public client sends client_id only): failures are 1.39's invalid_client (401).
//
// An access token (a JWT of this provider that verifies) of the authenticated client gets
// its oauth2_access_tokens row revoked; a refresh token of that client is spent and its
// whole chain (every refresh token and the newest access token issued from the same
// authorization code) is revoked through RefreshTokens. Unknown, expired and already
// revoked tokens, and tokens of another client, change nothing and still answer 200 with an
// body {} (section 2.2: the client cannot tell them apart, so the endpoint reveals
// nothing about other clients' tokens). Cache-Control no-store.
class RevocationApi
{
public:
    static constexpr const char *Route = "/oauth2/revoke";

    // Everything passed must outlive the RevocationApi; `refreshTokens` may be null (then
    // only access tokens are revoked).
    RevocationApi(ClientStore &clients, const BearerTokens &bearer, AccessTokens &accessTokens,
                  RefreshTokens *refreshTokens);

    void install(ProviderServer &server);
    RestResponse revoke(const RestRequest &request);

    // The client a revocation or introspection request authenticates as: an OAuth 2 client,
    // not deleted, approved or proposed; confidential ones with their secret (constant-time
    // comparison). Otherwise invalid_client; a missing client_id is invalid_request.
    static std::variant<OAuthClient, OAuth2Error> authenticateClient(ClientStore &clients,
                                                                     const RestRequest &request);
    // The POST + form body checks both endpoints share: 405 for other methods, invalid_request
    // for another body type or a missing `token`. Nothing when the request may go on.
    static std::optional<RestResponse> checkTokenRequest(const RestRequest &request);

private:
    ClientStore &m_clients;
    const BearerTokens &m_bearer;
    AccessTokens &m_accessTokens;
    RefreshTokens *m_refreshTokens;
};

} // namespace mwauth::provider
