#pragma once

// Shared by the provider server tests: an HTTP client over real sockets, the recorded
// MediaWiki responses (peers/mediawiki/fixtures), and echo services that report what the
// server handed them.

#include "provider/server/ApiErrors.h"
#include "provider/server/ProviderServer.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QStringList>

namespace mwauth::provider::testing {

struct Reply
{
    int status = 0;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QByteArray body;
    QList<QNetworkReply::RawHeaderPair> headers;

    QByteArray header(QByteArrayView name) const
    {
        for (const auto &[key, value] : headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        }
        return {};
    }
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

inline QString fixturePath(const QString &name)
{
    return QStringLiteral(MWAUTH_SHARED_DIR "/peers/mediawiki/fixtures/") + name;
}

inline QJsonObject fixtureJson(const QString &name)
{
    QFile file(fixturePath(name));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

// "Name: value" lines of a recorded response (the status line is skipped).
inline QMap<QByteArray, QByteArray> fixtureHeaders(const QString &name)
{
    QMap<QByteArray, QByteArray> headers;
    QFile file(fixturePath(name));
    if (!file.open(QIODevice::ReadOnly))
        return headers;
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (const QByteArray &line : lines) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && !line.startsWith("HTTP/"))
            headers.insert(line.first(colon).trimmed().toLower(), line.sliced(colon + 1).trimmed());
    }
    return headers;
}

inline QJsonObject paramsToJson(const ApiRequest &request)
{
    QJsonObject params;
    for (auto it = request.params.cbegin(); it != request.params.cend(); ++it)
        params.insert(it.key(), it.value());
    QStringList posted(request.postParamNames.cbegin(), request.postParamNames.cend());
    QStringList queried(request.queryParamNames.cbegin(), request.queryParamNames.cend());
    posted.sort();
    queried.sort();
    return QJsonObject {
        {u"handler"_qs, u"api"_qs},
        {u"method"_qs, QString::fromLatin1(request.method)},
        {u"params"_qs, params},
        {u"posted"_qs, QJsonArray::fromStringList(posted)},
        {u"queried"_qs, QJsonArray::fromStringList(queried)},
    };
}

inline ProviderResponse echo(const QString &handler, const HttpRequest &request)
{
    return ProviderResponse::json(QJsonObject {
        {u"handler"_qs, handler},
        {u"method"_qs, QString::fromLatin1(request.method)},
        {u"routePath"_qs, request.routePath},
        {u"form"_qs, QString::fromUtf8(request.formValue("x"))},
    });
}

inline void registerEchoServices(ProviderServer &server)
{
    server.setApiModule(
        u"echo"_qs, [](const ApiRequest &request) { return ProviderResponse::json(paramsToJson(request)); });
    server.setApiModule(u"needspost"_qs, [](const ApiRequest &request) {
        if (request.inQueryString(u"logintoken"_qs))
            return apiError(request, u"mustpostparams"_qs, apimessages::mustPostParams({u"logintoken"_qs}));
        return ProviderResponse::json(QJsonObject {{u"ok"_qs, true}});
    });
    server.setRestRoute(u"/oauth2/token"_qs,
                        [](const RestRequest &request) { return echo(u"rest-token"_qs, request); });
    server.setRestRoute(u"/oauth2/client/"_qs,
                        [](const RestRequest &request) { return echo(u"rest-client"_qs, request); });
    server.setWellKnownRoute(u"openid-configuration"_qs,
                             [](const RestRequest &request) { return echo(u"well-known"_qs, request); });
    server.setIndexPage(u"Special:OAuth"_qs,
                        [](const IndexRequest &request) { return echo(u"index-oauth"_qs, request); });
    server.setIndexPage(u"Special:OAuth/authorize"_qs,
                        [](const IndexRequest &request) { return echo(u"index-authorize"_qs, request); });
}

// Waits for `reply` to finish (at most 10 s, QSignalSpy: no sleeps) and reads it into a
// Reply (error TimeoutError when it did not finish); `reply` is deleted later.
inline Reply finishedReply(QNetworkReply *reply)
{
    QSignalSpy finished(reply, &QNetworkReply::finished);
    Reply result;
    if (!finished.wait(10000) && !reply->isFinished()) {
        result.error = QNetworkReply::TimeoutError;
    } else {
        result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        result.error = reply->error();
        result.body = reply->readAll();
        result.headers = reply->rawHeaderPairs();
    }
    reply->deleteLater();
    return result;
}

// A QNetworkAccessManager without a cookie jar (tests send cookies explicitly) and a
// blocking-free wait on each reply (QSignalSpy, no sleeps).
class TestHttpClient
{
public:
    TestHttpClient() { m_nam.setCookieJar(nullptr); }

    Reply send(const QByteArray &method, const QUrl &url, const QByteArray &body = {},
               const QByteArray &contentType = "application/x-www-form-urlencoded",
               const QList<std::pair<QByteArray, QByteArray>> &headers = {})
    {
        QNetworkRequest request(url);
        if (!body.isEmpty() || method == "POST")
            request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
        for (const auto &[name, value] : headers)
            request.setRawHeader(name, value);
        return finishedReply(m_nam.sendCustomRequest(request, method, body));
    }

private:
    QNetworkAccessManager m_nam;
};

inline QUrl url(const ProviderServer &server, const QString &pathAndQuery)
{
    return QUrl(server.baseUrl().toString() + pathAndQuery);
}

} // namespace mwauth::provider::testing
