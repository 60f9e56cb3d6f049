#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QPair>
#include <QString>
#include <QUrl>

namespace mwauth::trace {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

// The first value of header `name` (case-insensitive), or an empty array.
QByteArray headerValue(const HeaderList &headers, QByteArrayView name);

// One HTTP request and its response, as HttpClient saw them on the wire (before any
// redaction: Trace, HarWriter and CurlExporter redact when they show or write it).
//
// A request that got no response (a network error, a timeout, the size cap) has status 0
// and `error` set; what arrived before the failure is kept in responseBody.
struct Exchange
{
    int id = 0; // 1, 2, ... in the order the Trace received them (0 = not in a trace)
    QString step; // the flow step that sent it ("tokens", "clientlogin", ...)

    QByteArray method;
    QUrl url;
    HeaderList requestHeaders;
    QByteArray requestBody;

    int status = 0; // HTTP status; 0 when there was no response
    QByteArray reasonPhrase;
    QByteArray httpVersion = QByteArrayLiteral("HTTP/1.1");
    HeaderList responseHeaders;
    QByteArray responseBody;
    bool responseTruncated = false; // the body was cut at the size cap

    QDateTime startedAt; // UTC
    qint64 waitMs = -1; // request sent until the response headers arrived (-1 unknown)
    qint64 totalMs = 0; // request sent until the response was complete (or failed)

    // The URLs this exchange was redirected from, oldest first (each hop is also an
    // exchange of its own); empty when the request was not a redirect target.
    QList<QUrl> redirectedFrom;

    QString error; // a readable description when the exchange failed (no secret in it)
    QString note; // what the flow learnt from it (a JWT verdict, a status), may be empty

    QByteArray requestHeader(QByteArrayView name) const { return headerValue(requestHeaders, name); }
    QByteArray responseHeader(QByteArrayView name) const { return headerValue(responseHeaders, name); }
};

} // namespace mwauth::trace

Q_DECLARE_METATYPE(mwauth::trace::Exchange)
