// HttpRequestFraming on its own: how it frames a stream of HTTP/1.1 requests and which
// heads it refuses, fed at once and byte by byte (the same answer either way).

#include "provider/server/HttpRequestFraming.h"

#include <QTest>

using namespace mwauth::provider;

namespace {

HttpRequestFraming::Limits smallLimits()
{
    HttpRequestFraming::Limits limits;
    limits.maxBodySize = 10;
    limits.maxHeadSize = 200;
    limits.maxHeaderFields = 3;
    return limits;
}

} // namespace

class TestHttpRequestFraming : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void frames_data();
    void frames();
    void stopsAtTheRefusal();
};

void TestHttpRequestFraming::frames_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<int>("status"); // 0: nothing refused
    QTest::addColumn<qint64>("requestStart"); // of the refused request
    QTest::addColumn<QString>("explains");

    const QByteArray get = "GET / HTTP/1.1\r\nHost: a\r\n\r\n"; // 27 bytes
    QCOMPARE(get.size(), 27);
    QTest::newRow("one GET") << get << 0 << qint64(0) << QString();
    QTest::newRow("LF-only line ends, no headers")
        << QByteArray("GET / HTTP/1.1\n\nGET / HTTP/1.1\n\n") << 0 << qint64(0) << QString();
    QTest::newRow("body at the limit, then a GET")
        << QByteArray("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789" + get) << 0 << qint64(0)
        << QString();
    QTest::newRow("body that looks like a head is skipped")
        << QByteArray("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nA: b\r\n\r\n\r\n" + get) << 0 << qint64(0)
        << QString();
    QTest::newRow("equal duplicate lengths, zero length")
        << QByteArray("POST / HTTP/1.1\r\nContent-Length: 2\r\ncontent-length:  2 \r\n\r\nab"
                      "POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
        << 0 << qint64(0) << QString();
    QTest::newRow("body over the limit, second request")
        << QByteArray(get + "POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n") << 413 << qint64(27)
        << u"11 bytes; this server accepts at most 10 bytes"_qs;
    QTest::newRow("blank lines before a request count, and mark its start")
        << QByteArray(get + "\r\n\r\nPOST / HTTP/1.1\r\nContent-Length: 99\r\n\r\n") << 413 << qint64(27)
        << u"99 bytes"_qs;
    QTest::newRow("chunked") << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n") << 411
                             << qint64(0) << u"chunked"_qs;
    QTest::newRow("hex length") << QByteArray("POST / HTTP/1.1\r\nContent-Length: 0x5\r\n\r\n") << 400
                                << qint64(0) << u"\"0x5\" is not a number"_qs;
    QTest::newRow("19 digits") << QByteArray("POST / HTTP/1.1\r\nContent-Length: 1000000000000000000\r\n\r\n")
                               << 400 << qint64(0) << u"not a number of bytes"_qs;
    QTest::newRow("empty length") << QByteArray("POST / HTTP/1.1\r\nContent-Length:\r\n\r\n") << 400
                                  << qint64(0) << u"not a number"_qs;
    QTest::newRow("differing lengths")
        << QByteArray("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab") << 400
        << qint64(0) << u"two different Content-Length"_qs;
    QTest::newRow("folded line") << QByteArray("GET / HTTP/1.1\r\nA: 1\r\n\t2\r\n\r\n") << 400 << qint64(0)
                                 << u"folded"_qs;
    QTest::newRow("no colon") << QByteArray("GET / HTTP/1.1\r\nnocolon\r\n\r\n") << 400 << qint64(0)
                              << u"name: value"_qs;
    QTest::newRow("name not a token")
        << QByteArray("GET / HTTP/1.1\r\nA B: 1\r\n\r\n") << 400 << qint64(0) << u"name: value"_qs;
    QTest::newRow("3 header lines allowed")
        << QByteArray("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n") << 0 << qint64(0) << QString();
    QTest::newRow("4 header lines") << QByteArray("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n")
                                    << 431 << qint64(0) << u"more than 3 header fields"_qs;
    QTest::newRow("head at 200 bytes")
        << QByteArray("GET / HTTP/1.1\r\nX: " + QByteArray(200 - 23, 'x') + "\r\n\r\n") << 0 << qint64(0)
        << QString();
    QTest::newRow("head at 201 bytes, unfinished")
        << QByteArray("GET / HTTP/1.1\r\nX: " + QByteArray(200 - 18, 'x')) << 431 << qint64(0)
        << u"longer than 200 bytes"_qs;
    QTest::newRow("201 blank bytes") << QByteArray(201, '\n') << 431 << qint64(0) << u"longer than 200"_qs;
}

void TestHttpRequestFraming::frames()
{
    QFETCH(QByteArray, stream);
    QFETCH(int, status);
    QFETCH(qint64, requestStart);
    QFETCH(QString, explains);

    HttpRequestFraming whole(smallLimits());
    const auto atOnce = whole.feed(stream);
    HttpRequestFraming bytewise(smallLimits());
    std::optional<HttpRequestFraming::Refusal> oneByOne;
    for (const char c : std::as_const(stream))
        oneByOne = bytewise.feed(QByteArrayView(&c, 1));

    for (const auto &refusal : {atOnce, oneByOne}) {
        if (status == 0) {
            QVERIFY2(!refusal, refusal ? qPrintable(refusal->text) : "");
            continue;
        }
        QVERIFY(refusal);
        QCOMPARE(refusal->status, status);
        QCOMPARE(refusal->requestStart, requestStart);
        QVERIFY2(refusal->text.contains(explains), qPrintable(refusal->text));
        QVERIFY(!refusal->reason.isEmpty());
    }
    if (status == 0) {
        QCOMPARE(whole.offset(), qint64(stream.size()));
        QCOMPARE(bytewise.offset(), qint64(stream.size()));
    }
}

void TestHttpRequestFraming::stopsAtTheRefusal()
{
    HttpRequestFraming framing(smallLimits());
    const QByteArray head = "POST / HTTP/1.1\r\nContent-Length: 50\r\n\r\n";
    const auto refusal = framing.feed(QByteArray(head + QByteArray(50, 'x')));
    QVERIFY(refusal);
    QCOMPARE(refusal->status, 413);
    QCOMPARE(framing.offset(), qint64(head.size())); // the body is not scanned
    // Later bytes change nothing.
    const auto again = framing.feed("GET / HTTP/1.1\r\n\r\n");
    QVERIFY(again);
    QCOMPARE(again->status, 413);
    QCOMPARE(framing.offset(), qint64(head.size()));
}

QTEST_MAIN(TestHttpRequestFraming)
#include "TestHttpRequestFraming.moc"
