#pragma once

#include "common/Result.h"
#include "trace/Exchange.h"

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QUrlQuery>

class QTcpServer;
class QTcpSocket;

namespace mwauth::flows {

// The redirect URI of a native app (RFC 8252 section 7.3): a tiny HTTP server on
// 127.0.0.1 only (never every interface, never "localhost"), on a chosen or a random port.
//
//   listen(port, "/callback") ──> waiting ──GET /callback?...──> check ──ok──> callbackReceived
//                                    ^                              │           (server closed)
//                                    └──────────── rejected <───────┘  (400 page, keeps waiting)
//
// A callback is valid when its path is the listened-for path and it carries the expected
// parameter ("state" for OAuth 2, "oauth_token" for OAuth 1.0a) with the expected value
// (constant-time comparison). MediaWiki sends no state on OAuth 2 error redirects
// (reference section 1.1), so a callback with "error" and without the parameter is
// accepted too (an error cannot inject a code); one with a wrong value never is.
// After the first valid callback the browser gets a small "you can close this window" page
// and the server stops listening. A wrong state gets a 400 page and is reported by
// callbackRejected; other paths (favicon.ico) get 404. Requests are capped at 16 KiB and
// idle connections dropped after 10 s.
//
// Each answered callback hop is a trace::Exchange (step "callback"), so the inspector shows
// the browser's last hop.
class LoopbackRedirectListener : public QObject
{
    Q_OBJECT

public:
    explicit LoopbackRedirectListener(QObject *parent = nullptr);
    ~LoopbackRedirectListener() override;

    // Starts listening on 127.0.0.1:`port` (0: a free port). `path` starts with "/".
    // Network when the port cannot be bound, InvalidInput for a bad path or a second call.
    Result<void> listen(quint16 port = 0, const QString &path = QStringLiteral("/callback"));
    // What a valid callback must carry.
    void expectParameter(const QByteArray &name, const QByteArray &value);
    void close();

    bool isListening() const;
    quint16 port() const { return m_port; }
    QString path() const { return m_path; }
    // http://127.0.0.1:<port><path>
    QString redirectUri() const;

Q_SIGNALS:
    // The valid callback: its query (decoded) and the recorded hop. Emitted once.
    void callbackReceived(const QUrlQuery &query, const mwauth::trace::Exchange &exchange);
    // A callback to the right path that was refused (wrong or missing state).
    void callbackRejected(const QString &reason, const mwauth::trace::Exchange &exchange);

private:
    void onNewConnection();
    void onReadyRead(QTcpSocket *socket);
    void handle(QTcpSocket *socket, const QByteArray &head);
    void answer(QTcpSocket *socket, trace::Exchange &exchange, int status, const QByteArray &reason,
                const QString &title, const QString &text);

    QTcpServer *m_server = nullptr;
    quint16 m_port = 0;
    QString m_path;
    QByteArray m_expectedName;
    QByteArray m_expectedValue;
    bool m_done = false;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

} // namespace mwauth::flows
