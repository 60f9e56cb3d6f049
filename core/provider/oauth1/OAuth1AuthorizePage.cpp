#include "OAuth1AuthorizePage.h"

#include "common/Logging.h"
#include "provider/clients/Grants.h"
#include "provider/login/LoginService.h"
#include "provider/login/SessionTokens.h"
#include "provider/oauth2/AuthorizeApi.h"
#include "provider/pages/GrantList.h"
#include "provider/pages/HtmlPage.h"
#include "provider/pages/PageRequest.h"

#include <QRegularExpression>

namespace mwauth::provider {

using namespace pages;

namespace {

IndexResponse redirectTo(const QByteArray &location)
{
    IndexResponse response;
    response.status = 302;
    addPageHeaders(response);
    response.addHeader("Location", location);
    return response;
}

bool isTokenHex(const QString &text)
{
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{32}$"));
    return hex.match(text).hasMatch();
}

bool sameGrants(QStringList a, QStringList b)
{
    a.sort();
    a.removeDuplicates();
    b.sort();
    b.removeDuplicates();
    return a == b;
}

bool onlyAuthGrants(const QStringList &grants)
{
    for (const QString &grant : grants) {
        if (grant != Grants::AuthOnly && grant != Grants::AuthOnlyPrivate)
            return false;
    }
    return true;
}

} // namespace

OAuth1AuthorizePage::OAuth1AuthorizePage(OAuth1Server &server, ClientStore &clients,
                                         AcceptanceStore &acceptances, UserStore &users, Random &random)
    : m_server(server)
    , m_clients(clients)
    , m_acceptances(acceptances)
    , m_users(users)
    , m_random(random)
{ }

QString OAuth1AuthorizePage::ownerName(const OAuthClient &client) const
{
    const Result<User> owner = m_users.userById(client.userId);
    return owner ? owner->name : QString();
}

IndexResponse OAuth1AuthorizePage::handle(const IndexRequest &request, bool authenticate)
{
    const QString title = authenticate ? QStringLiteral("Special:OAuth/authenticate")
                                       : QStringLiteral("Special:OAuth/authorize");
    const qint64 userId = LoginService::loggedInUserId(request.session);
    if (userId == 0) {
        QByteArray query;
        for (const auto &[key, value] : request.query) {
            if (key != "title")
                query += (query.isEmpty() ? "" : "&") + AuthorizeApi::phpUrlEncode(QString::fromUtf8(key))
                    + '=' + AuthorizeApi::phpUrlEncode(QString::fromUtf8(value));
        }
        return redirectTo(
            indexUrl(request, QStringLiteral("Special:UserLogin"),
                     u"returnto="_qs + encodedTitle(title) + u"&returntoquery="_qs
                         + QString::fromLatin1(AuthorizeApi::phpUrlEncode(QString::fromLatin1(query))))
                .toEncoded());
    }
    const QString requestToken = hasRequestParam(request, "requestToken")
        ? requestParam(request, "requestToken")
        : requestParam(request, "oauth_token");
    QString consumerKey = hasRequestParam(request, "consumerKey")
        ? requestParam(request, "consumerKey")
        : requestParam(request, "oauth_consumer_key");
    if (request.method == "POST" && hasRequestParam(request, "cancel")) {
        const Result<OAuthClient> client = m_clients.findByKey(consumerKey);
        if (!client)
            return OAuth1Error::plain(QStringLiteral("mwoauth-invalid-consumer-key"),
                                      QStringLiteral("No consumer exists with the given key."))
                .response(QStringLiteral("html"));
        HtmlPage page(QStringLiteral("Application Connection Error"));
        page.addParagraph(
            QStringLiteral("You have chosen not to allow \"%1\" to access your account. \"%1\" will "
                           "not work unless you allow it access. You can go back to \"%1\" or "
                           "manage your connected apps.")
                .arg(client->name));
        return page.response(200);
    }
    if (consumerKey.isEmpty() && !requestToken.isEmpty())
        consumerKey = m_server.consumerKeyOf(requestToken);
    const Result<OAuthClient> found = m_clients.findByKey(consumerKey);
    if (consumerKey.isEmpty() || !found || found->deleted)
        return OAuth1Error::badConsumerKey().response(QStringLiteral("html"));
    const OAuthClient &client = *found;
    if (!m_clients.isUsableBy(client, userId) || client.oauthVersion != OAuthClient::OAuthVersion1) {
        const QString talk = indexUrl(request, u"User_talk:"_qs + ownerName(client)).toString();
        return OAuth1Error::badConsumer(client.name, talk).response(QStringLiteral("html"));
    }
    if (client.ownerOnly)
        return OAuth1Error::ownerOnly(client.name,
                                      u"Special:OAuthConsumerRegistration/update/"_qs + client.consumerKey)
            .response(QStringLiteral("html"));
    if (!OAuth1Server::allowsSource(client, request.peer))
        return OAuth1Error::badSourceIp().response(QStringLiteral("html"));

    const Result<std::optional<ClientAcceptance>> existing = m_acceptances.find(userId, client);
    if (!existing) {
        qCWarning(log::providerServer).noquote() << "Approvals not read:" << existing.error().toString();
        return OAuth1Error::protocol(QStringLiteral("The provider could not read your approvals."))
            .response(QStringLiteral("html"));
    }
    // Nothing to ask: an identical approval of identity-only grants (authenticate only).
    if (authenticate && existing->has_value() && (*existing)->wiki == client.wiki
        && sameGrants((*existing)->grants, client.grants) && onlyAuthGrants(client.grants))
        return approve(request, client, userId, requestToken, *existing);

    if (request.method != "POST")
        return form(request, title, client, requestToken, existing->has_value(), {});
    if (!sessionTokenMatches(request.session, LoginService::EditTokenKey,
                             requestParam(request, "wpEditToken")))
        return form(
            request, title, client, requestToken, existing->has_value(),
            QStringLiteral("There seems to be a problem with your login session; this action has been "
                           "canceled as a precaution against session hijacking. Please resubmit the form."));
    if (requestParam(request, "wpaction") != u"accept" || !hasRequestParam(request, "accept"))
        return form(request, title, client, requestToken, existing->has_value(),
                    QStringLiteral("Choose Allow or Cancel."));
    if (!isTokenHex(requestToken))
        return form(request, title, client, requestToken, existing->has_value(),
                    QStringLiteral("The request token is not 32 hexadecimal digits."));
    return approve(request, client, userId, requestToken, *existing);
}

IndexResponse OAuth1AuthorizePage::approve(const IndexRequest &request, const OAuthClient &client,
                                           qint64 userId, const QString &requestToken,
                                           const std::optional<ClientAcceptance> &existing)
{
    Q_UNUSED(request);
    // Consumer::authorize: the request token first, then the approval, then the verifier.
    OAuth1Outcome<RequestToken> token = m_server.lookupRequestToken(client, requestToken);
    if (auto *error = std::get_if<OAuth1Error>(&token))
        return error->response(QStringLiteral("html"));
    QString accessKey;
    if (existing && existing->oauthVersion == OAuthClient::OAuthVersion1) {
        accessKey = existing->accessToken;
    } else {
        const Result<ClientAcceptance> accepted = m_acceptances.accept(userId, client, client.grants);
        if (!accepted) {
            qCWarning(log::providerServer).noquote()
                << "Approval not recorded:" << accepted.error().toString();
            return OAuth1Error::protocol(QStringLiteral("Your approval could not be recorded."))
                .response(QStringLiteral("html"));
        }
        accessKey = accepted->accessToken;
    }
    OAuth1Outcome<QString> callback = m_server.approveRequestToken(client, requestToken, accessKey);
    if (auto *error = std::get_if<OAuth1Error>(&callback))
        return error->response(QStringLiteral("html"));
    return redirectTo(std::get<QString>(callback).toUtf8());
}

IndexResponse OAuth1AuthorizePage::form(const IndexRequest &request, const QString &title,
                                        const OAuthClient &client, const QString &requestToken, bool update,
                                        const QString &error)
{
    SessionData session = request.session;
    const QString editToken = sessionToken(session, LoginService::EditTokenKey, m_random);
    HtmlPage page(QStringLiteral("Allow %1 to access your account?").arg(client.name));
    if (!error.isEmpty())
        page.addError(error);
    const QString userName = request.session.value(LoginService::UserNameKey).toString();
    page.addParagraph(
        QStringLiteral("Hi %1, in order to complete your request, %2 needs permission to perform the "
                       "following actions on your behalf on %3:")
            .arg(userName, client.name,
                 client.wiki == u"*" ? QStringLiteral("all projects of this site")
                                     : QStringLiteral("%1").arg(client.wiki)));
    page.addHtml(grantListHtml(client.grants));
    if (update)
        page.addNotice(
            QStringLiteral("You approved this application before; accepting updates that approval."));
    const QString fields = html::hidden(QStringLiteral("title"), title)
        + html::hidden(QStringLiteral("wpEditToken"), editToken)
        + html::hidden(QStringLiteral("wpaction"), QStringLiteral("accept"))
        + html::hidden(QStringLiteral("wpconfirmUpdate"), update ? QStringLiteral("1") : QStringLiteral("0"))
        + html::hidden(QStringLiteral("oauth_version"), QStringLiteral("1"))
        + html::hidden(QStringLiteral("consumerKey"), client.consumerKey)
        + html::hidden(QStringLiteral("requestToken"), requestToken) + u"\n"_qs
        + html::submit(QStringLiteral("Allow"), QStringLiteral("accept"), QStringLiteral("Allow")) + u"\n"_qs
        + html::submit(QStringLiteral("Cancel"), QStringLiteral("cancel"), QStringLiteral("Cancel"));
    page.addHtml(u"<form id=\"mw-mwoauth-authorize-form\" method=\"post\" action=\""_qs
                 + htmlEscape(indexPath(request, title)) + u"\">\n"_qs + fields + u"\n</form>"_qs);
    IndexResponse response = page.response(200);
    if (session != request.session)
        response.saveSession = session;
    return response;
}

} // namespace mwauth::provider
