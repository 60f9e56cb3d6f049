#pragma once

#include "LoginThrottle.h"
#include "ReplayGuard.h"
#include "common/Clock.h"
#include "common/Random.h"
#include "provider/accounts/UserStore.h"
#include "provider/server/ProviderRequest.h"

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QString>
#include <QStringList>
#include <memory>
#include <optional>
#include <vector>

namespace mwauth::provider {

// Who asks: the Action API (clientlogin) or the browser pages (Special:UserLogin). They differ
// only in which second factor comes first (reference/oathauth-clientlogin.md, "Which module is
// offered first"): the web offers webauthn, then totp, then recoverycodes; the API offers TOTP
// first whenever the user has it, so apps that only know the TOTP request keep working.
enum class LoginChannel { Api, Web };

// What one login step came to, for the caller to render (JSON for the API, HTML for the pages).
struct LoginOutcome
{
    enum class Status { Pass, Fail, Ui };
    Status status = Status::Fail;
    QString messageCode; // MediaWiki's message key ("wrongpassword", "oathauth-login-failed", ...)
    QString message; // its English text
    User user; // Pass: who is logged in now; Ui: whose login is pending
    bool rememberMe = false; // Pass
    // Ui: the module whose request is asked now, and the modules the user may switch to
    // (in the channel's order; the module-select request is shown when there are two or more).
    QString module;
    QStringList modules;
    QByteArray authInfo; // Ui with module "webauthn": the PublicKeyCredentialRequestOptions JSON
};

// The security level of a session for a security-sensitive operation
// (AuthManager::securitySensitiveOperationStatus in MediaWiki 1.39).
struct SecurityLevel
{
    QString status; // "ok", "reauth" or "fail", as MediaWiki's API writes them
    // When the elevated level ends (Clock seconds); set when the session's user logged in
    // within this session, even if that is already past.
    std::optional<double> elevatedUntil;
};

// The login state machine of the local provider, shared by action=clientlogin (LoginApi) and
// Special:UserLogin (LoginPages). It keeps its state in the caller's SessionData and never
// touches HTTP; the caller saves the session and renews its id after a Pass.
//
//   begin:   username + password ---wrong / unknown / throttled-----------------> Fail
//                                 ---right, no second factor-------------------> Pass
//                                 ---right, 2FA------------------------------> Ui (pending)
//   proceed: (no pending login) ---------------------------------------------> Fail
//            newModule=<allowed> ------------------------------------------> Ui (that module)
//            newModule=<other> ------------------------------------------------> Fail
//            the module's answer, verified -----------------------------------> Pass
//            the module's answer, wrong or replayed ---------------------------> Ui (failed)
//
// Modules and their fields: "totp" (OATHToken; a step is accepted once), "recoverycodes"
// (RecoveryCode, compared without case, hyphens and spaces; a code works once, removed
// atomically from the record), "webauthn"
// (credential: an assertion over the challenge in auth_info, verified with the stored ES256
// key, the signature counter must grow). Wrong answers of any module count toward OATHAuth's
// "badoath" throttle (10 per 60 s per user). Every password attempt counts toward
// MediaWiki's $wgPasswordAttemptThrottle (5 per 300 s and 150 per 48 h, per name and IP),
// cleared only by a PASS. Throttles and used TOTP steps live in the provider database
// (LoginThrottle, ReplayGuard), so they hold across restarts and provider instances.
//
// Reauthentication: a Pass records the time in the session ("AuthManager:lastAuthId" /
// "AuthManager:lastAuthTimestamp", as MediaWiki does); securityLevel() is "ok" for
// reauthenticateSeconds after it, then "reauth". A login of the session's own user while it
// is logged in is a reauthentication: recovery codes are not offered then.
class LoginService
{
public:
    static constexpr int PasswordAttemptLimit = 5;
    static constexpr double PasswordAttemptWindow = 300;
    static constexpr int LongPasswordAttemptLimit = 150;
    static constexpr double LongPasswordAttemptWindow = 48 * 3600;
    static constexpr int TotpAttemptLimit = 10;
    static constexpr double TotpAttemptWindow = 60;
    static constexpr int TotpWindowRadius = 4;
    static constexpr double DefaultReauthenticateSeconds = 300; // $wgReauthenticateTime
    static constexpr int WebAuthnTimeoutMs = 60000;

    // Session keys (MediaWiki's names where it has them).
    static const QString UserIdKey; // "wsUserID"
    static const QString UserNameKey; // "wsUserName"
    static const QString LoginTokenKey; // "wsLoginToken"
    static const QString EditTokenKey; // "wsEditToken"

    // `users`, `db` (where throttles and used TOTP steps are kept), `clock` and `random` must
    // outlive the service. `rpId` is the WebAuthn relying party id (a host name; the
    // provider's is "127.0.0.1").
    LoginService(UserStore &users, ProviderDatabase &db, const Clock &clock, Random &random,
                 const QString &rpId);
    ~LoginService();
    LoginService(const LoginService &) = delete;
    LoginService &operator=(const LoginService &) = delete;

    void setReauthenticateSeconds(double seconds) { m_reauthenticateSeconds = seconds; }
    double reauthenticateSeconds() const { return m_reauthenticateSeconds; }
    const QString &rpId() const { return m_rpId; }

    // Starts a login. A pending login of the session is replaced. `clientIp` keys the
    // password throttle with the name, as MediaWiki does.
    LoginOutcome begin(SessionData &session, const QString &username, const QString &password,
                       bool rememberMe, LoginChannel channel, const QString &clientIp = {});
    // Continues the pending login with the submitted fields (OATHToken, RecoveryCode,
    // credential, newModule). `origin` is the scheme://host:port the client talks to: a
    // WebAuthn assertion must name it.
    LoginOutcome proceed(SessionData &session, const QHash<QString, QString> &fields, LoginChannel channel,
                         const QString &origin);
    // The user of a pending login, if any, and the module asked of them.
    std::optional<User> pendingUser(const SessionData &session) const;
    static QString pendingModule(const SessionData &session);
    // Ends a pending login (the user cancelled).
    static void cancel(SessionData &session);

    // A client's address as MediaWiki writes it ("127.0.0.1", not "::ffff:127.0.0.1").
    static QString ipText(const QHostAddress &peer);

    // The logged-in user's id, 0 when anonymous.
    static qint64 loggedInUserId(const SessionData &session);
    SecurityLevel securityLevel(const SessionData &session, const QString &operation) const;

    // Deletes throttle counters whose window is over (the provider calls it when it starts);
    // returns how many went, or the database's error.
    Result<int> purgeExpiredThrottles();

    // Marks TOTP step `step` as used by `userId` (the replay guard a login checks); false when
    // it or a later step was used already. For pages that verify a code themselves (OATHManage
    // confirming a new seed), so that code cannot also log in.
    bool claimTotpStep(qint64 userId, quint64 step);

    // The second-factor modules `userId` has enabled, in the channel's order.
    QStringList enabledModules(qint64 userId, LoginChannel channel) const;

private:
    LoginOutcome pass(SessionData &session, const User &user, bool rememberMe);
    LoginOutcome askModule(SessionData &session, const User &user, const QString &module,
                           const QStringList &modules, const QString &code, const QString &message);
    QStringList allowedModules(const SessionData &session, qint64 userId, LoginChannel channel) const;
    bool verifyTotp(qint64 userId, const QString &code, double now);
    bool consumeRecoveryCode(qint64 userId, const QString &code);
    bool verifyWebAuthn(SessionData &session, qint64 userId, const QString &credential,
                        const QString &origin);
    QByteArray newWebAuthnChallenge(SessionData &session, qint64 userId);

    UserStore &m_users;
    const Clock &m_clock;
    Random &m_random;
    QString m_rpId;
    double m_reauthenticateSeconds = DefaultReauthenticateSeconds;
    struct PasswordThrottle
    {
        std::unique_ptr<LoginThrottle> counter;
        QString wait; // "5 minutes", for the login-throttled message
    };
    std::vector<PasswordThrottle> m_passwordThrottles;
    LoginThrottle m_totpThrottle;
    ReplayGuard m_usedSteps;
};

} // namespace mwauth::provider
