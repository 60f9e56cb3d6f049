#include "LoginPages.h"

#include "HtmlPage.h"
#include "PageRequest.h"
#include "ReturnTo.h"
#include "provider/login/AuthRequests.h"
#include "provider/login/LoginApi.h"
#include "provider/login/SessionTokens.h"

namespace mwauth::provider {

using namespace pages;

namespace {

const QString kUserLogin = QStringLiteral("Special:UserLogin");
const QString kUserLogout = QStringLiteral("Special:UserLogout");
const QString kOathManage = QStringLiteral("Special:OATHManage");
const QString kLoginTitle = QStringLiteral("Log in");
const QString kLogoutTitle = QStringLiteral("Log out");

const QString kSessionFailure = QStringLiteral(
    "There seems to be a problem with your login session; this action has been canceled as a "
    "precaution against session hijacking. Please resubmit the form.");
const QString kNoCookies
    = QStringLiteral("Your browser did not send the session cookie of this wiki. Cookies "
                     "must be enabled to log in; please try again.");

bool isSecondFactorError(const QString &messageCode)
{
    return messageCode == u"oathauth-login-failed" || messageCode == u"oathauth-throttled";
}

QString userName(const UserStore &users, const SessionData &session)
{
    if (const Result<User> user = users.userById(LoginService::loggedInUserId(session)))
        return user->name;
    return session.value(LoginService::UserNameKey).toString();
}

} // namespace

LoginPages::LoginPages(LoginService &login, UserStore &users, const Clock &clock, Random &random)
    : m_login(login)
    , m_users(users)
    , m_clock(clock)
    , m_random(random)
    , m_oathManage(login, users, clock, random)
{ }

void LoginPages::install(ProviderServer &server)
{
    ProviderServer *srv = &server;
    server.setIndexPage(
        kUserLogin, [this, srv](const IndexRequest &request) { return userLogin(request, srv->wikiId()); });
    server.setIndexPage(
        kUserLogout, [this, srv](const IndexRequest &request) { return userLogout(request, srv->wikiId()); });
    server.setIndexPage(
        kOathManage, [this, srv](const IndexRequest &request) { return oathManage(request, srv->wikiId()); });
    server.setIndexPage(QStringLiteral("Main_Page"),
                        [this](const IndexRequest &request) { return mainPage(request); });
}

// ---- Main_Page ----

IndexResponse LoginPages::mainPage(const IndexRequest &request)
{
    HtmlPage page(QStringLiteral("MWAuth local provider"));
    page.addParagraph(QStringLiteral("This wiki is the MWAuth Console's local test provider: a MediaWiki "
                                     "look-alike with OATHAuth's two-factor login, for demos and tests."));
    const qint64 userId = LoginService::loggedInUserId(request.session);
    if (userId != 0)
        page.addParagraph(QStringLiteral("You are logged in as %1.").arg(userName(m_users, request.session)));
    else
        page.addParagraph(QStringLiteral("You are not logged in."));
    QString links = u"<ul>\n<li>"_qs
        + (userId != 0 ? html::link(indexPath(request, kUserLogout), kLogoutTitle)
                       : html::link(indexPath(request, kUserLogin), kLoginTitle))
        + u"</li>\n<li>"_qs
        + html::link(indexPath(request, kOathManage), QStringLiteral("Manage two-factor authentication"))
        + u"</li>\n</ul>\n"_qs;
    page.addHtml(links);
    page.addParagraph(QStringLiteral("Action API: %1")
                          .arg(request.baseUrl.toString() + request.scriptPath + QStringLiteral("/api.php")));
    return page.response(200);
}

IndexResponse LoginPages::withSession(IndexResponse response, const IndexRequest &request,
                                      const SessionData &session)
{
    if (session != request.session)
        response.saveSession = session;
    return response;
}

// ---- Special:UserLogin ----

IndexResponse LoginPages::userLogin(const IndexRequest &request, const QString &wikiId)
{
    if (request.method == "POST")
        return submitLogin(request, wikiId);
    SessionData session = request.session;
    const bool loggedIn = LoginService::loggedInUserId(session) != 0;
    if (loggedIn && !hasRequestParam(request, "force"))
        return loggedInPage(request, session);
    if (loggedIn) {
        const QString name = userName(m_users, session);
        return loginForm(
            request, session, 200, {}, name,
            QStringLiteral("For your security, please log in again to confirm that you are %1.").arg(name));
    }
    return loginForm(request, session, 200, {}, requestParam(request, "wpName"));
}

IndexResponse LoginPages::loginForm(const IndexRequest &request, SessionData &session, int status,
                                    const QString &error, const QString &name, const QString &notice)
{
    const ReturnTo returnTo = ReturnTo::fromRequest(request);
    HtmlPage page(kLoginTitle);
    if (!error.isEmpty())
        page.addError(error);
    if (!notice.isEmpty())
        page.addNotice(notice);
    const QString token = sessionToken(session, LoginService::LoginTokenKey, m_random);
    const QString nameFocus = name.isEmpty() ? QStringLiteral(" autofocus") : QString();
    const QString passwordFocus = name.isEmpty() ? QString() : QStringLiteral(" autofocus");
    QString fields = html::hidden(QStringLiteral("wpLoginToken"), token) + returnTo.hiddenFields();
    if (hasRequestParam(request, "force"))
        fields += html::hidden(QStringLiteral("force"), requestParam(request, "force"));
    fields += QStringLiteral("\n")
        + html::input(QStringLiteral("wpName1"), QStringLiteral("wpName"), QStringLiteral("text"),
                      QStringLiteral("Username"), name,
                      u"autocomplete=\"username\" required autocapitalize=\"off\" spellcheck=\"false\""_qs
                          + nameFocus)
        + QStringLiteral("\n")
        + html::input(QStringLiteral("wpPassword1"), QStringLiteral("wpPassword"), QStringLiteral("password"),
                      QStringLiteral("Password"), {},
                      u"autocomplete=\"current-password\" required"_qs + passwordFocus)
        + QStringLiteral("\n")
        + html::checkbox(QStringLiteral("wpRemember"), QStringLiteral("wpRemember"),
                         QStringLiteral("Keep me logged in (for a maximum of 180 days)"),
                         !requestParam(request, "wpRemember").isEmpty())
        + QStringLiteral("\n") + html::submit(kLoginTitle);
    page.addHtml(html::postForm(indexPath(request, kUserLogin), fields, kLoginTitle));
    return withSession(page.response(status), request, session);
}

IndexResponse LoginPages::loggedInPage(const IndexRequest &request, SessionData &session)
{
    const ReturnTo returnTo = ReturnTo::fromRequest(request);
    HtmlPage page(kLoginTitle);
    page.addParagraph(QStringLiteral("You are logged in as %1.").arg(userName(m_users, session)));
    QString again = QStringLiteral("force=1");
    if (!returnTo.title.isEmpty())
        again += u'&' + returnTo.linkQuery();
    QString links = u"<ul>\n<li>"_qs
        + html::link(indexPath(request, kUserLogin, again), QStringLiteral("Log in again (reauthenticate)"))
        + u"</li>\n<li>"_qs
        + html::link(indexPath(request, kOathManage), QStringLiteral("Manage two-factor authentication"))
        + u"</li>\n<li>"_qs + html::link(indexPath(request, kUserLogout), kLogoutTitle) + u"</li>\n"_qs;
    if (!returnTo.title.isEmpty())
        links += u"<li>"_qs
            + html::link(returnTo.target(request).toString(QUrl::FullyEncoded),
                         QStringLiteral("Return to %1").arg(returnTo.title))
            + u"</li>\n"_qs;
    page.addHtml(links + u"</ul>"_qs);
    return withSession(page.response(), request, session);
}

IndexResponse LoginPages::submitLogin(const IndexRequest &request, const QString &wikiId)
{
    SessionData session = request.session;
    const QString name = QString::fromUtf8(request.formValue("wpName"));
    if (!sessionTokenMatches(session, LoginService::LoginTokenKey,
                             QString::fromUtf8(request.formValue("wpLoginToken"))))
        return loginForm(request, session, 400, request.sessionId.isEmpty() ? kNoCookies : kSessionFailure,
                         name);

    if (hasRequestParam(request, "wpCancel")) {
        LoginService::cancel(session);
        return loginForm(request, session, 200, {}, {}, QStringLiteral("The login was cancelled."));
    }
    LoginOutcome outcome;
    const bool isPasswordStep = std::any_of(request.form.cbegin(), request.form.cend(),
                                            [](const auto &field) { return field.first == "wpName"; });
    if (isPasswordStep) {
        outcome = m_login.begin(session, name, QString::fromUtf8(request.formValue("wpPassword")),
                                !request.formValue("wpRemember").isEmpty(), LoginChannel::Web,
                                LoginService::ipText(request.peer));
    } else {
        QHash<QString, QString> fields;
        for (const QByteArray &field : {QByteArray("OATHToken"), QByteArray("RecoveryCode"),
                                        QByteArray("credential"), QByteArray("newModule")}) {
            for (const auto &[key, value] : request.form) {
                if (key == field) {
                    fields.insert(QString::fromLatin1(field), QString::fromUtf8(value));
                    break;
                }
            }
        }
        outcome = m_login.proceed(session, fields, LoginChannel::Web, request.baseUrl.toString());
    }
    switch (outcome.status) {
    case LoginOutcome::Status::Pass:
        return passed(request, session, outcome, wikiId);
    case LoginOutcome::Status::Ui:
        return secondFactorForm(request, session, outcome);
    case LoginOutcome::Status::Fail:
        break;
    }
    return loginForm(request, session, 200, outcome.message, name);
}

IndexResponse LoginPages::secondFactorForm(const IndexRequest &request, SessionData &session,
                                           const LoginOutcome &outcome)
{
    const ReturnTo returnTo = ReturnTo::fromRequest(request);
    HtmlPage page(kLoginTitle);
    if (isSecondFactorError(outcome.messageCode))
        page.addError(outcome.message);
    page.addParagraph(QStringLiteral("Logging in as %1: %2")
                          .arg(outcome.user.name, authrequests::moduleDescription(outcome.module))
                      + u'.');
    if (!isSecondFactorError(outcome.messageCode))
        page.addParagraph(outcome.message);

    const QString common = html::hidden(QStringLiteral("wpLoginToken"),
                                        sessionToken(session, LoginService::LoginTokenKey, m_random))
        + returnTo.hiddenFields();
    QString fields = common + u'\n';
    if (outcome.module == u"totp") {
        fields += html::input(QStringLiteral("OATHToken"), QStringLiteral("OATHToken"),
                              QStringLiteral("text"), QStringLiteral("Verification code"), {},
                              QStringLiteral("autocomplete=\"one-time-code\" inputmode=\"numeric\" "
                                             "required autofocus"));
    } else if (outcome.module == u"recoverycodes") {
        fields
            += html::input(QStringLiteral("RecoveryCode"), QStringLiteral("RecoveryCode"),
                           QStringLiteral("text"), QStringLiteral("Recovery code"), {},
                           QStringLiteral("autocomplete=\"off\" autocapitalize=\"off\" spellcheck=\"false\" "
                                          "required autofocus"));
    } else if (outcome.module == u"webauthn") {
        page.addParagraph(QStringLiteral(
            "A security key answers through JavaScript in a real browser, and these pages use none. Give the "
            "challenge below to your authenticator (for example the console's virtual key) and paste its "
            "answer, the credential JSON, into the field."));
        page.addHtml(u"<h2>Challenge (auth_info)</h2>\n"_qs + html::pre(QString::fromUtf8(outcome.authInfo)));
        fields += html::textarea(QStringLiteral("credential"), QStringLiteral("credential"),
                                 QStringLiteral("Security key answer (credential JSON)"),
                                 QStringLiteral("required autofocus spellcheck=\"false\""));
    }
    fields += u'\n' + html::submit(QStringLiteral("Continue"));
    page.addHtml(html::postForm(indexPath(request, kUserLogin), fields, QStringLiteral("Verify")));

    if (outcome.modules.size() > 1) {
        QString buttons = common + u'\n';
        for (const QString &module : outcome.modules) {
            if (module != outcome.module)
                buttons
                    += html::submit(QStringLiteral("Use: %1").arg(authrequests::moduleDescription(module)),
                                    QStringLiteral("newModule"), module)
                    + u'\n';
        }
        page.addHtml(u"<h2>Other ways to verify</h2>"_qs);
        page.addHtml(
            html::postForm(indexPath(request, kUserLogin), buttons, QStringLiteral("Switch method")));
    }
    page.addHtml(html::postForm(
        indexPath(request, kUserLogin),
        common + html::submit(QStringLiteral("Cancel"), QStringLiteral("wpCancel"), QStringLiteral("1")),
        QStringLiteral("Cancel the login")));
    return withSession(page.response(), request, session);
}

IndexResponse LoginPages::passed(const IndexRequest &request, const SessionData &session,
                                 const LoginOutcome &outcome, const QString &wikiId)
{
    IndexResponse response = redirectResponse(ReturnTo::fromRequest(request).target(request));
    response.saveSession = session;
    response.renewSessionId = true; // no session fixation: the pre-login id is worthless now
    const QList<QByteArray> cookies
        = LoginApi::loginCookies(outcome.user, outcome.rememberMe, wikiId, m_clock.nowSeconds(), m_random);
    for (const QByteArray &cookie : cookies)
        response.addHeader("Set-Cookie", cookie);
    return response;
}

// ---- Special:UserLogout ----

IndexResponse LoginPages::userLogout(const IndexRequest &request, const QString &wikiId)
{
    SessionData session = request.session;
    if (LoginService::loggedInUserId(session) == 0) {
        HtmlPage page(kLogoutTitle);
        page.addParagraph(QStringLiteral("You are not logged in."));
        page.addHtml(u"<p>"_qs + html::link(indexPath(request, kUserLogin), kLoginTitle) + u"</p>"_qs);
        return page.response();
    }
    HtmlPage page(kLogoutTitle);
    int status = 200;
    if (request.method == "POST") {
        if (sessionTokenMatches(session, LoginService::EditTokenKey,
                                QString::fromUtf8(request.formValue("wpEditToken")))) {
            HtmlPage done(kLogoutTitle);
            done.addParagraph(QStringLiteral("You are now logged out."));
            done.addHtml(u"<p>"_qs
                         + html::link(indexPath(request, kUserLogin), QStringLiteral("Log in again"))
                         + u"</p>"_qs);
            IndexResponse response = done.response();
            response.endSession = true;
            for (const QByteArray &cookie : LoginApi::logoutCookies(wikiId))
                response.addHeader("Set-Cookie", cookie);
            return response;
        }
        status = 400;
        page.addError(
            QStringLiteral("The logout was refused: the form's security token does not match your "
                           "session (the form may be old, or it came from another site). Nothing was "
                           "changed; submit the form below to log out."));
    }
    page.addParagraph(QStringLiteral("Do you want to log out, %1?").arg(userName(m_users, session)));
    const QString fields = html::hidden(QStringLiteral("wpEditToken"),
                                        sessionToken(session, LoginService::EditTokenKey, m_random))
        + html::submit(kLogoutTitle);
    page.addHtml(html::postForm(indexPath(request, kUserLogout), fields, kLogoutTitle));
    return withSession(page.response(status), request, session);
}

// ---- Special:OATHManage ----

IndexResponse LoginPages::oathManage(const IndexRequest &request, const QString &wikiId)
{
    return m_oathManage.handle(request, wikiId);
}

} // namespace mwauth::provider
