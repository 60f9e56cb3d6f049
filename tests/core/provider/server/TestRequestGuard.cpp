// The socket guard in front of Qt's HTTP engine, over raw TCP: oversized or unframeable
// requests are refused from their head, before any body is read, on first and kept-alive
// requests alike, and the server keeps serving.

#include "ProviderTestSupport.h"
#include "provider/server/HttpRequestFraming.h"

#include <QElapsedTimer>
#include <QTcpSocket>
#include <QTest>
#include <memory>

using namespace mwauth;
using namespace mwauth::provider;
using namespace mwauth::provider::testing;

namespace {

struct RawResponse
{
    int status = 0;
    QByteArray head;
    QByteArray body;
};

// One HTTP/1.1 response off `buffer` (bytes read so far from the socket), framed by its
// Content-Length; waits for more bytes as needed. Nullopt when none comes in 10 s.
std::optional<RawResponse> readResponse(QTcpSocket &socket, QByteArray &buffer)
{
    std::optional<RawResponse> response;
    const auto complete = [&] {
        buffer += socket.readAll();
        const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return false;
        const QByteArray head = buffer.first(headEnd);
        qsizetype length = 0;
        for (const QByteArray &line : head.split('\n')) {
            if (line.toLower().startsWith("content-length:"))
                length = line.sliced(15).trimmed().toLongLong();
        }
        if (buffer.size() < headEnd + 4 + length)
            return false;
        RawResponse r;
        r.head = head;
        r.status = head.mid(9, 3).toInt();
        r.body = buffer.sliced(headEnd + 4, length);
        buffer.remove(0, headEnd + 4 + length);
        response = r;
        return true;
    };
    if (!complete() && !QTest::qWaitFor(complete, 10000))
        return std::nullopt;
    return response;
}

QByteArray post(const QByteArray &body, const QByteArray &extraHeaders = {})
{
    return "POST /w/api.php HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
           "application/x-www-form-urlencoded\r\n"
        + extraHeaders + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

} // namespace

class TestRequestGuard : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<ProviderServer> m_server;

    bool connectTo(QTcpSocket &socket)
    {
        socket.connectToHost(QHostAddress::LocalHost, m_server->port());
        return socket.waitForConnected(5000);
    }
    // A normal request on a fresh connection still works.
    bool serverStillServes()
    {
        TestHttpClient http;
        const Reply reply = http.send("GET", url(*m_server, u"/w/api.php?action=echo&alive=1"_qs));
        return reply.status == 200
            && reply.json().value(u"params"_qs).toObject().value(u"alive"_qs).toString() == u"1";
    }

private Q_SLOTS:
    void init()
    {
        m_server = std::make_unique<ProviderServer>();
        registerEchoServices(*m_server);
        QVERIFY(m_server->start(0).ok());
    }
    void cleanup() { m_server.reset(); }

    void hugeContentLengthIsRefusedAtOnce();
    void refusals_data();
    void refusals();
    void bodyAtTheLimitIsServed();
    void endlessHeadIsCutOff();
    void keptAliveRequestsAreChecked();
    void pipelinedRequestsBeforeARefusalAreAnswered();
    void pipelinedBodiesStayInStep();
    void requestSentByteByByte();
    void lowerLimitForNewConnections();
};

void TestRequestGuard::hugeContentLengthIsRefusedAtOnce()
{
    QTcpSocket socket;
    QVERIFY(connectTo(socket));
    QElapsedTimer timer;
    timer.start();
    socket.write(
        "POST /w/api.php HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        "Content-Length: 10737418240\r\n\r\naction=echo&x=");
    QByteArray buffer;
    const auto response = readResponse(socket, buffer);
    QVERIFY(response);
    QVERIFY2(timer.elapsed() < 5000, QByteArray::number(timer.elapsed()).constData());
    QCOMPARE(response->status, 413);
    QVERIFY2(response->head.startsWith("HTTP/1.1 413 Request Entity Too Large"), response->head.constData());
    QVERIFY2(response->head.toLower().contains("connection: close"), response->head.constData());
    QVERIFY2(response->body.contains("10737418240"), response->body.constData());
    QVERIFY2(response->body.contains("1048576"), response->body.constData());
    // The server closes the connection instead of reading 10 GiB.
    QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState, 5000);
    QVERIFY(serverStillServes());
}

void TestRequestGuard::refusals_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("explains");

    QTest::newRow("one byte over the limit")
        << QByteArray("POST /w/api.php HTTP/1.1\r\nHost: x\r\nContent-Length: 1048577\r\n\r\nabc") << 413
        << QByteArray("1048577");
    QTest::newRow("chunked") << QByteArray(
        "POST /w/api.php HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5\r\nhello\r\n") << 411
                             << QByteArray("Content-Length");
    QTest::newRow("transfer-encoding with content-length")
        << QByteArray("POST /w/api.php HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: gzip\r\n\r\nabc")
        << 411 << QByteArray("gzip");
    QTest::newRow("two different lengths")
        << QByteArray("POST /w/api.php HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd") << 400
        << QByteArray("two different Content-Length");
    QTest::newRow("signed length") << QByteArray("POST /w/api.php HTTP/1.1\r\nContent-Length: +3\r\n\r\nabc")
                                   << 400 << QByteArray("&quot;+3&quot;");
    QTest::newRow("folded header") << QByteArray("GET /w/api.php HTTP/1.1\r\nX-A: 1\r\n  continued\r\n\r\n")
                                   << 400 << QByteArray("folded");
    QTest::newRow("space before colon")
        << QByteArray("GET /w/api.php HTTP/1.1\r\nContent-Length : 5\r\n\r\nhello") << 400
        << QByteArray("name: value");
    QByteArray manyHeaders = "GET /w/api.php HTTP/1.1\r\n";
    for (int i = 0; i < 101; ++i)
        manyHeaders += "X-H" + QByteArray::number(i) + ": v\r\n";
    QTest::newRow("101 header lines") << manyHeaders + "\r\n" << 431 << QByteArray("100 header fields");
    QTest::newRow("head of 64 KiB + 1")
        << QByteArray("GET /w/api.php HTTP/1.1\r\nX-Big: " + QByteArray(64 * 1024, 'a') + "\r\n\r\n") << 431
        << QByteArray("65536");
    QTest::newRow("64 KiB of blank lines")
        << QByteArray(32 * 1024 + 1, '\n').replace("\n", "\r\n") << 431 << QByteArray("65536");
}

void TestRequestGuard::refusals()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, status);
    QFETCH(QByteArray, explains);

    QTcpSocket socket;
    QVERIFY(connectTo(socket));
    socket.write(bytes);
    QByteArray buffer;
    const auto response = readResponse(socket, buffer);
    QVERIFY(response);
    QCOMPARE(response->status, status);
    QVERIFY2(response->head.toLower().contains("connection: close"), response->head.constData());
    QVERIFY2(response->head.contains("text/html; charset=utf-8"), response->head.constData());
    QVERIFY2(response->body.contains(explains), response->body.constData());
    QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState, 5000);
    QVERIFY(buffer.isEmpty()); // nothing after the refusal
    QVERIFY(serverStillServes());
}

void TestRequestGuard::bodyAtTheLimitIsServed()
{
    const QByteArray body = "action=echo&x=" + QByteArray(1024 * 1024 - 14, 'b');
    QCOMPARE(body.size(), 1024 * 1024);
    QTcpSocket socket;
    QVERIFY(connectTo(socket));
    socket.write(post(body));
    QByteArray buffer;
    const auto response = readResponse(socket, buffer);
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    const QJsonObject params
        = QJsonDocument::fromJson(response->body).object().value(u"params"_qs).toObject();
    QCOMPARE(params.value(u"x"_qs).toString().size(), 1024 * 1024 - 14);
    // Kept alive: the same connection serves another request.
    socket.write(post("action=echo&again=1"));
    const auto again = readResponse(socket, buffer);
    QVERIFY(again);
    QCOMPARE(again->status, 200);
    QVERIFY2(again->body.contains("\"again\":\"1\""), again->body.constData());
}

void TestRequestGuard::endlessHeadIsCutOff()
{
    // A client that keeps sending one header line and never ends the head.
    QTcpSocket socket;
    QVERIFY(connectTo(socket));
    socket.write("GET /w/api.php?action=echo HTTP/1.1\r\nX-Slow: ");
    QByteArray buffer;
    qint64 sent = 0;
    for (int i = 0; i < 40 && socket.state() == QAbstractSocket::ConnectedState && buffer.isEmpty(); ++i) {
        socket.write(QByteArray(4096, 'z'));
        sent += 4096;
        QVERIFY(socket.waitForBytesWritten(1000));
        QCoreApplication::processEvents(); // the server reads what came in
        QCoreApplication::processEvents(); // and this socket what the server answered
        buffer += socket.readAll();
    }
    const auto response = readResponse(socket, buffer);
    QVERIFY(response);
    QCOMPARE(response->status, 431);
    QVERIFY2(sent <= 64 * 1024 + 8 * 4096, QByteArray::number(sent).constData()); // cut off near the limit
    QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState, 5000);
    QVERIFY(serverStillServes());
}

void TestRequestGuard::keptAliveRequestsAreChecked()
{
    QTcpSocket socket;
    QVERIFY(connectTo(socket));
    QByteArray buffer;
    socket.write(post("action=echo&n=1"));
    const auto first = readResponse(socket, buffer);
    QVERIFY(first);
    QCOMPARE(first->status, 200);
    QCOMPARE(socket.state(), QAbstractSocket::ConnectedState);

    socket.write("POST /w/api.php HTTP/1.1\r\nHost: x\r\nContent-Length: 10737418240\r\n\r\naction=echo");
    const auto second = readResponse(socket, buffer);
    QVERIFY(second);
    QCOMPARE(second->status, 413);
    QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState, 5000);
    QVERIFY(serverStillServes());
}

void TestRequestGuard::pipelinedRequestsBeforeARefusalAreAnswered()
{
    QTcpSocket socket;
    QVERIFY(connectTo(socket));
    socket.write(post("action=echo&n=1") + post("action=echo&n=2")
                 + "POST /w/api.php HTTP/1.1\r\nContent-Length: 2000000\r\n\r\nxyz");
    QByteArray buffer;
    for (const char *n : {"1", "2"}) {
        const auto response = readResponse(socket, buffer);
        QVERIFY(response);
        QCOMPARE(response->status, 200);
        QVERIFY2(response->body.contains(QByteArray("\"n\":\"" + QByteArray(n) + '"')),
                 response->body.constData());
    }
    const auto refused = readResponse(socket, buffer);
    QVERIFY(refused);
    QCOMPARE(refused->status, 413);
    QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState, 5000);
}

void TestRequestGuard::pipelinedBodiesStayInStep()
{
    // Bodies that look like heads must not confuse the guard: it skips Content-Length bytes.
    const QByteArray trap = "GET / HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n";
    QTcpSocket socket;
    QVERIFY(connectTo(socket));
    socket.write(post("action=echo&n=1&t=" + trap.toPercentEncoding())
                 + post("action=echo&n=2", "X-Note: " + QByteArray(1000, 'n') + "\r\n")
                 + post("action=echo&n=3"));
    QByteArray buffer;
    for (const char *n : {"1", "2", "3"}) {
        const auto response = readResponse(socket, buffer);
        QVERIFY(response);
        QCOMPARE(response->status, 200);
        QVERIFY2(response->body.contains(QByteArray("\"n\":\"" + QByteArray(n) + '"')),
                 response->body.constData());
    }
    QCOMPARE(socket.state(), QAbstractSocket::ConnectedState);
}

void TestRequestGuard::requestSentByteByByte()
{
    QTcpSocket socket;
    QVERIFY(connectTo(socket));
    const QByteArray request = "\r\n" + post("action=echo&slow=yes");
    for (const char c : request) {
        socket.write(&c, 1);
        QVERIFY(socket.waitForBytesWritten(1000));
        QCoreApplication::processEvents(); // the server reads each byte on its own
    }
    QByteArray buffer;
    const auto response = readResponse(socket, buffer);
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QVERIFY2(response->body.contains("\"slow\":\"yes\""), response->body.constData());
}

void TestRequestGuard::lowerLimitForNewConnections()
{
    m_server->setMaxBodySize(100);
    QCOMPARE(m_server->maxBodySize(), qint64(100));
    QTcpSocket socket;
    QVERIFY(connectTo(socket));
    socket.write(post("action=echo&x=" + QByteArray(87, 'a')));
    QByteArray buffer;
    const auto response = readResponse(socket, buffer);
    QVERIFY(response);
    QCOMPARE(response->status, 413);
    QVERIFY2(response->body.contains("101 bytes"), response->body.constData());
    QVERIFY2(response->body.contains("at most 100 bytes"), response->body.constData());
}

QTEST_MAIN(TestRequestGuard)
#include "TestRequestGuard.moc"
