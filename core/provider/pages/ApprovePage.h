#pragma once

#include "common/Clock.h"
#include "common/Random.h"
#include "provider/clients/AcceptanceStore.h"
#include "provider/clients/ClientStore.h"
#include "provider/server/ProviderServer.h"

namespace mwauth::provider::pages {

// The OAuth 2 consent page and the login round trip of Extension:OAuth's Special:OAuth
// (reference/mediawiki-oauth.md sections 1.1 step 3 and 2):
//
//   Special:OAuth/approve   GET (from rest.php/oauth2/authorize, see AuthorizeApi) with
//                           returnto, returntoquery, client_id, oauth_version=2, scope:
//                           the consent form, an HTMLForm id="mw-mwoauth-authorize-form"
//                           POSTing to index.php with hidden title=Special:OAuth/approve,
//                           wpEditToken, wpaction=accept, wpconfirmUpdate (1 when the user
//                           approved the client before), oauth_version=2, client_id, scope,
//                           returnto, returntoquery, and the buttons `accept` and `cancel`.
//                           POST accept, token right -> the approval is recorded
//                             (AcceptanceStore, oauth_accepted_consumer) and remembered in the
//                             session for AuthorizeApi -> 302 <returnto>?<returntoquery>&approval_pass=1
//                           POST cancel, token right -> 302 <returnto>?<returntoquery>&approval_cancel=1
//                           token wrong -> 400, the form again, nothing recorded
//                           not logged in -> 302 Special:UserLogin and back here
//   Special:OAuth/rest_redirect   GET rest_url=<path and query> -> 302 to that URL on this
//                           server (after a login: Special:UserLogin can only return to titles).
//
// No open redirects: `returnto` must be this wiki's rest.php/oauth2/authorize path exactly,
// and rest_url a path under this wiki's rest.php (no scheme, no host, no "//", no "\", no
// "." or ".." segment, no control characters); the Location is always on the request's own
// base URL. Anything else gets an error page (400) and no redirect.
class ApprovePage
{
public:
    static const QString ApproveTitle; // "Special:OAuth/approve"
    static const QString RestRedirectTitle; // "Special:OAuth/rest_redirect"

    // All must outlive the page.
    ApprovePage(ClientStore &clients, AcceptanceStore &acceptances, const Clock &clock, Random &random);

    void install(ProviderServer &server);
    IndexResponse approve(const IndexRequest &request);
    IndexResponse restRedirect(const IndexRequest &request);

private:
    struct Consent;
    IndexResponse form(const IndexRequest &request, const Consent &consent, int status, const QString &error);
    IndexResponse submit(const IndexRequest &request, const Consent &consent);

    ClientStore &m_clients;
    AcceptanceStore &m_acceptances;
    const Clock &m_clock;
    Random &m_random;
};

} // namespace mwauth::provider::pages
