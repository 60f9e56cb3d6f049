#pragma once

#include "http/FormCodec.h"
#include "trace/Exchange.h"
#include "trace/Trace.h"

#include "common/Result.h"

#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkCookie>
#include <QNetworkCookieJar>
#include <QObject>
#include <QPointer>
#include <functional>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

namespace mwauth::http {

// One request for HttpClient::send().
struct HttpRequest
{
    QByteArray method = QByteArrayLiteral("GET");
    QUrl url;
    trace::HeaderList headers; // sent as given (Cookie is added from the session's jar)
    QByteArray body;
    QString step; // the flow step recorded in the Exchange
    int timeoutMs = 0; // whole request; 0 = the client's default
    qint64 maxResponseBytes = 0; // 0 = the client's default
    bool followRedirects = false; // follow 301/302/303/307/308 (each hop is an Exchange)
    int maxRedirects = 10;

    // Convenience constructors.
    static HttpRequest get(const QUrl &url, const QString &step = {});
    // POST application/x-www-form-urlencoded.
    static HttpRequest postForm(const QUrl &url, const FormFields &fields, const QString &step = {});
};

// A complete response (any HTTP status: a 4xx/5xx is a response, not an error).
struct HttpResponse
{
    int status = 0;
    QByteArray reasonPhrase;
    trace::HeaderList headers;
    QByteArray body;
    QUrl url; // the URL that answered (after redirects)
    int exchangeId = 0; // the Exchange in the trace (0 without a trace)

    QByteArray header(QByteArrayView name) const { return trace::headerValue(headers, name); }
    bool isSuccess() const { return status >= 200 && status < 300; }
    // The body as a JSON object: MalformedJson when it does not parse, Protocol when the
    // server sent something else (an HTML error page: the message names the content type
    // and status, and quotes the page's title when it has one).
    Result<QJsonObject> jsonObject() const;
};

// The cookies of one session (one HttpClient): MediaWiki's session cookies never leak to
// another session that shares the QNetworkAccessManager.
class SessionCookieJar : public QNetworkCookieJar
{
    Q_OBJECT

public:
    using QNetworkCookieJar::QNetworkCookieJar;
    QList<QNetworkCookie> cookies() const { return allCookies(); }
    void clear() { setAllCookies({}); }
};

// Sends HTTP requests over an injected QNetworkAccessManager, asynchronously, and records
// every request/response as an Exchange in a Trace (when one is given).
//
//  - The session's cookies live in this client's own SessionCookieJar (the manager's jar is
//    not used), so several sessions can share one manager.
//  - Every request has a timeout (default 30 s) and a response size cap (default 8 MiB);
//    over the cap the transfer is stopped (TooLarge).
//  - Failures are typed Errors: Timeout, Tls (handshake or certificate; never ignored),
//    Network (refused, host not found, reset, ...), TooLarge, Cancelled, MalformedUrl.
//    An HTTP error status is not an error here: the callback gets the HttpResponse.
//  - The callback runs exactly once per send(), unless `context` is destroyed first; it is
//    never called from inside send().
class HttpClient : public QObject
{
    Q_OBJECT

public:
    using Callback = std::function<void(Result<HttpResponse>)>;

    HttpClient(QNetworkAccessManager *network, trace::Trace *trace, QObject *parent = nullptr);
    ~HttpClient() override;

    // Starts the request; returns its id (for abort()).
    quint64 send(const HttpRequest &request, QObject *context, Callback done);
    // Stops a request: its callback gets Cancelled. Unknown ids are ignored.
    void abort(quint64 id);
    // Stops every running request of this client.
    void abortAll();
    int runningCount() const { return int(m_calls.size()); }

    void setDefaultTimeoutMs(int ms) { m_defaultTimeoutMs = ms; }
    int defaultTimeoutMs() const { return m_defaultTimeoutMs; }
    void setMaxResponseBytes(qint64 bytes) { m_maxResponseBytes = bytes; }
    qint64 maxResponseBytes() const { return m_maxResponseBytes; }
    void setUserAgent(const QByteArray &userAgent) { m_userAgent = userAgent; }

    SessionCookieJar *cookieJar() const { return m_cookies; }
    trace::Trace *trace() const { return m_trace; }
    QNetworkAccessManager *network() const { return m_network; }

Q_SIGNALS:
    // After each exchange was recorded (also when there is no trace: id 0).
    void exchangeRecorded(const mwauth::trace::Exchange &exchange);

private:
    struct Call;
    void start(Call *call);
    void onMetaData(quint64 id);
    void onReadyRead(quint64 id);
    void onFinished(quint64 id);
    void onTimeout(quint64 id);
    void complete(quint64 id, Result<HttpResponse> result, trace::Exchange exchange);
    void failEarly(quint64 id, const Error &error);

    QNetworkAccessManager *m_network;
    QPointer<trace::Trace> m_trace;
    SessionCookieJar *m_cookies;
    QHash<quint64, Call *> m_calls;
    quint64 m_nextId = 1;
    int m_defaultTimeoutMs = 30000;
    qint64 m_maxResponseBytes = 8 * 1024 * 1024;
    QByteArray m_userAgent = QByteArrayLiteral("MWAuthConsole/1.0");
};

} // namespace mwauth::http
