#include "ManageMyGrantsPage.h"

#include "provider/clients/ClientStore.h"
#include "provider/clients/Grants.h"
#include "provider/login/LoginService.h"
#include "provider/login/SessionTokens.h"
#include "provider/oauth2/RestParams.h"
#include "provider/pages/HtmlPage.h"
#include "provider/pages/PageRequest.h"

namespace mwauth::provider::pages {

const QString ManageMyGrantsPage::Title = QStringLiteral("Special:OAuthManageMyGrants");

namespace {

const QString kHeading = QStringLiteral("Manage your connected applications");

QString grantLabel(const QString &grant)
{
    const GrantInfo *info = Grants::find(grant);
    return info ? info->description + u" (" % grant % u')' : grant;
}

} // namespace

ManageMyGrantsPage::ManageMyGrantsPage(UserGrants &grants, ClientStore &clients, Random &random)
    : m_grants(grants)
    , m_clients(clients)
    , m_random(random)
{ }

IndexResponse ManageMyGrantsPage::handle(const IndexRequest &request)
{
    const qint64 userId = LoginService::loggedInUserId(request.session);
    if (userId == 0)
        return redirectResponse(
            indexUrl(request, QStringLiteral("Special:UserLogin"), u"returnto="_qs + encodedTitle(Title)));
    // routePath is the title: "Special:OAuthManageMyGrants[/sub[/id]]" (spaces or underscores).
    QString sub = request.routePath.mid(Title.size());
    if (sub.startsWith(u'/'))
        sub.remove(0, 1);
    const QStringList parts = sub.split(u'/');
    if (sub.isEmpty() || sub == u"list")
        return list(request, userId);
    if (parts.size() == 2 && (parts[0] == u"manage" || parts[0] == u"update")) {
        SessionData session = request.session;
        return manage(request, session, userId, parts[1]);
    }
    return list(request, userId, 404, {}, QStringLiteral("There is no such page: %1.").arg(sub));
}

IndexResponse ManageMyGrantsPage::list(const IndexRequest &request, qint64 userId, int status,
                                       const QString &notice, const QString &error)
{
    HtmlPage page(kHeading);
    if (!error.isEmpty())
        page.addError(error);
    if (!notice.isEmpty())
        page.addNotice(notice);
    const Result<QList<GrantSummary>> grants = m_grants.list(userId);
    if (!grants) {
        page.addError(QStringLiteral("Your connected applications could not be read: %1")
                          .arg(grants.error().message()));
        return page.response(500);
    }
    if (grants->isEmpty()) {
        page.addParagraph(QStringLiteral("No applications are connected to your account."));
        return page.response(status);
    }
    QString table
        = u"<table id=\"mw-mwoauthmanagemygrants-list\">\n<tr><th>Application</th><th>Publisher</th>"
          "<th>Protocol</th><th>Grants</th><th>Accepted</th><th>Live tokens</th><th></th></tr>\n"_qs;
    for (const GrantSummary &grant : *grants) {
        const QString manage = indexPath(request, Title + u"/manage/" + QString::number(grant.id));
        table += u"<tr><td>" % htmlEscape(QString(grant.consumerName + u" " + grant.consumerVersion))
            % u"</td><td>" % htmlEscape(grant.publisher) % u"</td><td>"
            % (grant.oauthVersion == 1 ? QStringLiteral("OAuth 1.0a") : QStringLiteral("OAuth 2.0"))
            % u"</td><td>" % htmlEscape(grant.grants.join(u", ")) % u"</td><td>"
            % htmlEscape(formattedTimestamp(grant.accepted)) % u"</td><td>"
            % QString::number(grant.accessTokens + grant.refreshTokens) % u"</td><td>"
            % html::link(manage, QStringLiteral("Manage")) % u"</td></tr>\n";
    }
    table += u"</table>"_qs;
    page.addHtml(table);
    return page.response(status);
}

IndexResponse ManageMyGrantsPage::manage(const IndexRequest &request, SessionData &session, qint64 userId,
                                         const QString &id)
{
    bool ok = false;
    const qint64 acceptanceId = id.toLongLong(&ok);
    const Result<GrantSummary> grant = ok && acceptanceId > 0
        ? m_grants.find(acceptanceId, userId)
        : Result<GrantSummary>(fail(ErrorCode::NotFound, QString()));
    if (!grant) {
        if (grant.error().code() != ErrorCode::NotFound)
            return list(request, userId, 500, {},
                        QStringLiteral("The application could not be read: %1").arg(grant.error().message()));
        return list(request, userId, 404, {},
                    QStringLiteral("You have no connected application with the id \"%1\".").arg(id));
    }
    const QString subpage = request.routePath.section(u'/', 1, 1);
    if (request.method != "POST")
        return manageForm(request, session, *grant, subpage, 200);

    if (!sessionTokenMatches(session, LoginService::EditTokenKey, requestParam(request, "wpEditToken")))
        return manageForm(request, session, *grant, subpage, 400,
                          QStringLiteral("The change was refused: the form's security token does not match "
                                         "your session (the form may be old, or it came from another site). "
                                         "Nothing was changed."));
    const QString action = requestParam(request, "wpActionType");
    if (action == u"renounce") {
        const Result<RevokedGrants> revoked = m_grants.revoke(grant->id, userId);
        if (!revoked)
            return manageForm(
                request, session, *grant, subpage, 500,
                QStringLiteral("The application could not be disconnected: %1 Nothing was changed.")
                    .arg(revoked.error().message()));
        return list(request, userId, 200,
                    QStringLiteral("%1 is no longer connected to your account; its %2 access tokens and %3 "
                                   "refresh tokens were revoked.")
                        .arg(grant->consumerName)
                        .arg(grant->oauthVersion == 1 ? 1 : revoked->accessTokens)
                        .arg(revoked->refreshTokens));
    }
    if (action == u"update") {
        const Result<OAuthClient> client = m_clients.findById(grant->consumerRowId);
        if (!client)
            return manageForm(
                request, session, *grant, subpage, 500,
                QStringLiteral("The application could not be read: %1").arg(client.error().message()));
        QStringList chosen;
        for (const QString &name : client->grants) {
            if (requestParam(request, QByteArray("wpGrants-" + name.toUtf8())) == u"1")
                chosen.append(name);
        }
        if (chosen.isEmpty())
            return manageForm(request, session, *grant, subpage, 400,
                              QStringLiteral("Choose at least one grant, or disconnect the application."));
        const Result<GrantSummary> updated = m_grants.updateGrants(grant->id, userId, chosen);
        if (!updated)
            return manageForm(
                request, session, *grant, subpage, 500,
                QStringLiteral("The grants could not be updated: %1").arg(updated.error().message()));
        return manageForm(request, session, *updated, subpage, 200, {},
                          QStringLiteral("The application's grants were updated."));
    }
    return manageForm(request, session, *grant, subpage, 400,
                      QStringLiteral("Unknown action \"%1\"; nothing was changed.").arg(action));
}

IndexResponse ManageMyGrantsPage::manageForm(const IndexRequest &request, SessionData &session,
                                             const GrantSummary &grant, const QString &subpage, int status,
                                             const QString &error, const QString &notice)
{
    HtmlPage page(kHeading);
    if (!error.isEmpty())
        page.addError(error);
    if (!notice.isEmpty())
        page.addNotice(notice);
    page.addParagraph(
        QStringLiteral("%1 %2 by %3 (%4), connected on %5.")
            .arg(grant.consumerName, grant.consumerVersion, grant.publisher,
                 grant.oauthVersion == 1 ? QStringLiteral("OAuth 1.0a") : QStringLiteral("OAuth 2.0"),
                 formattedTimestamp(grant.accepted)));
    if (!grant.description.isEmpty())
        page.addParagraph(grant.description);
    const Result<OAuthClient> client = m_clients.findById(grant.consumerRowId);
    const QStringList offered = client ? client->grants : grant.grants;
    QString fields = html::hidden(QStringLiteral("wpEditToken"),
                                  sessionToken(session, LoginService::EditTokenKey, m_random));
    fields += u"<fieldset><legend>Grants</legend>\n"_qs;
    for (const QString &name : offered)
        fields += html::checkbox(u"wpGrants-"_qs + name, u"wpGrants-"_qs + name, grantLabel(name),
                                 grant.grants.contains(name))
            + u"<br>\n"_qs;
    fields += u"</fieldset>\n"_qs;
    fields += html::submit(QStringLiteral("Update grants"), QStringLiteral("wpActionType"),
                           QStringLiteral("update"));
    fields += html::submit(QStringLiteral("Disconnect (renounce)"), QStringLiteral("wpActionType"),
                           QStringLiteral("renounce"));
    page.addHtml(html::postForm(indexPath(request, Title + u'/' + subpage + u'/' + QString::number(grant.id)),
                                fields, QStringLiteral("Manage this application")));
    page.addHtml(u"<p>"_qs
                 + html::link(indexPath(request, Title + u"/list"_qs), QStringLiteral("Back to the list"))
                 + u"</p>"_qs);
    IndexResponse response = page.response(status);
    if (session != request.session)
        response.saveSession = session;
    return response;
}

} // namespace mwauth::provider::pages
