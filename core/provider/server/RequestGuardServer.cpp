#include "RequestGuardServer.h"

#include "ProviderResponse.h"
#include "common/Logging.h"

#include <QLoggingCategory>
#include <QTcpSocket>
#include <QTimer>
#include <memory>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

namespace mwauth::provider {

namespace {

// What the guard knows about one connection.
struct ConnectionWatch
{
    explicit ConnectionWatch(HttpRequestFraming::Limits limits)
        : framing(limits)
    { }

    HttpRequestFraming framing;
    qint64 seen = 0; // bytes that arrived so far (the framing stops reading at a refusal)
    qint64 unreadSeen = 0; // bytes seen that the engine has not read yet
    bool refused = false;
};

void discardPending(QTcpSocket *socket)
{
    // Qt's engine reads inside a transaction, which keeps what it read buffered.
    if (socket->isTransactionStarted())
        socket->commitTransaction();
    socket->skip(socket->bytesAvailable());
}

// Closes after the answer has left, the way Apache's lingering close does: closing a
// socket with unread input makes the kernel send a reset, which can destroy the answer
// before the client reads it. So: send the answer, end our direction (FIN), discard what
// the client still sends until it closes, for at most kLingerMs, then abort. Discarding
// costs no memory; the time bound keeps a client that never stops from holding the socket.
void closeLingering(QTcpSocket *socket)
{
    constexpr int kLingerMs = 2000;
#ifdef Q_OS_UNIX
    QObject::connect(socket, &QIODevice::readyRead, socket,
                     [socket] { socket->skip(socket->bytesAvailable()); });
    const auto endOutput = [socket] {
        if (socket->bytesToWrite() == 0 && socket->state() == QAbstractSocket::ConnectedState)
            ::shutdown(static_cast<int>(socket->socketDescriptor()), SHUT_WR);
    };
    QObject::connect(socket, &QIODevice::bytesWritten, socket, endOutput);
    socket->flush();
    endOutput();
    QTimer::singleShot(kLingerMs, socket, [socket] { socket->abort(); });
#else
    socket->disconnectFromHost();
#endif
}

} // namespace

RequestGuardServer::RequestGuardServer(QObject *engine, HttpRequestFraming::Limits limits, QObject *parent)
    : QTcpServer(parent)
    , m_engine(engine)
    , m_limits(limits)
{ }

QByteArray RequestGuardServer::refusalResponse(const HttpRequestFraming::Refusal &refusal)
{
    const ProviderResponse page = ProviderResponse::html(refusal.status, refusal.title, refusal.text);
    return "HTTP/1.1 " + QByteArray::number(refusal.status) + ' ' + refusal.reason + "\r\nContent-Type: "
        + page.contentType + "\r\nContent-Length: " + QByteArray::number(page.body.size())
        + "\r\nConnection: close\r\n\r\n" + page.body;
}

void RequestGuardServer::incomingConnection(qintptr socketDescriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        qCWarning(log::providerServer) << "Cannot take an incoming connection:" << socket->errorString();
        delete socket;
        return;
    }
    guard(socket);
}

void RequestGuardServer::guard(QTcpSocket *socket)
{
    auto watch = std::make_shared<ConnectionWatch>(m_limits);
    QPointer<QObject> engine = m_engine;

    // Runs before the engine's readyRead slot: feeds the bytes that arrived since the last
    // look to the framing, and refuses the request once the engine is about to read it.
    connect(socket, &QIODevice::readyRead, socket, [socket, watch, engine] {
        if (watch->refused)
            return; // closeLingering() discards what still comes
        const qint64 unread = socket->bytesAvailable();
        const qint64 fresh = unread - watch->unreadSeen;
        if (fresh > 0) {
            const QByteArray pending = socket->peek(unread);
            watch->framing.feed(QByteArrayView(pending).sliced(pending.size() - fresh));
            watch->seen += fresh;
        }
        watch->unreadSeen = unread;
        const auto &refusal = watch->framing.refusal();
        if (!refusal)
            return;
        // Stream offset of the first byte the engine has not read.
        const qint64 engineAt = watch->seen - unread;
        if (engineAt < refusal->requestStart)
            return; // the engine first finishes the requests before the refused one
        watch->refused = true;
        qCWarning(log::providerServer).noquote()
            << "Refused a request from" << socket->peerAddress().toString() << "with" << refusal->status
            << "and closed its connection:" << refusal->text;
        if (engine)
            QObject::disconnect(socket, &QIODevice::readyRead, engine, nullptr);
        discardPending(socket);
        socket->write(refusalResponse(*refusal));
        closeLingering(socket);
    });

    // The engine takes the socket now: Qt 6.4's addPendingConnection() emits
    // pendingConnectionAvailable, to which QAbstractHttpServer::bind() connected, and the
    // engine connects its readyRead slot there (checked in Qt 6.4.2's binaries and by
    // TestRequestGuard's pipelining tests).
    addPendingConnection(socket);
    if (hasPendingConnections()) {
        // Not taken synchronously (no engine bound, or a Qt that defers it): the slot order
        // the guard relies on would not hold, so serve nothing rather than misframe.
        qCCritical(log::providerServer) << "The HTTP engine did not take a connection at once; closing it.";
        while (QTcpSocket *pending = nextPendingConnection()) {
            pending->abort();
            pending->deleteLater();
        }
        return;
    }

    // Runs after the engine's slot: what it left unread has been seen already.
    connect(socket, &QIODevice::readyRead, socket, [socket, watch] {
        if (!watch->refused)
            watch->unreadSeen = socket->bytesAvailable();
    });
}

} // namespace mwauth::provider
