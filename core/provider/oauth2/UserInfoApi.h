#pragma once

#include "BearerTokens.h"
#include "provider/accounts/UserStore.h"
#include "provider/server/ProviderServer.h"

namespace mwauth::provider {

// OpenID Connect Core 1.0 section 5.3: GET and POST <script>/rest.php/oauth2/userinfo.
// Beyond Extension:OAuth (whose nearest is rest.php/oauth2/resource/profile).
//
// The access token comes in the Authorization header (RFC 6750 section 2.1) or, for a POST
// with a form body, as its access_token field (section 2.2); never from the query string
// (section 2.3 is not offered: a query access_token is refused so it cannot leak into logs
// and histories), and never by two methods at once.
//
// Success: 200 JSON with "sub" and the claims OidcClaims gives for the token's OIDC scopes;
// an access token carries MediaWiki grants only (the authorization code flow leaves the OIDC
// scopes out of it), so a token without OIDC scopes gets profile, email and groups -- e-mail
// only under a private-information grant, as everywhere. Cache-Control no-store.
//
// Failures (RFC 6750 section 3, JSON body {"error", "error_description"} as well):
//   no token                       401, WWW-Authenticate: Bearer realm="<issuer>"
//   token in the query / twice     400 invalid_request
//   bad, expired or revoked token  401 invalid_token
//   a token for no user            403 insufficient_scope (client_credentials)
//   other methods                  405
class UserInfoApi
{
public:
    static constexpr const char *Route = "/oauth2/userinfo";

    // Everything passed must outlive the UserInfoApi.
    UserInfoApi(const BearerTokens &bearer, UserStore &users, QString realm);

    void install(ProviderServer &server);
    RestResponse userInfo(const RestRequest &request);

private:
    RestResponse bearerError(int status, const QString &error, const QString &description) const;

    const BearerTokens &m_bearer;
    UserStore &m_users;
    QString m_realm;
};

} // namespace mwauth::provider
