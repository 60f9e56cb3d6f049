#pragma once

#include "AuthorizationCodes.h"
#include "OAuth2Error.h"
#include "common/Clock.h"
#include "provider/clients/AcceptanceStore.h"
#include "provider/clients/ClientStore.h"
#include "provider/server/ProviderServer.h"

#include <QString>
#include <QStringList>

namespace mwauth::provider {

// GET <script>/rest.php/oauth2/authorize as Extension:OAuth REL1_39 answers it
// (reference/mediawiki-oauth.md sections 1.1 and 3), then OpenID Connect Core 1.0 on top.
//
//   not logged in -> 307 index.php?title=Special:UserLogin&returnto=Special:OAuth/rest_redirect
//                    &returntoquery=rest_url%3D<this path and query>   (the login comes back here)
//   logged in     -> client, redirect_uri, PKCE, scopes checked (below), then
//                    consent needed -> 307 index.php?title=Special:OAuth/approve&returnto=<path>
//                                      &returntoquery=<query>&client_id&oauth_version=2&scope
//                    consent given on that page (approval_pass=1, see ApprovePage) or not needed
//                                   -> 302 <redirect_uri>?code=<opaque>[&state=<state>]
//                    approval_cancel=1 -> error unauthorized_client
//
// Consent is not asked again (REL1_39's needsUserApproval) when the user approved the client
// before with exactly the requested grants, all of them auth-only (mwoauth-authonly /
// mwoauth-authonlyprivate), and the client is confidential; nor for clients an admin marked
// trusted (oarc_trusted; MediaWiki master's skipAuthorization of config-based apps). Beyond
// MediaWiki: approval_pass=1 counts only together with the consent the same session gave on
// Special:OAuth/approve (a session value naming the client and scopes, used once), so a
// client cannot skip the consent page by adding approval_pass=1 itself.
//
// Checks, in MediaWiki's order, and how they are answered:
//   response_type not "code", no client_id              HTML error page
//   unknown / unusable client (approved: anyone; proposed: only its owner; OAuth 2; not
//   deleted; allowed authorization_code), redirect_uri not the registered one
//   (RedirectUriMatch)                                  HTML error page (invalid_client)
//   code_challenge_method not plain|S256, code_challenge not ^[A-Za-z0-9-._~]{43,128}$,
//   a public client without code_challenge              HTML error page (invalid_request)
//   an unknown scope                                    redirect error invalid_scope
//   scopes the client does not hold                     dropped silently
//   no scope                                            all of the client's grants
// HTML error pages are "Application Connection Error" with status 200 (as REL1_39).
// Error redirects go to the redirect_uri of the request: 302 <redirect_uri>?error=...
// &error_description=...[&hint=...]&message=... (PHP's http_build_query encoding). Without a
// redirect_uri in the request, MediaWiki shows the HTML error page instead.
//
// MediaWiki vs OpenID Connect: MediaWiki never puts `state` on an error redirect (league's
// OAuthServerException has no state). For an OpenID Connect request (scope contains
// "openid") OIDC Core 3.1.2.6 requires it, so there error redirects carry the request's state;
// and they go to the registered redirect URI when the request named none. Everything else
// about a request without "openid" is MediaWiki's.
//
// OpenID Connect parameters (only read when scope contains "openid"):
//   nonce                      kept with the code, goes into the id_token
//   prompt=none                no page is shown: not logged in or a fresh login needed ->
//                              login_required; consent needed -> consent_required;
//                              "none" with another value -> invalid_request
//   prompt=login / select_account   a new login: 307 to Special:UserLogin (force=1) even when
//                              logged in; on the way back only a login at or after the
//                              request counts (the internal parameter oidc_login_after)
//   prompt=consent             the consent page is always shown
//   max_age=N                  a new login when the session's login (wsLoginTime) is older
//   request / request_uri      request_not_supported / request_uri_not_supported
//   response_mode              only "query"; anything else invalid_request
//   ui_locales, claims_locales, display, login_hint, id_token_hint, acr_values: accepted, ignored
class AuthorizeApi
{
public:
    static constexpr const char *Route = "/oauth2/authorize";
    // Session values: what the consent page approved (client_id, scopes, time), used once.
    static const QString ApprovalSessionKey; // "OAuth2Approval"
    // When the session's user logged in (LoginService writes it), seconds as a double.
    static const QString LoginTimeKey; // "wsLoginTime"
    // How long a consent given on the page stays usable by approval_pass=1.
    static constexpr double ApprovalLifetime = 600;

    // Everything passed must outlive the object.
    AuthorizeApi(ClientStore &clients, AcceptanceStore &acceptances, AuthorizationCodes &codes,
                 const Clock &clock);

    void install(ProviderServer &server);
    RestResponse authorize(const RestRequest &request);

    // Whether `client` may run the authorization code flow at `nowSeconds` for `userId`
    // (OAuthClient::isUsableBy); with `userId` 0 (not known yet) whether it may for someone.
    static bool usableForCode(const OAuthClient &client, qint64 userId, qint64 nowSeconds);
    // MediaWiki's refusal of a client the user may not use (AuthorizationCodeProvider::init,
    // AccessTokenEntity::confirmClientUsable): access_denied with this hint.
    static QString notUsableHint(const OAuthClient &client, qint64 userId);
    // openid, profile, email, groups: the OIDC scopes understood next to the grants.
    static bool isOidcScope(const QString &scope);
    // PHP's urlencode (space as "+", everything but A-Z a-z 0-9 - _ . escaped).
    static QByteArray phpUrlEncode(const QString &text);

private:
    struct Flow;
    RestResponse loginRedirect(const RestRequest &request, bool force) const;
    RestResponse approvalRedirect(const RestRequest &request, const Flow &flow) const;
    RestResponse issueCode(const RestRequest &request, Flow &flow, SessionData *changedSession);
    double loginTime(const SessionData &session) const;

    ClientStore &m_clients;
    AcceptanceStore &m_acceptances;
    AuthorizationCodes &m_codes;
    const Clock &m_clock;
};

} // namespace mwauth::provider
