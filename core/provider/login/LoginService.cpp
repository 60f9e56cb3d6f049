#include "LoginService.h"

#include "common/ConstantTime.h"
#include "common/Logging.h"
#include "jose/Jwk.h"
#include "otp/Base32.h"
#include "otp/Otp.h"
#include "otp/WebAuthnAssertion.h"
#include "otp/WebAuthnRequestOptions.h"

#include <QJsonArray>

#include <QJsonDocument>
#include <algorithm>

namespace mwauth::provider {

const QString LoginService::UserIdKey = QStringLiteral("wsUserID");
const QString LoginService::UserNameKey = QStringLiteral("wsUserName");
const QString LoginService::LoginTokenKey = QStringLiteral("wsLoginToken");
const QString LoginService::EditTokenKey = QStringLiteral("wsEditToken");

namespace {

const QString kPendingUserId = QStringLiteral("authPendingUserID");
const QString kPendingRemember = QStringLiteral("authPendingRememberMe");
const QString kThrottleKey = QStringLiteral("authLoginThrottle");
const QString kPendingModule = QStringLiteral("authPendingModule");
const QString kChallenge = QStringLiteral("authWebAuthnChallenge");
const QString kChallengeTime = QStringLiteral("authWebAuthnChallengeTime");
const QString kLastAuthId = QStringLiteral("AuthManager:lastAuthId");
const QString kLastAuthTime = QStringLiteral("AuthManager:lastAuthTimestamp");
const QString kTotp = QStringLiteral("totp");
const QString kWebAuthn = QStringLiteral("webauthn");
const QString kRecoveryCodes = QStringLiteral("recoverycodes");

// The base32 TOTP seeds of a record: {"secret": S} or {"keys": [{"secret": S}, ...]}.
QList<QByteArray> totpSecrets(const QJsonObject &data)
{
    QList<QByteArray> secrets;
    if (data.contains(QStringLiteral("secret")))
        secrets.append(data.value(QStringLiteral("secret")).toString().toLatin1());
    const QJsonArray keys = data.value(QStringLiteral("keys")).toArray();
    for (const QJsonValue &key : keys)
        secrets.append(key.toObject().value(QStringLiteral("secret")).toString().toLatin1());
    return secrets;
}

// The message code and text of the first UI answer of `module`.
std::pair<QString, QString> moduleIntro(const QString &module)
{
    if (module == kRecoveryCodes)
        return {QStringLiteral("oathauth-auth-recovery-code-help"),
                QStringLiteral("Please enter one of the recovery codes you saved when you enabled two-factor "
                               "authentication.")};
    if (module == kWebAuthn)
        return {QStringLiteral("oathauth-webauthn-ui-login-prompt"),
                QStringLiteral("Use your security key to confirm that it is you.")};
    return {QStringLiteral("oathauth-auth-ui"),
            QStringLiteral("Please enter a code from your two-factor authentication application (such as "
                           "Google Authenticator).")};
}

LoginOutcome failure(const QString &code, const QString &message)
{
    LoginOutcome outcome;
    outcome.status = LoginOutcome::Status::Fail;
    outcome.messageCode = code;
    outcome.message = message;
    return outcome;
}

LoginOutcome notInProgress()
{
    return failure(QStringLiteral("authmanager-authn-not-in-progress"),
                   QStringLiteral("Authentication is not in progress or session data has been lost. Please "
                                  "start again from the beginning."));
}

// What a recovery code is compared as: upper case, without the group separators and the
// spaces people type ("7kqm x2rd-9fht" is "7KQMX2RD9FHT").
QByteArray normalizedRecoveryCode(const QString &code)
{
    QString out;
    for (const QChar c : code) {
        if (c != u'-' && !c.isSpace())
            out.append(c.toUpper());
    }
    return out.toUtf8();
}

void clearPending(SessionData &session)
{
    for (const QString &key : {kPendingUserId, kPendingRemember, kPendingModule, kChallenge, kChallengeTime})
        session.remove(key);
}

} // namespace

LoginService::LoginService(UserStore &users, ProviderDatabase &db, const Clock &clock, Random &random,
                           const QString &rpId)
    : m_users(users)
    , m_clock(clock)
    , m_random(random)
    , m_rpId(rpId)
    , m_totpThrottle(db, QStringLiteral("badoath"), TotpAttemptLimit, TotpAttemptWindow)
    , m_usedSteps(db)
{
    // $wgPasswordAttemptThrottle's default: 5 attempts in 5 minutes, 150 in 48 hours.
    m_passwordThrottles.push_back(
        {std::make_unique<LoginThrottle>(db, QStringLiteral("password"), PasswordAttemptLimit,
                                         PasswordAttemptWindow),
         QStringLiteral("5 minutes")});
    m_passwordThrottles.push_back(
        {std::make_unique<LoginThrottle>(db, QStringLiteral("password-long"), LongPasswordAttemptLimit,
                                         LongPasswordAttemptWindow),
         QStringLiteral("2 days")});
}

LoginService::~LoginService() = default;

Result<int> LoginService::purgeExpiredThrottles()
{
    const double now = m_clock.nowSeconds();
    int purged = 0;
    for (const PasswordThrottle &throttle : m_passwordThrottles) {
        const Result<int> count = throttle.counter->purgeExpired(now);
        if (!count)
            return count.error();
        purged += *count;
    }
    const Result<int> count = m_totpThrottle.purgeExpired(now);
    if (!count)
        return count.error();
    return purged + *count;
}

bool LoginService::claimTotpStep(qint64 userId, quint64 step)
{
    const Result<bool> claimed = m_usedSteps.advance(userId, step);
    if (!claimed)
        qCWarning(log::providerLogin).noquote() << claimed.error().toString();
    return claimed && *claimed;
}

QString LoginService::ipText(const QHostAddress &peer)
{
    bool isV4 = false;
    const quint32 v4 = peer.toIPv4Address(&isV4);
    return isV4 ? QHostAddress(v4).toString() : peer.toString();
}

qint64 LoginService::loggedInUserId(const SessionData &session)
{
    return session.value(UserIdKey).toLongLong();
}

std::optional<User> LoginService::pendingUser(const SessionData &session) const
{
    const qint64 id = session.value(kPendingUserId).toLongLong();
    if (id == 0)
        return std::nullopt;
    Result<User> user = m_users.userById(id);
    if (!user)
        return std::nullopt;
    return *user;
}

QString LoginService::pendingModule(const SessionData &session)
{
    return session.value(kPendingModule).toString();
}

void LoginService::cancel(SessionData &session)
{
    clearPending(session);
}

QStringList LoginService::enabledModules(qint64 userId, LoginChannel channel) const
{
    const QStringList order {kWebAuthn, kTotp, kRecoveryCodes};
    // One read of every record of the user. A record counts even when it holds no usable
    // secret (say, every recovery code is used): the login then cannot pass instead of falling
    // back to the password alone.
    const Result<QList<TwoFactorRecord>> records = m_users.twoFactorRecords(userId);
    if (!records)
        qCWarning(log::providerLogin) << "Reading the 2FA records failed:" << records.error().message();
    QStringList modules;
    for (const QString &module : order) {
        // Unreadable records fail closed: every module is asked for, and none can pass.
        const bool has = !records
            || std::any_of(records->cbegin(), records->cend(),
                           [&module](const TwoFactorRecord &record) { return record.module == module; });
        if (has)
            modules.append(module);
    }
    if (channel == LoginChannel::Api && modules.contains(kTotp))
        modules.move(modules.indexOf(kTotp), 0);
    return modules;
}

QStringList LoginService::allowedModules(const SessionData &session, qint64 userId,
                                         LoginChannel channel) const
{
    QStringList modules = enabledModules(userId, channel);
    // A reauthentication (the session's own user logging in again) must not be done with a
    // recovery code, unless that is the user's only module.
    if (loggedInUserId(session) == userId && modules.size() > 1)
        modules.removeAll(kRecoveryCodes);
    return modules;
}

LoginOutcome LoginService::begin(SessionData &session, const QString &username, const QString &password,
                                 bool rememberMe, LoginChannel channel, const QString &clientIp)
{
    clearPending(session);
    // MediaWiki's ThrottlePreAuthenticationProvider: every attempt counts, before anything is
    // checked, per (name, IP) or per IP when no name is given; only a PASS clears the count.
    const Result<QString> canonical = UserStore::canonicalName(username);
    const QString throttleKey
        = (username.isEmpty() ? QString() : (canonical ? *canonical : username)) + u'|' + clientIp;
    const double now = m_clock.nowSeconds();
    for (const PasswordThrottle &throttle : m_passwordThrottles) {
        if (throttle.counter->isThrottled(throttleKey, now))
            return failure(QStringLiteral("login-throttled"),
                           QStringLiteral("You have made too many recent login attempts.\n"
                                          "Please wait %1 before trying again.")
                               .arg(throttle.wait));
    }
    for (const PasswordThrottle &throttle : m_passwordThrottles)
        throttle.counter->recordFailure(throttleKey, now);
    session.insert(kThrottleKey, throttleKey);
    // PasswordAuthenticationRequest is only built from a non-empty name and password; without
    // it no primary provider takes the login.
    if (username.isEmpty() || password.isEmpty())
        return failure(QStringLiteral("authmanager-authn-no-primary"),
                       QStringLiteral("The supplied credentials could not be authenticated."));
    const Result<PasswordCheck> check = m_users.checkPassword(username, password);
    if (!check || !check->matches) {
        if (!check)
            qCWarning(log::providerLogin) << "Login check failed:" << check.error().message();
        return failure(QStringLiteral("wrongpassword"),
                       QStringLiteral("Incorrect username or password entered.\nPlease try again."));
    }
    const User user = check->user;
    const QStringList modules = allowedModules(session, user.id, channel);
    if (modules.isEmpty())
        return pass(session, user, rememberMe);
    session.insert(kPendingUserId, user.id);
    session.insert(kPendingRemember, rememberMe);
    const QString module = modules.first();
    const auto [code, message] = moduleIntro(module);
    return askModule(session, user, module, modules, code, message);
}

LoginOutcome LoginService::proceed(SessionData &session, const QHash<QString, QString> &fields,
                                   LoginChannel channel, const QString &origin)
{
    const std::optional<User> user = pendingUser(session);
    if (!user) {
        clearPending(session);
        return notInProgress();
    }
    const QStringList modules = allowedModules(session, user->id, channel);
    if (modules.isEmpty()) { // the second factors went away meanwhile
        clearPending(session);
        return notInProgress();
    }
    QString module = pendingModule(session);
    if (!modules.contains(module))
        module = modules.first();

    const QString newModule = fields.value(QStringLiteral("newModule"));
    if (!newModule.isEmpty()) {
        if (!modules.contains(newModule)) {
            clearPending(session);
            return failure(QStringLiteral("oathauth-invalidrequest"), QStringLiteral("Invalid request."));
        }
        const auto [code, message] = moduleIntro(newModule);
        return askModule(session, *user, newModule, modules, code, message);
    }

    const QString throttleKey = QString::number(user->id);
    const double now = m_clock.nowSeconds();
    if (m_totpThrottle.isThrottled(throttleKey, now))
        return askModule(session, *user, module, modules, QStringLiteral("oathauth-throttled"),
                         QStringLiteral("Too many verification attempts! Please wait 1 minute."));

    bool verified = false;
    if (module == kRecoveryCodes)
        verified = consumeRecoveryCode(user->id, fields.value(QStringLiteral("RecoveryCode")));
    else if (module == kWebAuthn)
        verified = verifyWebAuthn(session, user->id, fields.value(QStringLiteral("credential")), origin);
    else
        verified = verifyTotp(user->id, fields.value(QStringLiteral("OATHToken")), now);
    if (!verified) {
        m_totpThrottle.recordFailure(throttleKey, now);
        return askModule(session, *user, module, modules, QStringLiteral("oathauth-login-failed"),
                         QStringLiteral("Verification failed."));
    }
    m_totpThrottle.clear(throttleKey);
    return pass(session, *user, session.value(kPendingRemember).toBool());
}

LoginOutcome LoginService::askModule(SessionData &session, const User &user, const QString &module,
                                     const QStringList &modules, const QString &code, const QString &message)
{
    session.insert(kPendingModule, module);
    LoginOutcome outcome;
    outcome.status = LoginOutcome::Status::Ui;
    outcome.messageCode = code;
    outcome.message = message;
    outcome.user = user;
    outcome.module = module;
    outcome.modules = modules;
    if (module == kWebAuthn)
        outcome.authInfo = newWebAuthnChallenge(session, user.id);
    else
        session.remove(kChallenge);
    return outcome;
}

LoginOutcome LoginService::pass(SessionData &session, const User &user, bool rememberMe)
{
    if (session.contains(kThrottleKey)) {
        for (const PasswordThrottle &throttle : m_passwordThrottles)
            throttle.counter->clear(session.value(kThrottleKey).toString());
        session.remove(kThrottleKey);
    }
    clearPending(session);
    // The caller renews the session id; like MediaWiki, tokens do not survive that, so a
    // login token from before the login is a badtoken afterwards.
    session.remove(EditTokenKey);
    session.remove(LoginTokenKey);
    session.insert(UserIdKey, user.id);
    session.insert(UserNameKey, user.name);
    session.insert(kLastAuthId, user.id);
    session.insert(kLastAuthTime, m_clock.nowSeconds());
    // When this session's user authenticated last (OpenID Connect auth_time, max_age and
    // prompt=login read it): seconds since the epoch, renewed by every login.
    session.insert(QStringLiteral("wsLoginTime"), m_clock.nowSeconds());
    LoginOutcome outcome;
    outcome.status = LoginOutcome::Status::Pass;
    outcome.user = user;
    outcome.rememberMe = rememberMe;
    return outcome;
}

SecurityLevel LoginService::securityLevel(const SessionData &session, const QString &operation) const
{
    Q_UNUSED(operation); // one threshold for every operation, like $wgReauthenticateTime's default
    SecurityLevel level;
    const qint64 id = loggedInUserId(session);
    if (id == 0) {
        level.status = QStringLiteral("reauth");
        return level;
    }
    if (session.value(kLastAuthId).toLongLong() == id && session.contains(kLastAuthTime)) {
        const double last = session.value(kLastAuthTime).toDouble();
        level.elevatedUntil = last + m_reauthenticateSeconds;
        const double since = std::max(0.0, m_clock.nowSeconds() - last);
        level.status = since > m_reauthenticateSeconds ? QStringLiteral("reauth") : QStringLiteral("ok");
        return level;
    }
    level.status = QStringLiteral("reauth");
    return level;
}

bool LoginService::verifyTotp(qint64 userId, const QString &code, double now)
{
    const QByteArray sent = code.trimmed().toUtf8();
    const Result<QList<TwoFactorRecord>> records = m_users.twoFactorRecords(userId, kTotp);
    if (!records || sent.isEmpty())
        return false;
    const std::optional<quint64> last = m_usedSteps.lastStep(userId);
    for (const TwoFactorRecord &record : *records) {
        for (const QByteArray &secret : totpSecrets(record.data)) {
            const Result<QByteArray> key = otp::Base32::decode(secret);
            if (!key || key->isEmpty())
                continue;
            otp::TotpParameters params;
            params.secret = *key;
            // A matching code passes only if its step is claimed: of two logins racing with
            // one code, one wins; the other is a replay.
            if (const Result<quint64> step = otp::verifyTotp(params, sent, now, TotpWindowRadius, last))
                return claimTotpStep(userId, *step);
        }
    }
    return false;
}

bool LoginService::consumeRecoveryCode(qint64 userId, const QString &code)
{
    const QByteArray sent = normalizedRecoveryCode(code);
    if (sent.isEmpty())
        return false;
    const Result<QList<TwoFactorRecord>> records = m_users.twoFactorRecords(userId, kRecoveryCodes);
    if (!records)
        return false;
    for (const TwoFactorRecord &record : *records) {
        const QJsonArray codes = record.data.value(kRecoveryCodes).toArray();
        // Every stored code is compared, so the time taken does not tell which one matched.
        qsizetype match = -1;
        for (qsizetype i = 0; i < codes.size(); ++i) {
            if (constantTimeEquals(normalizedRecoveryCode(codes.at(i).toString()), sent) && match < 0)
                match = i;
        }
        if (match < 0)
            continue;
        QJsonArray remaining = codes;
        remaining.removeAt(match);
        QJsonObject data = record.data;
        data.insert(kRecoveryCodes, remaining);
        // Compare-and-swap: of two logins racing with the same code, only one wins.
        const Result<void> updated = m_users.updateTwoFactor(userId, record.id, record.data, data);
        if (!updated) {
            qCWarning(log::providerLogin) << "A recovery code was not used up:" << updated.error().message();
            return false;
        }
        return true;
    }
    return false;
}

QByteArray LoginService::newWebAuthnChallenge(SessionData &session, qint64 userId)
{
    otp::WebAuthnRequestOptions options;
    options.challenge = m_random.bytes(32);
    options.rpId = m_rpId;
    options.userVerification = otp::UserVerification::Preferred;
    options.timeoutMs = WebAuthnTimeoutMs;
    if (const Result<QList<TwoFactorRecord>> records = m_users.twoFactorRecords(userId, kWebAuthn)) {
        for (const TwoFactorRecord &record : *records) {
            if (const Result<otp::WebAuthnPublicCredential> credential
                = otp::WebAuthnPublicCredential::fromJson(
                    record.data.value(QStringLiteral("credential")).toObject()))
                options.allowCredentials.append(credential->credentialId);
        }
    }
    session.insert(kChallenge, QString::fromLatin1(options.challenge.toBase64()));
    session.insert(kChallengeTime, m_clock.nowSeconds());
    return options.toJson();
}

bool LoginService::verifyWebAuthn(SessionData &session, qint64 userId, const QString &credentialJson,
                                  const QString &origin)
{
    // The challenge is used once, whatever the outcome: a failed answer gets a new one.
    const QByteArray challenge = QByteArray::fromBase64(session.value(kChallenge).toString().toLatin1());
    const double issued = session.value(kChallengeTime).toDouble();
    session.remove(kChallenge);
    session.remove(kChallengeTime);
    if (challenge.isEmpty() || m_clock.nowSeconds() - issued > WebAuthnTimeoutMs / 1000.0)
        return false;
    const Result<otp::WebAuthnAssertion> assertion = otp::WebAuthnAssertion::parse(credentialJson.toUtf8());
    if (!assertion) {
        qCInfo(log::providerLogin) << "WebAuthn answer refused:" << assertion.error().message();
        return false;
    }
    const Result<QList<TwoFactorRecord>> records = m_users.twoFactorRecords(userId, kWebAuthn);
    if (!records)
        return false;
    for (const TwoFactorRecord &record : *records) {
        const Result<otp::WebAuthnPublicCredential> credential = otp::WebAuthnPublicCredential::fromJson(
            record.data.value(QStringLiteral("credential")).toObject());
        if (!credential || credential->credentialId != assertion->credentialId)
            continue;
        otp::WebAuthnExpectation expected;
        expected.challenge = challenge;
        expected.origin = origin;
        expected.rpId = m_rpId;
        expected.publicKey = credential->publicKey;
        expected.storedSignCount = quint32(record.data.value(QStringLiteral("signCount")).toInteger());
        const Result<quint32> count = assertion->verify(expected);
        if (!count) {
            qCInfo(log::providerLogin) << "WebAuthn assertion refused:" << count.error().message();
            return false;
        }
        QJsonObject data = record.data;
        data.insert(QStringLiteral("signCount"), qint64(*count));
        // Compare-and-swap: a clone racing with the same counter loses.
        const Result<void> updated = m_users.updateTwoFactor(userId, record.id, record.data, data);
        if (!updated) {
            qCWarning(log::providerLogin)
                << "The WebAuthn counter was not stored:" << updated.error().message();
            return false;
        }
        return true;
    }
    qCInfo(log::providerLogin) << "WebAuthn answer names a credential the user does not have";
    return false;
}

} // namespace mwauth::provider
