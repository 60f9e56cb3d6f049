#pragma once

#include "LoginThrottle.h"
#include "provider/accounts/UserStore.h"
#include "provider/server/ProviderServer.h"

#include <QHash>
#include <QJsonObject>
#include <optional>

namespace mwauth::provider {

// The local provider's Action API login, MediaWiki 1.39 + OATHAuth look-alike
// (reference/oathauth-clientlogin.md; fixtures peers/mediawiki/fixtures, fv1 and fv2):
//
//   action=query&meta=tokens&type=login|csrf      session-bound tokens "<40 hex>+\"; the
//                                                 anonymous csrf token is "+\"
//   action=query&meta=userinfo[&uiprop=groups|rights]
//   action=query&meta=authmanagerinfo&amirequestsfor=login[&amimergerequestfields=1]
//   action=clientlogin (POST, logintoken)         the login state machine below
//   action=logout (POST, csrf token)              ends the session
//
// clientlogin, per session:
//
//   (anonymous) --username+password OK, no TOTP--------------------> PASS (logged in)
//        |      --wrong password / unknown user---------------------> FAIL wrongpassword
//        |      --6th failure for a name within 300 s---------------> FAIL login-throttled
//        +------ --password OK, user has a "totp" record -----------> UI oathauth-auth-ui
//                                                                     (pending)
//   (pending) --logincontinue + valid, newer-than-last-step code----> PASS
//             --wrong or replayed code------------------------------> UI oathauth-login-failed
//             --after 10 failed codes within 60 s-------------------> UI oathauth-throttled
//   (no pending) --logincontinue---> FAIL authmanager-authn-not-in-progress
//
// Second-factor modules (reference/oathauth-clientlogin.md, "Which module is offered first"):
// a user's modules are those of "totp" and "recoverycodes" that have a record (in that
// order; TOTP is offered first when present). The pending module is kept in the session.
// A user with two or more modules gets OATHAuth's TwoFactorModuleSelectAuthenticationRequest
// next to the module's request in every UI answer; "logincontinue + newModule=<module>"
// switches (UI with that module's request), newModule="" keeps the current module, and a
// module the user has not enabled is FAIL oathauth-invalidrequest. A recovery code
// ("RecoveryCode", compared in constant time with each code of the record's
// {"recoverycodes": [...]}) is removed from the record when used, so it works once; a
// wrong one answers UI oathauth-login-failed and counts toward the TOTP throttle.
//
// TOTP: RFC 6238 SHA-1, 6 digits, 30 s, window +/-4 steps ($wgOATHAuthWindowRadius); a
// code is accepted only if its step is newer than the last step accepted for the user
// (kept in memory). The record's data holds the base32 seed as {"secret": S} or, as
// OATHAuth stores it, {"keys": [{"secret": S}]}. Throttle counters are in memory too.
// A PASS sets the cookies <wiki>UserID and <wiki>UserName (30 days; rememberMe: 180 days
// plus <wiki>Token). Unlike MediaWiki the session id is kept on login (the server has no
// way to rotate it yet).
class LoginApi
{
public:
    static constexpr int PasswordAttemptLimit = 5;
    static constexpr double PasswordAttemptWindow = 300;
    static constexpr int TotpAttemptLimit = 10;
    static constexpr double TotpAttemptWindow = 60;
    static constexpr int TotpWindowRadius = 4;

    // All four must outlive the LoginApi. `sessions` is the store the server uses.
    LoginApi(UserStore &users, SessionStore &sessions, const Clock &clock, Random &random);

    // Registers the api modules "query", "clientlogin" and "logout". The server must
    // outlive the registration (the handlers read its wikiId for cookie names).
    void install(ProviderServer &server);

    ApiResponse query(const ApiRequest &request);
    ApiResponse clientLogin(const ApiRequest &request, const QString &wikiId);
    ApiResponse logout(const ApiRequest &request, const QString &wikiId);

private:
    ApiResponse beginLogin(const ApiRequest &request, SessionData session, const QString &wikiId);
    ApiResponse continueLogin(const ApiRequest &request, SessionData session, const QString &wikiId);
    ApiResponse pass(SessionData session, const User &user, bool rememberMe, const QString &wikiId,
                     const QJsonObject &warnings);
    ApiResponse fail(const ApiRequest &request, const QString &code, const QString &message,
                     const QJsonObject &warnings = {});
    // A UI answer with the request of `module` (and the module-select request when the
    // user has more than one module).
    ApiResponse ui(const ApiRequest &request, const User &user, const QString &module, const QString &code,
                   const QString &message, const QJsonObject &warnings);
    // The second-factor modules `userId` has enabled, TOTP first.
    QStringList enabledModules(qint64 userId) const;
    // Whether `code` is one of the user's recovery codes; if so it is removed from the record.
    bool consumeRecoveryCode(qint64 userId, const QString &code);
    std::optional<quint64> acceptedTotpStep(qint64 userId, const QByteArray &code, double now) const;
    QJsonObject userInfo(const ApiRequest &request, const SessionData &session);
    QString sessionToken(SessionData &session, const QString &key);
    // Compares a sent token with the session's `key` token ("+\" only when anonymous csrf).
    bool tokenMatches(const ApiRequest &request, const QString &key, const QString &sent) const;
    // A warning object for parameters that are neither general nor in `moduleParams`.
    QJsonObject unrecognizedWarnings(const ApiRequest &request, const QString &module,
                                     const QStringList &moduleParams) const;
    QByteArray cookieExpiry(int maxAge) const;

    UserStore &m_users;
    SessionStore &m_sessions;
    const Clock &m_clock;
    Random &m_random;
    LoginThrottle m_passwordThrottle {PasswordAttemptLimit, PasswordAttemptWindow};
    LoginThrottle m_totpThrottle {TotpAttemptLimit, TotpAttemptWindow};
    QHash<qint64, quint64> m_lastTotpStep;
};

} // namespace mwauth::provider
