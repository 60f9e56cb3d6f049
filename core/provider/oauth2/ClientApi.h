#pragma once

#include "AccessTokens.h"
#include "BearerTokens.h"
#include "common/Clock.h"
#include "common/Result.h"
#include "provider/accounts/UserStore.h"
#include "provider/clients/ClientStore.h"
#include "provider/keys/SigningKeyStore.h"
#include "provider/server/ProviderServer.h"

#include <QJsonObject>
#include <QString>

#include <functional>
#include <optional>
#include <variant>

namespace mwauth::provider {

// Extension:OAuth's client management routes (reference/mediawiki-oauth.md section 1.5):
//
//   POST rest.php/oauth2/client                          register (RequestClient)
//   GET  rest.php/oauth2/client?limit&offset&oauth_version   list own (ListClients)
//   POST rest.php/oauth2/client/{client_key}/reset_secret    new secret (ResetClientSecret)
//
// Caller: the MediaWiki user of the cookie session (wsUserID, set by LoginService) or of a
// Bearer access token whose scopes include `oauthmanageownclient` (setBearerAuthenticator).
// An Authorization: Bearer header is used whenever it is present, as MediaWiki's session
// provider does: a bad token is refused, never silently replaced by the cookie. MediaWiki
// 1.39 asks these routes for no CSRF token; the session cookie is SameSite=Lax, so another
// site cannot POST with it.
//
// Bodies: application/x-www-form-urlencoded (REL1_39; multi-values "a|b", or "\x1fa\x1fb")
// and application/json (master: strings, booleans, arrays for multi-values). Parameters as
// RequestClient declares them, checked in this order with MediaWiki's ParamValidator codes:
//   name (string, required), version (enum "1.0"|"2.0", default "1.0"), description (string,
//   required), wiki (default "*"), owner_only (bool), callback_url (string; required unless
//   owner_only, checked on submit), callback_is_prefix (bool), email (string, required),
//   is_confidential (bool, required), grant_types (multi string, required), scopes (multi
//   enum of the grant names, required).
// A parameter problem answers 400 in MediaWiki's REST shape:
//   {"error": "parameter-validation-failed", "name", "value", "failureCode" (missingparam,
//    badvalue, badbool, badinteger, outofrange), "failureData", "messageTranslations": {"en"},
//    "httpCode": 400, "httpReason": "Bad Request"}
// Other failures are MediaWiki's localized REST errors {"messageTranslations", "httpCode",
// "httpReason"} plus "errorKey" (the message key, a field MediaWiki >= 1.41 adds):
//   submit (400): mwoauth-consumer-email-unconfirmed (the user has no e-mail address),
//     mwoauth-consumer-email-mismatched (email is not the user's), mwoauth-invalid-field-<field>
//     (ConsumerSubmitControl's field checks, ClientRegistration::validate; also owner-only
//     clients whose grant_types are not exactly client_credentials),
//     mwoauth-consumer-alreadyexists (same name + version), mwoauth-consumer-submit-error
//   reset_secret: mwoauth-invalid-consumer-key (400), mwoauth-consumer-deleted-error (401,
//     suppressed), mwoauth-consumer-user-mismatch (400, not the caller's)
//   anonymous caller: 404 rest-nonexistent-user (ListClients; the register and reset routes
//     answer the same, where MediaWiki's submit control would refuse with a permission error)
//   a wrong method: 405 rest-wrong-method with Allow; a bearer token without the grant: 403
//     rest-permission-denied; an unparsable JSON body: 400 rest-json-body-parse-error
//
// Success:
//   register: 200 {"name", "client_key", "secret"}; owner-only clients (approved at once)
//     add "access_token": an OAuth 2 JWT for the owner's approval (AccessTokens, the current
//     signing key, exp one thousand years ahead as MediaWiki's). Other clients are proposed
//     (stage 0) and wait for an admin.
//   reset_secret (body `reason`, optional): 200 {"name", "client_key", "secret"} (+ a new
//     "access_token" for owner-only OAuth 2 clients; their old tokens are deleted).
//   list: 200 {"clients": [...], "total": N}, newest first, the caller's clients of one OAuth
//     version (oauth_version "1"|"2", default "2"; limit 1-100, default 25; offset >= 0),
//     fields email, name, version, callback_url, description, client_key, owner_only, stage,
//     oauth_version, registration_formatted ("HH:MM, D Month YYYY", UTC), allowed_grants
//     (OAuth 2 only) and scopes. "total" counts all of them, not only the page.
//
// One per ProviderStack (the thread's database).
class ClientApi
{
public:
    static constexpr const char *Route = "/oauth2/client";
    static constexpr int DefaultLimit = 25;
    static constexpr int MaxLimit = 100;
    static constexpr const char *ManageGrant = "oauthmanageownclient";

    // The user a Bearer token names, or the complete error response to answer (helper B's
    // BearerTokens plugs in here). `scopes` are the token's grants.
    struct BearerCaller
    {
        qint64 userId = 0;
        QStringList scopes;
    };
    using BearerAuthenticator = std::function<std::variant<BearerCaller, RestResponse>(const RestRequest &)>;

    // Everything passed must outlive the ClientApi.
    ClientApi(ClientStore &clients, UserStore &users, SigningKeyStore &keys, AccessTokens &tokens,
              const Clock &clock);

    // Without one, a request with Authorization: Bearer is refused (401).
    void setBearerAuthenticator(BearerAuthenticator authenticator);
    // The authenticator over the provider's BearerTokens (must outlive the ClientApi): a token
    // that does not validate answers BearerTokens' 401 access_denied.
    static BearerAuthenticator bearerAuthenticator(const BearerTokens &tokens);

    // Registers "/oauth2/client" and everything below "/oauth2/client/".
    void install(ProviderServer &server);
    RestResponse handle(const RestRequest &request);

    // The owner-only OAuth 2 access token MediaWiki hands out at registration and at a
    // secret reset: signed with the current key, for the owner's approval
    // (`issued.acceptanceId`), the client's grants, exp one thousand calendar years ahead.
    // InvalidInput when `issued` is not an owner-only OAuth 2 client with an approval.
    static Result<IssuedAccessToken> issueOwnerOnlyToken(SigningKeyStore &keys, AccessTokens &tokens,
                                                         const Clock &clock,
                                                         const IssuedClientCredentials &issued);

private:
    std::variant<User, RestResponse> caller(const RestRequest &request);
    RestResponse registerClient(const RestRequest &request, const User &user);
    RestResponse listClients(const RestRequest &request, const User &user);
    RestResponse resetSecret(const RestRequest &request, const User &user, const QString &clientKey);
    // {"name", "client_key", "secret"[, "access_token"]}, or the error to answer.
    RestResponse credentialsResponse(const IssuedClientCredentials &issued);

    ClientStore &m_clients;
    UserStore &m_users;
    SigningKeyStore &m_keys;
    AccessTokens &m_tokens;
    const Clock &m_clock;
    BearerAuthenticator m_bearer;
};

} // namespace mwauth::provider
