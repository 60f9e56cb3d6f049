#include "AuthorizeApi.h"

#include "provider/clients/IpRestrictions.h"

#include "common/Logging.h"
#include "provider/clients/Grants.h"
#include "provider/clients/RedirectUriMatch.h"
#include "provider/login/LoginService.h"
#include "provider/pages/HtmlPage.h"
#include "provider/pages/PageRequest.h"

#include <QRegularExpression>

#include <cmath>
#include <optional>

namespace mwauth::provider {

const QString AuthorizeApi::ApprovalSessionKey = QStringLiteral("OAuth2Approval");
const QString AuthorizeApi::LoginTimeKey = QStringLiteral("wsLoginTime");

namespace {

const QString kOpenId = QStringLiteral("openid");
const QByteArray kLoginAfter = "oidc_login_after";

bool hasQueryField(const RestRequest &request, QByteArrayView name)
{
    for (const auto &[key, value] : request.query) {
        if (key == name)
            return true;
    }
    return false;
}

QString queryText(const RestRequest &request, QByteArrayView name)
{
    return QString::fromUtf8(request.queryValue(name));
}

bool hasControlCharacter(const QString &text)
{
    for (const QChar c : text) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            return true;
    }
    return false;
}

// The request's query without the internal fields, PHP-encoded (for returntoquery / rest_url).
QByteArray cgiQuery(const RestRequest &request, const QList<QByteArray> &drop,
                    const QList<std::pair<QByteArray, QString>> &add = {})
{
    QByteArrayList pairs;
    for (const auto &[key, value] : request.query) {
        if (!drop.contains(key))
            pairs.append(AuthorizeApi::phpUrlEncode(QString::fromUtf8(key)) + '='
                         + AuthorizeApi::phpUrlEncode(QString::fromUtf8(value)));
    }
    for (const auto &[key, value] : add)
        pairs.append(AuthorizeApi::phpUrlEncode(QString::fromUtf8(key)) + '='
                     + AuthorizeApi::phpUrlEncode(value));
    return pairs.join('&');
}

RestResponse redirectTo(int status, const QByteArray &location)
{
    RestResponse response;
    response.status = status;
    response.contentType = "text/html; charset=utf-8";
    response.addHeader("Location", location);
    response.addHeader("Cache-Control", "no-store");
    return response;
}

// "Application Connection Error" as MediaWiki 1.39 shows it: an HTML page with status 200.
RestResponse errorPage(const OAuth2Error &error)
{
    pages::HtmlPage page(QStringLiteral("Application Connection Error"));
    page.addError(error.description);
    if (!error.hint.isEmpty())
        page.addParagraph(error.hint);
    page.addParagraph(QStringLiteral("Error code: %1").arg(error.error));
    return page.response(200);
}

OAuth2Error oidcError(const QString &error, const QString &description)
{
    return {error, description, {}, 400};
}

} // namespace

// What one authorization request asks for, once checked.
struct AuthorizeApi::Flow
{
    OAuthClient client;
    QString redirectUri; // as sent, or ""
    bool redirectUriSent = false;
    QString errorTarget; // where error redirects go ("" = HTML page instead)
    QString state;
    bool hasState = false;
    bool openId = false;
    QStringList scopes;
    QString codeChallenge;
    QString codeChallengeMethod;
    QString nonce;
    QStringList prompt;
    std::optional<double> maxAge;
    qint64 userId = 0;

    // 302 to the error target, or the HTML page.
    RestResponse error(const OAuth2Error &e) const
    {
        if (errorTarget.isEmpty())
            return errorPage(e);
        QByteArray query
            = "error=" + phpUrlEncode(e.error) + "&error_description=" + phpUrlEncode(e.description);
        if (!e.hint.isEmpty())
            query += "&hint=" + phpUrlEncode(e.hint);
        query += "&message=" + phpUrlEncode(e.description); // 1.39 repeats the text
        if (openId && hasState)
            query += "&state=" + phpUrlEncode(state); // OIDC Core 3.1.2.6; MediaWiki sends none
        const QByteArray separator = errorTarget.contains(u'?') ? "&" : "?";
        return redirectTo(302, errorTarget.toUtf8() + separator + query);
    }
};

AuthorizeApi::AuthorizeApi(ClientStore &clients, AcceptanceStore &acceptances, AuthorizationCodes &codes,
                           const Clock &clock)
    : m_clients(clients)
    , m_acceptances(acceptances)
    , m_codes(codes)
    , m_clock(clock)
{ }

void AuthorizeApi::install(ProviderServer &server)
{
    server.setRestRoute(QString::fromLatin1(Route),
                        [this](const RestRequest &request) { return authorize(request); });
}

bool AuthorizeApi::usableForCode(const OAuthClient &client, qint64 userId, qint64 nowSeconds)
{
    if (client.oauthVersion != OAuthClient::OAuthVersion2 || client.ownerOnly
        || !client.oauth2GrantTypes.contains(QStringLiteral("authorization_code")))
        return false;
    if (userId == 0)
        return client.isUsableBySomeone(nowSeconds);
    return client.isUsableBy(userId, nowSeconds);
}

QString AuthorizeApi::notUsableHint(const OAuthClient &client, qint64 userId)
{
    return QStringLiteral("Client %1 is not usable by user with ID %2").arg(client.consumerKey).arg(userId);
}

bool AuthorizeApi::isOidcScope(const QString &scope)
{
    return scope == kOpenId || scope == u"profile" || scope == u"email" || scope == u"groups";
}

QByteArray AuthorizeApi::phpUrlEncode(const QString &text)
{
    QByteArray encoded = QUrl::toPercentEncoding(text, {}, "~");
    encoded.replace("%20", "+");
    return encoded;
}

double AuthorizeApi::loginTime(const SessionData &session) const
{
    if (session.contains(LoginTimeKey))
        return session.value(LoginTimeKey).toDouble();
    return session.value(QStringLiteral("AuthManager:lastAuthTimestamp")).toDouble();
}

RestResponse AuthorizeApi::authorize(const RestRequest &request)
{
    Flow flow;
    const QString scopeParam = queryText(request, "scope");
    const QStringList requested = scopeParam.split(u' ', Qt::SkipEmptyParts);
    flow.openId = requested.contains(kOpenId);
    flow.state = queryText(request, "state");
    flow.hasState = hasQueryField(request, "state");

    if (queryText(request, "response_type") != u"code")
        return errorPage(OAuth2Error::invalidRequest(QStringLiteral("response_type")));
    const QString clientId = queryText(request, "client_id");
    if (clientId.isEmpty())
        return errorPage(OAuth2Error::invalidRequest(QStringLiteral("client_id")));
    if (flow.openId) {
        flow.prompt = queryText(request, "prompt").split(u' ', Qt::SkipEmptyParts);
        flow.nonce = queryText(request, "nonce");
    }
    const bool promptNone = flow.prompt.contains(QStringLiteral("none"));
    const bool reLogin = flow.prompt.contains(QStringLiteral("login"))
        || flow.prompt.contains(QStringLiteral("select_account"));
    flow.userId = LoginService::loggedInUserId(request.session);
    // MediaWiki sends an anonymous user to log in before it looks at the request; prompt=none
    // must be answered without a page, so it is checked first.
    if (flow.userId == 0 && !promptNone)
        return loginRedirect(request, reLogin);

    const Result<OAuthClient> client = m_clients.findByKey(clientId);
    if (!client) {
        if (client.error().code() != ErrorCode::NotFound)
            qCWarning(log::providerServer).noquote() << "Client lookup failed:" << client.error().toString();
        return errorPage(OAuth2Error::invalidClient());
    }
    flow.client = *client;
    // Usable by nobody now (rejected, expired, disabled): an unknown client. Usable, but not
    // by this user (another user's proposal): access_denied below, after the request's own
    // checks, as AuthorizationCodeProvider::init does.
    if (!usableForCode(flow.client, 0, static_cast<qint64>(m_clock.nowSeconds())))
        return errorPage(OAuth2Error::invalidClient());
    if (!IpRestrictions::allowsRequest(flow.client.restrictions, request.peer))
        return errorPage(OAuth2Error::accessDenied(IpRestrictions::refusalMessage()));
    flow.redirectUriSent = hasQueryField(request, "redirect_uri");
    flow.redirectUri = queryText(request, "redirect_uri");
    if (flow.redirectUriSent) {
        if (hasControlCharacter(flow.redirectUri) || !matchesRedirectUri(flow.client, flow.redirectUri))
            return errorPage(OAuth2Error::invalidClient());
        flow.errorTarget = flow.redirectUri;
    } else if (flow.openId) {
        flow.errorTarget = flow.client.callbackUrl;
    }

    // PKCE (league's AuthCodeGrant::validateAuthorizationRequest).
    flow.codeChallenge = queryText(request, "code_challenge");
    if (hasQueryField(request, "code_challenge")) {
        flow.codeChallengeMethod = hasQueryField(request, "code_challenge_method")
            ? queryText(request, "code_challenge_method")
            : QStringLiteral("plain");
        if (flow.codeChallengeMethod != u"plain" && flow.codeChallengeMethod != u"S256")
            return errorPage(OAuth2Error::invalidRequest(
                QStringLiteral("code_challenge_method"),
                QStringLiteral("Code challenge method must be one of `plain`, `S256`")));
        static const QRegularExpression pkce(QStringLiteral("^[A-Za-z0-9\\-._~]{43,128}$"));
        if (!pkce.match(flow.codeChallenge).hasMatch())
            return errorPage(OAuth2Error::invalidRequest(
                QStringLiteral("code_challenge"),
                QStringLiteral("Code challenge must follow the specifications of RFC-7636.")));
    } else if (!flow.client.isConfidential()) {
        return errorPage(OAuth2Error::invalidRequest(
            QStringLiteral("code_challenge"),
            QStringLiteral("Code challenge must be provided for public clients")));
    }

    if (flow.openId) {
        if (hasQueryField(request, "request"))
            return flow.error(oidcError(QStringLiteral("request_not_supported"),
                                        QStringLiteral("The request parameter is not supported.")));
        if (hasQueryField(request, "request_uri"))
            return flow.error(oidcError(QStringLiteral("request_uri_not_supported"),
                                        QStringLiteral("The request_uri parameter is not supported.")));
        if (hasQueryField(request, "response_mode") && queryText(request, "response_mode") != u"query")
            return flow.error(OAuth2Error::invalidRequest(
                QStringLiteral("response_mode"), QStringLiteral("Only response_mode=query is supported.")));
        if (promptNone && flow.prompt.size() > 1)
            return flow.error(OAuth2Error::invalidRequest(
                QStringLiteral("prompt"),
                QStringLiteral("prompt=none cannot be combined with other values.")));
        for (const QString &value : std::as_const(flow.prompt)) {
            if (value != u"none" && value != u"login" && value != u"consent" && value != u"select_account")
                return flow.error(OAuth2Error::invalidRequest(QStringLiteral("prompt")));
        }
        if (hasQueryField(request, "max_age")) {
            bool ok = false;
            const qlonglong maxAge = queryText(request, "max_age").toLongLong(&ok);
            if (!ok || maxAge < 0)
                return flow.error(OAuth2Error::invalidRequest(QStringLiteral("max_age")));
            flow.maxAge = double(maxAge);
        }
    }

    // Scopes: unknown -> invalid_scope; not the client's -> dropped; none -> the client's grants.
    if (requested.isEmpty()) {
        flow.scopes = flow.client.grants;
    } else {
        for (const QString &scope : requested) {
            const bool oidc = flow.openId && isOidcScope(scope);
            if (!oidc && !Grants::isKnown(scope))
                return flow.error(OAuth2Error::invalidScope(scope));
            if ((oidc || flow.client.grants.contains(scope)) && !flow.scopes.contains(scope))
                flow.scopes.append(scope);
        }
    }

    if (flow.userId == 0) // prompt=none while not logged in
        return flow.error(
            oidcError(QStringLiteral("login_required"),
                      QStringLiteral("The authorization server requires end-user authentication.")));
    if (!usableForCode(flow.client, flow.userId, static_cast<qint64>(m_clock.nowSeconds())))
        return errorPage(OAuth2Error::accessDenied(notUsableHint(flow.client, flow.userId)));

    // A fresh login: prompt=login / select_account, or max_age exceeded.
    const double now = m_clock.nowSeconds();
    const double loggedInAt = loginTime(request.session);
    bool needLogin = false;
    if (reLogin) {
        bool ok = false;
        const double after = queryText(request, kLoginAfter).toDouble(&ok);
        needLogin = !ok || loggedInAt + 0.001 < after; // `after` is printed to the microsecond
    }
    if (flow.maxAge && now - loggedInAt > *flow.maxAge)
        needLogin = true;
    if (needLogin) {
        if (promptNone)
            return flow.error(
                oidcError(QStringLiteral("login_required"),
                          QStringLiteral("The authorization server requires end-user authentication.")));
        return loginRedirect(request, true);
    }

    if (hasQueryField(request, "approval_cancel"))
        return flow.error({QStringLiteral("unauthorized_client"),
                           QStringLiteral("User has rejected the request from client application"),
                           {},
                           401});

    // Consent.
    const QStringList grants = [&flow] {
        QStringList list;
        for (const QString &scope : std::as_const(flow.scopes)) {
            if (Grants::isKnown(scope))
                list.append(scope);
        }
        return list;
    }();
    const Result<std::optional<ClientAcceptance>> existing = m_acceptances.find(flow.userId, flow.client);
    if (!existing) {
        qCWarning(log::providerServer).noquote() << "Approval lookup failed:" << existing.error().toString();
        return flow.error(OAuth2Error::serverError(QStringLiteral("the approvals could not be read")));
    }
    const bool forceConsent = flow.prompt.contains(QStringLiteral("consent"));
    const bool skip = !forceConsent
        && (flow.client.trusted
            || (existing->has_value()
                && AcceptanceStore::approvalCoversAuthOnly(**existing, flow.client, grants)));
    if (skip)
        return issueCode(request, flow, nullptr);

    if (!queryText(request, "approval_pass").isEmpty()) {
        // Only the consent this session just gave on Special:OAuth/approve counts.
        const QVariantMap approval = request.session.value(ApprovalSessionKey).toMap();
        const QStringList approved = approval.value(QStringLiteral("scopes")).toStringList();
        bool covers = approval.value(QStringLiteral("client_id")).toString() == flow.client.consumerKey
            && approval.value(QStringLiteral("user_id")).toLongLong() == flow.userId
            && now - approval.value(QStringLiteral("time")).toDouble() <= ApprovalLifetime;
        for (const QString &scope : std::as_const(flow.scopes))
            covers = covers && approved.contains(scope);
        if (covers && existing->has_value() && AcceptanceStore::approvalCovers(**existing, grants)) {
            SessionData session = request.session;
            session.remove(ApprovalSessionKey);
            return issueCode(request, flow, &session);
        }
    }
    if (promptNone)
        return flow.error(oidcError(QStringLiteral("consent_required"),
                                    QStringLiteral("The authorization server requires end-user consent.")));
    return approvalRedirect(request, flow);
}

RestResponse AuthorizeApi::loginRedirect(const RestRequest &request, bool force) const
{
    QList<std::pair<QByteArray, QString>> add;
    if (force)
        add.append({kLoginAfter, QString::number(m_clock.nowSeconds(), 'f', 6)});
    const QByteArray query = cgiQuery(request, {"approval_pass", "approval_cancel", kLoginAfter}, add);
    const QString restUrl = request.path + u'?' + QString::fromLatin1(query);
    QString target = u"returnto=Special:OAuth/rest_redirect&returntoquery="_qs
        + QString::fromLatin1(phpUrlEncode(u"rest_url="_qs + QString::fromLatin1(phpUrlEncode(restUrl))));
    if (force)
        target += u"&force=1"_qs;
    return redirectTo(307, pages::indexUrl(request, QStringLiteral("Special:UserLogin"), target).toEncoded());
}

RestResponse AuthorizeApi::approvalRedirect(const RestRequest &request, const Flow &flow) const
{
    const QByteArray query = "returnto=" + phpUrlEncode(request.path) + "&returntoquery="
        + phpUrlEncode(QString::fromLatin1(cgiQuery(request, {"approval_pass", "approval_cancel"})))
        + "&client_id=" + phpUrlEncode(flow.client.consumerKey)
        + "&oauth_version=2&scope=" + phpUrlEncode(flow.scopes.join(u' '));
    return redirectTo(
        307,
        pages::indexUrl(request, QStringLiteral("Special:OAuth/approve"), QString::fromLatin1(query))
            .toEncoded());
}

RestResponse AuthorizeApi::issueCode(const RestRequest &request, Flow &flow, SessionData *changedSession)
{
    // The approval the tokens are recorded under; trusted clients get one without the page.
    QStringList grants;
    for (const QString &scope : std::as_const(flow.scopes)) {
        if (Grants::isKnown(scope))
            grants.append(scope);
    }
    Result<std::optional<ClientAcceptance>> acceptance = m_acceptances.find(flow.userId, flow.client);
    if (acceptance && (!acceptance->has_value() || !AcceptanceStore::approvalCovers(**acceptance, grants))) {
        const Result<ClientAcceptance> made = m_acceptances.accept(flow.userId, flow.client, grants);
        if (!made) {
            qCWarning(log::providerServer).noquote() << "Approval not recorded:" << made.error().toString();
            return flow.error(OAuth2Error::serverError(QStringLiteral("the approval could not be recorded")));
        }
        acceptance = std::optional<ClientAcceptance>(*made);
    }
    if (!acceptance) {
        qCWarning(log::providerServer).noquote()
            << "Approval lookup failed:" << acceptance.error().toString();
        return flow.error(OAuth2Error::serverError(QStringLiteral("the approvals could not be read")));
    }
    AuthorizationCode code;
    code.clientId = flow.client.consumerKey;
    code.userId = flow.userId;
    code.acceptanceId = (*acceptance)->id;
    code.redirectUri = flow.redirectUri;
    code.redirectUriSent = flow.redirectUriSent;
    code.scopes = flow.scopes;
    code.codeChallenge = flow.codeChallenge;
    code.codeChallengeMethod = flow.codeChallengeMethod;
    code.nonce = flow.nonce;
    code.authTime = loginTime(request.session);
    const Result<QByteArray> issued = m_codes.issue(code);
    if (!issued) {
        qCWarning(log::providerServer).noquote() << "Code not issued:" << issued.error().toString();
        return flow.error(
            OAuth2Error::serverError(QStringLiteral("the authorization code could not be issued")));
    }
    const QString target = flow.redirectUriSent ? flow.redirectUri : flow.client.callbackUrl;
    QByteArray query = "code=" + phpUrlEncode(QString::fromLatin1(*issued));
    if (flow.hasState)
        query += "&state=" + phpUrlEncode(flow.state);
    const QByteArray separator = target.contains(u'?') ? "&" : "?";
    RestResponse response = redirectTo(302, target.toUtf8() + separator + query);
    if (changedSession)
        response.saveSession = *changedSession;
    return response;
}

} // namespace mwauth::provider
