#include "ApprovePage.h"

#include "GrantList.h"
#include "HtmlPage.h"
#include "PageRequest.h"
#include "ReturnTo.h"
#include "common/Logging.h"
#include "provider/clients/Grants.h"
#include "provider/login/LoginService.h"
#include "provider/login/SessionTokens.h"
#include "provider/oauth2/AuthorizeApi.h"

namespace mwauth::provider::pages {

const QString ApprovePage::ApproveTitle = QStringLiteral("Special:OAuth/approve");
const QString ApprovePage::RestRedirectTitle = QStringLiteral("Special:OAuth/rest_redirect");

namespace {

const QString kErrorTitle = QStringLiteral("Application Connection Error");

bool hasControlCharacter(const QString &text)
{
    for (const QChar c : text) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            return true;
    }
    return false;
}

IndexResponse errorPage(int status, const QString &text)
{
    HtmlPage page(kErrorTitle);
    page.addError(text);
    return page.response(status);
}

// A query string decoded into pairs and encoded again (PHP style), without the fields in
// `drop`; nullopt when it holds control characters or a fragment.
std::optional<QByteArray> cleanQuery(const QString &query, const QStringList &drop)
{
    if (hasControlCharacter(query) || query.contains(u'#'))
        return std::nullopt;
    const auto decoded = ReturnTo::decodeQuery(query);
    if (!decoded)
        return std::nullopt;
    QByteArrayList pairs;
    for (const auto &[name, value] : *decoded) {
        if (!drop.contains(name))
            pairs.append(AuthorizeApi::phpUrlEncode(name) + '=' + AuthorizeApi::phpUrlEncode(value));
    }
    return pairs.join('&');
}

IndexResponse redirect(const QByteArray &location)
{
    IndexResponse response;
    response.status = 302;
    addPageHeaders(response);
    response.addHeader("Location", location);
    return response;
}

} // namespace

// What the consent is asked for, from the request.
struct ApprovePage::Consent
{
    OAuthClient client;
    QStringList scopes;
    QString returnTo;
    QString returnToQuery;
    qint64 userId = 0;
};

ApprovePage::ApprovePage(ClientStore &clients, AcceptanceStore &acceptances, const Clock &clock,
                         Random &random)
    : m_clients(clients)
    , m_acceptances(acceptances)
    , m_clock(clock)
    , m_random(random)
{ }

void ApprovePage::install(ProviderServer &server)
{
    server.setIndexPage(ApproveTitle, [this](const IndexRequest &request) { return approve(request); });
    server.setIndexPage(RestRedirectTitle,
                        [this](const IndexRequest &request) { return restRedirect(request); });
}

IndexResponse ApprovePage::approve(const IndexRequest &request)
{
    if (request.method != "GET" && request.method != "POST")
        return errorPage(405, QStringLiteral("Use GET or POST."));
    Consent consent;
    consent.userId = LoginService::loggedInUserId(request.session);
    if (consent.userId == 0) {
        QByteArray query;
        for (const auto &[key, value] : request.query) {
            if (key != "title")
                query += (query.isEmpty() ? "" : "&") + AuthorizeApi::phpUrlEncode(QString::fromUtf8(key))
                    + '=' + AuthorizeApi::phpUrlEncode(QString::fromUtf8(value));
        }
        return redirect(
            indexUrl(request, QStringLiteral("Special:UserLogin"),
                     u"returnto="_qs + encodedTitle(ApproveTitle) + u"&returntoquery="_qs
                         + QString::fromLatin1(AuthorizeApi::phpUrlEncode(QString::fromLatin1(query))))
                .toEncoded());
    }
    if (requestParam(request, "oauth_version") != u"2")
        return errorPage(400,
                         QStringLiteral("Only OAuth 2 clients are approved on this page (oauth_version=2)."));
    consent.returnTo = requestParam(request, "returnto");
    if (consent.returnTo != request.scriptPath + u"/rest.php" + QString::fromLatin1(AuthorizeApi::Route))
        return errorPage(400,
                         QStringLiteral("The page to return to is not this wiki's authorization endpoint."));
    consent.returnToQuery = requestParam(request, "returntoquery");
    const Result<OAuthClient> client = m_clients.findByKey(requestParam(request, "client_id"));
    if (!client
        || !AuthorizeApi::usableForCode(*client, consent.userId, static_cast<qint64>(m_clock.nowSeconds())))
        return errorPage(400, QStringLiteral("The application is not known or may not be used."));
    consent.client = *client;
    const QStringList scopes = requestParam(request, "scope").split(u' ', Qt::SkipEmptyParts);
    for (const QString &scope : scopes) {
        const bool allowed
            = AuthorizeApi::isOidcScope(scope) || (Grants::isKnown(scope) && client->grants.contains(scope));
        if (!allowed)
            return errorPage(400,
                             QStringLiteral("The application may not ask for the scope \"%1\".").arg(scope));
        if (!consent.scopes.contains(scope))
            consent.scopes.append(scope);
    }
    if (request.method == "POST")
        return submit(request, consent);
    return form(request, consent, 200, {});
}

IndexResponse ApprovePage::form(const IndexRequest &request, const Consent &consent, int status,
                                const QString &error)
{
    SessionData session = request.session;
    const QString token = sessionToken(session, LoginService::EditTokenKey, m_random);
    const Result<std::optional<ClientAcceptance>> existing
        = m_acceptances.find(consent.userId, consent.client);
    const bool update = existing && existing->has_value();

    HtmlPage page(QStringLiteral("Allow %1 to access your account?").arg(consent.client.name));
    if (!error.isEmpty())
        page.addError(error);
    page.addParagraph(
        QStringLiteral("%1 (version %2) would like to act on your behalf with these permissions:")
            .arg(consent.client.name, consent.client.version));
    page.addHtml(grantListHtml(consent.scopes));
    if (update)
        page.addNotice(
            QStringLiteral("You approved this application before; accepting updates that approval."));
    const QString fields = html::hidden(QStringLiteral("title"), ApproveTitle)
        + html::hidden(QStringLiteral("wpEditToken"), token)
        + html::hidden(QStringLiteral("wpaction"), QStringLiteral("accept"))
        + html::hidden(QStringLiteral("wpconfirmUpdate"), update ? QStringLiteral("1") : QStringLiteral("0"))
        + html::hidden(QStringLiteral("oauth_version"), QStringLiteral("2"))
        + html::hidden(QStringLiteral("client_id"), consent.client.consumerKey)
        + html::hidden(QStringLiteral("scope"), consent.scopes.join(u' '))
        + html::hidden(QStringLiteral("returnto"), consent.returnTo)
        + html::hidden(QStringLiteral("returntoquery"), consent.returnToQuery) + u"\n"_qs
        + html::submit(QStringLiteral("Allow"), QStringLiteral("accept"), QStringLiteral("1")) + u"\n"_qs
        + html::submit(QStringLiteral("Cancel"), QStringLiteral("cancel"), QStringLiteral("1"));
    page.addHtml(u"<form id=\"mw-mwoauth-authorize-form\" method=\"post\" action=\""_qs
                 + htmlEscape(indexPath(request, ApproveTitle)) + u"\">\n"_qs + fields + u"\n</form>"_qs);
    IndexResponse response = page.response(status);
    if (session != request.session)
        response.saveSession = session;
    return response;
}

IndexResponse ApprovePage::submit(const IndexRequest &request, const Consent &consent)
{
    if (!sessionTokenMatches(request.session, LoginService::EditTokenKey,
                             requestParam(request, "wpEditToken")))
        return form(
            request, consent, 400,
            QStringLiteral("There seems to be a problem with your login session; this action has been "
                           "canceled as a precaution against session hijacking. Please resubmit the form."));
    const std::optional<QByteArray> query = cleanQuery(
        consent.returnToQuery, {QStringLiteral("approval_pass"), QStringLiteral("approval_cancel")});
    if (!query)
        return errorPage(400, QStringLiteral("The request to return to is malformed."));
    const QByteArray back = request.baseUrl.toString(QUrl::StripTrailingSlash).toUtf8()
        + AuthorizeApi::phpUrlEncode(consent.returnTo).replace("%2F", "/") + '?' + *query
        + (query->isEmpty() ? "" : "&");
    if (hasRequestParam(request, "cancel"))
        return redirect(back + "approval_cancel=1");
    if (requestParam(request, "wpaction") != u"accept" || !hasRequestParam(request, "accept"))
        return form(request, consent, 400, QStringLiteral("Choose Allow or Cancel."));
    QStringList grants;
    for (const QString &scope : consent.scopes) {
        if (Grants::isKnown(scope))
            grants.append(scope);
    }
    const Result<ClientAcceptance> accepted = m_acceptances.accept(consent.userId, consent.client, grants);
    if (!accepted) {
        qCWarning(log::providerServer).noquote() << "Approval not recorded:" << accepted.error().toString();
        return errorPage(500, QStringLiteral("Your approval could not be recorded."));
    }
    SessionData session = request.session;
    session.insert(AuthorizeApi::ApprovalSessionKey,
                   QVariantMap {{QStringLiteral("client_id"), consent.client.consumerKey},
                                {QStringLiteral("user_id"), consent.userId},
                                {QStringLiteral("scopes"), consent.scopes},
                                {QStringLiteral("time"), m_clock.nowSeconds()}});
    IndexResponse response = redirect(back + "approval_pass=1");
    response.saveSession = session;
    return response;
}

IndexResponse ApprovePage::restRedirect(const IndexRequest &request)
{
    const QString restUrl = requestParam(request, "rest_url");
    const QString prefix = request.scriptPath + u"/rest.php/"_qs;
    const qsizetype queryAt = restUrl.indexOf(u'?');
    const QString path = queryAt < 0 ? restUrl : restUrl.first(queryAt);
    const QString query = queryAt < 0 ? QString() : restUrl.sliced(queryAt + 1);
    bool safe = path.startsWith(prefix) && !path.contains(u"//"_qs) && !path.contains(u'\\')
        && !hasControlCharacter(restUrl) && !restUrl.contains(u'#');
    const QStringList segments = path.split(u'/');
    for (const QString &segment : segments) {
        const QString decoded = QUrl::fromPercentEncoding(segment.toUtf8());
        if (decoded == u"." || decoded == u".." || decoded.contains(u'/') || decoded.contains(u'\\'))
            safe = false;
    }
    const std::optional<QByteArray> cleaned = cleanQuery(query, {});
    if (!safe || !cleaned)
        return errorPage(400, QStringLiteral("The address to return to is not on this wiki's REST API."));
    QByteArray location = request.baseUrl.toString(QUrl::StripTrailingSlash).toUtf8()
        + QUrl::toPercentEncoding(QUrl::fromPercentEncoding(path.toUtf8()), "/:@!$&'()*+,;=");
    if (!cleaned->isEmpty())
        location += '?' + *cleaned;
    return redirect(location);
}

} // namespace mwauth::provider::pages
