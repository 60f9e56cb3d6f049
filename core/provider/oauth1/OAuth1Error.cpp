#include "OAuth1Error.h"

#include "provider/pages/HtmlPage.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace mwauth::provider {

ProviderResponse oauth1Answer(const QByteArray &body, bool json)
{
    ProviderResponse response;
    response.status = 200;
    response.contentType = json ? QByteArray("application/json") : QByteArray("text/plain");
    response.body = body;
    response.addHeader("Expires", "Thu, 01 Jan 1970 00:00:00 GMT");
    response.addHeader("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate");
    response.addHeader("Pragma", "no-cache");
    return response;
}

OAuth1Error OAuth1Error::plain(const QString &key, const QString &text)
{
    return OAuth1Error {key, text};
}

OAuth1Error OAuth1Error::protocol(const QString &detail)
{
    return plain(QStringLiteral("mwoauth-oauth-exception"),
                 QStringLiteral("An error occurred in the OAuth protocol: %1").arg(detail));
}

QString OAuth1Error::helpLink(const QString &errorCode)
{
    return QStringLiteral("<a rel=\"nofollow\" class=\"external text\" "
                          "href=\"https://www.mediawiki.org/wiki/Help:OAuth/Errors#%1\">%1</a>")
        .arg(errorCode);
}

OAuth1Error OAuth1Error::withHelp(const QString &key, const QString &text, const QString &errorCode)
{
    return plain(key, QString(text).replace(QStringLiteral("$HELP"), helpLink(errorCode)));
}

OAuth1Error OAuth1Error::badConsumerKey()
{
    return withHelp(QStringLiteral("mwoauthserver-bad-consumer-key"),
                    QStringLiteral("Sorry, something went wrong connecting this application.\n\n"
                                   "<span class=\"plainlinks mw-mwoautherror-details\">Unknown OAuth key, "
                                   "$HELP</span>"),
                    QStringLiteral("E006"));
}

OAuth1Error OAuth1Error::badConsumer(const QString &consumerName, const QString &ownerTalkUrl)
{
    OAuth1Error error = withHelp(
        QStringLiteral("mwoauthserver-bad-consumer"),
        QStringLiteral("\"%1\" is not approved as a Connected App. [%2 Contact] the application author for "
                       "help.\n\n<span class=\"plainlinks mw-mwoautherror-details\">Connected OAuth app not "
                       "approved, $HELP</span>"),
        QStringLiteral("E005"));
    error.message = error.message.arg(consumerName, ownerTalkUrl);
    return error;
}

OAuth1Error OAuth1Error::ownerOnly(const QString &consumerName, const QString &updateTitle)
{
    OAuth1Error error
        = withHelp(QStringLiteral("mwoauthserver-consumer-owner-only"),
                   QStringLiteral("\"%1\" is an owner-only Connected App. To fetch the access token, see "
                                  "[[%2]].\n\n<span class=\"plainlinks mw-mwoautherror-details\">Consumer is "
                                  "owner-only, $HELP</span>"),
                   QStringLiteral("E010"));
    error.message = error.message.arg(consumerName, updateTitle);
    return error;
}

OAuth1Error OAuth1Error::badSourceIp()
{
    return plain(QStringLiteral("mwoauthdatastore-bad-source-ip"),
                 QStringLiteral("The request came from an invalid IP address."));
}

OAuth1Error OAuth1Error::requestTokenNotFound()
{
    return withHelp(
        QStringLiteral("mwoauthdatastore-request-token-not-found"),
        QStringLiteral("Sorry, something went wrong connecting this application.\nGo back and "
                       "try to connect your account again, or contact the application "
                       "author.\n\n<span class=\"plainlinks mw-mwoautherror-details\">OAuth token "
                       "not found, $HELP</span>"),
        QStringLiteral("E004"));
}

OAuth1Error OAuth1Error::requestTokenUsed()
{
    return withHelp(QStringLiteral("mwoauthdatastore-request-token-already-used"),
                    QStringLiteral("This request has already been completed and cannot be resubmitted.\nGo "
                                   "back to the application and try to connect your account again, or "
                                   "contact the application author.\n\n<span class=\"plainlinks "
                                   "mw-mwoautherror-details\">OAuth token already used, $HELP</span>"),
                    QStringLiteral("E009"));
}

OAuth1Error OAuth1Error::accessTokenNotFound()
{
    return plain(QStringLiteral("mwoauthdatastore-access-token-not-found"),
                 QStringLiteral("No approved grant was found for that authorization token."));
}

OAuth1Error OAuth1Error::unsupportedVersion(const QString &version)
{
    return plain(QStringLiteral("mwoauth-oauth-unsupported-version"),
                 QStringLiteral("This endpoint is not allowed for OAuth version %1").arg(version));
}

ProviderResponse OAuth1Error::response(const QString &format) const
{
    if (format == u"json") {
        const QJsonObject body {{QStringLiteral("error"), key}, {QStringLiteral("message"), message}};
        return oauth1Answer(QJsonDocument(body).toJson(QJsonDocument::Compact), true);
    }
    if (format == u"html") {
        pages::HtmlPage page(QStringLiteral("Application Connection Error"));
        page.addError(message);
        return page.response(200);
    }
    // Message::escaped(): htmlspecialchars with ENT_QUOTES, which writes ' as &#039;.
    return oauth1Answer("Error: " + pages::htmlEscape(message).replace(u"&#39;"_qs, u"&#039;"_qs).toUtf8(),
                        false);
}

} // namespace mwauth::provider
