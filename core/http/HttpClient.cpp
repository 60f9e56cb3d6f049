#include "HttpClient.h"

#include "FormCodec.h"

#include "trace/Trace.h"

#include <QElapsedTimer>
#include <QJsonParseError>
#include <QMetaEnum>
#include <QNetworkAccessManager>
#include <QNetworkCookie>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSslError>
#include <QTimer>

namespace mwauth::http {

namespace {

bool isRedirectStatus(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

QString pageTitle(const QByteArray &body)
{
    static const QRegularExpression title(QStringLiteral("<title[^>]*>([^<]{1,200})</title>"),
                                          QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch match = title.match(QString::fromUtf8(body.left(64 * 1024)));
    return match.hasMatch() ? match.captured(1).simplified() : QString();
}

QString seconds(int ms)
{
    return QString::number(ms / 1000.0, 'g', 3);
}

} // namespace

HttpRequest HttpRequest::get(const QUrl &url, const QString &step)
{
    HttpRequest request;
    request.url = url;
    request.step = step;
    return request;
}

HttpRequest HttpRequest::postForm(const QUrl &url, const FormFields &fields, const QString &step)
{
    HttpRequest request;
    request.method = QByteArrayLiteral("POST");
    request.url = url;
    request.step = step;
    request.headers.append(
        {QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/x-www-form-urlencoded")});
    request.body = encodeForm(fields);
    return request;
}

Result<QJsonObject> HttpResponse::jsonObject() const
{
    const QByteArray contentType = header("Content-Type").toLower();
    const QByteArray trimmed = body.trimmed();
    const bool looksJson = trimmed.startsWith('{') || trimmed.startsWith('[');
    if (!looksJson && !contentType.contains("json")) {
        QString what = contentType.isEmpty() ? QStringLiteral("a body without a content type")
                                             : QString::fromLatin1(contentType.split(';').first().trimmed());
        if (body.isEmpty())
            what = QStringLiteral("an empty body");
        QString message = QStringLiteral("expected JSON, the server sent %1 (HTTP %2)").arg(what).arg(status);
        const QString title = pageTitle(body);
        if (!title.isEmpty())
            message += QStringLiteral(": \"%1\"").arg(title);
        return fail(ErrorCode::Protocol, message, url.toString(QUrl::RemoveQuery | QUrl::RemoveUserInfo));
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(ErrorCode::MalformedJson,
                    QStringLiteral("the server's JSON does not parse: %1 at offset %2 (HTTP %3)")
                        .arg(parseError.errorString())
                        .arg(parseError.offset)
                        .arg(status));
    if (!document.isObject())
        return fail(ErrorCode::MalformedJson,
                    QStringLiteral("the server's JSON is not an object (HTTP %1)").arg(status));
    return document.object();
}

struct HttpClient::Call
{
    HttpRequest request; // the current hop
    QPointer<QObject> context;
    bool hasContext = false;
    Callback done;
    QNetworkReply *reply = nullptr;
    QTimer *timer = nullptr;
    QElapsedTimer elapsed;
    QDateTime startedAt;
    qint64 waitMs = -1;
    QByteArray body;
    bool truncated = false;
    bool timedOut = false;
    bool aborted = false;
    bool tooLarge = false;
    QStringList sslErrors;
    QList<QUrl> redirectedFrom;
    trace::HeaderList sentHeaders;
    int timeoutMs = 0;
    qint64 cap = 0;
};

HttpClient::HttpClient(QNetworkAccessManager *network, trace::Trace *trace, QObject *parent)
    : QObject(parent)
    , m_network(network)
    , m_trace(trace)
    , m_cookies(new SessionCookieJar(this))
{
    Q_ASSERT(network);
}

HttpClient::~HttpClient()
{
    // Nobody is told: the callbacks' owners may be going away with us.
    const auto calls = m_calls;
    m_calls.clear();
    for (Call *call : calls) {
        if (call->reply) {
            call->reply->disconnect(this);
            call->reply->abort();
            call->reply->deleteLater();
        }
        delete call;
    }
}

quint64 HttpClient::send(const HttpRequest &request, QObject *context, Callback done)
{
    const quint64 id = m_nextId++;
    auto *call = new Call;
    call->request = request;
    call->context = context;
    call->hasContext = context != nullptr;
    call->done = std::move(done);
    call->timeoutMs = request.timeoutMs > 0 ? request.timeoutMs : m_defaultTimeoutMs;
    call->cap = request.maxResponseBytes > 0 ? request.maxResponseBytes : m_maxResponseBytes;
    call->timer = new QTimer(this);
    call->timer->setSingleShot(true);
    connect(call->timer, &QTimer::timeout, this, [this, id] { onTimeout(id); });
    m_calls.insert(id, call);

    const QUrl &url = request.url;
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || url.host().isEmpty() || (scheme != u"http" && scheme != u"https")) {
        failEarly(id,
                  fail(ErrorCode::MalformedUrl,
                       QStringLiteral("not an http(s) URL: %1").arg(url.toString(QUrl::RemoveUserInfo)),
                       url.errorString()));
        return id;
    }
    call->startedAt = QDateTime::currentDateTimeUtc();
    call->elapsed.start();
    call->timer->start(call->timeoutMs);
    start(call);
    return id;
}

void HttpClient::failEarly(quint64 id, const Error &error)
{
    // Never call back from inside send().
    QTimer::singleShot(0, this, [this, id, error] {
        Call *call = m_calls.value(id);
        if (!call)
            return;
        trace::Exchange exchange;
        exchange.step = call->request.step;
        exchange.method = call->request.method;
        exchange.url = call->request.url;
        exchange.requestHeaders = call->request.headers;
        exchange.requestBody = call->request.body;
        exchange.startedAt = QDateTime::currentDateTimeUtc();
        exchange.error = error.message();
        complete(id, error, std::move(exchange));
    });
}

void HttpClient::start(Call *call)
{
    const quint64 id = m_calls.key(call);
    const HttpRequest &request = call->request;
    QNetworkRequest networkRequest(request.url);
    networkRequest.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                                QNetworkRequest::ManualRedirectPolicy);
    networkRequest.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
    networkRequest.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
    networkRequest.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    networkRequest.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    networkRequest.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);

    trace::HeaderList sent = request.headers;
    if (trace::headerValue(sent, "User-Agent").isEmpty())
        sent.append({QByteArrayLiteral("User-Agent"), m_userAgent});
    const QList<QNetworkCookie> cookies = m_cookies->cookiesForUrl(request.url);
    if (!cookies.isEmpty() && trace::headerValue(sent, "Cookie").isEmpty()) {
        QByteArrayList pairs;
        for (const QNetworkCookie &cookie : cookies)
            pairs.append(cookie.toRawForm(QNetworkCookie::NameAndValueOnly));
        sent.append({QByteArrayLiteral("Cookie"), pairs.join("; ")});
    }
    for (const auto &header : std::as_const(sent))
        networkRequest.setRawHeader(header.first, header.second);
    call->sentHeaders = sent;
    call->body.clear();
    call->waitMs = -1;

    QNetworkReply *reply = request.body.isEmpty() && request.method == "GET"
        ? m_network->get(networkRequest)
        : m_network->sendCustomRequest(networkRequest, request.method, request.body);
    call->reply = reply;
    connect(reply, &QNetworkReply::metaDataChanged, this, [this, id] { onMetaData(id); });
    connect(reply, &QNetworkReply::readyRead, this, [this, id] { onReadyRead(id); });
    connect(reply, &QNetworkReply::finished, this, [this, id] { onFinished(id); });
    connect(reply, &QNetworkReply::sslErrors, this, [this, id](const QList<QSslError> &errors) {
        Call *c = m_calls.value(id);
        if (!c)
            return;
        for (const QSslError &error : errors)
            c->sslErrors.append(error.errorString());
        // Never ignored: the handshake fails and the reply finishes with an error.
    });
}

void HttpClient::onMetaData(quint64 id)
{
    Call *call = m_calls.value(id);
    if (!call || !call->reply)
        return;
    if (call->waitMs < 0)
        call->waitMs = call->elapsed.elapsed();
    const QVariant length = call->reply->header(QNetworkRequest::ContentLengthHeader);
    if (length.isValid() && length.toLongLong() > call->cap) {
        call->tooLarge = true;
        call->reply->abort();
    }
}

void HttpClient::onReadyRead(quint64 id)
{
    Call *call = m_calls.value(id);
    if (!call || !call->reply || call->tooLarge)
        return;
    call->body.append(call->reply->readAll());
    if (call->body.size() > call->cap) {
        call->body.truncate(call->cap);
        call->truncated = true;
        call->tooLarge = true;
        call->reply->abort();
    }
}

void HttpClient::onTimeout(quint64 id)
{
    Call *call = m_calls.value(id);
    if (!call || !call->reply)
        return;
    call->timedOut = true;
    call->reply->abort();
}

void HttpClient::abort(quint64 id)
{
    Call *call = m_calls.value(id);
    if (!call)
        return;
    call->aborted = true;
    if (call->reply) {
        call->reply->abort();
    } else {
        failEarly(id, fail(ErrorCode::Cancelled, QStringLiteral("the request was cancelled")));
    }
}

void HttpClient::abortAll()
{
    const QList<quint64> ids = m_calls.keys();
    for (quint64 id : ids)
        abort(id);
}

void HttpClient::onFinished(quint64 id)
{
    Call *call = m_calls.value(id);
    if (!call || !call->reply)
        return;
    QNetworkReply *reply = call->reply;
    call->reply = nullptr;
    reply->deleteLater();
    if (!call->tooLarge) {
        call->body.append(reply->readAll());
        if (call->body.size() > call->cap) {
            call->body.truncate(call->cap);
            call->truncated = true;
            call->tooLarge = true;
        }
    }

    trace::Exchange exchange;
    exchange.step = call->request.step;
    exchange.method = call->request.method;
    exchange.url = call->request.url;
    exchange.requestHeaders = call->sentHeaders;
    exchange.requestBody = call->request.body;
    exchange.startedAt = call->startedAt;
    exchange.waitMs = call->waitMs;
    exchange.totalMs = call->elapsed.elapsed();
    exchange.redirectedFrom = call->redirectedFrom;
    exchange.responseBody = call->body;
    exchange.responseTruncated = call->truncated;

    const QVariant statusAttribute = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    const int status = statusAttribute.isValid() ? statusAttribute.toInt() : 0;
    if (status > 0) {
        exchange.status = status;
        exchange.reasonPhrase = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toByteArray();
        exchange.responseHeaders = reply->rawHeaderPairs();
    }

    const QString where = call->request.url.host()
        + (call->request.url.port() > 0 ? u':' + QString::number(call->request.url.port()) : QString());
    std::optional<Error> error;
    if (call->aborted) {
        error = fail(ErrorCode::Cancelled, QStringLiteral("the request was cancelled"));
    } else if (call->timedOut) {
        error = fail(ErrorCode::Timeout,
                     QStringLiteral("%1 did not answer within %2 s").arg(where, seconds(call->timeoutMs)));
    } else if (call->tooLarge) {
        error = fail(ErrorCode::TooLarge,
                     QStringLiteral("the response from %1 is larger than the limit of %2 bytes")
                         .arg(where)
                         .arg(call->cap));
    } else if (status == 0 && reply->error() != QNetworkReply::NoError) {
        if (reply->error() == QNetworkReply::SslHandshakeFailedError || !call->sslErrors.isEmpty()) {
            error = fail(ErrorCode::Tls,
                         QStringLiteral("TLS with %1 failed: %2").arg(where, reply->errorString()),
                         call->sslErrors.join(QStringLiteral("; ")));
        } else {
            error = fail(ErrorCode::Network,
                         QStringLiteral("could not talk to %1: %2").arg(where, reply->errorString()),
                         QString::fromLatin1(
                             QMetaEnum::fromType<QNetworkReply::NetworkError>().valueToKey(reply->error())));
        }
    } else if (status == 0) {
        error = fail(ErrorCode::Protocol, QStringLiteral("%1 sent no HTTP status").arg(where));
    }
    if (error) {
        exchange.error = error->message();
        complete(id, *error, std::move(exchange));
        return;
    }

    // The session keeps the server's cookies.
    const QList<QNetworkCookie> cookies
        = reply->header(QNetworkRequest::SetCookieHeader).value<QList<QNetworkCookie>>();
    if (!cookies.isEmpty())
        m_cookies->setCookiesFromUrl(cookies, call->request.url);

    const QByteArray location = exchange.responseHeader("Location");
    if (call->request.followRedirects && isRedirectStatus(status) && !location.isEmpty()) {
        const QUrl next = call->request.url.resolved(QUrl::fromEncoded(location));
        if (call->redirectedFrom.size() >= call->request.maxRedirects) {
            const Error tooMany
                = fail(ErrorCode::Protocol,
                       QStringLiteral("more than %1 redirects").arg(call->request.maxRedirects));
            exchange.error = tooMany.message();
            complete(id, tooMany, std::move(exchange));
            return;
        }
        const QString nextScheme = next.scheme().toLower();
        if (!next.isValid() || (nextScheme != u"http" && nextScheme != u"https")) {
            // Not ours to follow (a custom scheme, a broken Location): the caller gets the 3xx.
        } else {
            if (m_trace)
                m_trace->append(exchange);
            Q_EMIT exchangeRecorded(exchange);
            call->redirectedFrom.append(call->request.url);
            call->request.url = next;
            if (status == 303 || ((status == 301 || status == 302) && call->request.method == "POST")) {
                call->request.method = QByteArrayLiteral("GET");
                call->request.body.clear();
                call->request.headers.removeIf(
                    [](const auto &h) { return h.first.compare("Content-Type", Qt::CaseInsensitive) == 0; });
            }
            call->startedAt = QDateTime::currentDateTimeUtc();
            call->elapsed.restart();
            start(call);
            return;
        }
    }

    HttpResponse response;
    response.status = status;
    response.reasonPhrase = exchange.reasonPhrase;
    response.headers = exchange.responseHeaders;
    response.body = exchange.responseBody;
    response.url = call->request.url;
    complete(id, response, std::move(exchange));
}

void HttpClient::complete(quint64 id, Result<HttpResponse> result, trace::Exchange exchange)
{
    Call *call = m_calls.take(id);
    if (!call)
        return;
    call->timer->stop();
    call->timer->deleteLater();
    int exchangeId = 0;
    if (m_trace)
        exchangeId = m_trace->append(exchange);
    exchange.id = exchangeId;
    Q_EMIT exchangeRecorded(exchange);
    if (result.ok())
        result->exchangeId = exchangeId;
    Callback done = std::move(call->done);
    const bool alive = !call->hasContext || call->context;
    delete call;
    if (alive && done)
        done(std::move(result));
}

} // namespace mwauth::http
