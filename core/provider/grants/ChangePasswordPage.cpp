#include "ChangePasswordPage.h"

#include "provider/accounts/UserStore.h"
#include "provider/login/LoginService.h"
#include "provider/login/SessionTokens.h"
#include "provider/pages/HtmlPage.h"
#include "provider/pages/PageRequest.h"

namespace mwauth::provider::pages {

const QString ChangePasswordPage::Title = QStringLiteral("Special:ChangePassword");

ChangePasswordPage::ChangePasswordPage(UserStore &users, UserGrants &grants, Random &random)
    : m_users(users)
    , m_grants(grants)
    , m_random(random)
{ }

IndexResponse ChangePasswordPage::handle(const IndexRequest &request)
{
    const qint64 userId = LoginService::loggedInUserId(request.session);
    if (userId == 0)
        return redirectResponse(
            indexUrl(request, QStringLiteral("Special:UserLogin"), u"returnto="_qs + encodedTitle(Title)));
    SessionData session = request.session;
    if (request.method != "POST")
        return form(request, session, 200);
    if (!sessionTokenMatches(session, LoginService::EditTokenKey, requestParam(request, "wpEditToken")))
        return form(request, session, 400,
                    QStringLiteral("The change was refused: the form's security token does not match your "
                                   "session (the form may be old, or it came from another site). Nothing was "
                                   "changed."));
    const Result<User> user = m_users.userById(userId);
    if (!user)
        return form(request, session, 500,
                    QStringLiteral("Your account could not be read: %1").arg(user.error().message()));
    const QString current = requestParam(request, "wpPassword");
    const QString next = requestParam(request, "wpNewPassword");
    const QString retype = requestParam(request, "wpRetype");
    const Result<PasswordCheck> check = m_users.checkPassword(user->name, current);
    if (!check)
        return form(request, session, 500,
                    QStringLiteral("Your password could not be checked: %1").arg(check.error().message()));
    if (!check->matches)
        return form(request, session, 400,
                    QStringLiteral("The current password is not correct. Nothing was changed."));
    if (next.isEmpty())
        return form(request, session, 400, QStringLiteral("The new password is empty. Nothing was changed."));
    if (next != retype)
        return form(request, session, 400,
                    QStringLiteral("The passwords you entered do not match. Nothing was changed."));
    const Result<RevokedGrants> revoked = m_grants.changePassword(m_users, userId, next);
    if (!revoked)
        return form(request, session, revoked.error().code() == ErrorCode::InvalidInput ? 400 : 500,
                    QStringLiteral("The password could not be changed: %1 Nothing was changed.")
                        .arg(revoked.error().message()));
    return form(request, session, 200, {},
                QStringLiteral("Your password was changed. %1 connected applications were disconnected and "
                               "%2 access tokens and %3 refresh tokens revoked.")
                    .arg(revoked->grants.size())
                    .arg(revoked->accessTokens)
                    .arg(revoked->refreshTokens));
}

IndexResponse ChangePasswordPage::form(const IndexRequest &request, SessionData &session, int status,
                                       const QString &error, const QString &notice)
{
    HtmlPage page(QStringLiteral("Change password"));
    if (!error.isEmpty())
        page.addError(error);
    if (!notice.isEmpty())
        page.addNotice(notice);
    page.addParagraph(QStringLiteral("Changing your password disconnects every application you connected "
                                     "(OAuth 1.0a and 2.0) and revokes their tokens."));
    const QString fields = html::hidden(QStringLiteral("wpEditToken"),
                                        sessionToken(session, LoginService::EditTokenKey, m_random))
        + html::input(QStringLiteral("wpPassword1"), QStringLiteral("wpPassword"), QStringLiteral("password"),
                      QStringLiteral("Current password"), {},
                      QStringLiteral("autocomplete=\"current-password\""))
        + html::input(QStringLiteral("wpNewPassword1"), QStringLiteral("wpNewPassword"),
                      QStringLiteral("password"), QStringLiteral("New password"), {},
                      QStringLiteral("autocomplete=\"new-password\""))
        + html::input(QStringLiteral("wpRetype1"), QStringLiteral("wpRetype"), QStringLiteral("password"),
                      QStringLiteral("Retype new password"), {},
                      QStringLiteral("autocomplete=\"new-password\""))
        + html::submit(QStringLiteral("Change password"));
    page.addHtml(html::postForm(indexPath(request, Title), fields, QStringLiteral("Change password")));
    IndexResponse response = page.response(status);
    if (session != request.session)
        response.saveSession = session;
    return response;
}

} // namespace mwauth::provider::pages
