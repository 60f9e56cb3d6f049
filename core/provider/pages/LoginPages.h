#pragma once

#include "OathManagePage.h"
#include "common/Clock.h"
#include "common/Random.h"
#include "provider/accounts/UserStore.h"
#include "provider/login/LoginService.h"
#include "provider/server/ProviderServer.h"

namespace mwauth::provider {

// The provider's browser pages, server-rendered HTML without JavaScript (MediaWiki
// look-alikes, index.php?title=... and the path form index.php/...):
//
//   Special:UserLogin    GET: the login form (wpName, wpPassword, wpRemember, wpLoginToken,
//                        returnto/returntoquery carried along); when logged in, "You are
//                        logged in as X" with a "log in again" link (force=1: the form again,
//                        a reauthentication).
//                        POST: LoginService (LoginChannel::Web); the outcome is rendered:
//
//     POST wpName+wpPassword --token bad------------------------> 400, the form again
//                            --Fail------------------------------> the form, error, name kept
//                            --Ui (2FA)--------------------------> the module's form
//     POST module answer / newModule --Ui----------------------> the module's form (error)
//                                     --Fail--------------------> the login form with the error
//     any Pass --> session saved under a new id, login cookies, 302 to returnto (a title of
//                  this wiki, see pages::ReturnTo) or the main page
//
//                        2FA forms: totp (OATHToken), recoverycodes (RecoveryCode), webauthn
//                        (a pasted assertion JSON in `credential`, the auth_info shown; a real
//                        browser would need JavaScript), plus one button per other allowed
//                        module (newModule=<module>) and a cancel button (wpCancel).
//   Special:UserLogout   GET: a confirmation form; POST with the edit token: the session
//                        ends, the login cookies expire, "You are now logged out".
//                        A bad token: 400, nothing changes.
//   Special:OATHManage   see pages::OathManagePage.
//   Main_Page            where a login without returnto lands: who is logged in, links to
//                        the pages above and the API's URL.
//
// Every form carries a CSRF token bound to the session (login/SessionTokens.h); every response
// carries the headers of pages::addPageHeaders (no framing, no scripts, no caching).
class LoginPages
{
public:
    // All four must outlive the pages; `login` is the same LoginService the API uses (its
    // throttles are shared).
    LoginPages(LoginService &login, UserStore &users, const Clock &clock, Random &random);

    // Registers Special:UserLogin, Special:UserLogout, Special:OATHManage and Main_Page. The server
    // must outlive the registration (the handlers read its wikiId for cookie names).
    void install(ProviderServer &server);

    IndexResponse userLogin(const IndexRequest &request, const QString &wikiId);
    IndexResponse userLogout(const IndexRequest &request, const QString &wikiId);
    IndexResponse oathManage(const IndexRequest &request, const QString &wikiId);
    IndexResponse mainPage(const IndexRequest &request);

private:
    // The password form. `session` is updated with the login token (the caller saves it).
    IndexResponse loginForm(const IndexRequest &request, SessionData &session, int status,
                            const QString &error, const QString &name, const QString &notice = {});
    IndexResponse secondFactorForm(const IndexRequest &request, SessionData &session,
                                   const LoginOutcome &outcome);
    IndexResponse loggedInPage(const IndexRequest &request, SessionData &session);
    IndexResponse submitLogin(const IndexRequest &request, const QString &wikiId);
    IndexResponse passed(const IndexRequest &request, const SessionData &session, const LoginOutcome &outcome,
                         const QString &wikiId);
    static IndexResponse withSession(IndexResponse response, const IndexRequest &request,
                                     const SessionData &session);

    LoginService &m_login;
    UserStore &m_users;
    const Clock &m_clock;
    Random &m_random;
    pages::OathManagePage m_oathManage;
};

} // namespace mwauth::provider
