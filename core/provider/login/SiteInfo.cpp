#include "SiteInfo.h"

#include <QDateTime>

namespace mwauth::provider::siteinfo {

QStringList knownProperties()
{
    return {QStringLiteral("general"), QStringLiteral("extensions")};
}

QJsonObject general(const HttpRequest &request, const QString &wikiId, double now)
{
    const QString server = request.baseUrl.toString(QUrl::RemoveUserInfo | QUrl::StripTrailingSlash);
    const QString script = request.scriptPath + QStringLiteral("/index.php");
    QJsonObject data;
    data.insert(QStringLiteral("mainpage"), QStringLiteral("Main Page"));
    data.insert(QStringLiteral("base"), QString(server + script + QStringLiteral("?title=Main_Page")));
    data.insert(QStringLiteral("sitename"), QStringLiteral("MWAuth Local Provider"));
    data.insert(QStringLiteral("generator"), QStringLiteral("MediaWiki 1.39.17"));
    data.insert(QStringLiteral("x-mwauth-provider"), QStringLiteral("MWAuth Console local test provider"));
    data.insert(QStringLiteral("lang"), QStringLiteral("en"));
    data.insert(QStringLiteral("articlepath"), QString(script + QStringLiteral("?title=$1")));
    data.insert(QStringLiteral("scriptpath"), request.scriptPath);
    data.insert(QStringLiteral("script"), script);
    data.insert(QStringLiteral("server"), server);
    data.insert(QStringLiteral("servername"), request.baseUrl.host());
    data.insert(QStringLiteral("wikiid"), wikiId);
    data.insert(QStringLiteral("time"),
                QDateTime::fromSecsSinceEpoch(static_cast<qint64>(now), Qt::UTC).toString(Qt::ISODate));
    return data;
}

QJsonArray extensions()
{
    const auto extension = [](const QString &name, const QString &version, const QString &url) {
        QJsonObject out;
        out.insert(QStringLiteral("type"), QStringLiteral("other"));
        out.insert(QStringLiteral("name"), name);
        out.insert(QStringLiteral("version"), version);
        out.insert(QStringLiteral("url"), url);
        return out;
    };
    return {extension(QStringLiteral("OAuth"), QStringLiteral("1.1.0"),
                      QStringLiteral("https://www.mediawiki.org/wiki/Extension:OAuth")),
            extension(QStringLiteral("OATHAuth"), QStringLiteral("0.5.0"),
                      QStringLiteral("https://www.mediawiki.org/wiki/Extension:OATHAuth")),
            extension(QStringLiteral("WebAuthn"), QStringLiteral("0.1.0"),
                      QStringLiteral("https://www.mediawiki.org/wiki/Extension:WebAuthn"))};
}

} // namespace mwauth::provider::siteinfo
