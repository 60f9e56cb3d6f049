#pragma once

#include "BearerTokens.h"
#include "provider/accounts/UserStore.h"
#include "provider/clients/ClientStore.h"
#include "provider/server/ProviderServer.h"

#include <QJsonObject>

namespace mwauth::provider {

// GET <script>/rest.php/oauth2/resource/{profile|scopes} as Extension:OAuth 1.39 answers it
// (reference/mediawiki-oauth.md section 1.4), with a bearer token (BearerTokens):
//
//   profile  {"sub", "username", "editcount", "confirmed_email", "blocked", "registered",
//             "groups", "rights", "grants"} of the token's user; "realname" ("": the provider
//             keeps no real names) and "email" only when the grants allow private information
//             (mwoauth-authonlyprivate or a grant giving viewmyprivateinfo). "rights" = the
//             user's rights (OidcClaims::groupRights) that the token's grants give.
//             A client_credentials token (no user) gets the anonymous shape: sub "0", the
//             caller's IP as username, registered false, groups ["*"].
//   scopes   {"scopes": the client's grants} (as a JSON array; MediaWiki may send an object
//            with numeric keys, clients accept both)
//
// Errors: an unknown type -> 400 parameter-validation-failed (MediaWiki's REST body); no
// Authorization header -> 401 access_denied with hint 'Missing "Authorization" header' (what
// master answers; 1.39 answers a 500 there, a bug not copied); a bad token -> 401
// access_denied with league's hint (BearerTokens); any method but GET -> 405.
class ResourceApi
{
public:
    static constexpr const char *Route = "/oauth2/resource/";

    // Everything passed must outlive the ResourceApi.
    ResourceApi(const BearerTokens &bearer, UserStore &users, ClientStore &clients);

    void install(ProviderServer &server);
    RestResponse resource(const RestRequest &request);

    // The profile object of a validated token (also what meta=userinfo's rights follow).
    // Database errors are errors.
    Result<QJsonObject> profile(const BearerToken &token, const HttpRequest &request) const;

private:
    const BearerTokens &m_bearer;
    UserStore &m_users;
    ClientStore &m_clients;
};

} // namespace mwauth::provider
