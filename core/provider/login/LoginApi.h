#pragma once

#include "LoginService.h"
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
//   action=clientlogin (POST, logintoken)         LoginService's state machine
//   action=logout (POST, csrf token)              ends the session
//
// clientlogin runs LoginService's state machine (see there for the statuses, the 2FA modules,
// throttles and reauthentication) and prints its outcomes like ApiClientLogin: PASS, FAIL,
// and UI with the module's request (TOTPAuthenticationRequest, RecoveryCodesAuthentication-
// Request or WebAuthnAuthenticationRequest with its hidden auth_info) plus OATHAuth's
// TwoFactorModuleSelectAuthenticationRequest when the user may choose among two or more
// modules. Through the API, TOTP is offered first when the user has it.
//
// meta=authmanagerinfo&amisecuritysensitiveoperation=<op> adds MediaWiki's
// "securitysensitiveoperationstatus" ("ok" / "reauth" / "fail") and, as our addition, the
// end of the elevated level: "x-mwauth-elevatedsecurityexpiry" (ISO 8601, UTC) and
// "x-mwauth-elevatedsecurityremaining" (whole seconds, 0 when over), so a client can
// reauthenticate through clientlogin before it ends. The names are prefixed so that
// MediaWiki clients, which read known keys only, ignore them.
//
// A PASS sets the cookies <wiki>UserID and <wiki>UserName (30 days; rememberMe: 180 days
// plus <wiki>Token) and renews the session id, as MediaWiki does.
class LoginApi
{
public:
    // All four must outlive the LoginApi.
    LoginApi(LoginService &login, UserStore &users, const Clock &clock, Random &random);

    // The Set-Cookie values of a login of `user` at Clock time `now` (shared with the pages).
    static QList<QByteArray> loginCookies(const User &user, bool rememberMe, const QString &wikiId,
                                          double now, Random &random);
    static QList<QByteArray> logoutCookies(const QString &wikiId);

    // Registers the api modules "query", "clientlogin" and "logout". The server must
    // outlive the registration (the handlers read its wikiId for cookie names).
    void install(ProviderServer &server);

    ApiResponse query(const ApiRequest &request, const QString &wikiId);
    ApiResponse clientLogin(const ApiRequest &request, const QString &wikiId);
    ApiResponse logout(const ApiRequest &request, const QString &wikiId);

private:
    ApiResponse beginLogin(const ApiRequest &request, const QString &wikiId);
    ApiResponse continueLogin(const ApiRequest &request, const QString &wikiId);
    // The JSON answer of an outcome; the session is saved (and renewed after a PASS).
    ApiResponse respond(const ApiRequest &request, const LoginOutcome &outcome, const SessionData &session,
                        const QString &wikiId, const QJsonObject &warnings);
    QJsonObject authManagerInfo(const ApiRequest &request, const SessionData &session);
    QJsonObject userInfo(const ApiRequest &request, const SessionData &session);
    // Compares a sent token with the session's `key` token ("+\" only when anonymous csrf).
    bool tokenMatches(const ApiRequest &request, const QString &key, const QString &sent) const;
    // A warning object for parameters that are neither general nor in `moduleParams`.
    QJsonObject unrecognizedWarnings(const ApiRequest &request, const QString &module,
                                     const QStringList &moduleParams) const;

    LoginService &m_login;
    UserStore &m_users;
    const Clock &m_clock;
    Random &m_random;
};

} // namespace mwauth::provider
