#pragma once

#include "UserGrants.h"
#include "common/Random.h"
#include "provider/server/ProviderServer.h"

#include <QJsonObject>
#include <variant>

namespace mwauth::provider {

class BearerTokens;
class LoginService;

// Beyond MediaWiki (advertised in the discovery document as "mwauth_grants_endpoint"): the
// user's approvals as JSON, under <script>/rest.php:
//
//   GET    /mwauth/v1/grants                 {"grants": [grant, ...]}, newest first
//   DELETE /mwauth/v1/grants/{id}            revokes one approval: {"revoked": revocation}
//   POST   /mwauth/v1/grants/revoke-all      revokes every approval and every token of the
//   DELETE /mwauth/v1/grants                 user (both protocols) in one transaction
//
//   grant       {"id", "consumer": {"key", "name", "version", "publisher", "description"},
//                "grants": [...], "accepted" (MediaWiki timestamp), "wiki", "oauth_version",
//                "protocol" ("OAuth 1.0a" / "OAuth 2.0"), "tokens": {"access", "refresh"}}
//   revocation  {"grants": [grant, ...], "oauth1_access_tokens", "access_tokens", "refresh_tokens"}
//
// Who calls: "Authorization: Bearer" with a token whose grants give the right
// mwoauthmanagemygrants (Extension:OAuth's grant oauthmanageownclient gives it), or else the session cookie
// of a logged-in user. A session's write (DELETE, POST) needs the session's csrf token (api.php meta=tokens)
// as the `token` parameter (query or body) or the X-CSRF-Token header, so another site cannot make the user's
// browser revoke.
//
// Revoke-all is security-sensitive (operation "mwauth-revoke-all-grants"): the request's
// session must belong to the same user and have logged in within LoginService::
// reauthenticateSeconds(). Otherwise 403 with "status": "REAUTH" and "login_url" (Special:
// UserLogin with force= and returnto=); a bearer token alone is never enough.
//
// Errors in the style of MediaWiki's REST (RestParams restError): 401 mwauth-grants-login-required,
// 403 rest-permission-denied (token without the grant), 403 mwauth-grants-badtoken (csrf),
// 403 mwauth-grants-reauth (REAUTH), 404 mwauth-grants-nosuchgrant, 400 parameter-validation-
// failed (a non-numeric id), 405 rest-wrong-method, 500 mwauth-grants-failed (nothing changed).
class GrantsApi
{
public:
    static constexpr const char *Route = "/mwauth/v1/grants";
    static const QString RevokeAllOperation; // "mwauth-revoke-all-grants"

    // All must outlive the API.
    GrantsApi(UserGrants &grants, const BearerTokens &bearer, LoginService &login);

    void install(ProviderServer &server);
    RestResponse handle(const RestRequest &request);

    static QJsonObject toJson(const GrantSummary &grant);
    static QJsonObject toJson(const RevokedGrants &revoked);

private:
    struct Caller
    {
        qint64 userId = 0;
        bool bySession = false;
    };
    std::variant<Caller, RestResponse> caller(const RestRequest &request) const;
    RestResponse list(const Caller &caller);
    RestResponse revokeOne(const RestRequest &request, const Caller &caller, const QString &id);
    RestResponse revokeAll(const RestRequest &request, const Caller &caller);

    UserGrants &m_grants;
    const BearerTokens &m_bearer;
    LoginService &m_login;
};

} // namespace mwauth::provider
