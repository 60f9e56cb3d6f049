#pragma once

#include "UserGrants.h"
#include "common/Random.h"
#include "provider/server/ProviderResponse.h"

namespace mwauth::provider {

class UserStore;

namespace pages {

// Special:ChangePassword, a small version of MediaWiki's (Special:ChangeCredentials for the
// password): the logged-in user gives the current password and the new one twice.
//
//   anonymous  -> 302 Special:UserLogin&returnto=Special:ChangePassword
//   GET        -> the form (wpPassword, wpNewPassword, wpRetype, wpEditToken)
//   POST       token bad -> 400; current password wrong -> 400; new one empty or the two
//              differ -> 400; nothing changed in each case. Otherwise the password is replaced
//              and every approval and token of the user (OAuth 1.0a and 2.0) is revoked in the
//              same transaction (UserGrants::changePassword); the page says how many.
class ChangePasswordPage
{
public:
    static const QString Title; // "Special:ChangePassword"

    // All must outlive the page.
    ChangePasswordPage(UserStore &users, UserGrants &grants, Random &random);

    IndexResponse handle(const IndexRequest &request);

private:
    IndexResponse form(const IndexRequest &request, SessionData &session, int status,
                       const QString &error = {}, const QString &notice = {});

    UserStore &m_users;
    UserGrants &m_grants;
    Random &m_random;
};

} // namespace pages
} // namespace mwauth::provider
