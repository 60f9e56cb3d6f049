#include "ProviderServer.h"

#include "ApiErrors.h"
#include "ApiParams.h"
#include "RequestGuardServer.h"
#include "common/Logging.h"
#include "http/MultipartCodec.h"
#include "oauth1/AuthorizationHeader.h"

#include <QAbstractHttpServer>
#include <QDateTime>
#include <QElapsedTimer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QLoggingCategory>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrlQuery>

#ifdef Q_OS_LINUX
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace mwauth::provider {

namespace {

QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get:
        return "GET";
    case QHttpServerRequest::Method::Put:
        return "PUT";
    case QHttpServerRequest::Method::Delete:
        return "DELETE";
    case QHttpServerRequest::Method::Post:
        return "POST";
    case QHttpServerRequest::Method::Head:
        return "HEAD";
    case QHttpServerRequest::Method::Options:
        return "OPTIONS";
    case QHttpServerRequest::Method::Patch:
        return "PATCH";
    case QHttpServerRequest::Method::Connect:
        return "CONNECT";
    case QHttpServerRequest::Method::Trace:
        return "TRACE";
    default:
        return "UNKNOWN";
    }
}

QMap<QByteArray, QByteArray> parseCookies(const QList<std::pair<QByteArray, QByteArray>> &headers)
{
    QMap<QByteArray, QByteArray> cookies;
    for (const auto &[name, value] : headers) {
        if (name.compare("cookie", Qt::CaseInsensitive) != 0)
            continue;
        for (const QByteArray &part : value.split(';')) {
            const qsizetype eq = part.indexOf('=');
            if (eq <= 0)
                continue;
            const QByteArray cookieName = part.first(eq).trimmed();
            if (!cookies.contains(cookieName))
                cookies.insert(cookieName, part.sliced(eq + 1).trimmed());
        }
    }
    return cookies;
}

bool isFormBody(const QByteArray &contentType)
{
    const QByteArray mime = contentType.split(';').constFirst().trimmed().toLower();
    return mime == "application/x-www-form-urlencoded";
}

// The handler registered for the longest matching key, or null.
template<typename Handler, typename Matches>
const Handler *longestMatch(const QMap<QString, Handler> &map, Matches matches)
{
    const Handler *best = nullptr;
    qsizetype bestLength = -1;
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        if (it.key().size() > bestLength && matches(it.key())) {
            best = &it.value();
            bestLength = it.key().size();
        }
    }
    return best;
}

QString normalizedTitle(QString title)
{
    return title.replace(u'_', u' ').trimmed();
}

// Makes the listening socket by hand, as QTcpServer has no SO_REUSEPORT option, and hands it
// to `tcp`. SO_REUSEADDR as QTcpServer::listen sets it on Unix.
Result<void> listenSharingPort(QTcpServer &tcp, quint16 port)
{
    const auto failure = [port](const QString &why) {
        return fail(ErrorCode::Network,
                    QStringLiteral("The provider cannot listen on 127.0.0.1:%1 (shared port): %2.")
                        .arg(port)
                        .arg(why));
    };
#ifdef Q_OS_LINUX
    const auto systemError = [] { return QString::fromLocal8Bit(std::strerror(errno)); };
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return failure(systemError());
    const int on = 1;
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0
        || ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0
        || ::bind(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0
        || ::listen(fd, SOMAXCONN) != 0) {
        const QString why = systemError();
        ::close(fd);
        return failure(why);
    }
    if (!tcp.setSocketDescriptor(fd)) {
        const QString why = tcp.errorString();
        ::close(fd);
        return failure(why);
    }
    return {};
#else
    Q_UNUSED(tcp);
    return failure(QStringLiteral("sharing a port between servers needs Linux's SO_REUSEPORT"));
#endif
}

// For the request log only (never used to decide anything): the client a request names in
// its Authorization header, its query or its form body.
QByteArray firstField(const http::FormFields &fields, QByteArrayView name)
{
    for (const auto &[key, value] : fields) {
        if (key == name)
            return value;
    }
    return {};
}

QString namedClient(const ProviderServer::IncomingRequest &incoming)
{
    bool formBody = false;
    for (const auto &[name, value] : incoming.headers) {
        if (name.compare("content-type", Qt::CaseInsensitive) == 0)
            formBody = value.trimmed().toLower().startsWith("application/x-www-form-urlencoded");
        if (name.compare("authorization", Qt::CaseInsensitive) != 0)
            continue;
        const QByteArray trimmed = value.trimmed();
        if (trimmed.size() > 6 && trimmed.first(6).compare("Basic ", Qt::CaseInsensitive) == 0) {
            const auto decoded = QByteArray::fromBase64Encoding(trimmed.sliced(6).trimmed());
            if (decoded)
                return QUrl::fromPercentEncoding(decoded.decoded.split(':').constFirst());
        } else if (trimmed.size() > 6 && trimmed.first(6).compare("OAuth ", Qt::CaseInsensitive) == 0) {
            if (const auto fields = oauth1::AuthorizationHeader::parse(trimmed))
                return QString::fromUtf8(firstField(*fields, "oauth_consumer_key"));
        }
    }
    const auto fromFields = [](const QByteArray &encoded) -> QString {
        const auto fields = http::decodeForm(encoded);
        if (!fields)
            return {};
        for (const QByteArrayView name :
             {QByteArrayView("client_id"), QByteArrayView("oauth_consumer_key")}) {
            const QByteArray value = firstField(*fields, name);
            if (!value.isEmpty())
                return QString::fromUtf8(value);
        }
        return {};
    };
    if (QString client = fromFields(incoming.url.query(QUrl::FullyEncoded).toLatin1()); !client.isEmpty())
        return client;
    return formBody ? fromFields(incoming.body) : QString();
}

} // namespace

// The HTTP engine: QHttpServer's base class, so that every method and path reaches one
// dispatcher (QHttpServer's router would answer unknown methods itself). Answers
// synchronously from the handler (no QFuture on Qt 6.4, see STYLE.md).
class HttpFrontend final : public QAbstractHttpServer
{
public:
    explicit HttpFrontend(ProviderServer &server)
        : m_server(server)
    { }

    RequestGuardServer *tcpServer = nullptr;

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override
    {
        ProviderServer::IncomingRequest incoming;
        incoming.method = methodName(request.method());
        incoming.url = request.url();
        incoming.headers = request.headers();
        incoming.body = request.body();
        incoming.peer = request.remoteAddress();
        const ProviderResponse response = m_server.handle(incoming);

        QHttpServerResponse reply(response.contentType, response.body,
                                  static_cast<QHttpServerResponder::StatusCode>(response.status));
        for (const auto &[name, value] : response.headers)
            reply.addHeader(name, value);
        // Qt 6.4 keeps every connection open; honour a client's "Connection: close".
        bool close = false;
        for (const auto &[name, value] : std::as_const(incoming.headers)) {
            if (name.compare("connection", Qt::CaseInsensitive) == 0 && value.toLower().contains("close"))
                close = true;
        }
        if (close)
            reply.setHeader("Connection", "close");
        reply.write(makeResponder(request, socket));
        if (close) {
            // After the handler has returned and the response is queued for writing.
            QTimer::singleShot(0, socket, [socket] { socket->disconnectFromHost(); });
        }
        return true;
    }

    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override
    {
        // Not reached: handleRequest() answers everything.
        makeResponder(request, socket).write(QHttpServerResponder::StatusCode::NotFound);
    }

private:
    ProviderServer &m_server;
};

ProviderServer::ProviderServer(Random *random)
    : m_random(random)
    , m_ownSessions(std::make_unique<InMemorySessionStore>())
{
    if (!m_random) {
        m_ownRandom = std::make_unique<SystemRandom>();
        m_random = m_ownRandom.get();
    }
    m_sessions = m_ownSessions.get();
}

ProviderServer::~ProviderServer()
{
    stop();
}

Result<void> ProviderServer::start(quint16 port)
{
    if (m_frontend)
        return fail(
            ErrorCode::InvalidInput,
            QStringLiteral("The provider is already listening on port %1; stop it first.").arg(this->port()));
    auto frontend = std::make_unique<HttpFrontend>(*this);
    HttpRequestFraming::Limits limits;
    limits.maxBodySize = m_maxBodySize;
    auto *tcp = new RequestGuardServer(frontend.get(), limits, frontend.get());
    if (m_reusePort) {
        if (const Result<void> shared = listenSharingPort(*tcp, port); !shared)
            return shared;
    } else if (!tcp->listen(QHostAddress::LocalHost, port)) {
        return fail(ErrorCode::Network,
                    QStringLiteral("The provider cannot listen on 127.0.0.1:%1: %2.")
                        .arg(port)
                        .arg(tcp->errorString()));
    }
    frontend->bind(tcp);
    frontend->tcpServer = tcp;
    m_frontend = std::move(frontend);
    qCDebug(log::providerServer) << "Provider listening on" << baseUrl().toString();
    return {};
}

void ProviderServer::stop()
{
    if (!m_frontend)
        return;
    m_frontend->tcpServer->close();
    m_frontend.reset(); // deletes the QTcpServer and its connections
}

bool ProviderServer::isRunning() const
{
    return m_frontend != nullptr;
}

quint16 ProviderServer::port() const
{
    return m_frontend ? m_frontend->tcpServer->serverPort() : 0;
}

QUrl ProviderServer::baseUrl() const
{
    if (!m_frontend)
        return {};
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(QStringLiteral("127.0.0.1"));
    url.setPort(port());
    return url;
}

QUrl ProviderServer::apiUrl() const
{
    if (!m_frontend)
        return {};
    QUrl url = baseUrl();
    url.setPath(m_scriptPath + u"/api.php");
    return url;
}

void ProviderServer::setScriptPath(const QString &path)
{
    QString clean = path.trimmed();
    while (clean.endsWith(u'/'))
        clean.chop(1);
    if (!clean.isEmpty() && !clean.startsWith(u'/'))
        clean.prepend(u'/');
    m_scriptPath = clean;
}

void ProviderServer::setMaxBodySize(qint64 bytes)
{
    m_maxBodySize = bytes;
    if (m_frontend)
        m_frontend->tcpServer->setMaxBodySize(bytes);
}

void ProviderServer::setWikiId(const QString &wikiId)
{
    m_wikiId = wikiId;
}

QByteArray ProviderServer::sessionCookieName() const
{
    return m_wikiId.toUtf8() + "_session";
}

void ProviderServer::setSessionStore(SessionStore *store)
{
    m_sessions = store ? store : m_ownSessions.get();
}

void ProviderServer::setApiModule(const QString &action, ApiHandler handler)
{
    m_apiModules.insert(action, std::move(handler));
}

void ProviderServer::setRestRoute(const QString &path, RestHandler handler)
{
    m_restRoutes.insert(path, std::move(handler));
}

void ProviderServer::setWellKnownRoute(const QString &name, RestHandler handler)
{
    m_wellKnownRoutes.insert(name, std::move(handler));
}

void ProviderServer::setApiAuthenticator(ApiAuthenticator authenticator)
{
    m_apiAuthenticator = std::move(authenticator);
}

void ProviderServer::setIndexPage(const QString &titlePrefix, IndexHandler handler)
{
    m_indexPages.insert(normalizedTitle(titlePrefix), std::move(handler));
}

ProviderResponse ProviderServer::handle(const IncomingRequest &incoming)
{
    if (!m_requestObserver)
        return dispatch(incoming);
    const qint64 startedMs = QDateTime::currentMSecsSinceEpoch();
    QElapsedTimer timer;
    timer.start();
    m_sessionUser.clear();
    ProviderResponse response = dispatch(incoming);
    ServedRequest served;
    served.startedMs = startedMs;
    served.durationUs = timer.nsecsElapsed() / 1000;
    served.method = incoming.method;
    served.target = incoming.url.path(QUrl::FullyDecoded);
    const QUrlQuery query(incoming.url);
    if (served.target.endsWith(u"/index.php") && query.hasQueryItem(QStringLiteral("title")))
        served.target += u"?title=" + query.queryItemValue(QStringLiteral("title"), QUrl::FullyDecoded);
    served.status = response.status;
    served.user = response.saveSession ? response.saveSession->value(QStringLiteral("wsUserName")).toString()
                                       : m_sessionUser;
    if (response.endSession)
        served.user = m_sessionUser;
    served.client = namedClient(incoming);
    m_requestObserver(served);
    return response;
}

ProviderResponse ProviderServer::dispatch(const IncomingRequest &incoming)
{
    const QByteArray contentLength = [&] {
        for (const auto &[name, value] : incoming.headers) {
            if (name.compare("content-length", Qt::CaseInsensitive) == 0)
                return value.trimmed();
        }
        return QByteArray();
    }();
    bool lengthOk = false;
    const qint64 declared = contentLength.toLongLong(&lengthOk);
    if (incoming.body.size() > m_maxBodySize || (lengthOk && declared > m_maxBodySize)) {
        return ProviderResponse::html(
            413, QStringLiteral("Request body too large"),
            QStringLiteral("The request body has %1 bytes; this server accepts at most %2 bytes.")
                .arg(qMax(incoming.body.size(), lengthOk ? declared : 0))
                .arg(m_maxBodySize));
    }

    HttpRequest request;
    request.method = incoming.method;
    request.path = incoming.url.path(QUrl::FullyDecoded);
    request.headers = incoming.headers;
    request.body = incoming.body;
    request.peer = incoming.peer;
    request.baseUrl = baseUrl();
    request.scriptPath = m_scriptPath;
    request.cookies = parseCookies(incoming.headers);

    std::optional<FormProblem> formError;
    if (incoming.url.hasQuery()) {
        auto query = http::decodeForm(incoming.url.query(QUrl::FullyEncoded).toLatin1());
        if (query)
            request.query = std::move(*query);
        else
            formError
                = FormProblem {QStringLiteral("badencoding"),
                               query.error()
                                   .prefixed(QStringLiteral("The query string is not valid URL encoding"))
                                   .message()};
    }
    const QByteArray contentType = request.header("content-type");
    if (!formError && !request.body.isEmpty() && isFormBody(contentType)) {
        auto form = http::decodeForm(request.body);
        if (form)
            request.form = std::move(*form);
        else
            formError = FormProblem {
                QStringLiteral("badencoding"),
                form.error().prefixed(QStringLiteral("The POST body is not valid URL encoding")).message()};
    } else if (!formError && !request.body.isEmpty() && http::isMultipartFormData(contentType)) {
        auto form = http::decodeMultipartForm(request.body, contentType);
        if (form) {
            request.form = std::move(form->fields);
            if (form->skippedFiles > 0)
                qCDebug(log::providerServer)
                    << "Ignored" << form->skippedFiles << "file part(s) of a multipart body";
        } else {
            qCWarning(log::providerServer).noquote()
                << "Refused a multipart/form-data body:" << form.error().message();
            formError
                = FormProblem {QStringLiteral("badmultipart"),
                               form.error()
                                   .prefixed(QStringLiteral("The POST body is not valid multipart/form-data"))
                                   .message()};
        }
    }

    const QString api = m_scriptPath + u"/api.php";
    const QString rest = m_scriptPath + u"/rest.php";
    const QString index = m_scriptPath + u"/index.php";
    ProviderResponse response;
    if (request.path == api) {
        response = handleApi(std::move(request), formError);
    } else if (request.path.startsWith(rest + u'/')) {
        request.routePath = request.path.sliced(rest.size());
        response = handleRest(std::move(request), formError);
    } else if (request.path == index) {
        request.routePath = normalizedTitle(QString::fromUtf8(request.queryValue("title")));
        response = handleIndex(std::move(request), formError);
    } else if (request.path.startsWith(index + u'/')) {
        request.routePath = normalizedTitle(request.path.sliced(index.size() + 1));
        response = handleIndex(std::move(request), formError);
    } else if (const QString wellKnown = QStringLiteral("/.well-known/"); request.path.startsWith(wellKnown)
               && m_wellKnownRoutes.contains(request.path.sliced(wellKnown.size()))) {
        request.routePath = request.path.sliced(wellKnown.size());
        response = m_wellKnownRoutes.value(request.routePath)(request);
    } else {
        response = ProviderResponse::html(
            404, QStringLiteral("Not Found"),
            QStringLiteral("The requested URL %1 was not found on this server.").arg(request.path));
    }
    return response;
}

void ProviderServer::loadSession(HttpRequest &request)
{
    const QByteArray id = request.cookies.value(sessionCookieName());
    if (!isWellFormedSessionId(id))
        return;
    const auto loaded = m_sessions->load(id);
    if (!loaded) {
        qCWarning(log::providerServer) << "Session store:" << loaded.error().toString();
        return;
    }
    if (!loaded->has_value())
        return;
    request.sessionId = id;
    request.session = **loaded;
    if (m_requestObserver)
        m_sessionUser = request.session.value(QStringLiteral("wsUserName")).toString();
}

void ProviderServer::applySession(const HttpRequest &request, ProviderResponse &response)
{
    const QByteArray attributes = "; path=/; HttpOnly; SameSite=Lax";
    if (response.endSession) {
        if (!request.sessionId.isEmpty()) {
            if (const auto removed = m_sessions->remove(request.sessionId); !removed)
                qCWarning(log::providerServer) << "Session store:" << removed.error().toString();
        }
        response.addHeader("Set-Cookie",
                           sessionCookieName() + "=deleted; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0"
                               + attributes);
        return;
    }
    if (!response.saveSession)
        return;
    const bool renew = response.renewSessionId && !request.sessionId.isEmpty();
    const bool isNew = request.sessionId.isEmpty() || renew;
    const QByteArray id = isNew ? newSessionId(*m_random) : request.sessionId;
    if (renew) {
        if (const auto removed = m_sessions->remove(request.sessionId); !removed)
            qCWarning(log::providerServer) << "Session store:" << removed.error().toString();
    }
    if (const auto saved = m_sessions->save(id, *response.saveSession); !saved) {
        qCWarning(log::providerServer) << "Session store:" << saved.error().toString();
        response = ProviderResponse::html(
            500, QStringLiteral("Internal error"),
            QStringLiteral("The session could not be saved: %1").arg(saved.error().message()));
        return;
    }
    if (isNew)
        response.addHeader("Set-Cookie", sessionCookieName() + '=' + id + attributes);
}

ProviderResponse ProviderServer::handleApi(HttpRequest &&request, std::optional<FormProblem> formError)
{
    if (request.method != "GET" && request.method != "POST") {
        ProviderResponse response
            = ProviderResponse::html(405, QStringLiteral("Method Not Allowed"),
                                     QStringLiteral("api.php accepts GET and POST requests, not %1.")
                                         .arg(QString::fromLatin1(request.method)));
        response.addHeader("Allow", "GET, POST");
        return response;
    }
    ApiRequest apiRequest;
    static_cast<HttpRequest &>(apiRequest) = std::move(request);
    const ApiFormatVersion version = asksForFormatVersion2(apiRequest.query, apiRequest.form)
        ? ApiFormatVersion::V2
        : ApiFormatVersion::V1;
    // Not MediaWiki's: PHP keeps a stray "%" as it is, and reads broken multipart bodies
    // into a partial or empty $_POST (see MultipartCodec.h). Refusing says what is wrong.
    if (formError)
        return apiError(version, apiRequest.apiUrl(), formError->apiCode, formError->message);
    if (const auto problem = mergeApiParams(apiRequest))
        return apiError(version, apiRequest.apiUrl(), problem->code, problem->info);

    loadSession(apiRequest);
    const QString action = apiRequest.param(QStringLiteral("action"));
    if (action.isEmpty()) {
        // MediaWiki shows its help page for a request without an action.
        return ProviderResponse::html(
            200, QStringLiteral("MediaWiki API help"),
            QStringLiteral("This is the Action API of the MWAuth local provider. Modules: %1.")
                .arg(m_apiModules.keys().join(u", ")));
    }
    bool sessionReplaced = false;
    if (m_apiAuthenticator) {
        ApiAuthentication authentication = m_apiAuthenticator(apiRequest);
        if (authentication.refusal) {
            ProviderResponse refusal = std::move(*authentication.refusal);
            addApiHeaders(refusal);
            return refusal;
        }
        sessionReplaced = authentication.sessionReplaced;
        if (sessionReplaced)
            apiRequest.sessionId.clear();
    }
    const auto module = m_apiModules.constFind(action);
    if (module == m_apiModules.cend())
        return apiError(apiRequest, QStringLiteral("badvalue"),
                        apimessages::unrecognizedValue(u"action"_qs, action));

    ProviderResponse response = (*module)(apiRequest);
    if (sessionReplaced) {
        response.saveSession.reset();
        response.renewSessionId = false;
        response.endSession = false;
    }
    applySession(apiRequest, response);
    addApiHeaders(response);
    return response;
}

ProviderResponse ProviderServer::handleRest(HttpRequest &&request, std::optional<FormProblem> formError)
{
    const auto restError = [](int status, const QByteArray &reason, const QString &message) {
        return ProviderResponse::json(
            QJsonObject {
                {u"messageTranslations"_qs, QJsonObject {{u"en"_qs, message}}},
                {u"httpCode"_qs, status},
                {u"httpReason"_qs, QString::fromLatin1(reason)},
            },
            status);
    };
    const QString &path = request.routePath;
    const RestHandler *handler = longestMatch(m_restRoutes, [&](const QString &route) {
        return route == path || (route.endsWith(u'/') && path.startsWith(route));
    });
    if (!handler) {
        ProviderResponse response = restError(
            404, "Not Found",
            QStringLiteral("The requested relative path (%1) did not match any known handler").arg(path));
        return response;
    }
    if (formError)
        return restError(400, "Bad Request", formError->message);
    loadSession(request);
    ProviderResponse response = (*handler)(request);
    applySession(request, response);
    return response;
}

ProviderResponse ProviderServer::handleIndex(HttpRequest &&request, std::optional<FormProblem> formError)
{
    const QString &title = request.routePath;
    const IndexHandler *handler = longestMatch(m_indexPages, [&](const QString &prefix) {
        return title == prefix || (!prefix.isEmpty() && title.startsWith(prefix + u'/'));
    });
    if (!handler) {
        return ProviderResponse::html(
            404, title.isEmpty() ? QStringLiteral("No page") : title,
            QStringLiteral("There is currently no page \"%1\" on this wiki.").arg(title));
    }
    if (formError)
        return ProviderResponse::html(400, QStringLiteral("Bad Request"), formError->message);
    loadSession(request);
    ProviderResponse response = (*handler)(request);
    applySession(request, response);
    return response;
}

} // namespace mwauth::provider
