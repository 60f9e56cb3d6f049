#include "LoginApi.h"

#include "AuthRequests.h"
#include "common/ConstantTime.h"
#include "common/Logging.h"
#include "otp/Base32.h"
#include "otp/Otp.h"
#include "provider/server/ApiErrors.h"

#include <QJsonArray>
#include <QLocale>
#include <QSet>

namespace mwauth::provider {

namespace {

const QString kLoginToken = QStringLiteral("wsLoginToken");
const QString kEditToken = QStringLiteral("wsEditToken");
const QString kUserId = QStringLiteral("wsUserID");
const QString kUserName = QStringLiteral("wsUserName");
const QString kPendingUserId = QStringLiteral("authPendingUserID");
const QString kPendingRemember = QStringLiteral("authPendingRememberMe");
const QString kPendingModule = QStringLiteral("authPendingModule");
const QString kTotp = QStringLiteral("totp");
const QString kRecoveryCodes = QStringLiteral("recoverycodes");
const QString kRecoveryCodesKey = QStringLiteral("recoverycodes");
const QString kTokenSuffix = QStringLiteral("+\\");

constexpr int kSessionCookieDays = 30;
constexpr int kRememberMeDays = 180;

// ApiMain's own parameters, never "unrecognized".
const QSet<QString> &generalParams()
{
    static const QSet<QString> names {
        QStringLiteral("action"),        QStringLiteral("format"),
        QStringLiteral("formatversion"), QStringLiteral("utf8"),
        QStringLiteral("ascii"),         QStringLiteral("maxlag"),
        QStringLiteral("smaxage"),       QStringLiteral("maxage"),
        QStringLiteral("assert"),        QStringLiteral("assertuser"),
        QStringLiteral("requestid"),     QStringLiteral("servedby"),
        QStringLiteral("curtimestamp"),  QStringLiteral("responselanginfo"),
        QStringLiteral("origin"),        QStringLiteral("uselang"),
        QStringLiteral("variant"),       QStringLiteral("errorformat"),
        QStringLiteral("errorlang"),     QStringLiteral("errorsuselocal"),
    };
    return names;
}

QStringList clientLoginParams()
{
    return {QStringLiteral("logintoken"),         QStringLiteral("loginrequests"),
            QStringLiteral("loginmessageformat"), QStringLiteral("loginmergerequestfields"),
            QStringLiteral("loginpreservestate"), QStringLiteral("loginreturnurl"),
            QStringLiteral("logincontinue")};
}

QStringList fieldNames(const QList<AuthRequestInfo> &requests)
{
    QStringList names;
    for (const AuthRequestInfo &request : requests) {
        for (const AuthField &field : request.fields)
            names.append(field.name);
    }
    return names;
}

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

AuthRequestInfo moduleRequest(const QString &module, const QString &account)
{
    return module == kRecoveryCodes ? authrequests::recoveryCodes(account) : authrequests::totp(account);
}

// The message code and text of the first UI answer of `module`.
std::pair<QString, QString> moduleIntro(const QString &module)
{
    if (module == kRecoveryCodes)
        return {QStringLiteral("oathauth-auth-recovery-code-help"),
                QStringLiteral("Please enter one of the recovery codes you saved when you enabled two-factor "
                               "authentication.")};
    return {QStringLiteral("oathauth-auth-ui"),
            QStringLiteral("Please enter a code from your two-factor authentication application (such as "
                           "Google Authenticator).")};
}

void clearPending(SessionData &session)
{
    session.remove(kPendingUserId);
    session.remove(kPendingRemember);
    session.remove(kPendingModule);
}

} // namespace

LoginApi::LoginApi(UserStore &users, SessionStore &sessions, const Clock &clock, Random &random)
    : m_users(users)
    , m_sessions(sessions)
    , m_clock(clock)
    , m_random(random)
{ }

void LoginApi::install(ProviderServer &server)
{
    ProviderServer *srv = &server;
    server.setApiModule(QStringLiteral("query"),
                        [this](const ApiRequest &request) { return query(request); });
    server.setApiModule(QStringLiteral("clientlogin"), [this, srv](const ApiRequest &request) {
        return clientLogin(request, srv->wikiId());
    });
    server.setApiModule(QStringLiteral("logout"),
                        [this, srv](const ApiRequest &request) { return logout(request, srv->wikiId()); });
}

QString LoginApi::sessionToken(SessionData &session, const QString &key)
{
    QString token = session.value(key).toString();
    if (token.isEmpty()) {
        token = QString::fromLatin1(m_random.bytes(20).toHex());
        session.insert(key, token);
    }
    return token;
}

bool LoginApi::tokenMatches(const ApiRequest &request, const QString &key, const QString &sent) const
{
    const QString stored = request.session.value(key).toString();
    QString expected = stored + kTokenSuffix;
    if (key == kEditToken && request.session.value(kUserId).toLongLong() == 0)
        expected = kTokenSuffix; // anonymous csrf token
    else if (stored.isEmpty())
        return false;
    return constantTimeEquals(expected.toUtf8(), sent.toUtf8());
}

QJsonObject LoginApi::unrecognizedWarnings(const ApiRequest &request, const QString &module,
                                           const QStringList &moduleParams) const
{
    QStringList unknown;
    for (auto it = request.params.cbegin(); it != request.params.cend(); ++it) {
        if (!generalParams().contains(it.key()) && !moduleParams.contains(it.key()))
            unknown.append(it.key());
    }
    if (unknown.isEmpty())
        return {};
    return apiWarnings(module, unrecognizedParametersText(unknown), apiFormatVersion(request));
}

QByteArray LoginApi::cookieExpiry(int maxAge) const
{
    const QDateTime at = QDateTime::fromSecsSinceEpoch(qint64(m_clock.nowSeconds()) + maxAge, Qt::UTC);
    return QLocale::c().toString(at, QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'")).toLatin1()
        + "; Max-Age=" + QByteArray::number(maxAge);
}

// ---- action=query ----

QJsonObject LoginApi::userInfo(const ApiRequest &request, const SessionData &session)
{
    const ApiFormatVersion version = apiFormatVersion(request);
    const QStringList props = request.param(QStringLiteral("uiprop")).split(u'|', Qt::SkipEmptyParts);
    const qint64 id = session.value(kUserId).toLongLong();
    QJsonObject info;
    QStringList groups {QStringLiteral("*")};
    QStringList rights {QStringLiteral("read")};
    if (id != 0) {
        const Result<User> user = m_users.userById(id);
        info.insert(QStringLiteral("id"), id);
        info.insert(QStringLiteral("name"), user ? user->name : session.value(kUserName).toString());
        groups.append(QStringLiteral("user"));
        if (const Result<QStringList> own = m_users.groups(id))
            groups.append(*own);
        rights << QStringLiteral("edit") << QStringLiteral("writeapi");
    } else {
        QHostAddress peer = request.peer;
        bool isV4 = false;
        const quint32 v4 = peer.toIPv4Address(&isV4);
        if (isV4)
            peer = QHostAddress(v4);
        info.insert(QStringLiteral("id"), 0);
        info.insert(QStringLiteral("name"), peer.toString());
        putApiBool(info, QStringLiteral("anon"), true, version);
    }
    if (props.contains(QStringLiteral("groups")))
        info.insert(QStringLiteral("groups"), QJsonArray::fromStringList(groups));
    if (props.contains(QStringLiteral("rights")))
        info.insert(QStringLiteral("rights"), QJsonArray::fromStringList(rights));
    return info;
}

ApiResponse LoginApi::query(const ApiRequest &request)
{
    const ApiFormatVersion version = apiFormatVersion(request);
    SessionData session = request.session;
    bool sessionChanged = false;
    QJsonObject result;
    const QStringList metas = request.param(QStringLiteral("meta")).split(u'|', Qt::SkipEmptyParts);
    for (const QString &meta : metas) {
        if (meta == u"tokens") {
            QJsonObject tokens;
            const QStringList types = request.param(QStringLiteral("type"), QStringLiteral("csrf"))
                                          .split(u'|', Qt::SkipEmptyParts);
            for (const QString &type : types) {
                if (type == u"login") {
                    sessionChanged |= !session.contains(kLoginToken);
                    tokens.insert(QStringLiteral("logintoken"),
                                  QString(sessionToken(session, kLoginToken) + kTokenSuffix));
                } else if (type == u"csrf") {
                    QString token = kTokenSuffix;
                    if (session.value(kUserId).toLongLong() != 0) {
                        sessionChanged |= !session.contains(kEditToken);
                        token = sessionToken(session, kEditToken) + kTokenSuffix;
                    }
                    tokens.insert(QStringLiteral("csrftoken"), token);
                } else {
                    return apiError(request, QStringLiteral("badvalue"),
                                    apimessages::unrecognizedValue(QStringLiteral("type"), type));
                }
            }
            result.insert(QStringLiteral("tokens"), tokens);
        } else if (meta == u"userinfo") {
            result.insert(QStringLiteral("userinfo"), userInfo(request, session));
        } else if (meta == u"authmanagerinfo") {
            QJsonObject info;
            putApiBool(info, QStringLiteral("canauthenticatenow"), true, version);
            putApiBool(info, QStringLiteral("cancreateaccounts"), true, version);
            putApiBool(info, QStringLiteral("canlinkaccounts"), false, version);
            putApiBool(info, QStringLiteral("haspreservedstate"), false, version);
            putApiBool(info, QStringLiteral("hasprimarypreservedstate"), false, version);
            info.insert(QStringLiteral("preservedusername"), QString());
            if (request.hasParam(QStringLiteral("amirequestsfor"))) {
                const QString purpose = request.param(QStringLiteral("amirequestsfor"));
                if (purpose != u"login")
                    return apiError(
                        request, QStringLiteral("badvalue"),
                        apimessages::unrecognizedValue(QStringLiteral("amirequestsfor"), purpose));
                const QList<AuthRequestInfo> requests {authrequests::password(), authrequests::rememberMe()};
                const bool merge = request.hasParam(QStringLiteral("amimergerequestfields"));
                QJsonArray list;
                QList<AuthField> allFields;
                for (const AuthRequestInfo &item : requests) {
                    list.append(requestJson(item, version, !merge));
                    allFields.append(item.fields);
                }
                info.insert(QStringLiteral("requests"), list);
                if (merge)
                    info.insert(QStringLiteral("fields"), fieldsJson(allFields, version));
            }
            result.insert(QStringLiteral("authmanagerinfo"), info);
        } else {
            return apiError(request, QStringLiteral("badvalue"),
                            apimessages::unrecognizedValue(QStringLiteral("meta"), meta));
        }
    }
    QJsonObject out;
    putApiBool(out, QStringLiteral("batchcomplete"), true, version);
    if (!result.isEmpty())
        out.insert(QStringLiteral("query"), result);
    ApiResponse response = ApiResponse::json(out);
    if (sessionChanged)
        response.saveSession = session;
    return response;
}

// ---- action=clientlogin ----

ApiResponse LoginApi::clientLogin(const ApiRequest &request, const QString &wikiId)
{
    const QString tokenParam = QStringLiteral("logintoken");
    if (request.inQueryString(tokenParam))
        return apiError(request, QStringLiteral("mustpostparams"), apimessages::mustPostParams({tokenParam}));
    if (request.method != "POST")
        return apiError(request, QStringLiteral("mustbeposted"),
                        QStringLiteral("The \"clientlogin\" module requires a POST request."));
    if (!request.hasParam(tokenParam))
        return apiError(request, QStringLiteral("missingparam"),
                        QStringLiteral("The \"logintoken\" parameter must be set."));
    if (!tokenMatches(request, kLoginToken, request.param(tokenParam)))
        return apiError(request, QStringLiteral("badtoken"), QStringLiteral("Invalid CSRF token."));
    const bool isContinue = request.hasParam(QStringLiteral("logincontinue"));
    if (!isContinue && !request.hasParam(QStringLiteral("loginreturnurl")))
        return apiError(
            request, QStringLiteral("missingparam"),
            QStringLiteral("At least one of the parameters \"logincontinue\" and \"loginreturnurl\" "
                           "is required."));
    if (isContinue)
        return continueLogin(request, request.session, wikiId);
    return beginLogin(request, request.session, wikiId);
}

ApiResponse LoginApi::beginLogin(const ApiRequest &request, SessionData session, const QString &wikiId)
{
    const QJsonObject warnings = unrecognizedWarnings(
        request, QStringLiteral("main"),
        clientLoginParams() + fieldNames({authrequests::password(), authrequests::rememberMe()}));
    const QString name = request.param(QStringLiteral("username"));
    const Result<QString> canonical = UserStore::canonicalName(name);
    const QString throttleKey = canonical ? *canonical : name;
    const double now = m_clock.nowSeconds();
    if (m_passwordThrottle.isThrottled(throttleKey, now))
        return fail(request, QStringLiteral("login-throttled"),
                    QStringLiteral("You have made too many recent login attempts.\n"
                                   "Please wait 5 minutes before trying again."),
                    warnings);
    const Result<PasswordCheck> check
        = m_users.checkPassword(name, request.param(QStringLiteral("password")));
    if (!check || !check->matches) {
        if (!check)
            qCWarning(log::providerLogin) << "Login check failed:" << check.error().message();
        m_passwordThrottle.recordFailure(throttleKey, now);
        return fail(request, QStringLiteral("wrongpassword"),
                    QStringLiteral("Incorrect username or password entered.\nPlease try again."), warnings);
    }
    m_passwordThrottle.clear(throttleKey);
    const User user = check->user;
    const bool rememberMe = request.hasParam(QStringLiteral("rememberMe"));
    const QStringList modules = enabledModules(user.id);
    if (!modules.isEmpty()) {
        const QString module = modules.first();
        session.insert(kPendingUserId, user.id);
        session.insert(kPendingRemember, rememberMe);
        session.insert(kPendingModule, module);
        const auto [code, message] = moduleIntro(module);
        ApiResponse response = ui(request, user, module, code, message, warnings);
        response.saveSession = session;
        return response;
    }
    return pass(session, user, rememberMe, wikiId, warnings);
}

ApiResponse LoginApi::continueLogin(const ApiRequest &request, SessionData session, const QString &wikiId)
{
    const QString notInProgress = QStringLiteral(
        "Authentication is not in progress or session data has been lost. Please start again from the "
        "beginning.");
    const qint64 pendingId = session.value(kPendingUserId).toLongLong();
    if (pendingId == 0) {
        return fail(request, QStringLiteral("authmanager-authn-not-in-progress"), notInProgress,
                    unrecognizedWarnings(request, QStringLiteral("main"), clientLoginParams()));
    }
    const Result<User> user = m_users.userById(pendingId);
    const QStringList modules = user ? enabledModules(pendingId) : QStringList();
    if (modules.isEmpty()) {
        clearPending(session);
        ApiResponse response
            = fail(request, QStringLiteral("authmanager-authn-not-in-progress"), notInProgress);
        response.saveSession = session;
        return response;
    }
    QString module = session.value(kPendingModule).toString();
    if (!modules.contains(module))
        module = modules.first();
    QList<AuthRequestInfo> offered {moduleRequest(module, user->name)};
    if (modules.size() > 1)
        offered.append(authrequests::moduleSelect(user->name));
    const QJsonObject warnings
        = unrecognizedWarnings(request, QStringLiteral("main"), clientLoginParams() + fieldNames(offered));

    const QString newModule = request.param(QStringLiteral("newModule"));
    if (!newModule.isEmpty()) {
        if (!modules.contains(newModule)) {
            clearPending(session);
            ApiResponse response = fail(request, QStringLiteral("oathauth-invalidrequest"),
                                        QStringLiteral("Invalid request."), warnings);
            response.saveSession = session;
            return response;
        }
        session.insert(kPendingModule, newModule);
        const auto [code, message] = moduleIntro(newModule);
        ApiResponse response = ui(request, *user, newModule, code, message, warnings);
        response.saveSession = session;
        return response;
    }

    const QString throttleKey = QString::number(pendingId);
    const double now = m_clock.nowSeconds();
    if (m_totpThrottle.isThrottled(throttleKey, now))
        return ui(request, *user, module, QStringLiteral("oathauth-throttled"),
                  QStringLiteral("Too many verification attempts! Please wait 1 minute."), warnings);

    bool verified = false;
    if (module == kRecoveryCodes) {
        verified = consumeRecoveryCode(pendingId, request.param(QStringLiteral("RecoveryCode")));
    } else {
        const QByteArray code = request.param(QStringLiteral("OATHToken")).trimmed().toUtf8();
        if (const std::optional<quint64> step = acceptedTotpStep(pendingId, code, now)) {
            m_lastTotpStep.insert(pendingId, *step);
            verified = true;
        }
    }
    if (!verified) {
        m_totpThrottle.recordFailure(throttleKey, now);
        return ui(request, *user, module, QStringLiteral("oathauth-login-failed"),
                  QStringLiteral("Verification failed."), warnings);
    }
    m_totpThrottle.clear(throttleKey);
    const bool rememberMe = session.value(kPendingRemember).toBool();
    return pass(session, *user, rememberMe, wikiId, warnings);
}

QStringList LoginApi::enabledModules(qint64 userId) const
{
    QStringList modules;
    for (const QString &module : {kTotp, kRecoveryCodes}) {
        const Result<QList<TwoFactorRecord>> records = m_users.twoFactorRecords(userId, module);
        // A record counts even when it holds no usable secret (say, every recovery code is
        // used): the login then cannot pass instead of falling back to the password alone.
        if (records && !records->isEmpty())
            modules.append(module);
    }
    return modules;
}

std::optional<quint64> LoginApi::acceptedTotpStep(qint64 userId, const QByteArray &code, double now) const
{
    const Result<QList<TwoFactorRecord>> records = m_users.twoFactorRecords(userId, kTotp);
    if (!records || code.isEmpty())
        return std::nullopt;
    const std::optional<quint64> last
        = m_lastTotpStep.contains(userId) ? std::optional(m_lastTotpStep.value(userId)) : std::nullopt;
    for (const TwoFactorRecord &record : *records) {
        for (const QByteArray &secret : totpSecrets(record.data)) {
            const Result<QByteArray> key = otp::Base32::decode(secret);
            if (!key || key->isEmpty())
                continue;
            otp::TotpParameters params;
            params.secret = *key;
            if (const Result<quint64> step = otp::verifyTotp(params, code, now, TotpWindowRadius, last))
                return *step;
        }
    }
    return std::nullopt;
}

bool LoginApi::consumeRecoveryCode(qint64 userId, const QString &code)
{
    const QByteArray sent = code.trimmed().toUtf8();
    if (sent.isEmpty())
        return false;
    const Result<QList<TwoFactorRecord>> records = m_users.twoFactorRecords(userId, kRecoveryCodes);
    if (!records)
        return false;
    for (const TwoFactorRecord &record : *records) {
        const QJsonArray codes = record.data.value(kRecoveryCodesKey).toArray();
        // Every stored code is compared, so the time taken does not tell which one matched.
        qsizetype match = -1;
        for (qsizetype i = 0; i < codes.size(); ++i) {
            if (constantTimeEquals(codes.at(i).toString().toUtf8(), sent) && match < 0)
                match = i;
        }
        if (match < 0)
            continue;
        QJsonArray remaining = codes;
        remaining.removeAt(match);
        QJsonObject data = record.data;
        data.insert(kRecoveryCodesKey, remaining);
        // The store has no update: the record is replaced. The code counts as used only once
        // the old record is gone.
        const Result<void> removed = m_users.removeTwoFactor(userId, record.id);
        if (!removed) {
            qWarning("Could not remove a used recovery code: %s", qUtf8Printable(removed.error().message()));
            return false;
        }
        if (const Result<TwoFactorRecord> added = m_users.addTwoFactor(userId, kRecoveryCodes, data); !added)
            qWarning("Could not store the remaining recovery codes: %s",
                     qUtf8Printable(added.error().message()));
        return true;
    }
    return false;
}

ApiResponse LoginApi::pass(SessionData session, const User &user, bool rememberMe, const QString &wikiId,
                           const QJsonObject &warnings)
{
    clearPending(session);
    // The session is renewed (renewSessionId below): like MediaWiki, its tokens do not
    // survive that, so a login token from before the login is a badtoken afterwards.
    session.remove(kEditToken);
    session.remove(kLoginToken);
    session.insert(kUserId, user.id);
    session.insert(kUserName, user.name);
    QJsonObject body {{QStringLiteral("clientlogin"),
                       QJsonObject {{QStringLiteral("status"), QStringLiteral("PASS")},
                                    {QStringLiteral("username"), user.name}}}};
    if (!warnings.isEmpty())
        body.insert(QStringLiteral("warnings"), warnings);
    ApiResponse response = ApiResponse::json(body);
    response.saveSession = session;
    response.renewSessionId = true; // as MediaWiki does on login: no session fixation
    const int maxAge = (rememberMe ? kRememberMeDays : kSessionCookieDays) * 24 * 3600;
    const QByteArray attributes = "; expires=" + cookieExpiry(maxAge) + "; path=/; HttpOnly";
    const QByteArray prefix = wikiId.toUtf8();
    response.addHeader("Set-Cookie", prefix + "UserID=" + QByteArray::number(user.id) + attributes);
    response.addHeader("Set-Cookie",
                       prefix + "UserName=" + QUrl::toPercentEncoding(user.name, "!$'()*,:@") + attributes);
    if (rememberMe)
        response.addHeader("Set-Cookie", prefix + "Token=" + m_random.bytes(16).toHex() + attributes);
    return response;
}

ApiResponse LoginApi::fail(const ApiRequest &request, const QString &code, const QString &message,
                           const QJsonObject &warnings)
{
    QJsonObject result {{QStringLiteral("status"), QStringLiteral("FAIL")},
                        {QStringLiteral("message"), message},
                        {QStringLiteral("messagecode"), code}};
    if (apiFormatVersion(request) == ApiFormatVersion::V2)
        result.insert(QStringLiteral("canpreservestate"), false);
    QJsonObject body {{QStringLiteral("clientlogin"), result}};
    if (!warnings.isEmpty())
        body.insert(QStringLiteral("warnings"), warnings);
    return ApiResponse::json(body);
}

ApiResponse LoginApi::ui(const ApiRequest &request, const User &user, const QString &module,
                         const QString &code, const QString &message, const QJsonObject &warnings)
{
    const ApiFormatVersion version = apiFormatVersion(request);
    QJsonArray requests {requestJson(moduleRequest(module, user.name), version)};
    const QStringList modules = enabledModules(user.id);
    if (modules.size() > 1)
        requests.append(authrequests::moduleSelectJson(user.name, module, modules, version));
    const QJsonObject result {
        {QStringLiteral("status"), QStringLiteral("UI")},
        {QStringLiteral("requests"), requests},
        {QStringLiteral("message"), message},
        {QStringLiteral("messagecode"), code},
    };
    QJsonObject body {{QStringLiteral("clientlogin"), result}};
    if (!warnings.isEmpty())
        body.insert(QStringLiteral("warnings"), warnings);
    return ApiResponse::json(body);
}

// ---- action=logout ----

ApiResponse LoginApi::logout(const ApiRequest &request, const QString &wikiId)
{
    const QString tokenParam = QStringLiteral("token");
    if (request.inQueryString(tokenParam))
        return apiError(request, QStringLiteral("mustpostparams"), apimessages::mustPostParams({tokenParam}));
    if (request.method != "POST")
        return apiError(request, QStringLiteral("mustbeposted"),
                        QStringLiteral("The \"logout\" module requires a POST request."));
    if (!request.hasParam(tokenParam))
        return apiError(request, QStringLiteral("missingparam"),
                        QStringLiteral("The \"token\" parameter must be set."));
    if (!tokenMatches(request, kEditToken, request.param(tokenParam)))
        return apiError(request, QStringLiteral("badtoken"), QStringLiteral("Invalid CSRF token."));
    ApiResponse response = ApiResponse::json(QJsonObject {});
    response.endSession = true;
    const QByteArray prefix = wikiId.toUtf8();
    const QByteArray expired = "=deleted; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; path=/; HttpOnly";
    response.addHeader("Set-Cookie", prefix + "UserID" + expired);
    response.addHeader("Set-Cookie", prefix + "Token" + expired);
    return response;
}

} // namespace mwauth::provider
