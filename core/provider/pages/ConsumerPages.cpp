// ConsumerPages: Special:OAuthConsumerRegistration (propose, list, update). The admin queue,
// the public directory and the log are in ConsumerAdminPages.cpp.

#include "ConsumerPages.h"

#include "ConsumerPagesHtml.h"
#include "HtmlPage.h"
#include "PageRequest.h"
#include "provider/clients/Grants.h"
#include "provider/login/LoginService.h"
#include "provider/login/SessionTokens.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace mwauth::provider::pages {

const QString ConsumerPages::RegistrationTitle = QStringLiteral("Special:OAuthConsumerRegistration");
const QString ConsumerPages::ManageTitle = QStringLiteral("Special:OAuthManageConsumers");
const QString ConsumerPages::ListTitle = QStringLiteral("Special:OAuthListConsumers");
const QString ConsumerPages::LogTitle = QStringLiteral("Special:Log");
const QString ConsumerPages::AdminGroup = QStringLiteral("sysop");
const QString ConsumerPages::SuppressGroup = QStringLiteral("suppress");

namespace consumerhtml {

QString subpageOf(const IndexRequest &request, const QString &title)
{
    QString full = requestParam(request, "title");
    full.replace(u'_', u' ');
    if (full.size() <= title.size() + 1)
        return {};
    return full.mid(title.size() + 1);
}

QString textField(const QString &id, const QString &label, const QString &value, const QString &error,
                  const QString &extra)
{
    return fieldError(error) + html::input(id, id, QStringLiteral("text"), label, value, extra);
}

QString textArea(const QString &id, const QString &label, const QString &value, const QString &error)
{
    return fieldError(error) + u"<label for=\""_qs + htmlEscape(id) + u"\">"_qs + htmlEscape(label)
        + u"</label>\n<textarea id=\""_qs + htmlEscape(id) + u"\" name=\""_qs + htmlEscape(id)
        + u"\" rows=\"4\">"_qs + htmlEscape(value) + u"</textarea>"_qs;
}

QString choice(const QString &type, const QString &name, const QString &value, const QString &label,
               bool checked)
{
    const QString id = name + u'-' + value;
    return u"<label class=\"checkbox\" for=\""_qs + htmlEscape(id) + u"\"><input type=\""_qs + type
        + u"\" id=\""_qs + htmlEscape(id) + u"\" name=\""_qs + htmlEscape(name) + u"\" value=\""_qs
        + htmlEscape(value) + u'"' + (checked ? u" checked"_qs : QString()) + u"> "_qs + htmlEscape(label)
        + u"</label>"_qs;
}

QString fieldError(const QString &error)
{
    if (error.isEmpty())
        return {};
    return u"<p class=\"error\" role=\"alert\">"_qs + htmlEscape(error) + u"</p>\n"_qs;
}

QString table(const QStringList &headings, const QList<QStringList> &rows)
{
    QString out = u"<table>\n<tr>"_qs;
    for (const QString &heading : headings)
        out += u"<th>"_qs + htmlEscape(heading) + u"</th>"_qs;
    out += u"</tr>\n"_qs;
    for (const QStringList &row : rows) {
        out += u"<tr>"_qs;
        for (const QString &cell : row)
            out += u"<td>"_qs + cell + u"</td>"_qs; // cells are markup made by the caller
        out += u"</tr>\n"_qs;
    }
    return out + u"</table>"_qs;
}

QStringList ipRangesOf(const QString &restrictions)
{
    QStringList ranges;
    const QJsonArray list = QJsonDocument::fromJson(restrictions.toUtf8())
                                .object()
                                .value(QStringLiteral("IPAddresses"))
                                .toArray();
    for (const QJsonValue &value : list)
        ranges << value.toString();
    return ranges;
}

Result<QString> restrictionsFrom(const QString &lines)
{
    return ClientRegistration::restrictionsForIpRanges(lines.split(u'\n'));
}

QString consumerDetails(const OAuthClient &client, const QString &owner)
{
    QStringList grants;
    for (const QString &grant : client.grants)
        grants << Grants::description(grant) + u" (" + grant + u')';
    const QList<std::pair<QString, QString>> rows = {
        {QStringLiteral("Name"), client.name},
        {QStringLiteral("Version"), client.version},
        {QStringLiteral("OAuth protocol version"), client.oauthVersion == 1 ? u"1.0a"_qs : u"2.0"_qs},
        {QStringLiteral("Consumer key"), client.consumerKey},
        {QStringLiteral("Publisher"), owner},
        {QStringLiteral("Stage"), clientStageName(client.stage)},
        {QStringLiteral("Description"), client.description},
        {QStringLiteral("Callback URL"),
         client.callbackUrl + (client.callbackIsPrefix ? u" (used as prefix)"_qs : QString())},
        {QStringLiteral("Owner-only"), client.ownerOnly ? u"yes"_qs : u"no"_qs},
        {QStringLiteral("Applicable wiki"), client.wiki},
        {QStringLiteral("Grants"), grants.join(u", ")},
        {QStringLiteral("Allowed IP ranges"), ipRangesOf(client.restrictions).join(u", ")},
    };
    QString out = u"<dl>\n"_qs;
    for (const auto &[label, value] : rows)
        out += u"<dt>"_qs + htmlEscape(label) + u"</dt><dd>"_qs + htmlEscape(value) + u"</dd>\n"_qs;
    return out + u"</dl>"_qs;
}

} // namespace consumerhtml

using namespace consumerhtml;

// What the proposal form holds (as typed, so a refused form shows it again).
struct ConsumerPages::ProposalForm
{
    ClientRegistration registration;
    QString grantType = QStringLiteral("normal"); // authonly, authonlyprivate, normal
    QString ipRanges; // one CIDR range a line
};

ConsumerPages::ConsumerPages(ClientStore &clients, UserStore &users, const Clock &clock, Random &random)
    : m_clients(clients)
    , m_users(users)
    , m_clock(clock)
    , m_random(random)
{ }

void ConsumerPages::install(ProviderServer &server)
{
    server.setIndexPage(RegistrationTitle, [this](const IndexRequest &r) { return registration(r); });
    server.setIndexPage(ManageTitle, [this](const IndexRequest &r) { return manage(r); });
    server.setIndexPage(ListTitle, [this](const IndexRequest &r) { return list(r); });
    server.setIndexPage(LogTitle, [this](const IndexRequest &r) { return log(r); });
}

QString ConsumerPages::changeToken(const OAuthClient &client, const QByteArray &sessionId)
{
    const QByteArray material = sessionId + '|' + QByteArray::number(client.id) + '|'
        + QByteArray::number(static_cast<int>(client.stage)) + '|' + client.stageTimestamp.toLatin1();
    return QString::fromLatin1(QCryptographicHash::hash(material, QCryptographicHash::Sha1).toHex());
}

QString ConsumerPages::tokenField(Context &context)
{
    return html::hidden(QStringLiteral("wpEditToken"),
                        sessionToken(context.session, LoginService::EditTokenKey, m_random));
}

bool ConsumerPages::isAdmin(qint64 userId) const
{
    return userId != 0 && m_users.groups(userId).valueOr({}).contains(AdminGroup);
}

bool ConsumerPages::isSuppressor(qint64 userId) const
{
    return userId != 0 && m_users.groups(userId).valueOr({}).contains(SuppressGroup);
}

QString ConsumerPages::ownerName(qint64 userId) const
{
    const Result<User> owner = m_users.userById(userId);
    return owner ? owner->name : QStringLiteral("(user %1)").arg(userId);
}

IndexResponse ConsumerPages::finish(Context &context, HtmlPage &page, int status)
{
    IndexResponse response = page.response(status);
    if (context.session != context.request.session)
        response.saveSession = context.session;
    return response;
}

IndexResponse ConsumerPages::registration(const IndexRequest &request)
{
    const qint64 userId = LoginService::loggedInUserId(request.session);
    if (userId == 0) {
        QString title = requestParam(request, "title");
        if (title.isEmpty())
            title = RegistrationTitle;
        return redirectResponse(
            indexUrl(request, QStringLiteral("Special:UserLogin"), u"returnto="_qs + encodedTitle(title)));
    }
    Context context {request, request.session, m_users.userById(userId).valueOr({})};
    if (context.user.id == 0) {
        HtmlPage page(QStringLiteral("OAuth consumer registration"));
        page.addError(QStringLiteral("Your account could not be read."));
        return page.response(500);
    }
    const QString subpage = subpageOf(request, RegistrationTitle);
    if (subpage == u"propose/oauth1a" || subpage == u"propose/oauth2")
        return propose(context, subpage.endsWith(u"oauth2") ? 2 : 1);
    if (subpage == u"list")
        return ownList(context);
    if (subpage.startsWith(u"update/"))
        return update(context, subpage.mid(7));
    HtmlPage page(QStringLiteral("OAuth consumer registration"));
    if (!subpage.isEmpty() && subpage != u"propose")
        page.addError(QStringLiteral("There is no page \"%1\" here.").arg(subpage));
    page.addParagraph(
        QStringLiteral("Register an application that uses OAuth to act for users of this wiki."));
    page.addHtml(
        u"<ul><li>"_qs
        + html::link(indexPath(request, RegistrationTitle + u"/propose/oauth1a"),
                     QStringLiteral("Request a token for a new OAuth 1.0a consumer"))
        + u"</li><li>"_qs
        + html::link(indexPath(request, RegistrationTitle + u"/propose/oauth2"),
                     QStringLiteral("Request a token for a new OAuth 2.0 client"))
        + u"</li><li>"_qs
        + html::link(indexPath(request, RegistrationTitle + u"/list"), QStringLiteral("List your consumers"))
        + u"</li></ul>"_qs);
    return finish(context, page, subpage.isEmpty() || subpage == u"propose" ? 200 : 404);
}

IndexResponse ConsumerPages::propose(Context &context, int oauthVersion)
{
    const IndexRequest &request = context.request;
    ProposalForm form;
    ClientRegistration &r = form.registration;
    r.oauthVersion = oauthVersion;
    r.ownerId = context.user.id;
    r.email = context.user.email;
    r.version = QString();
    r.oauth2GrantTypes = {QStringLiteral("authorization_code"), QStringLiteral("refresh_token")};
    if (request.method != "POST")
        return proposalForm(context, form, 200, {}, {});

    r.name = requestParam(request, "wpname");
    r.version = requestParam(request, "wpversion");
    r.description = requestParam(request, "wpdescription");
    r.callbackUrl = requestParam(request, "wpcallbackUrl");
    r.callbackIsPrefix = !requestParam(request, "wpcallbackIsPrefix").isEmpty();
    r.email = requestParam(request, "wpemail");
    r.wiki = requestParam(request, "wpwiki");
    r.ownerOnly = !requestParam(request, "wpownerOnly").isEmpty();
    r.rsaKey = oauthVersion == 1 ? requestParam(request, "wprsaKey") : QString();
    r.developerAgreement = !requestParam(request, "wpagreement").isEmpty();
    r.oauth2IsConfidential = oauthVersion == 1 || !requestParam(request, "wpoauth2IsConfidential").isEmpty();
    r.oauth2GrantTypes.clear();
    r.grants.clear();
    for (const auto &[name, value] : request.form) {
        if (name == "wpgrants")
            r.grants << QString::fromUtf8(value);
        else if (name == "wpoauth2GrantTypes")
            r.oauth2GrantTypes << QString::fromUtf8(value);
    }
    if (oauthVersion == 1)
        r.oauth2GrantTypes.clear();
    form.grantType = requestParam(request, "wpgranttype");
    form.ipRanges = requestParam(request, "wprestrictions");

    if (!sessionTokenMatches(context.session, LoginService::EditTokenKey,
                             requestParam(request, "wpEditToken")))
        return proposalForm(context, form, 400, {},
                            QStringLiteral("The form's security token does not match your session (the form "
                                           "may be old, or it came from another site). Nothing was saved."));
    if (form.grantType == u"authonly")
        r.grants = {Grants::AuthOnly};
    else if (form.grantType == u"authonlyprivate")
        r.grants = {Grants::AuthOnlyPrivate};
    else if (form.grantType != u"normal")
        return proposalForm(context, form, 400, QStringLiteral("granttype"),
                            QStringLiteral("Choose one of the three kinds of access."));
    // ConsumerSubmitControl: the e-mail must be the user's confirmed one.
    if (context.user.email.isEmpty())
        return proposalForm(context, form, 400, QStringLiteral("email"),
                            QStringLiteral("Your account has no confirmed e-mail address; consumers can "
                                           "only be proposed with one."));
    if (!r.email.isEmpty() && r.email.compare(context.user.email, Qt::CaseInsensitive) != 0)
        return proposalForm(context, form, 400, QStringLiteral("email"),
                            QStringLiteral("The e-mail address must be your account's confirmed address."));
    const Result<QString> restrictions = restrictionsFrom(form.ipRanges);
    if (!restrictions)
        return proposalForm(context, form, 400, QStringLiteral("restrictions"),
                            restrictions.error().message());
    r.restrictions = *restrictions;

    const Result<IssuedClientCredentials> issued = m_clients.registerClient(r, context.user.name);
    if (!issued) {
        const QString message = issued.error().message();
        const qsizetype colon = message.indexOf(u": ");
        QString field = colon > 0 ? message.left(colon) : QString();
        QString text = colon > 0 ? message.mid(colon + 2) : message;
        if (issued.error().code() == ErrorCode::Conflict)
            field = QStringLiteral("name");
        static const QStringList fields
            = {u"name"_qs,   u"version"_qs,      u"callbackUrl"_qs,      u"description"_qs,
               u"email"_qs,  u"wiki"_qs,         u"oauth2GrantTypes"_qs, u"grants"_qs,
               u"rsaKey"_qs, u"restrictions"_qs, u"agreement"_qs};
        if (!fields.contains(field)) {
            field.clear();
            text = message;
        }
        return proposalForm(context, form, issued.error().code() == ErrorCode::Database ? 500 : 400, field,
                            text);
    }
    HtmlPage page(QStringLiteral("OAuth consumer registration"));
    page.addNotice(
        issued->client.ownerOnly
            ? QStringLiteral("Your owner-only consumer \"%1\" is registered and approved.")
                  .arg(issued->client.name)
            : QStringLiteral("Your consumer \"%1\" has been proposed; an administrator will review "
                             "it. Until then only you can use it.")
                  .arg(issued->client.name));
    page.addParagraph(QStringLiteral("Keep these; the secret is shown only this once:"));
    QString secrets = (oauthVersion == 1 ? u"Consumer token: "_qs : u"Client application key: "_qs)
        + issued->client.consumerKey + u'\n'
        + (oauthVersion == 1 ? u"Secret token: "_qs : u"Client application secret: "_qs)
        + QString::fromLatin1(issued->secret);
    if (!issued->accessToken.isEmpty())
        secrets += u"\nAccess token: "_qs + QString::fromLatin1(issued->accessToken) + u"\nAccess secret: "_qs
            + QString::fromLatin1(issued->accessSecret);
    page.addHtml(html::pre(secrets));
    if (issued->client.ownerOnly && oauthVersion == 2)
        page.addParagraph(QStringLiteral("Get an access token with the client_credentials grant "
                                         "(rest.php/oauth2/access_token) using the key and secret."));
    page.addHtml(
        u"<p>"_qs
        + html::link(indexPath(request, RegistrationTitle + u"/list"), QStringLiteral("Your consumers"))
        + u"</p>"_qs);
    return finish(context, page, 200);
}

IndexResponse ConsumerPages::proposalForm(Context &context, const ProposalForm &form, int status,
                                          const QString &field, const QString &error)
{
    const IndexRequest &request = context.request;
    const ClientRegistration &r = form.registration;
    const bool v2 = r.oauthVersion == 2;
    HtmlPage page(v2 ? QStringLiteral("Propose an OAuth 2.0 client")
                     : QStringLiteral("Propose an OAuth 1.0a consumer"));
    if (!error.isEmpty())
        page.addError(field.isEmpty() ? error
                                      : QStringLiteral("The proposal was not saved; see the marked field."));
    const auto errorFor = [&](const QString &name) { return name == field ? error : QString(); };
    QString body = tokenField(context);
    body += textField(u"wpname"_qs, u"Application name"_qs, r.name, errorFor(u"name"_qs),
                      u"maxlength=\"128\" required"_qs);
    body += textField(u"wpversion"_qs, u"Consumer version"_qs, r.version, errorFor(u"version"_qs),
                      u"maxlength=\"32\" required"_qs);
    body += textArea(u"wpdescription"_qs, u"Application description"_qs, r.description,
                     errorFor(u"description"_qs));
    body += textField(u"wpcallbackUrl"_qs,
                      v2 ? u"OAuth \"callback\" URL (redirect URI)"_qs : u"OAuth \"callback\" URL"_qs,
                      r.callbackUrl, errorFor(u"callbackUrl"_qs));
    body += choice(u"checkbox"_qs, u"wpcallbackIsPrefix"_qs, u"1"_qs,
                   u"Allow consumer to specify a callback in "
                   "requests and use \"callback\" URL above "
                   "as a required prefix"_qs,
                   r.callbackIsPrefix);
    body += textField(u"wpemail"_qs, u"Contact e-mail address"_qs, r.email, errorFor(u"email"_qs));
    body += textField(u"wpwiki"_qs, u"Applicable project (* for all)"_qs, r.wiki, errorFor(u"wiki"_qs));
    body += choice(u"checkbox"_qs, u"wpownerOnly"_qs, u"1"_qs,
                   u"This consumer is for use only by "_qs + context.user.name, r.ownerOnly);
    if (v2) {
        body += choice(u"checkbox"_qs, u"wpoauth2IsConfidential"_qs, u"1"_qs,
                       u"Client is confidential (it can keep a secret)"_qs, r.oauth2IsConfidential);
        body += u"<fieldset><legend>Allowed OAuth 2 grant types</legend>"_qs
            + fieldError(errorFor(u"oauth2GrantTypes"_qs));
        for (const QString &type : ClientRegistration::oauth2GrantTypeNames())
            body += choice(u"checkbox"_qs, u"wpoauth2GrantTypes"_qs, type, type,
                           r.oauth2GrantTypes.contains(type));
        body += u"</fieldset>"_qs;
    }
    body += u"<fieldset><legend>Types of grants being requested</legend>"_qs
        + fieldError(errorFor(u"granttype"_qs));
    body += choice(u"radio"_qs, u"wpgranttype"_qs, u"authonly"_qs,
                   u"User identity verification only, no ability to read pages or act on a user's behalf."_qs,
                   form.grantType == u"authonly");
    body += choice(u"radio"_qs, u"wpgranttype"_qs, u"authonlyprivate"_qs,
                   u"User identity verification only, with access to real name and email address."_qs,
                   form.grantType == u"authonlyprivate");
    body += choice(u"radio"_qs, u"wpgranttype"_qs, u"normal"_qs,
                   u"Request authorization for specific permissions."_qs, form.grantType == u"normal");
    body += u"</fieldset>\n<fieldset><legend>Applicable grants</legend>"_qs
        + fieldError(errorFor(u"grants"_qs));
    for (const GrantInfo &grant : Grants::all()) {
        if (grant.name == Grants::Basic)
            continue; // always implied
        body += choice(u"checkbox"_qs, u"wpgrants"_qs, grant.name,
                       grant.description + u" (" + grant.name + u')', r.grants.contains(grant.name))
            + u"<br>"_qs;
    }
    body += u"</fieldset>"_qs;
    body += textArea(u"wprestrictions"_qs, u"Allowed IP ranges (one CIDR range a line; empty: any)"_qs,
                     form.ipRanges, errorFor(u"restrictions"_qs));
    if (!v2)
        body += textArea(u"wprsaKey"_qs, u"Public RSA key (optional, PEM)"_qs, r.rsaKey,
                         errorFor(u"rsaKey"_qs));
    body += fieldError(errorFor(u"agreement"_qs))
        + choice(u"checkbox"_qs, u"wpagreement"_qs, u"1"_qs,
                 u"I accept the terms of use for developers of OAuth applications."_qs,
                 r.developerAgreement && status != 200);
    body += html::submit(QStringLiteral("Propose consumer"));
    page.addHtml(html::postForm(
        indexPath(request, RegistrationTitle + (v2 ? u"/propose/oauth2"_qs : u"/propose/oauth1a"_qs)), body,
        QStringLiteral("Propose a consumer")));
    return finish(context, page, status);
}

IndexResponse ConsumerPages::ownList(Context &context)
{
    (void)m_clients.expireIdleProposals();
    HtmlPage page(QStringLiteral("Your OAuth consumers"));
    const Result<QList<OAuthClient>> mine = m_clients.listByOwner(context.user.id);
    if (!mine) {
        page.addError(mine.error().message());
        return finish(context, page, 500);
    }
    if (mine->isEmpty()) {
        page.addParagraph(QStringLiteral("You have no consumers."));
        return finish(context, page, 200);
    }
    QList<QStringList> rows;
    for (const OAuthClient &client : *mine)
        rows << QStringList {
            htmlEscape(client.name),
            htmlEscape(client.version),
            htmlEscape(client.oauthVersion == 1 ? u"1.0a"_qs : u"2.0"_qs),
            htmlEscape(client.consumerKey),
            htmlEscape(clientStageName(client.stage)),
            html::link(indexPath(context.request, ListTitle + u"/view/" + client.consumerKey),
                       QStringLiteral("view"))
                + u" "_qs
                + html::link(indexPath(context.request, RegistrationTitle + u"/update/" + client.consumerKey),
                             QStringLiteral("update"))};
    page.addHtml(table({u"Name"_qs, u"Version"_qs, u"OAuth"_qs, u"Key"_qs, u"Stage"_qs, u""_qs}, rows));
    return finish(context, page, 200);
}

IndexResponse ConsumerPages::update(Context &context, const QString &key)
{
    const IndexRequest &request = context.request;
    HtmlPage page(QStringLiteral("Update an OAuth consumer"));
    const Result<OAuthClient> client = m_clients.findByKey(key);
    if (!client || client->userId != context.user.id) {
        // Someone else's consumer is as unknown as a missing one.
        page.addError(QStringLiteral("You have no consumer with the key \"%1\".").arg(key));
        return finish(context, page, 404);
    }
    QString field;
    QString error;
    QString ipRanges = ipRangesOf(client->restrictions).join(u'\n');
    QString rsaKey = client->rsaKey;
    QString reason;
    int status = 200;
    if (request.method == "POST") {
        ipRanges = requestParam(request, "wprestrictions");
        rsaKey = requestParam(request, "wprsaKey");
        reason = requestParam(request, "wpreason");
        const bool resetSecret = !requestParam(request, "wpresetSecret").isEmpty();
        status = 400;
        if (!sessionTokenMatches(context.session, LoginService::EditTokenKey,
                                 requestParam(request, "wpEditToken"))) {
            error
                = QStringLiteral("The form's security token does not match your session. Nothing was saved.");
        } else if (const Result<QString> restrictions = restrictionsFrom(ipRanges); !restrictions) {
            field = QStringLiteral("restrictions");
            error = restrictions.error().message();
        } else if (const Result<OAuthClient> updated
                   = m_clients.updateDetails(client->id, *restrictions, rsaKey, reason, context.user.name);
                   !updated) {
            error = updated.error().message();
        } else {
            page.addNotice(QStringLiteral("The consumer \"%1\" was updated.").arg(client->name));
            if (resetSecret) {
                const Result<IssuedClientCredentials> issued
                    = m_clients.resetSecret(client->id, reason, context.user.name);
                if (!issued) {
                    page.addError(issued.error().message());
                    return finish(context, page, 409);
                }
                QString secrets = u"Consumer key: "_qs + issued->client.consumerKey + u"\nNew secret: "_qs
                    + QString::fromLatin1(issued->secret);
                if (!issued->accessToken.isEmpty())
                    secrets += u"\nNew access token: "_qs + QString::fromLatin1(issued->accessToken)
                        + u"\nNew access secret: "_qs + QString::fromLatin1(issued->accessSecret);
                page.addParagraph(QStringLiteral("The secret was reset; the old one no longer works. The new "
                                                 "one is shown only this once:"));
                page.addHtml(html::pre(secrets));
            }
            return finish(context, page, 200);
        }
    }
    if (!error.isEmpty())
        page.addError(error);
    page.addHtml(consumerDetails(*client, context.user.name));
    QString body = tokenField(context);
    body += textArea(u"wprestrictions"_qs, u"Allowed IP ranges (one CIDR range a line; empty: any)"_qs,
                     ipRanges, field == u"restrictions" ? error : QString());
    if (client->oauthVersion == 1)
        body += textArea(u"wprsaKey"_qs, u"Public RSA key (optional, PEM)"_qs, rsaKey, QString());
    body += choice(u"checkbox"_qs, u"wpresetSecret"_qs, u"1"_qs, u"Reset the secret key to a new value"_qs,
                   false);
    body += textField(u"wpreason"_qs, u"Reason"_qs, reason, QString(), u"maxlength=\"255\""_qs);
    body += html::submit(QStringLiteral("Update consumer"));
    page.addHtml(html::postForm(indexPath(request, RegistrationTitle + u"/update/" + client->consumerKey),
                                body, QStringLiteral("Update the consumer")));
    return finish(context, page, status);
}

} // namespace mwauth::provider::pages
