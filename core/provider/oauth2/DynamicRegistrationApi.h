#pragma once

#include "common/Clock.h"
#include "provider/accounts/UserStore.h"
#include "provider/clients/ClientStore.h"
#include "provider/server/ProviderServer.h"

#include <QString>

namespace mwauth::provider {

// RFC 7591 dynamic client registration at POST rest.php/oauth2/register, on the same data as
// rest.php/oauth2/client (ClientStore::registerClient, MediaWiki's checks). MediaWiki has no
// such endpoint: it is off by default (OAuth2Options::dynamicRegistration) and then the route
// answers 404 exactly like a path nothing handles.
//
// Request: a JSON object (Content-Type application/json) with
//   redirect_uris               required, exactly one URI (MediaWiki keeps one callback)
//   client_name                 required (MediaWiki requires a name)
//   grant_types                 default ["authorization_code"]; authorization_code,
//                               refresh_token, client_credentials
//   response_types              default ["code"]; only "code"
//   token_endpoint_auth_method  "none" -> public client; "client_secret_basic" (default) or
//                               "client_secret_post" -> confidential
//   scope                       space-separated grant names; default "basic"
//   client_uri, contact e-mail, software_version are optional: description = client_uri or
//   a fixed sentence; version = software_version or "1.0"
// Success: 201 {"client_id", "client_secret" (confidential only), "client_id_issued_at",
//   "client_secret_expires_at": 0, "redirect_uris", "client_name", "grant_types",
//   "response_types", "token_endpoint_auth_method", "scope"} with Cache-Control no-store.
// Errors (RFC 7591 section 3.2.2, 400 {"error", "error_description"}): invalid_redirect_uri
//   (missing, not one, or refused by MediaWiki's callback rules), invalid_client_metadata
//   (anything else: not JSON, unknown grant type or scope, a public client asking for
//   client_credentials, same name and version registered before).
//
// Owner and stage (our choice, documented here): the client is owned by the logged-in user of
// the cookie session when there is one, otherwise by the user `anonymousOwner` names (default
// "Admin"; no such user: 400 invalid_client_metadata). Registered clients are *proposed*
// (stage 0: only the owner can use them until an admin approves), unless `autoApprove` is
// set, when they are approved at once. Proposed clients already work for their owner, as in
// MediaWiki.
class DynamicRegistrationApi
{
public:
    static constexpr const char *Route = "/oauth2/register";

    struct Settings
    {
        bool enabled = false;
        bool autoApprove = false;
        QString anonymousOwner = QStringLiteral("Admin");
    };

    // Everything passed must outlive the object.
    DynamicRegistrationApi(ClientStore &clients, UserStore &users, const Clock &clock, Settings settings);

    void install(ProviderServer &server);
    RestResponse handle(const RestRequest &request);

private:
    ClientStore &m_clients;
    UserStore &m_users;
    const Clock &m_clock;
    Settings m_settings;
};

} // namespace mwauth::provider
