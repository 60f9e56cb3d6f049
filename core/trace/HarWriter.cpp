#include "HarWriter.h"

#include "trace/ExchangeRedaction.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkCookie>
#include <QSaveFile>
#include <QUrlQuery>
#include <algorithm>

namespace mwauth::trace {

namespace {

QJsonArray headersJson(const HeaderList &headers)
{
    QJsonArray out;
    for (const auto &header : headers)
        out.append(QJsonObject {{QStringLiteral("name"), QString::fromLatin1(header.first)},
                                {QStringLiteral("value"), QString::fromUtf8(header.second)}});
    return out;
}

QJsonArray requestCookies(const HeaderList &headers)
{
    QJsonArray out;
    const QByteArray cookie = headerValue(headers, "Cookie");
    if (cookie.isEmpty())
        return out;
    for (const QByteArray &part : cookie.split(';')) {
        const qsizetype eq = part.indexOf('=');
        if (eq <= 0)
            continue;
        out.append(QJsonObject {{QStringLiteral("name"), QString::fromUtf8(part.left(eq).trimmed())},
                                {QStringLiteral("value"), QString::fromUtf8(part.mid(eq + 1).trimmed())}});
    }
    return out;
}

QJsonArray responseCookies(const HeaderList &headers)
{
    QJsonArray out;
    for (const auto &header : headers) {
        if (header.first.compare("Set-Cookie", Qt::CaseInsensitive) != 0)
            continue;
        for (const QByteArray &line : header.second.split('\n')) {
            const qsizetype eq = line.indexOf('=');
            if (eq <= 0)
                continue;
            const qsizetype semi = line.indexOf(';');
            const QByteArray value = line.mid(eq + 1, semi < 0 ? -1 : semi - eq - 1);
            QJsonObject cookie {{QStringLiteral("name"), QString::fromUtf8(line.left(eq).trimmed())},
                                {QStringLiteral("value"), QString::fromUtf8(value)}};
            const QByteArray attributes = line.toLower();
            if (attributes.contains("httponly"))
                cookie.insert(QStringLiteral("httpOnly"), true);
            if (attributes.contains("; secure"))
                cookie.insert(QStringLiteral("secure"), true);
            out.append(cookie);
        }
    }
    return out;
}

QJsonArray queryString(const QUrl &url)
{
    QJsonArray out;
    const QUrlQuery query(url);
    for (const auto &item : query.queryItems(QUrl::FullyDecoded))
        out.append(
            QJsonObject {{QStringLiteral("name"), item.first}, {QStringLiteral("value"), item.second}});
    return out;
}

QString mimeType(const QByteArray &contentType, const char *fallback)
{
    return contentType.isEmpty() ? QString::fromLatin1(fallback) : QString::fromLatin1(contentType);
}

QJsonObject entryJson(const Exchange &exchange)
{
    QJsonObject request {
        {QStringLiteral("method"), QString::fromLatin1(exchange.method)},
        {QStringLiteral("url"), exchange.url.toString(QUrl::FullyEncoded)},
        {QStringLiteral("httpVersion"), QStringLiteral("HTTP/1.1")},
        {QStringLiteral("cookies"), requestCookies(exchange.requestHeaders)},
        {QStringLiteral("headers"), headersJson(exchange.requestHeaders)},
        {QStringLiteral("queryString"), queryString(exchange.url)},
        {QStringLiteral("headersSize"), -1},
        {QStringLiteral("bodySize"), qint64(exchange.requestBody.size())},
    };
    if (!exchange.requestBody.isEmpty() || exchange.method == "POST" || exchange.method == "PUT") {
        QJsonObject postData {
            {QStringLiteral("mimeType"),
             mimeType(exchange.requestHeader("Content-Type"), "application/octet-stream")},
            {QStringLiteral("text"), QString::fromUtf8(exchange.requestBody)},
        };
        if (exchange.requestHeader("Content-Type").contains("x-www-form-urlencoded")) {
            QJsonArray params;
            for (const QByteArray &pair : exchange.requestBody.split('&')) {
                if (pair.isEmpty())
                    continue;
                const qsizetype eq = pair.indexOf('=');
                QByteArray name = eq < 0 ? pair : pair.left(eq);
                QByteArray value = eq < 0 ? QByteArray() : pair.mid(eq + 1);
                name.replace('+', ' ');
                value.replace('+', ' ');
                params.append(QJsonObject {{QStringLiteral("name"), QUrl::fromPercentEncoding(name)},
                                           {QStringLiteral("value"), QUrl::fromPercentEncoding(value)}});
            }
            postData.insert(QStringLiteral("params"), params);
        }
        request.insert(QStringLiteral("postData"), postData);
    }

    QJsonObject content {
        {QStringLiteral("size"), qint64(exchange.responseBody.size())},
        {QStringLiteral("mimeType"), mimeType(exchange.responseHeader("Content-Type"), "x-unknown")},
    };
    if (!exchange.responseBody.isEmpty())
        content.insert(QStringLiteral("text"), QString::fromUtf8(exchange.responseBody));
    if (exchange.responseTruncated)
        content.insert(QStringLiteral("comment"), QStringLiteral("truncated at the size cap"));
    const QByteArray location = exchange.responseHeader("Location");
    QJsonObject response {
        {QStringLiteral("status"), exchange.status},
        {QStringLiteral("statusText"), QString::fromLatin1(exchange.reasonPhrase)},
        {QStringLiteral("httpVersion"), QString::fromLatin1(exchange.httpVersion)},
        {QStringLiteral("cookies"), responseCookies(exchange.responseHeaders)},
        {QStringLiteral("headers"), headersJson(exchange.responseHeaders)},
        {QStringLiteral("content"), content},
        {QStringLiteral("redirectURL"),
         location.isEmpty() ? QString() : exchange.url.resolved(QUrl::fromEncoded(location)).toString()},
        {QStringLiteral("headersSize"), -1},
        {QStringLiteral("bodySize"),
         exchange.status == 0 ? qint64(-1) : qint64(exchange.responseBody.size())},
    };

    const qint64 wait = exchange.waitMs < 0 ? exchange.totalMs : exchange.waitMs;
    const qint64 receive = std::max<qint64>(0, exchange.totalMs - wait);
    QJsonObject entry {
        {QStringLiteral("startedDateTime"), exchange.startedAt.toUTC().toString(Qt::ISODateWithMs)},
        {QStringLiteral("time"), double(exchange.totalMs)},
        {QStringLiteral("request"), request},
        {QStringLiteral("response"), response},
        {QStringLiteral("cache"), QJsonObject()},
        {QStringLiteral("timings"),
         QJsonObject {{QStringLiteral("send"), 0},
                      {QStringLiteral("wait"), double(wait)},
                      {QStringLiteral("receive"), double(receive)}}},
        {QStringLiteral("_step"), exchange.step},
    };
    if (!exchange.error.isEmpty())
        entry.insert(QStringLiteral("_error"), exchange.error);
    if (!exchange.note.isEmpty())
        entry.insert(QStringLiteral("_note"), exchange.note);
    if (!exchange.redirectedFrom.isEmpty()) {
        QJsonArray from;
        for (const QUrl &url : exchange.redirectedFrom)
            from.append(url.toString());
        entry.insert(QStringLiteral("_redirectedFrom"), from);
    }
    return entry;
}

} // namespace

QJsonObject HarWriter::toJson(const Trace &trace, const Options &options)
{
    QJsonArray entries;
    for (const Exchange &exchange : trace.exchanges())
        entries.append(
            entryJson(options.revealSecrets ? exchange : redactedExchange(exchange, trace.redactor())));
    const QJsonObject log {
        {QStringLiteral("version"), QStringLiteral("1.2")},
        {QStringLiteral("creator"),
         QJsonObject {{QStringLiteral("name"), QStringLiteral("MWAuth Console")},
                      {QStringLiteral("version"), options.creatorVersion}}},
        {QStringLiteral("entries"), entries},
    };
    return QJsonObject {{QStringLiteral("log"), log}};
}

Result<void> HarWriter::write(const Trace &trace, const QString &path, const Options &options)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(ErrorCode::Io, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    file.write(QJsonDocument(toJson(trace, options)).toJson(QJsonDocument::Indented));
    if (!file.commit())
        return fail(ErrorCode::Io, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    return {};
}

} // namespace mwauth::trace
