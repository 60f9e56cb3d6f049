#pragma once

#include "UserGrants.h"
#include "common/Random.h"
#include "provider/server/ProviderResponse.h"

namespace mwauth::provider {

class ClientStore;

namespace pages {

// Special:OAuthManageMyGrants, a small server-rendered version of Extension:OAuth's page
// (SpecialMWOAuthManageMyGrants): the logged-in user's approved consumers and what they may do.
//
//   anonymous                        -> 302 Special:UserLogin&returnto=Special:OAuthManageMyGrants
//   (no subpage) or /list            -> a table: consumer (name, version), publisher, protocol,
//                                       grants, accepted, live tokens, a "Manage" link
//   /manage/<id> (master), /update/<id> (REL1_39)
//                         GET        -> the approval with a form: the consumer's grants as
//                                       checkboxes (the approved ones ticked) and two actions
//                         POST       wpEditToken must match the session's csrf token (400, nothing
//                                    changed otherwise), then wpActionType:
//                           update     the approval keeps the ticked grants (each must be one of
//                                      the consumer's; at least one)
//                           renounce   the approval goes with every token issued under it
//                                      (UserGrants::revoke), back to the list with a notice
//   an id that is not the user's     -> 404 with the list's link
class ManageMyGrantsPage
{
public:
    static const QString Title; // "Special:OAuthManageMyGrants"

    // All must outlive the page.
    ManageMyGrantsPage(UserGrants &grants, ClientStore &clients, Random &random);

    IndexResponse handle(const IndexRequest &request);

private:
    IndexResponse list(const IndexRequest &request, qint64 userId, int status = 200,
                       const QString &notice = {}, const QString &error = {});
    IndexResponse manage(const IndexRequest &request, SessionData &session, qint64 userId, const QString &id);
    IndexResponse manageForm(const IndexRequest &request, SessionData &session, const GrantSummary &grant,
                             const QString &subpage, int status, const QString &error = {},
                             const QString &notice = {});

    UserGrants &m_grants;
    ClientStore &m_clients;
    Random &m_random;
};

} // namespace pages
} // namespace mwauth::provider
