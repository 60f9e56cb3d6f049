#include "LoginApi.h"

#include "SiteInfo.h"

#include "AuthRequests.h"
#include "SessionTokens.h"
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

const QString &kLoginToken = LoginService::LoginTokenKey;
const QString &kEditToken = LoginService::EditTokenKey;
const QString &kUserId = LoginService::UserIdKey;
const QString &kUserName = LoginService::UserNameKey;

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

QByteArray cookieExpiry(double now, int maxAge)
{
    const QDateTime at = QDateTime::fromSecsSinceEpoch(qint64(now) + maxAge, Qt::UTC);
    return QLocale::c().toString(at, QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'")).toLatin1()
        + "; Max-Age=" + QByteArray::number(maxAge);
}

QString apiTimestamp(double seconds)
{
    return QDateTime::fromSecsSinceEpoch(qint64(seconds), Qt::UTC).toString(Qt::ISODate);
}

} // namespace

LoginApi::LoginApi(LoginService &login, UserStore &users, const Clock &clock, Random &random)
    : m_login(login)
    , m_users(users)
    , m_clock(clock)
    , m_random(random)
{ }

void LoginApi::install(ProviderServer &server)
{
    ProviderServer *srv = &server;
    server.setApiModule(QStringLiteral("query"),
                        [this, srv](const ApiRequest &request) { return query(request, srv->wikiId()); });
    server.setApiModule(QStringLiteral("clientlogin"), [this, srv](const ApiRequest &request) {
        return clientLogin(request, srv->wikiId());
    });
    server.setApiModule(QStringLiteral("logout"),
                        [this, srv](const ApiRequest &request) { return logout(request, srv->wikiId()); });
}

bool LoginApi::tokenMatches(const ApiRequest &request, const QString &key, const QString &sent) const
{
    if (key == kEditToken && request.session.value(kUserId).toLongLong() == 0) // anonymous csrf token
        return constantTimeEquals(TokenSuffix.toUtf8(), sent.toUtf8());
    return sessionTokenMatches(request.session, key, sent);
}

QJsonObject LoginApi::unrecognizedWarnings(const ApiRequest &request, const QString &module,
                                           const QStringList &moduleParams) const
{
    // In MediaWiki's order: WebRequest's values are $_POST + $_GET, so the POST body's names
    // come first, in the order sent, then the query string's.
    QStringList names;
    const auto collect = [&names](const http::FormFields &fields) {
        for (const auto &[name, value] : fields) {
            const QString key = QString::fromUtf8(name);
            if (!names.contains(key))
                names.append(key);
        }
    };
    collect(request.form);
    collect(request.query);
    QStringList rest; // bodies the form list does not cover (multipart)
    for (auto it = request.params.cbegin(); it != request.params.cend(); ++it) {
        if (!names.contains(it.key()))
            rest.append(it.key());
    }
    rest.sort();
    names += rest;
    QStringList unknown;
    for (const QString &name : std::as_const(names)) {
        if (request.params.contains(name) && !generalParams().contains(name) && !moduleParams.contains(name))
            unknown.append(name);
    }
    if (unknown.isEmpty())
        return {};
    return apiWarnings(module, unrecognizedParametersText(unknown), apiFormatVersion(request));
}

QList<QByteArray> LoginApi::loginCookies(const User &user, bool rememberMe, const QString &wikiId, double now,
                                         Random &random)
{
    const int maxAge = (rememberMe ? kRememberMeDays : kSessionCookieDays) * 24 * 3600;
    const QByteArray attributes
        = "; expires=" + cookieExpiry(now, maxAge) + "; path=/; HttpOnly; SameSite=Lax";
    const QByteArray prefix = wikiId.toUtf8();
    QList<QByteArray> cookies {
        prefix + "UserID=" + QByteArray::number(user.id) + attributes,
        prefix + "UserName=" + QUrl::toPercentEncoding(user.name, "!$'()*,:@") + attributes,
    };
    if (rememberMe)
        cookies.append(prefix + "Token=" + random.bytes(16).toHex() + attributes);
    return cookies;
}

QList<QByteArray> LoginApi::logoutCookies(const QString &wikiId)
{
    const QByteArray prefix = wikiId.toUtf8();
    const QByteArray expired
        = "=deleted; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; path=/; HttpOnly; SameSite=Lax";
    return {prefix + "UserID" + expired, prefix + "Token" + expired};
}

// ---- action=query ----

QJsonObject LoginApi::authManagerInfo(const ApiRequest &request, const SessionData &session)
{
    const ApiFormatVersion version = apiFormatVersion(request);
    QJsonObject info;
    putApiBool(info, QStringLiteral("canauthenticatenow"), true, version);
    putApiBool(info, QStringLiteral("cancreateaccounts"), true, version);
    putApiBool(info, QStringLiteral("canlinkaccounts"), false, version);
    const QString operationParam = QStringLiteral("amisecuritysensitiveoperation");
    if (request.hasParam(operationParam)) {
        const SecurityLevel level = m_login.securityLevel(session, request.param(operationParam));
        info.insert(QStringLiteral("securitysensitiveoperationstatus"), level.status);
        if (level.elevatedUntil) {
            const double remaining = std::max(0.0, *level.elevatedUntil - m_clock.nowSeconds());
            info.insert(QStringLiteral("x-mwauth-elevatedsecurityexpiry"),
                        apiTimestamp(*level.elevatedUntil));
            info.insert(QStringLiteral("x-mwauth-elevatedsecurityremaining"), qint64(remaining));
        }
    }
    if (request.hasParam(QStringLiteral("amirequestsfor"))) {
        // As ApiQueryAuthManagerInfo: the preserved-state members come with the requests only.
        putApiBool(info, QStringLiteral("haspreservedstate"), false, version);
        putApiBool(info, QStringLiteral("hasprimarypreservedstate"), false, version);
        info.insert(QStringLiteral("preservedusername"), QString());
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
    return info;
}

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
        info.insert(QStringLiteral("id"), 0);
        info.insert(QStringLiteral("name"), LoginService::ipText(request.peer));
        putApiBool(info, QStringLiteral("anon"), true, version);
    }
    // Under an OAuth bearer token the request has only the rights its grants allow
    // (BearerTokens::apiAuthentication puts them in the request's session).
    if (const QString granted = QStringLiteral("mwauthGrantedRights"); session.contains(granted))
        rights = session.value(granted).toStringList();
    if (props.contains(QStringLiteral("groups")))
        info.insert(QStringLiteral("groups"), QJsonArray::fromStringList(groups));
    if (props.contains(QStringLiteral("rights")))
        info.insert(QStringLiteral("rights"), QJsonArray::fromStringList(rights));
    return info;
}

ApiResponse LoginApi::query(const ApiRequest &request, const QString &wikiId)
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
                    tokens.insert(QStringLiteral("logintoken"), sessionToken(session, kLoginToken, m_random));
                } else if (type == u"csrf") {
                    QString token = TokenSuffix;
                    if (session.value(kUserId).toLongLong() != 0) {
                        sessionChanged |= !session.contains(kEditToken);
                        token = sessionToken(session, kEditToken, m_random);
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
        } else if (meta == u"siteinfo") {
            const QStringList props = request.param(QStringLiteral("siprop"), QStringLiteral("general"))
                                          .split(u'|', Qt::SkipEmptyParts);
            for (const QString &prop : props) {
                if (!siteinfo::knownProperties().contains(prop))
                    return apiError(request, QStringLiteral("badvalue"),
                                    apimessages::unrecognizedValue(QStringLiteral("siprop"), prop));
            }
            if (props.contains(QStringLiteral("general")))
                result.insert(QStringLiteral("general"),
                              siteinfo::general(request, wikiId, m_clock.nowSeconds()));
            if (props.contains(QStringLiteral("extensions")))
                result.insert(QStringLiteral("extensions"), siteinfo::extensions());
        } else if (meta == u"authmanagerinfo") {
            const QString purpose = request.param(QStringLiteral("amirequestsfor"));
            if (request.hasParam(QStringLiteral("amirequestsfor")) && purpose != u"login")
                return apiError(request, QStringLiteral("badvalue"),
                                apimessages::unrecognizedValue(QStringLiteral("amirequestsfor"), purpose));
            result.insert(QStringLiteral("authmanagerinfo"), authManagerInfo(request, session));
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
    // ApiMain's order for a module that needs a token: missing or empty token, token in the
    // query string, wrong token; "mustbeposted" would come after these, so a GET can never
    // reach it (seen on the real wiki: a GET without token is "missingparam").
    const QString tokenParam = QStringLiteral("logintoken");
    if (request.param(tokenParam).isEmpty())
        return apiError(request, QStringLiteral("missingparam"),
                        QStringLiteral("The \"logintoken\" parameter must be set."));
    if (request.inQueryString(tokenParam))
        return apiError(request, QStringLiteral("mustpostparams"), apimessages::mustPostParams({tokenParam}));
    if (!tokenMatches(request, kLoginToken, request.param(tokenParam)))
        return apiError(request, QStringLiteral("badtoken"), QStringLiteral("Invalid CSRF token."));
    if (request.method != "POST")
        return apiError(request, QStringLiteral("mustbeposted"),
                        QStringLiteral("The \"clientlogin\" module requires a POST request."));
    const bool isContinue = request.hasParam(QStringLiteral("logincontinue"));
    if (!isContinue && !request.hasParam(QStringLiteral("loginreturnurl")))
        return apiError(
            request, QStringLiteral("missingparam"),
            QStringLiteral("At least one of the parameters \"logincontinue\" and \"loginreturnurl\" "
                           "is required."));
    if (isContinue)
        return continueLogin(request, wikiId);
    return beginLogin(request, wikiId);
}

ApiResponse LoginApi::beginLogin(const ApiRequest &request, const QString &wikiId)
{
    const QJsonObject warnings = unrecognizedWarnings(
        request, QStringLiteral("main"),
        clientLoginParams() + fieldNames({authrequests::password(), authrequests::rememberMe()}));
    SessionData session = request.session;
    const LoginOutcome outcome = m_login.begin(session, request.param(QStringLiteral("username")),
                                               request.param(QStringLiteral("password")),
                                               request.hasParam(QStringLiteral("rememberMe")),
                                               LoginChannel::Api, LoginService::ipText(request.peer));
    return respond(request, outcome, session, wikiId, warnings);
}

ApiResponse LoginApi::continueLogin(const ApiRequest &request, const QString &wikiId)
{
    SessionData session = request.session;
    // The fields of the requests the pending step offered are expected, others are warned about.
    QList<AuthRequestInfo> offered;
    if (const std::optional<User> user = m_login.pendingUser(session)) {
        const QStringList modules = m_login.enabledModules(user->id, LoginChannel::Api);
        QString module = LoginService::pendingModule(session);
        if (!modules.contains(module) && !modules.isEmpty())
            module = modules.first();
        offered.append(authrequests::forModule(module, user->name));
        if (modules.size() > 1)
            offered.append(authrequests::moduleSelect(user->name));
    }
    const QJsonObject warnings
        = unrecognizedWarnings(request, QStringLiteral("main"), clientLoginParams() + fieldNames(offered));
    QHash<QString, QString> fields;
    for (const QString &name : {QStringLiteral("OATHToken"), QStringLiteral("RecoveryCode"),
                                QStringLiteral("credential"), QStringLiteral("newModule")}) {
        if (request.hasParam(name))
            fields.insert(name, request.param(name));
    }
    const LoginOutcome outcome
        = m_login.proceed(session, fields, LoginChannel::Api, request.baseUrl.toString());
    return respond(request, outcome, session, wikiId, warnings);
}

ApiResponse LoginApi::respond(const ApiRequest &request, const LoginOutcome &outcome,
                              const SessionData &session, const QString &wikiId, const QJsonObject &warnings)
{
    const ApiFormatVersion version = apiFormatVersion(request);
    QJsonObject result;
    switch (outcome.status) {
    case LoginOutcome::Status::Pass:
        result = {{QStringLiteral("status"), QStringLiteral("PASS")},
                  {QStringLiteral("username"), outcome.user.name}};
        break;
    case LoginOutcome::Status::Fail:
        result = {{QStringLiteral("status"), QStringLiteral("FAIL")},
                  {QStringLiteral("message"), outcome.message},
                  {QStringLiteral("messagecode"), outcome.messageCode}};
        if (version == ApiFormatVersion::V2)
            result.insert(QStringLiteral("canpreservestate"), false);
        break;
    case LoginOutcome::Status::Ui: {
        QJsonArray requests {requestJson(
            authrequests::forModule(outcome.module, outcome.user.name, QString::fromUtf8(outcome.authInfo)),
            version)};
        if (outcome.modules.size() > 1)
            requests.append(
                authrequests::moduleSelectJson(outcome.user.name, outcome.module, outcome.modules, version));
        result = {{QStringLiteral("status"), QStringLiteral("UI")},
                  {QStringLiteral("requests"), requests},
                  {QStringLiteral("message"), outcome.message},
                  {QStringLiteral("messagecode"), outcome.messageCode}};
        break;
    }
    }
    QJsonObject body {{QStringLiteral("clientlogin"), result}};
    if (!warnings.isEmpty())
        body.insert(QStringLiteral("warnings"), warnings);
    ApiResponse response = ApiResponse::json(body);
    if (session != request.session)
        response.saveSession = session;
    if (outcome.status == LoginOutcome::Status::Pass) {
        response.saveSession = session;
        response.renewSessionId = true; // as MediaWiki does on login: no session fixation
        const QList<QByteArray> cookies
            = loginCookies(outcome.user, outcome.rememberMe, wikiId, m_clock.nowSeconds(), m_random);
        for (const QByteArray &cookie : cookies)
            response.addHeader("Set-Cookie", cookie);
    }
    return response;
}

// ---- action=logout ----

ApiResponse LoginApi::logout(const ApiRequest &request, const QString &wikiId)
{
    const QString tokenParam = QStringLiteral("token");
    if (request.param(tokenParam).isEmpty())
        return apiError(request, QStringLiteral("missingparam"),
                        QStringLiteral("The \"token\" parameter must be set."));
    if (request.inQueryString(tokenParam))
        return apiError(request, QStringLiteral("mustpostparams"), apimessages::mustPostParams({tokenParam}));
    if (!tokenMatches(request, kEditToken, request.param(tokenParam)))
        return apiError(request, QStringLiteral("badtoken"), QStringLiteral("Invalid CSRF token."));
    if (request.method != "POST")
        return apiError(request, QStringLiteral("mustbeposted"),
                        QStringLiteral("The \"logout\" module requires a POST request."));
    ApiResponse response = ApiResponse::json(QJsonObject {});
    response.endSession = true;
    for (const QByteArray &cookie : logoutCookies(wikiId))
        response.addHeader("Set-Cookie", cookie);
    return response;
}

} // namespace mwauth::provider
