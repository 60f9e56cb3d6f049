// ConsumerPages: Special:OAuthManageConsumers (the admin queues and actions),
// Special:OAuthListConsumers (the public directory) and Special:Log/mwoauthconsumer.

#include "ConsumerPages.h"

#include "ConsumerPagesHtml.h"
#include "HtmlPage.h"
#include "PageRequest.h"
#include "provider/login/LoginService.h"
#include "provider/login/SessionTokens.h"

#include <QDateTime>

namespace mwauth::provider::pages {

using namespace consumerhtml;

namespace {

struct ActionInfo
{
    ClientStore::StageAction action;
    const char *name;
    const char *label;
    ClientStage from;
};

// The actions each queue offers (ConsumerSubmitControl; approve also from rejected/expired).
const QList<ActionInfo> &actionInfos()
{
    static const QList<ActionInfo> infos = {
        {ClientStore::StageAction::Approve, "approve", "Approve", ClientStage::Proposed},
        {ClientStore::StageAction::Reject, "reject", "Reject", ClientStage::Proposed},
        {ClientStore::StageAction::Approve, "approve", "Approve", ClientStage::Rejected},
        {ClientStore::StageAction::Approve, "approve", "Approve", ClientStage::Expired},
        {ClientStore::StageAction::Disable, "disable", "Disable", ClientStage::Approved},
        {ClientStore::StageAction::Reenable, "reenable", "Re-enable", ClientStage::Disabled},
    };
    return infos;
}

QString readableTime(const QString &timestamp)
{
    const QDateTime time = QDateTime::fromString(timestamp, QStringLiteral("yyyyMMddHHmmss"));
    return time.isValid() ? time.toString(QStringLiteral("yyyy-MM-dd hh:mm:ss")) : timestamp;
}

IndexResponse loginRedirect(const IndexRequest &request, const QString &fallbackTitle)
{
    QString title = requestParam(request, "title");
    if (title.isEmpty())
        title = fallbackTitle;
    return redirectResponse(
        indexUrl(request, QStringLiteral("Special:UserLogin"), u"returnto="_qs + encodedTitle(title)));
}

} // namespace

IndexResponse ConsumerPages::manage(const IndexRequest &request)
{
    const qint64 userId = LoginService::loggedInUserId(request.session);
    if (userId == 0)
        return loginRedirect(request, ManageTitle);
    Context context {request, request.session, m_users.userById(userId).valueOr({})};
    if (!isAdmin(userId)) {
        HtmlPage page(QStringLiteral("Permission error"));
        page.addError(QStringLiteral("You do not have permission to manage OAuth consumers: it needs the "
                                     "right mwoauthmanageconsumer (group %1).")
                          .arg(AdminGroup));
        return page.response(403);
    }
    (void)m_clients.expireIdleProposals();
    const QString subpage = subpageOf(request, ManageTitle);
    const qsizetype slash = subpage.indexOf(u'/');
    const QString stageName = subpage.isEmpty() ? u"proposed"_qs : subpage.left(slash);
    ClientStage queue = ClientStage::Proposed;
    if (!clientStageFromName(stageName, queue)) {
        HtmlPage page(QStringLiteral("Manage OAuth consumers"));
        page.addError(QStringLiteral("There is no queue \"%1\".").arg(stageName));
        return page.response(404);
    }
    if (slash > 0)
        return manageOne(context, queue, subpage.mid(slash + 1));

    HtmlPage page(QStringLiteral("Manage OAuth consumers"));
    QStringList queues;
    for (const ClientStage stage : {ClientStage::Proposed, ClientStage::Rejected, ClientStage::Expired,
                                    ClientStage::Approved, ClientStage::Disabled})
        queues << html::link(indexPath(request, ManageTitle + u'/' + clientStageName(stage)),
                             clientStageName(stage));
    page.addHtml(u"<p>Queues: "_qs + queues.join(u" | ") + u"</p>"_qs);
    page.addHtml(u"<h2>"_qs + htmlEscape(clientStageName(queue)) + u"</h2>"_qs);
    const Result<QList<OAuthClient>> clients = m_clients.listAll(queue);
    if (!clients) {
        page.addError(clients.error().message());
        return page.response(500);
    }
    QList<QStringList> rows;
    const bool suppressor = isSuppressor(userId);
    for (const OAuthClient &client : *clients) {
        if (client.deleted && !suppressor)
            continue; // suppressed: only the suppress group sees it
        rows << QStringList {
            html::link(
                indexPath(request, ManageTitle + u'/' + clientStageName(queue) + u'/' + client.consumerKey),
                client.name),
            htmlEscape(client.version), htmlEscape(client.oauthVersion == 1 ? u"1.0a"_qs : u"2.0"_qs),
            htmlEscape(ownerName(client.userId)), htmlEscape(readableTime(client.stageTimestamp))};
    }
    if (rows.isEmpty())
        page.addParagraph(QStringLiteral("No consumers are %1.").arg(clientStageName(queue)));
    else
        page.addHtml(table({u"Name"_qs, u"Version"_qs, u"OAuth"_qs, u"Publisher"_qs, u"Since"_qs}, rows));
    return finish(context, page, 200);
}

IndexResponse ConsumerPages::manageOne(Context &context, ClientStage queue, const QString &key)
{
    const IndexRequest &request = context.request;
    HtmlPage page(QStringLiteral("Manage OAuth consumers"));
    Result<OAuthClient> client = m_clients.findByKey(key);
    const bool suppressor = isSuppressor(context.user.id);
    if (!client || (client->deleted && !suppressor)) {
        page.addError(QStringLiteral("There is no consumer with the key \"%1\".").arg(key));
        return finish(context, page, 404);
    }
    int status = 200;
    QString reason;
    if (request.method == "POST") {
        const QString action = requestParam(request, "wpaction");
        reason = requestParam(request, "wpreason");
        status = 400;
        const ActionInfo *chosen = nullptr;
        for (const ActionInfo &info : actionInfos()) {
            if (info.from == client->stage && action == QLatin1StringView(info.name))
                chosen = &info;
        }
        if (!sessionTokenMatches(context.session, LoginService::EditTokenKey,
                                 requestParam(request, "wpEditToken"))) {
            page.addError(
                QStringLiteral("The form's security token does not match your session (the form may be "
                               "old, or it came from another site). Nothing was changed."));
        } else if (requestParam(request, "wpchangeToken") != changeToken(*client, request.sessionId)) {
            status = 409;
            page.addError(QStringLiteral("The consumer was changed since you loaded the form (it is now %1); "
                                         "look again.")
                              .arg(clientStageName(client->stage)));
        } else if (requestParam(request, "wpsuppress") == u"1" && !suppressor) {
            status = 403;
            page.addError(QStringLiteral("Suppressing a consumer needs the right mwoauthsuppress (group %1). "
                                         "Nothing was changed.")
                              .arg(SuppressGroup));
        } else if (!chosen) {
            page.addError(QStringLiteral("The action \"%1\" does not apply to a consumer that is %2.")
                              .arg(action, clientStageName(client->stage)));
        } else if (const Result<OAuthClient> changed
                   = m_clients.setStage(client->id, chosen->action, reason, context.user.name,
                                        requestParam(request, "wpsuppress") == u"1"
                                            && (chosen->action == ClientStore::StageAction::Reject
                                                || chosen->action == ClientStore::StageAction::Disable));
                   !changed) {
            status = changed.error().code() == ErrorCode::Database ? 500 : 409;
            page.addError(changed.error().message());
        } else {
            page.addNotice(QStringLiteral("The consumer \"%1\" is now %2.")
                               .arg(changed->name, clientStageName(changed->stage)));
            client = changed;
            reason.clear();
            status = 200;
        }
    }
    if (client->stage != queue)
        page.addParagraph(QStringLiteral("This consumer is %1.").arg(clientStageName(client->stage)));
    page.addHtml(consumerDetails(*client, ownerName(client->userId)));
    QString actions;
    for (const ActionInfo &info : actionInfos()) {
        if (info.from == client->stage)
            actions += choice(u"radio"_qs, u"wpaction"_qs, QString::fromLatin1(info.name),
                              QString::fromLatin1(info.label), false);
    }
    if (!actions.isEmpty()) {
        QString body = tokenField(context) + html::hidden(u"wpconsumerKey"_qs, client->consumerKey)
            + html::hidden(u"wpchangeToken"_qs, changeToken(*client, request.sessionId))
            + u"<fieldset><legend>Action</legend>"_qs + actions + u"</fieldset>"_qs
            + (suppressor
                       && (client->stage == ClientStage::Proposed || client->stage == ClientStage::Approved)
                   ? choice(u"checkbox"_qs, u"wpsuppress"_qs, u"1"_qs,
                            u"Suppress this consumer from public lists (reject or disable only)"_qs, false)
                   : QString())
            + textField(u"wpreason"_qs, u"Reason"_qs, reason, QString(), u"maxlength=\"255\""_qs)
            + html::submit(QStringLiteral("Update consumer status"));
        page.addHtml(html::postForm(
            indexPath(request,
                      ManageTitle + u'/' + clientStageName(client->stage) + u'/' + client->consumerKey),
            body, QStringLiteral("Change the consumer's stage")));
    }
    return finish(context, page, status);
}

IndexResponse ConsumerPages::list(const IndexRequest &request)
{
    (void)m_clients.expireIdleProposals();
    const QString subpage = subpageOf(request, ListTitle);
    if (subpage.startsWith(u"view/"))
        return view(subpage.mid(5));
    HtmlPage page(QStringLiteral("OAuth applications"));
    if (!subpage.isEmpty() && subpage != u"list") {
        page.addError(QStringLiteral("There is no page \"%1\" here.").arg(subpage));
        return page.response(404);
    }
    const QString name = requestParam(request, "name");
    const QString publisher = requestParam(request, "publisher");
    const QString stageName
        = hasRequestParam(request, "stage") ? requestParam(request, "stage") : u"approved"_qs;
    ClientStage stage = ClientStage::Approved;
    const bool anyStage = stageName.isEmpty() || stageName == u"all";
    int status = 200;
    if (!anyStage && !clientStageFromName(stageName, stage)) {
        page.addError(
            QStringLiteral("\"%1\" is not a stage: use proposed, approved, rejected, expired, disabled "
                           "or all.")
                .arg(stageName));
        status = 400;
    }
    QString filters = textField(u"name"_qs, u"Application name"_qs, name, QString())
        + textField(u"publisher"_qs, u"Publisher"_qs, publisher, QString())
        + u"<label for=\"stage\">Stage</label>\n<select id=\"stage\" name=\"stage\">"_qs;
    for (const QString &option :
         {u"all"_qs, u"proposed"_qs, u"approved"_qs, u"rejected"_qs, u"expired"_qs, u"disabled"_qs})
        filters += u"<option"_qs + (option == stageName ? u" selected"_qs : QString()) + u">"_qs
            + htmlEscape(option) + u"</option>"_qs;
    filters += u"</select>"_qs + html::hidden(u"title"_qs, ListTitle + u"/list"_qs)
        + html::submit(QStringLiteral("Go"));
    page.addHtml(u"<form method=\"get\" action=\""_qs
                 + htmlEscape(QString(request.scriptPath + u"/index.php"_qs))
                 + u"\" aria-label=\"Filter\">"_qs + filters + u"</form>"_qs);
    if (status != 200)
        return page.response(status);
    const Result<QList<OAuthClient>> clients = anyStage ? m_clients.listAll() : m_clients.listAll(stage);
    if (!clients) {
        page.addError(clients.error().message());
        return page.response(500);
    }
    QList<QStringList> rows;
    for (const OAuthClient &client : *clients) {
        const QString owner = ownerName(client.userId);
        if (client.deleted || (!name.isEmpty() && client.name != name)
            || (!publisher.isEmpty()
                && owner.compare(publisher.trimmed().replace(u'_', u' '), Qt::CaseInsensitive) != 0))
            continue;
        rows << QStringList {
            html::link(indexPath(request, ListTitle + u"/view/" + client.consumerKey), client.name),
            htmlEscape(client.version), htmlEscape(owner), htmlEscape(clientStageName(client.stage))};
    }
    if (rows.isEmpty())
        page.addParagraph(QStringLiteral("No applications match."));
    else
        page.addHtml(table({u"Name"_qs, u"Version"_qs, u"Publisher"_qs, u"Stage"_qs}, rows));
    return page.response(200);
}

IndexResponse ConsumerPages::view(const QString &key)
{
    HtmlPage page(QStringLiteral("OAuth applications"));
    const Result<OAuthClient> client = m_clients.findByKey(key);
    if (!client || client->deleted) {
        page.addError(QStringLiteral("There is no consumer with the key \"%1\".").arg(key));
        return page.response(404);
    }
    page.addHtml(consumerDetails(*client, ownerName(client->userId)));
    return page.response(200);
}

IndexResponse ConsumerPages::log(const IndexRequest &request)
{
    HtmlPage page(QStringLiteral("OAuth consumer log"));
    const QString type
        = hasRequestParam(request, "type") ? requestParam(request, "type") : subpageOf(request, LogTitle);
    if (type != u"mwoauthconsumer") {
        page.addError(QStringLiteral("This provider keeps only the log mwoauthconsumer."));
        return page.response(404);
    }
    const Result<QList<ConsumerLogEntry>> entries = m_clients.logEntries();
    if (!entries) {
        page.addError(entries.error().message());
        return page.response(500);
    }
    QString items = u"<ul class=\"mw-logevent\">\n"_qs;
    for (const ConsumerLogEntry &entry : *entries) {
        QString line = readableTime(entry.timestamp) + u' ' + entry.actor + u' ' + entry.action
            + u" OAuth consumer \"" + entry.name + u"\" (" + entry.consumerKey + u')';
        if (!entry.reason.isEmpty())
            line += u" (" + entry.reason + u')';
        items += u"<li data-action=\""_qs + htmlEscape(entry.action) + u"\">"_qs + htmlEscape(line)
            + u"</li>\n"_qs;
    }
    page.addHtml(items + u"</ul>"_qs);
    return page.response(200);
}

} // namespace mwauth::provider::pages
