#include "SpecialOAuth.h"

#include "common/Logging.h"
#include "jose/Jwk.h"
#include "jose/Jws.h"
#include "provider/clients/Grants.h"
#include "provider/oauth2/OidcClaims.h"
#include "provider/pages/HtmlPage.h"
#include "provider/pages/PageRequest.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

namespace mwauth::provider {

using namespace pages;

const QString SpecialOAuth::Title = QStringLiteral("Special:OAuth");

namespace {

const QString kHtml = QStringLiteral("html");
const QString kJson = QStringLiteral("json");

// The token answer (SpecialMWOAuth::returnToken).
IndexResponse tokenAnswer(const QString &key, const QString &secret, bool requestToken, const QString &format)
{
    if (format == kJson) {
        QJsonObject body {{QStringLiteral("key"), key}, {QStringLiteral("secret"), secret}};
        if (requestToken)
            body.insert(QStringLiteral("oauth_callback_confirmed"), QStringLiteral("true"));
        return oauth1Answer(QJsonDocument(body).toJson(QJsonDocument::Compact), true);
    }
    const QByteArray encodedKey = http::percentEncode(key.toUtf8());
    const QByteArray encodedSecret = http::percentEncode(secret.toUtf8());
    if (format == kHtml) {
        HtmlPage page(QStringLiteral("OAuth"));
        page.addHtml(u"<ul><li>oauth_token = "_qs + htmlEscape(QString::fromLatin1(encodedKey))
                     + u"</li><li>oauth_token_secret = "_qs + htmlEscape(QString::fromLatin1(encodedSecret))
                     + u"</li><li>oauth_callback_confirmed = true</li></ul>"_qs);
        return page.response(200);
    }
    return oauth1Answer("oauth_token=" + encodedKey + "&oauth_token_secret=" + encodedSecret
                            + "&oauth_callback_confirmed=true",
                        false);
}

QJsonArray toArray(const QStringList &list)
{
    return QJsonArray::fromStringList(list);
}

} // namespace

SpecialOAuth::SpecialOAuth(OAuth1Server &server, ClientStore &clients, AcceptanceStore &acceptances,
                           UserStore &users, const Clock &clock, Random &random, QString issuer,
                           QString wikiId)
    : m_authorizePage(std::make_unique<OAuth1AuthorizePage>(server, clients, acceptances, users, random))
    , m_server(server)
    , m_clients(clients)
    , m_acceptances(acceptances)
    , m_users(users)
    , m_clock(clock)
    , m_random(random)
    , m_issuer(std::move(issuer))
    , m_wikiId(std::move(wikiId))
{ }

SpecialOAuth::~SpecialOAuth() = default;

void SpecialOAuth::install(ProviderServer &server)
{
    // Special:OAuth/approve and /rest_redirect are longer prefixes (pages::ApprovePage).
    server.setIndexPage(Title, [this](const IndexRequest &request) { return handle(request); });
}

IndexResponse SpecialOAuth::handle(const IndexRequest &request)
{
    QString subpage = request.routePath.mid(Title.size());
    if (subpage.startsWith(u'/'))
        subpage.remove(0, 1);
    subpage.replace(u' ', u'_');
    QString format
        = hasRequestParam(request, "format") ? requestParam(request, "format") : QStringLiteral("raw");
    // determineOAuthVersion: WebRequest::getInt('oauth_version', 1) of the query or POST body.
    const int version = hasRequestParam(request, "oauth_version")
        ? int(requestParam(request, "oauth_version").toDouble())
        : 1;

    if (subpage == u"authorize" || subpage == u"authenticate") {
        if (version != 1)
            return OAuth1Error::unsupportedVersion(QString::number(version)).response(kHtml);
        return m_authorizePage->handle(request, subpage == u"authenticate");
    }
    if (subpage == u"identify") {
        if (version != 1)
            return OAuth1Error::unsupportedVersion(QString::number(version)).response(kJson);
        return identify(request);
    }
    if (subpage == u"verified") {
        if (version != 1)
            return OAuth1Error::unsupportedVersion(QString::number(version)).response(kHtml);
        return verified(request);
    }
    if (subpage == u"initiate" || subpage == u"token") {
        if (version != 1)
            return OAuth1Error::unsupportedVersion(QString::number(version)).response(format);
        return subpage == u"initiate" ? initiate(request, format) : token(request, format);
    }
    if (subpage == u"grants") {
        IndexResponse response;
        response.status = 302;
        addPageHeaders(response);
        response.addHeader("Location", indexUrl(request, QStringLiteral("Special:ListGrants")).toEncoded());
        return response;
    }
    if (subpage.isEmpty()) {
        HtmlPage page(QStringLiteral("OAuth"));
        page.addParagraph(
            QStringLiteral("This page is the OAuth 1.0a endpoint of this wiki: applications use its "
                           "subpages initiate, authorize, token and identify."));
        return page.response(200);
    }
    format = hasRequestParam(request, "format") ? format : kHtml;
    return OAuth1Error::withHelp(
               QStringLiteral("mwoauth-bad-request-invalid-action"),
               QStringLiteral("Sorry, something went wrong, you'll need to contact the application "
                              "author for help with this.\n\n<span class=\"plainlinks "
                              "mw-mwoautherror-details\">Unknown URL, $HELP</span>"),
               QStringLiteral("E002"))
        .response(format);
}

IndexResponse SpecialOAuth::initiate(const IndexRequest &request, const QString &format)
{
    const Result<OAuth1Parameters> params = OAuth1Parameters::fromRequest(request);
    if (!params)
        return OAuth1Error::protocol(params.error().message()).response(format);
    OAuth1Outcome<RequestToken> token = m_server.fetchRequestToken(request, *params);
    if (auto *error = std::get_if<OAuth1Error>(&token))
        return error->response(format);
    const RequestToken &made = std::get<RequestToken>(token);
    return tokenAnswer(made.key, made.secret, true, format);
}

IndexResponse SpecialOAuth::token(const IndexRequest &request, const QString &format)
{
    const Result<OAuth1Parameters> params = OAuth1Parameters::fromRequest(request);
    if (!params)
        return OAuth1Error::protocol(params.error().message()).response(format);
    OAuth1Outcome<OAuth1AccessToken> token = m_server.fetchAccessToken(request, *params);
    if (auto *error = std::get_if<OAuth1Error>(&token))
        return error->response(format);
    const OAuth1AccessToken &access = std::get<OAuth1AccessToken>(token);
    return tokenAnswer(access.key, access.secret, false, format);
}

IndexResponse SpecialOAuth::verified(const IndexRequest &request)
{
    const QString verifier = requestParam(request, "oauth_verifier");
    const QString token = requestParam(request, "oauth_token");
    if (verifier.isEmpty() || token.isEmpty())
        return OAuth1Error::withHelp(
                   QStringLiteral("mwoauth-bad-request-missing-params"),
                   QStringLiteral("Sorry, something went wrong configuring this connected "
                                  "application. Contact the application's developer.\n\n<span "
                                  "class=\"plainlinks mw-mwoautherror-details\">OAuth missing "
                                  "parameters, $HELP</span>"),
                   QStringLiteral("E001"))
            .response(kHtml);
    HtmlPage page(QStringLiteral("OAuth"));
    page.addParagraph(QStringLiteral("The application is now allowed to access MediaWiki on your behalf."));
    page.addHtml(u"<p>To complete the process, provide this verification value to the application: <b "
                 u"id=\"mw-mwoauth-verifier\">"_qs
                 + htmlEscape(verifier) + u"</b></p><p>Request token: <code id=\"mw-mwoauth-token\">"_qs
                 + htmlEscape(token) + u"</code></p>"_qs);
    return page.response(200);
}

QJsonObject SpecialOAuth::identifyClaims(const User &user, const QStringList &ownGroups,
                                         const OAuthClient &client, const QStringList &grants,
                                         const QString &issuer, qint64 now, const QString &nonce)
{
    const QStringList groups = OidcClaims::effectiveGroups(ownGroups);
    QJsonObject claims {
        {QStringLiteral("iss"), issuer},
        {QStringLiteral("aud"), client.consumerKey},
        {QStringLiteral("exp"), double(now + 100)},
        {QStringLiteral("iat"), double(now)},
        {QStringLiteral("sub"), QString::number(user.id)},
        {QStringLiteral("username"), user.name},
        {QStringLiteral("editcount"), user.editCount},
        {QStringLiteral("confirmed_email"), !user.email.isEmpty()},
        {QStringLiteral("blocked"), false},
        {QStringLiteral("registered"), user.registration},
        {QStringLiteral("groups"), toArray(groups)},
        {QStringLiteral("rights"), toArray(OidcClaims::groupRights(groups))},
        {QStringLiteral("grants"), toArray(grants)},
        {QStringLiteral("nonce"), nonce},
    };
    if (grants.contains(Grants::AuthOnlyPrivate)
        || Grants::rights(grants).contains(u"viewmyprivateinfo"_qs)) {
        claims.insert(QStringLiteral("realname"), QString()); // the provider keeps no real names
        claims.insert(QStringLiteral("email"), user.email);
    }
    return claims;
}

IndexResponse SpecialOAuth::identify(const IndexRequest &request)
{
    const Result<OAuth1Parameters> params = OAuth1Parameters::fromRequest(request);
    if (!params)
        return OAuth1Error::protocol(params.error().message()).response(kJson);
    OAuth1Outcome<OAuth1Access> verified = m_server.verifyRequest(request, *params);
    if (auto *error = std::get_if<OAuth1Error>(&verified))
        return error->response(kJson);
    const OAuth1Access &access = std::get<OAuth1Access>(verified);
    const Result<User> user = m_users.userById(access.acceptance.userId);
    const Result<QStringList> groups = user ? m_users.groups(user->id) : Result<QStringList>(user.error());
    if (!user || !groups)
        return OAuth1Error::withHelp(
                   QStringLiteral("mwoauth-invalid-authorization-invalid-user"),
                   QStringLiteral("The authorization headers in your request are for a user that "
                                  "does not exist here"),
                   QStringLiteral("E008"))
            .response(kJson);
    if (access.acceptance.wiki != u"*" && access.acceptance.wiki != m_wikiId)
        return OAuth1Error::plain(
                   QStringLiteral("mwoauth-invalid-authorization-wrong-wiki"),
                   QStringLiteral("The authorization headers in your request are not valid for %1")
                       .arg(m_wikiId))
            .response(kJson);
    if (!m_clients.isUsableBy(access.client, user->id))
        return OAuth1Error::plain(QStringLiteral("mwoauth-invalid-authorization-not-approved"),
                                  QStringLiteral("The app that you are trying to connect seems to be set up "
                                                 "incorrectly. Contact the author of \"%1\" for help.")
                                      .arg(access.client.name))
            .response(kJson);
    const qint64 now = qint64(std::floor(m_clock.nowSeconds()));
    const QJsonObject claims = identifyClaims(*user, *groups, access.client, access.acceptance.grants,
                                              m_issuer, now, QString::fromUtf8(access.nonce));
    const QJsonObject header {{QStringLiteral("typ"), QStringLiteral("JWT")},
                              {QStringLiteral("alg"), QStringLiteral("HS256")}};
    const Result<QByteArray> jwt
        = jose::Jws::sign(header, QJsonDocument(claims).toJson(QJsonDocument::Compact),
                          jose::Jwk::fromSecret(m_clients.clientSecret(access.client)));
    if (!jwt) {
        qCWarning(log::providerServer).noquote() << "Identify JWT not signed:" << jwt.error().toString();
        return OAuth1Error::protocol(QStringLiteral("The identity could not be signed.")).response(kJson);
    }
    return oauth1Answer(*jwt, true);
}

} // namespace mwauth::provider
