#pragma once

#include "AccessTokens.h"
#include "OAuth2Error.h"
#include "provider/clients/ClientStore.h"
#include "provider/keys/SigningKeyStore.h"
#include "provider/server/ProviderServer.h"

#include <variant>

namespace mwauth::provider {

// POST <script>/rest.php/oauth2/access_token as Extension:OAuth 1.39 answers it
// (reference/mediawiki-oauth.md sections 1.2 and 3):
//
//   form-encoded body only (a JSON body has no grant_type: invalid_request)
//   grant_type missing -> invalid_request; not one of ours -> unsupported_grant_type
//   client_id missing -> invalid_request; credentials from the body or HTTP Basic
//   unknown, unusable or unapproved client, wrong secret, a grant type the client may not
//   use -> invalid_client (401)
//   client_credentials: confidential clients only; `scope` (space-separated) filtered to the
//   client's grants, an unknown grant is invalid_scope; no scope -> all the client's grants;
//   a token for no user (sub ""), no refresh token
//
// Success: 200 {"token_type": "Bearer", "expires_in": 3600, "access_token": <JWT>} with
// Cache-Control no-store and Pragma no-cache. The JWT is signed with the current key of the
// SigningKeyStore (AccessTokens).
//
// authorization_code and refresh_token come with the authorization endpoint.
class TokenApi
{
public:
    static constexpr const char *Route = "/oauth2/access_token";

    // Everything passed must outlive the TokenApi.
    TokenApi(ClientStore &clients, SigningKeyStore &keys, AccessTokens &tokens);

    void install(ProviderServer &server);
    RestResponse accessToken(const RestRequest &request);

private:
    // The client the request authenticates as, or the error to answer.
    std::variant<OAuthClient, OAuth2Error> authenticate(const RestRequest &request, const QString &grantType);
    RestResponse clientCredentials(const RestRequest &request, const OAuthClient &client);
    RestResponse tokenResponse(const IssuedAccessToken &token, double lifetime);

    ClientStore &m_clients;
    SigningKeyStore &m_keys;
    AccessTokens &m_tokens;
};

} // namespace mwauth::provider
