#pragma once

#include "ProviderRequest.h"
#include "ProviderResponse.h"
#include "SessionStore.h"
#include "common/Random.h"
#include "common/Result.h"

#include <QMap>
#include <QString>
#include <QUrl>
#include <functional>
#include <memory>
#include <optional>

namespace mwauth::provider {

class HttpFrontend;

// The local MediaWiki look-alike's HTTP server: a QHttpServer engine (QAbstractHttpServer)
// on its own QTcpServer bound to 127.0.0.1, with a wiki's URL layout under a script
// path (default "/w"):
//
//   <script>/api.php              GET, POST   -> the api module named by `action`
//   <script>/rest.php/<path>      any method  -> the REST route for <path>
//   <script>/index.php?title=T    any method  -> the index page whose prefix T matches
//   <script>/index.php/T          any method  -> the same
//   anything else                             -> 404, a small HTML page
//
// The server only decodes, checks and dispatches; the services (login, OAuth, ...) are
// callbacks registered before or after start(). Every request is answered, whatever its
// content; undecodable api.php parameters get MediaWiki-style API errors (see
// ApiErrors.h); the server keeps serving afterwards.
//
// Limits, checked on the socket before Qt reads a body (RequestGuardServer +
// HttpRequestFraming; the answer closes the connection, earlier requests on it are served):
//   Content-Length over maxBodySize() (1 MiB)                    -> 413
//   Transfer-Encoding (chunked bodies cannot be bounded up front)  -> 411
//   request line + headers over 64 KiB, or over 100 header lines   -> 431
//   heads Qt could frame differently (bad Content-Length, ...)     -> 400
// Every request of a kept-alive connection is checked the same way. Not limited: how long a
// connection may stay idle or send its head slowly (no timeouts), and how many pipelined
// requests a client may queue faster than they are answered (Qt's socket buffer grows).
//
// Bodies: application/x-www-form-urlencoded and multipart/form-data (RFC 7578, see
// MultipartCodec.h; file parts are ignored, as PHP puts them in $_FILES) fill the
// request's `form`, and for api.php its POSTed parameters. A form body with a broken escape
// ("%zz") is refused (api.php: error "badencoding", which MediaWiki does not have: PHP would
// keep the "%"); in the query string Qt's URL parser already keeps such a "%" literally, as
// PHP does. A malformed multipart body is refused (api.php: error "badmultipart", not
// MediaWiki's either: PHP would silently give a partial or empty $_POST) and logged.
//
// Sessions: the `<wikiId>_session` cookie (HttpOnly, SameSite=Lax, Path=/) names a
// session in the SessionStore; see ProviderResponse::saveSession / endSession.
//
// One thread: use the server from the thread that created it, with an event loop.
// stop() must not be called from inside a handler.
class ProviderServer
{
public:
    using ApiHandler = std::function<ApiResponse(const ApiRequest &)>;
    using RestHandler = std::function<RestResponse(const RestRequest &)>;
    using IndexHandler = std::function<IndexResponse(const IndexRequest &)>;

    static constexpr qint64 kDefaultMaxBodySize = 1024 * 1024;

    // `random` makes session ids (SystemRandom when null; not owned otherwise).
    explicit ProviderServer(Random *random = nullptr);
    ~ProviderServer();
    ProviderServer(const ProviderServer &) = delete;
    ProviderServer &operator=(const ProviderServer &) = delete;

    // Listens on 127.0.0.1:`port`; 0 picks a free port. Errors: ErrorCode::Network when the
    // port cannot be bound (the message names it), InvalidInput when already started.
    Result<void> start(quint16 port = 0);
    // Shares the port with other servers (SO_REUSEPORT, Linux): one server per thread may bind
    // the same 127.0.0.1 port and the kernel spreads new connections over them. Every server on
    // the port must set it (the first one too); another process of the same user that sets it
    // could join, so it is off by default. Takes effect at start().
    void setReusePort(bool reuse) { m_reusePort = reuse; }
    bool reusePort() const { return m_reusePort; }
    // Closes the listening socket (the port is free when this returns) and every connection.
    void stop();
    bool isRunning() const;
    // The bound port; 0 when not running.
    quint16 port() const;
    // "http://127.0.0.1:<port>" (empty when not running).
    QUrl baseUrl() const;
    // "<baseUrl><scriptPath>/api.php".
    QUrl apiUrl() const;

    // "/w" (default) or "" (the wiki at the root, as the fixtures' wiki); a trailing "/"
    // is dropped and a missing leading "/" added.
    void setScriptPath(const QString &path);
    QString scriptPath() const { return m_scriptPath; }
    // The cookie prefix, MediaWiki's $wgCookiePrefix (default "mwauthwiki"): the session
    // cookie is "<wikiId>_session".
    void setWikiId(const QString &wikiId);
    QString wikiId() const { return m_wikiId; }
    QByteArray sessionCookieName() const;
    // Takes effect for connections accepted afterwards.
    void setMaxBodySize(qint64 bytes);
    qint64 maxBodySize() const { return m_maxBodySize; }
    // Not owned; must outlive the server. Default: an InMemorySessionStore of its own.
    void setSessionStore(SessionStore *store);
    SessionStore &sessionStore() const { return *m_sessions; }

    // The handler for api.php?action=`action` (replaces an earlier one).
    void setApiModule(const QString &action, ApiHandler handler);
    // The handler for rest.php`path`. A `path` ending in "/" also takes every path below
    // it (the longest such prefix wins); otherwise the match is exact. Example: "/oauth2/token".
    void setRestRoute(const QString &path, RestHandler handler);
    // The handler for "/.well-known/`name`" at the server's root (RFC 8615), whatever the script
    // path: discovery documents. No session is loaded for these.
    void setWellKnownRoute(const QString &name, RestHandler handler);
    // The handler for index.php titles equal to `titlePrefix` or starting with
    // "`titlePrefix`/" (longest wins). Titles compare with underscores as spaces, e.g.
    // "Special:OAuth" takes "Special:OAuth/authorize".
    void setIndexPage(const QString &titlePrefix, IndexHandler handler);

    // What an api.php authenticator decided for one request (see setApiAuthenticator).
    struct ApiAuthentication
    {
        // Set: answer this (an API error) instead of running the module.
        std::optional<ApiResponse> refusal;
        // True when the authenticator replaced the request's session with its own (the user of
        // an "Authorization: Bearer" token): that session is never saved, renewed or ended,
        // and no session cookie is sent.
        bool sessionReplaced = false;
    };
    using ApiAuthenticator = std::function<ApiAuthentication(ApiRequest &)>;
    // Runs for every api.php request that names an action, after its cookie session was
    // loaded and before the module: MediaWiki's session providers (OAuth's bearer tokens).
    void setApiAuthenticator(ApiAuthenticator authenticator);

    // One request the server answered, for a live log (the console's provider panel). Only
    // names and the status: no bodies, no headers, nothing secret.
    struct ServedRequest
    {
        qint64 startedMs = 0; // when it arrived, milliseconds since the Unix epoch
        qint64 durationUs = 0; // until the answer was ready (not written)
        QByteArray method; // upper case
        // The path; for index.php with a title in the query string "<path>?title=<title>".
        QString target;
        int status = 0;
        QString user; // the session's user when there is one, else empty
        // The client the request names (client_id, oauth_consumer_key, or the user name of a
        // Basic Authorization header); empty when it names none.
        QString client;
    };
    using RequestObserver = std::function<void(const ServedRequest &)>;
    // Called after each answered request, on the server's thread (with several serving
    // threads, on each of them: the observer must be thread-safe). Costs nothing when unset.
    void setRequestObserver(RequestObserver observer) { m_requestObserver = std::move(observer); }

    // A request as it came off the socket.
    struct IncomingRequest
    {
        QByteArray method; // upper case
        QUrl url;
        QList<std::pair<QByteArray, QByteArray>> headers;
        QByteArray body;
        QHostAddress peer;
    };
    // Size check, routing, decoding and session handling for one request; what the HTTP
    // front end calls for every request. Never fails: problems become error responses.
    ProviderResponse handle(const IncomingRequest &incoming);

private:
    // Why the query string or body did not decode: the api.php error code and a sentence.
    struct FormProblem
    {
        QString apiCode; // "badencoding" or "badmultipart"
        QString message;
    };

    ProviderResponse dispatch(const IncomingRequest &incoming);
    ProviderResponse handleApi(HttpRequest &&request, std::optional<FormProblem> formError);
    ProviderResponse handleRest(HttpRequest &&request, std::optional<FormProblem> formError);
    ProviderResponse handleIndex(HttpRequest &&request, std::optional<FormProblem> formError);
    void loadSession(HttpRequest &request);
    void applySession(const HttpRequest &request, ProviderResponse &response);

    std::unique_ptr<SystemRandom> m_ownRandom;
    Random *m_random = nullptr;
    std::unique_ptr<InMemorySessionStore> m_ownSessions;
    SessionStore *m_sessions = nullptr;
    std::unique_ptr<HttpFrontend> m_frontend;
    QString m_scriptPath = QStringLiteral("/w");
    QString m_wikiId = QStringLiteral("mwauthwiki");
    qint64 m_maxBodySize = kDefaultMaxBodySize;
    bool m_reusePort = false;
    QMap<QString, ApiHandler> m_apiModules;
    QMap<QString, RestHandler> m_restRoutes;
    QMap<QString, RestHandler> m_wellKnownRoutes;
    QMap<QString, IndexHandler> m_indexPages;
    ApiAuthenticator m_apiAuthenticator;
    RequestObserver m_requestObserver;
    QString m_sessionUser; // the user of the session loaded for the current request
};

} // namespace mwauth::provider
