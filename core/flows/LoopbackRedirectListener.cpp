#include "LoopbackRedirectListener.h"

#include "common/ConstantTime.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace mwauth::flows {

namespace {

constexpr qsizetype MaxRequestBytes = 16 * 1024;
constexpr int IdleTimeoutMs = 10000;
constexpr int MaxConnections = 16;

QString htmlEscape(const QString &text)
{
    return text.toHtmlEscaped();
}

} // namespace

LoopbackRedirectListener::LoopbackRedirectListener(QObject *parent)
    : QObject(parent)
{ }

LoopbackRedirectListener::~LoopbackRedirectListener()
{
    close();
}

Result<void> LoopbackRedirectListener::listen(quint16 port, const QString &path)
{
    if (m_server || m_done)
        return fail(ErrorCode::InvalidInput, QStringLiteral("The loopback listener was started already."));
    if (!path.startsWith(u'/') || path.contains(u'?') || path.contains(u'#'))
        return fail(ErrorCode::InvalidInput,
                    QStringLiteral("The callback path must start with \"/\" and have no query or fragment."));
    auto *server = new QTcpServer(this);
    server->setMaxPendingConnections(MaxConnections);
    if (!server->listen(QHostAddress::LocalHost, port)) {
        const QString reason = server->errorString();
        delete server;
        return fail(
            ErrorCode::Network,
            QStringLiteral("The loopback listener cannot listen on 127.0.0.1:%1: %2").arg(port).arg(reason));
    }
    m_server = server;
    m_port = server->serverPort();
    m_path = path;
    connect(server, &QTcpServer::newConnection, this, &LoopbackRedirectListener::onNewConnection);
    return {};
}

void LoopbackRedirectListener::expectParameter(const QByteArray &name, const QByteArray &value)
{
    m_expectedName = name;
    m_expectedValue = value;
}

void LoopbackRedirectListener::close()
{
    if (m_server) {
        m_server->close();
        m_server->deleteLater();
        m_server = nullptr;
    }
}

bool LoopbackRedirectListener::isListening() const
{
    return m_server && m_server->isListening();
}

QString LoopbackRedirectListener::redirectUri() const
{
    return QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(m_path);
}

void LoopbackRedirectListener::onNewConnection()
{
    while (m_server && m_server->hasPendingConnections()) {
        QTcpSocket *socket = m_server->nextPendingConnection();
        socket->setParent(this); // outlives the server: the answer is still being written when it closes
        if (m_buffers.size() >= MaxConnections) {
            socket->abort();
            socket->deleteLater();
            continue;
        }
        m_buffers.insert(socket, {});
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            m_buffers.remove(socket);
            socket->deleteLater();
        });
        QTimer::singleShot(IdleTimeoutMs, socket, [this, socket] {
            m_buffers.remove(socket);
            socket->abort();
            socket->deleteLater();
        });
    }
}

void LoopbackRedirectListener::onReadyRead(QTcpSocket *socket)
{
    auto it = m_buffers.find(socket);
    if (it == m_buffers.end())
        return;
    it->append(socket->readAll());
    const qsizetype end = it->indexOf("\r\n\r\n");
    if (end < 0) {
        if (it->size() > MaxRequestBytes) {
            socket->write("HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n"
                          "Content-Length: 0\r\n\r\n");
            socket->disconnectFromHost();
            m_buffers.erase(it);
        }
        return;
    }
    const QByteArray head = it->first(end);
    m_buffers.erase(it);
    handle(socket, head);
}

void LoopbackRedirectListener::handle(QTcpSocket *socket, const QByteArray &head)
{
    QList<QByteArray> lines = head.split('\n');
    for (QByteArray &line : lines)
        line = line.trimmed();
    const QList<QByteArray> requestLine = lines.value(0).split(' ');
    trace::Exchange exchange;
    exchange.step = QStringLiteral("callback");
    exchange.startedAt = QDateTime::currentDateTimeUtc();
    exchange.method = requestLine.value(0);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon > 0)
            exchange.requestHeaders.append(
                {lines[i].first(colon).trimmed(), lines[i].mid(colon + 1).trimmed()});
    }
    const QByteArray target = requestLine.value(1);
    exchange.url = QUrl(redirectUri());
    exchange.url.setPath(QString());
    const qsizetype question = target.indexOf('?');
    const QByteArray rawPath = question < 0 ? target : target.first(question);
    const QByteArray rawQuery = question < 0 ? QByteArray() : target.mid(question + 1);
    exchange.url.setPath(QString::fromLatin1(rawPath), QUrl::TolerantMode);
    if (!rawQuery.isEmpty())
        exchange.url.setQuery(QString::fromLatin1(rawQuery), QUrl::TolerantMode);

    if (requestLine.size() != 3 || !requestLine[2].startsWith("HTTP/1.") || !target.startsWith('/')) {
        answer(socket, exchange, 400, "Bad Request", tr("Bad request"), tr("This is not an HTTP request."));
        return;
    }
    if (m_done) {
        answer(socket, exchange, 410, "Gone", tr("Already done"),
               tr("The sign-in has finished already; you can close this window."));
        return;
    }
    if (QString::fromLatin1(rawPath) != m_path) {
        answer(socket, exchange, 404, "Not Found", tr("Not found"), tr("Nothing here."));
        return;
    }
    if (exchange.method != "GET") {
        answer(socket, exchange, 405, "Method Not Allowed", tr("Method not allowed"),
               tr("The callback is a GET request."));
        return;
    }
    const QUrlQuery query(exchange.url.query(QUrl::FullyEncoded));
    const QString expectedName = QString::fromLatin1(m_expectedName);
    const bool hasParameter = !m_expectedName.isEmpty() && query.hasQueryItem(expectedName);
    const QByteArray received = query.queryItemValue(expectedName, QUrl::FullyDecoded).toUtf8();
    const bool isError = query.hasQueryItem(QStringLiteral("error"));
    QString rejection;
    if (hasParameter) {
        if (query.allQueryItemValues(expectedName).size() != 1
            || !constantTimeEquals(received, m_expectedValue))
            rejection = tr("The callback's %1 is not the one this sign-in sent (a forged or stale redirect).")
                            .arg(expectedName);
    } else if (!m_expectedName.isEmpty() && !isError) {
        rejection = tr("The callback has no %1.").arg(expectedName);
    }
    if (!rejection.isEmpty()) {
        answer(socket, exchange, 400, "Bad Request", tr("Sign-in refused"), rejection);
        exchange.note = rejection;
        Q_EMIT callbackRejected(rejection, exchange);
        return;
    }
    m_done = true;
    if (isError)
        answer(socket, exchange, 200, "OK", tr("Sign-in failed"),
               tr("The server refused the sign-in. You can close this window and return to MWAuth Console."));
    else
        answer(socket, exchange, 200, "OK", tr("Signed in"),
               tr("The sign-in is complete. You can close this window and return to MWAuth Console."));
    close();
    Q_EMIT callbackReceived(query, exchange);
}

void LoopbackRedirectListener::answer(QTcpSocket *socket, trace::Exchange &exchange, int status,
                                      const QByteArray &reason, const QString &title, const QString &text)
{
    const QByteArray body
        = QStringLiteral("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%1</title>"
                         "</head><body><h1>%1</h1><p>%2</p></body></html>\n")
              .arg(htmlEscape(title), htmlEscape(text))
              .toUtf8();
    exchange.status = status;
    exchange.reasonPhrase = reason;
    exchange.responseHeaders = {{"Content-Type", "text/html; charset=utf-8"},
                                {"Content-Length", QByteArray::number(body.size())},
                                {"Cache-Control", "no-store"},
                                {"Referrer-Policy", "no-referrer"},
                                {"Connection", "close"}};
    exchange.responseBody = body;
    exchange.waitMs = 0;
    exchange.totalMs = 0;
    QByteArray response = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason + "\r\n";
    for (const auto &[name, value] : std::as_const(exchange.responseHeaders))
        response += name + ": " + value + "\r\n";
    response += "\r\n" + body;
    socket->write(response);
    socket->disconnectFromHost();
}

} // namespace mwauth::flows
