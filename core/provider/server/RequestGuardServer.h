#pragma once

#include "HttpRequestFraming.h"

#include <QPointer>
#include <QTcpServer>

class QTcpSocket;

namespace mwauth::provider {

// The QTcpServer in front of Qt 6.4's QAbstractHttpServer (the `engine`, bound to this
// server with engine->bind(this)). Qt's engine reads a request's head without a size limit
// and its whole body, whatever the Content-Length, before the handler runs. This server
// watches every connection's bytes before the engine reads them and refuses a request as
// soon as its head shows it breaks a limit (HttpRequestFraming: head over 64 KiB, too many
// header lines, Content-Length over the body limit, Transfer-Encoding, unframeable heads):
// it answers 411/413/431/400 with a small HTML page and "Connection: close", and closes the
// connection without reading the body. Every request on a kept-alive or pipelined
// connection is checked; requests before a refused one on the same connection are still
// answered by the engine.
//
// How: each accepted socket gets a readyRead slot connected before the engine's (Qt calls
// slots in connection order) that peeks at the bytes the engine has not read yet and feeds
// the new ones to the connection's framing, and one connected after the engine's that
// notes how much the engine left unread. Nothing is read from the socket before the
// engine, so the engine sees every byte (Qt 6.4 reads only on readyRead). On a refusal the
// engine's readyRead connection is cut, the pending bytes are discarded, the answer is
// written and the connection closed the way Apache's lingering close does (our side ends
// with FIN after the answer; what the client still sends is discarded until it closes, for
// at most 2 s, then the socket is aborted), so that the client can read the answer
// even while it is still sending a body. The engine deletes the socket on its disconnect.
// Limits apply to connections accepted after they are set.
class RequestGuardServer final : public QTcpServer
{
public:
    // `engine` is the QAbstractHttpServer that will be bound to this server.
    RequestGuardServer(QObject *engine, HttpRequestFraming::Limits limits, QObject *parent = nullptr);

    void setMaxBodySize(qint64 bytes) { m_limits.maxBodySize = bytes; }
    HttpRequestFraming::Limits limits() const { return m_limits; }

    // The answer sent for a refusal (the bytes on the wire), for logs and tests.
    static QByteArray refusalResponse(const HttpRequestFraming::Refusal &refusal);

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    void guard(QTcpSocket *socket);

    QPointer<QObject> m_engine;
    HttpRequestFraming::Limits m_limits;
};

} // namespace mwauth::provider
