#pragma once

#include "AccessTokens.h"
#include "AuthorizationCodes.h"
#include "IdTokens.h"
#include "OAuth2Error.h"
#include "OAuth2Options.h"
#include "RefreshTokens.h"
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
// authorization_code and refresh_token (once setCodeGrants() is called; before that they are
// unsupported_grant_type):
//   authorization_code: `code` required (missing -> invalid_request); a code that does not
//     open -> invalid_request "Cannot decrypt the authorization code"; another client's,
//     expired or used code -> invalid_grant ("Authorization code was not issued to this
//     client" / "has expired" / "has been revoked"); a code used a second time also revokes
//     the tokens issued from it (RFC 6749 section 4.1.2; RefreshTokens::revokeFamily).
//     redirect_uri must be sent iff the authorization request sent one, and be equal
//     (missing -> invalid_request `redirect_uri`, different -> "Invalid redirect URI").
//     PKCE: with a challenge, code_verifier is required (invalid_request `code_verifier`),
//     must match ^[A-Za-z0-9-._~]{43,128}$ ("Code Verifier must follow the specifications of
//     RFC-7636.") and must verify with the challenge's method, S256 or plain (invalid_grant
//     "Failed to verify `code_verifier`."); a verifier without a challenge is refused
//     (invalid_request, as league 9 / master; REL1_39 ignored it). Public clients need no
//     secret (PKCE was required at the authorization endpoint).
//     Tokens: an access token for the user (sub = user id) under the approval, scopes = the
//     code's grants; a refresh token when the client may use refresh_token (MediaWiki hands
//     one out regardless; one the client cannot use is left out here).
//   refresh_token: `refresh_token` required; refused ones are 401 invalid_request "The
//     refresh token is invalid." with the hint of RefreshTokens; `scope` may narrow the
//     original scopes (a scope beyond them -> invalid_scope). Rotation: a new access and
//     refresh token, the old access token revoked.
class TokenApi
{
public:
    static constexpr const char *Route = "/oauth2/access_token";

    // Everything passed must outlive the TokenApi.
    TokenApi(ClientStore &clients, SigningKeyStore &keys, AccessTokens &tokens);

    // Enables authorization_code and refresh_token. All must outlive the TokenApi.
    void setCodeGrants(AuthorizationCodes &codes, RefreshTokens &refreshTokens, const OAuth2Options &options);

    // OpenID Connect: a code or refresh grant whose scopes contain "openid" also gets an
    // "id_token" (IdTokens; nonce and auth_time from the authorization request, at_hash of
    // the access token; no nonce on refresh, OIDC Core 12.2). Must outlive the TokenApi.
    void setIdTokens(const IdTokens &idTokens) { m_idTokens = &idTokens; }

    void install(ProviderServer &server);
    RestResponse accessToken(const RestRequest &request);

private:
    // The client the request authenticates as, or the error to answer.
    std::variant<OAuthClient, OAuth2Error> authenticate(const RestRequest &request, const QString &grantType);
    RestResponse clientCredentials(const RestRequest &request, const OAuthClient &client);
    RestResponse authorizationCode(const RestRequest &request, const OAuthClient &client);
    RestResponse refreshToken(const RestRequest &request, const OAuthClient &client);
    // Issues the access token (and a refresh token when the client may refresh) for a user's
    // approval and answers with them.
    struct UserGrant
    {
        qint64 userId = 0;
        qint64 acceptanceId = 0;
        QStringList scopes; // grants and OIDC scopes
        QString family; // the authorization code's id
        double authTime = 0;
        QString nonce;
    };
    RestResponse userTokens(const RestRequest &request, const OAuthClient &client, const UserGrant &grant);
    // An access token signed with the current key and recorded, with the key that signed it
    // (id_tokens are signed with the same key).
    struct SignedAccessToken
    {
        jose::Jwk key;
        IssuedAccessToken token;
    };
    // Sets `grant`'s lifetime to the configured access-token lifetime (OAuth2Options; the
    // default without them), signs and records the token; the server_error to answer when
    // there is no key or the token cannot be recorded.
    std::variant<SignedAccessToken, RestResponse> issueAccessToken(const RestRequest &request,
                                                                   AccessTokenGrant &grant);
    RestResponse tokenResponse(const IssuedAccessToken &token, double lifetime,
                               const QByteArray &refreshToken = {});

    ClientStore &m_clients;
    SigningKeyStore &m_keys;
    AccessTokens &m_tokens;
    AuthorizationCodes *m_codes = nullptr;
    RefreshTokens *m_refreshTokens = nullptr;
    const OAuth2Options *m_options = nullptr;
    const IdTokens *m_idTokens = nullptr;
};

} // namespace mwauth::provider
