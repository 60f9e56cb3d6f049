#include "OathManagePage.h"

#include "HtmlPage.h"
#include "PageRequest.h"
#include "common/Logging.h"
#include "otp/Base32.h"
#include "otp/Otp.h"
#include "otp/OtpAuthUri.h"
#include "provider/login/AuthRequests.h"
#include "provider/login/SessionTokens.h"

#include <QJsonArray>

namespace mwauth::provider::pages {

const QString OathManagePage::PendingTotpKey = QStringLiteral("oathManagePendingTotpSecret");
const QString OathManagePage::Operation = QStringLiteral("oathauth-manage");

namespace {

const QString kOathManage = QStringLiteral("Special:OATHManage");
const QString kUserLogin = QStringLiteral("Special:UserLogin");
const QString kTitle = QStringLiteral("Two-factor authentication");
const QString kTotp = QStringLiteral("totp");
const QString kRecoveryCodes = QStringLiteral("recoverycodes");
const QString kWebAuthn = QStringLiteral("webauthn");
constexpr int kSeedBytes = 20; // 160 bits, RFC 4226's recommendation
constexpr int kRecoveryCodeBytes = 10; // 16 base32 characters

QString grouped(const QString &secret)
{
    QStringList groups;
    for (qsizetype i = 0; i < secret.size(); i += 4)
        groups.append(secret.mid(i, 4));
    return groups.join(u' ');
}

IndexResponse errorPage(int status, const QString &text)
{
    HtmlPage page(kTitle);
    page.addError(text);
    return page.response(status);
}

} // namespace

OathManagePage::OathManagePage(LoginService &login, UserStore &users, const Clock &clock, Random &random)
    : m_login(login)
    , m_users(users)
    , m_clock(clock)
    , m_random(random)
{ }

QString OathManagePage::actionFields(SessionData &session, const QString &action)
{
    return html::hidden(QStringLiteral("wpEditToken"),
                        sessionToken(session, LoginService::EditTokenKey, m_random))
        + html::hidden(QStringLiteral("wpAction"), action);
}

IndexResponse OathManagePage::handle(const IndexRequest &request, const QString &wikiId)
{
    const qint64 userId = LoginService::loggedInUserId(request.session);
    if (userId == 0)
        return redirectResponse(indexUrl(request, kUserLogin, u"returnto="_qs + encodedTitle(kOathManage)));
    const Result<User> user = m_users.userById(userId);
    if (!user)
        return errorPage(500,
                         QStringLiteral("Your account could not be read: %1").arg(user.error().message()));
    SessionData session = request.session;
    if (request.method != "POST")
        return overview(request, session, *user, 200);

    if (!sessionTokenMatches(session, LoginService::EditTokenKey,
                             QString::fromUtf8(request.formValue("wpEditToken"))))
        return overview(
            request, session, *user, 400,
            QStringLiteral("The change was refused: the form's security token does not match your "
                           "session (the form may be old, or it came from another site). Nothing was "
                           "changed."));
    if (m_login.securityLevel(session, Operation).status != u"ok")
        return redirectResponse(indexUrl(
            request, kUserLogin, u"force="_qs + Operation + u"&returnto="_qs + encodedTitle(kOathManage)));

    const QString action = QString::fromUtf8(request.formValue("wpAction"));
    if (action == u"disable")
        return disable(request, session, *user);
    if (action == u"enable-totp")
        return startTotp(request, session, *user, wikiId);
    if (action == u"confirm-totp")
        return confirmTotp(request, session, *user, wikiId);
    if (action == u"cancel-totp") {
        session.remove(PendingTotpKey);
        return overview(request, session, *user, 200, {},
                        QStringLiteral("The authenticator app setup was cancelled."));
    }
    if (action == u"recovery-codes")
        return newRecoveryCodes(request, session, *user);
    return overview(request, session, *user, 400, QStringLiteral("Unknown action \"%1\".").arg(action));
}

IndexResponse OathManagePage::overview(const IndexRequest &request, SessionData &session, const User &user,
                                       int status, const QString &error, const QString &notice)
{
    HtmlPage page(kTitle);
    if (!error.isEmpty())
        page.addError(error);
    if (!notice.isEmpty())
        page.addNotice(notice);
    page.addParagraph(QStringLiteral("Logged in as %1.").arg(user.name));
    const Result<QList<TwoFactorRecord>> records = m_users.twoFactorRecords(user.id);
    if (!records)
        return errorPage(
            500,
            QStringLiteral("Your two-factor settings could not be read: %1").arg(records.error().message()));
    QMap<QString, QList<TwoFactorRecord>> byModule;
    for (const TwoFactorRecord &record : *records)
        byModule[record.module].append(record);

    page.addHtml(u"<h2>Your methods</h2>"_qs);
    if (byModule.isEmpty()) {
        page.addParagraph(QStringLiteral("You have no two-factor authentication method enabled: logging in "
                                         "needs your password only."));
    } else {
        QString list = u"<ul>\n"_qs;
        for (const QString &module : UserStore::knownModules()) {
            if (!byModule.contains(module))
                continue;
            QString item = htmlEscape(authrequests::moduleDescription(module));
            if (module == kRecoveryCodes) {
                qsizetype left = 0;
                for (const TwoFactorRecord &record : byModule.value(module))
                    left += record.data.value(kRecoveryCodes).toArray().size();
                item += htmlEscape(QStringLiteral(": %1 recovery codes left").arg(left));
            } else if (module == kWebAuthn) {
                QStringList names;
                for (const TwoFactorRecord &record : byModule.value(module))
                    names.append(record.data.value(QStringLiteral("friendlyName")).toString());
                item += htmlEscape(QStringLiteral(": %1").arg(names.join(QStringLiteral(", "))));
            }
            const QString form = html::postForm(
                indexPath(request, kOathManage),
                actionFields(session, QStringLiteral("disable"))
                    + html::hidden(QStringLiteral("wpModule"), module)
                    + html::submit(QStringLiteral("Disable %1").arg(authrequests::moduleDescription(module))),
                QStringLiteral("Disable %1").arg(authrequests::moduleDescription(module)));
            list += u"<li>"_qs + item + u'\n' + form + u"</li>\n"_qs;
        }
        page.addHtml(list + u"</ul>"_qs);
    }

    page.addHtml(u"<h2>Changes</h2>"_qs);
    const SecurityLevel level = m_login.securityLevel(session, Operation);
    if (level.status == u"ok" && level.elevatedUntil)
        page.addParagraph(QStringLiteral("You logged in recently, so you can make changes until %1 UTC.")
                              .arg(QDateTime::fromSecsSinceEpoch(qint64(*level.elevatedUntil), Qt::UTC)
                                       .toString(QStringLiteral("yyyy-MM-dd hh:mm:ss"))));
    else
        page.addParagraph(QStringLiteral("To make a change you will be asked to log in again first."));
    if (!byModule.contains(kTotp))
        page.addHtml(html::postForm(indexPath(request, kOathManage),
                                    actionFields(session, QStringLiteral("enable-totp"))
                                        + html::submit(QStringLiteral("Enable an authenticator app (TOTP)")),
                                    QStringLiteral("Enable an authenticator app")));
    if (byModule.contains(kTotp) || byModule.contains(kWebAuthn))
        page.addHtml(html::postForm(indexPath(request, kOathManage),
                                    actionFields(session, QStringLiteral("recovery-codes"))
                                        + html::submit(QStringLiteral("Create new recovery codes")),
                                    QStringLiteral("Create new recovery codes")));
    IndexResponse response = page.response(status);
    if (session != request.session)
        response.saveSession = session;
    return response;
}

IndexResponse OathManagePage::disable(const IndexRequest &request, SessionData &session, const User &user)
{
    const QString module = QString::fromUtf8(request.formValue("wpModule"));
    const Result<QList<TwoFactorRecord>> records = m_users.twoFactorRecords(user.id);
    if (!records)
        return errorPage(500, records.error().message());
    QList<TwoFactorRecord> removed;
    bool othersLeft = false;
    for (const TwoFactorRecord &record : *records) {
        if (record.module == module)
            removed.append(record);
        else if (record.module != kRecoveryCodes)
            othersLeft = true;
    }
    if (removed.isEmpty())
        return overview(request, session, user, 400,
                        QStringLiteral("You have no method \"%1\" to disable.").arg(module));
    if (!othersLeft) { // recovery codes are a fallback for another method, not a method of their own
        for (const TwoFactorRecord &record : *records) {
            if (record.module == kRecoveryCodes && record.module != module)
                removed.append(record);
        }
    }
    for (const TwoFactorRecord &record : removed) {
        if (const Result<void> done = m_users.removeTwoFactor(user.id, record.id); !done)
            return errorPage(500, done.error().message());
    }
    qCInfo(log::providerLogin) << "OATHManage: user" << user.id << "disabled" << module;
    QString notice = QStringLiteral("%1 is disabled.").arg(authrequests::moduleDescription(module));
    if (!othersLeft && module != kRecoveryCodes && removed.size() > 1)
        notice += QStringLiteral(" Your recovery codes were removed with it.");
    return overview(request, session, user, 200, {}, notice);
}

IndexResponse OathManagePage::startTotp(const IndexRequest &request, SessionData &session, const User &user,
                                        const QString &wikiId)
{
    const Result<QList<TwoFactorRecord>> existing = m_users.twoFactorRecords(user.id, kTotp);
    if (existing && !existing->isEmpty())
        return overview(
            request, session, user, 400,
            QStringLiteral("An authenticator app is already enabled. Disable it first to set up a "
                           "new one."));
    session.insert(PendingTotpKey,
                   QString::fromLatin1(otp::Base32::encode(m_random.bytes(kSeedBytes), false)));
    return enrollment(request, session, user, wikiId);
}

IndexResponse OathManagePage::enrollment(const IndexRequest &request, SessionData &session, const User &user,
                                         const QString &wikiId, const QString &error)
{
    const QString secret = session.value(PendingTotpKey).toString();
    otp::OtpAuthUri uri;
    uri.type = otp::OtpAuthUri::Type::Totp;
    uri.issuer = wikiId;
    uri.account = user.name;
    uri.parameters.secret = otp::Base32::decode(secret.toLatin1()).valueOr({});
    HtmlPage page(QStringLiteral("Enable an authenticator app"));
    if (!error.isEmpty())
        page.addError(error);
    page.addParagraph(
        QStringLiteral("Add this key to your authenticator app (TOTP, SHA-1, 6 digits, 30 seconds), "
                       "then enter the code it shows to confirm. Nothing is stored until the code "
                       "is confirmed."));
    page.addHtml(u"<h2>Key URI</h2>\n"_qs + html::pre(uri.toString()));
    page.addHtml(u"<h2>Secret key (base32)</h2>\n<p><code>"_qs + htmlEscape(grouped(secret))
                 + u"</code></p>"_qs);
    const QString fields = actionFields(session, QStringLiteral("confirm-totp")) + u'\n'
        + html::input(QStringLiteral("OATHToken"), QStringLiteral("OATHToken"), QStringLiteral("text"),
                      QStringLiteral("Verification code"), {},
                      QStringLiteral(
                          "autocomplete=\"one-time-code\" inputmode=\"numeric\" required autofocus"))
        + u'\n' + html::submit(QStringLiteral("Enable"));
    page.addHtml(html::postForm(indexPath(request, kOathManage), fields, QStringLiteral("Confirm the code")));
    page.addHtml(html::postForm(indexPath(request, kOathManage),
                                actionFields(session, QStringLiteral("cancel-totp"))
                                    + html::submit(QStringLiteral("Cancel")),
                                QStringLiteral("Cancel the setup")));
    IndexResponse response = page.response(error.isEmpty() ? 200 : 400);
    if (session != request.session)
        response.saveSession = session;
    return response;
}

IndexResponse OathManagePage::confirmTotp(const IndexRequest &request, SessionData &session, const User &user,
                                          const QString &wikiId)
{
    const QString secret = session.value(PendingTotpKey).toString();
    const Result<QByteArray> key = otp::Base32::decode(secret.toLatin1());
    if (secret.isEmpty() || !key)
        return overview(request, session, user, 400,
                        QStringLiteral("No authenticator app setup is in progress; start it again."));
    otp::TotpParameters params;
    params.secret = *key;
    const QByteArray code = request.formValue("OATHToken").trimmed();
    const Result<quint64> step = otp::verifyTotp(params, code, m_clock.nowSeconds(), 1);
    // The confirming code is used up: it cannot also log in (the login's replay guard).
    if (!step || !m_login.claimTotpStep(user.id, *step))
        return enrollment(request, session, user, wikiId,
                          QStringLiteral("The verification code is not right. Check the time on your device "
                                         "and enter the code the app shows now."));
    const QJsonObject data {{QStringLiteral("secret"), secret},
                            {QStringLiteral("digits"), 6},
                            {QStringLiteral("period"), 30},
                            {QStringLiteral("algorithm"), QStringLiteral("SHA1")}};
    if (const Result<TwoFactorRecord> added = m_users.addTwoFactor(user.id, kTotp, data); !added)
        return errorPage(500, added.error().message());
    session.remove(PendingTotpKey);
    qCInfo(log::providerLogin) << "OATHManage: user" << user.id << "enabled totp";
    return overview(request, session, user, 200, {}, QStringLiteral("The authenticator app is enabled."));
}

IndexResponse OathManagePage::newRecoveryCodes(const IndexRequest &request, SessionData &session,
                                               const User &user)
{
    const Result<QList<TwoFactorRecord>> records = m_users.twoFactorRecords(user.id);
    if (!records)
        return errorPage(500, records.error().message());
    bool hasMethod = false;
    for (const TwoFactorRecord &record : *records)
        hasMethod |= record.module != kRecoveryCodes;
    if (!hasMethod)
        return overview(
            request, session, user, 400,
            QStringLiteral("Enable an authenticator app or a security key first: recovery codes are "
                           "their fallback."));
    QStringList codes;
    for (int i = 0; i < RecoveryCodeCount; ++i)
        codes.append(QString::fromLatin1(otp::Base32::encode(m_random.bytes(kRecoveryCodeBytes), false)));
    for (const TwoFactorRecord &record : *records) {
        if (record.module != kRecoveryCodes)
            continue;
        if (const Result<void> done = m_users.removeTwoFactor(user.id, record.id); !done)
            return errorPage(500, done.error().message());
    }
    const QJsonObject data {{kRecoveryCodes, QJsonArray::fromStringList(codes)}};
    if (const Result<TwoFactorRecord> added = m_users.addTwoFactor(user.id, kRecoveryCodes, data); !added)
        return errorPage(500, added.error().message());
    qCInfo(log::providerLogin) << "OATHManage: user" << user.id << "made new recovery codes";

    HtmlPage page(QStringLiteral("Your new recovery codes"));
    page.addNotice(QStringLiteral("Save these codes now: they are shown only this once. Each works once, in "
                                  "place of your other method. Your earlier codes no longer work."));
    QString list = u"<ul class=\"codes\">\n"_qs;
    for (const QString &code : codes)
        list += u"<li><code>"_qs + htmlEscape(code) + u"</code></li>\n"_qs;
    page.addHtml(list + u"</ul>"_qs);
    page.addHtml(u"<p>"_qs
                 + html::link(indexPath(request, kOathManage), QStringLiteral("Back to two-factor settings"))
                 + u"</p>"_qs);
    IndexResponse response = page.response();
    if (session != request.session)
        response.saveSession = session;
    return response;
}

} // namespace mwauth::provider::pages
