#pragma once

#include "common/Clock.h"
#include "common/Random.h"
#include "provider/accounts/UserStore.h"
#include "provider/login/LoginService.h"
#include "provider/server/ProviderResponse.h"

namespace mwauth::provider::pages {

// Special:OATHManage, a minimal version of OATHAuth's page: the logged-in user sees the
// second-factor methods they have (names and counts, never secrets) and changes them.
//
//   anonymous                       -> 302 Special:UserLogin&returnto=Special:OATHManage
//   GET                             -> the overview (methods, recovery codes left, forms)
//   POST (wpEditToken, wpAction=...) token bad -> 400, the overview, nothing changed
//                                    security level of "oathauth-manage" not "ok" (no login in
//                                    the last LoginService::reauthenticateSeconds())
//                                    -> 302 Special:UserLogin&force=oathauth-manage&returnto=...
//     disable (wpModule)        removes the module's records; recovery codes go with the last
//                               other method
//     enable-totp               a new 160-bit seed, kept in the session (PendingTotpKey), shown
//                               as an otpauth:// URI and in base32, with a form for a code
//     confirm-totp (OATHToken)  the code must be valid for the pending seed now (+/- 1 step);
//                               then the "totp" record is stored and the seed leaves the session
//     cancel-totp               forgets the pending seed
//     recovery-codes            replaces the recovery codes with RecoveryCodeCount new ones,
//                               shown once (needs another method: they are its fallback)
class OathManagePage
{
public:
    static const QString PendingTotpKey; // session key of the seed being set up (base32)
    static const QString Operation; // "oathauth-manage", the security-sensitive operation
    static constexpr int RecoveryCodeCount = 10;

    // All four must outlive the page.
    OathManagePage(LoginService &login, UserStore &users, const Clock &clock, Random &random);

    // `wikiId` names the issuer in the otpauth:// URI.
    IndexResponse handle(const IndexRequest &request, const QString &wikiId);

private:
    IndexResponse overview(const IndexRequest &request, SessionData &session, const User &user, int status,
                           const QString &error = {}, const QString &notice = {});
    IndexResponse enrollment(const IndexRequest &request, SessionData &session, const User &user,
                             const QString &wikiId, const QString &error = {});
    IndexResponse disable(const IndexRequest &request, SessionData &session, const User &user);
    IndexResponse startTotp(const IndexRequest &request, SessionData &session, const User &user,
                            const QString &wikiId);
    IndexResponse confirmTotp(const IndexRequest &request, SessionData &session, const User &user,
                              const QString &wikiId);
    IndexResponse newRecoveryCodes(const IndexRequest &request, SessionData &session, const User &user);
    // The hidden token field plus wpAction.
    QString actionFields(SessionData &session, const QString &action);

    LoginService &m_login;
    UserStore &m_users;
    const Clock &m_clock;
    Random &m_random;
};

} // namespace mwauth::provider::pages
