#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <optional>

namespace mwauth::provider {

// Follows the requests on one HTTP/1.1 connection byte by byte, as Qt 6.4's
// QAbstractHttpServer will read them, and says when a request must be refused before
// its body is read: the guard in front of the HTTP engine (see RequestGuardServer).
//
//   Leading --first non-blank--> Head --complete, acceptable--> Body --all read--> Leading
//      |                           |                              (Content-Length: 0 -> Leading)
//      +------ over a limit -------+--- head refused ---> Refused (stays)
//
// Framing is Qt's: blank characters before a request line are skipped; the request line ends
// at LF; the headers end at an empty line (CRLF or LF); the body is Content-Length bytes.
// To stay in step with Qt's parser the guard refuses every head that parser could read
// differently (and so frame differently):
//   - more than maxHeadSize bytes from the end of the previous request to the end of the
//     head (blank lines included)                                     -> 431
//   - more than maxHeaderFields header lines                          -> 431
//   - a header line without "name:" (name an RFC 9110 token) or a folded line -> 400
//   - a Content-Length that is not 1 to 18 digits, or two that differ   -> 400
//   - any Transfer-Encoding (Qt 6.4's chunked reader is unfinished and a chunked body
//     cannot be bounded before it is read)                             -> 411
//   - a Content-Length over maxBodySize                                -> 413
class HttpRequestFraming
{
public:
    static constexpr qsizetype kDefaultMaxHeadSize = 64 * 1024;
    static constexpr int kDefaultMaxHeaderFields = 100;

    struct Limits
    {
        qint64 maxBodySize = 1024 * 1024;
        qsizetype maxHeadSize = kDefaultMaxHeadSize;
        int maxHeaderFields = kDefaultMaxHeaderFields;
    };

    // Why a request is refused: the HTTP answer to send before closing the connection.
    struct Refusal
    {
        int status = 400;
        QByteArray reason; // the status line's reason phrase
        QString title;
        QString text; // a sentence for the HTML page
        qint64 requestStart = 0; // stream offset where the refused request begins
    };

    explicit HttpRequestFraming(Limits limits);

    void setMaxBodySize(qint64 bytes) { m_limits.maxBodySize = bytes; }

    // Scans the next bytes of the stream. Returns the refusal of the first request that
    // breaks a rule (later calls return the same); bytes after it are ignored.
    std::optional<Refusal> feed(QByteArrayView bytes);

    const std::optional<Refusal> &refusal() const { return m_refusal; }
    // Bytes fed so far.
    qint64 offset() const { return m_offset; }

private:
    enum class State { Leading, Head, Body };

    bool headComplete() const;
    std::optional<Refusal> checkHead();
    Refusal refuse(int status, QByteArray reason, QString title, QString text) const;

    Limits m_limits;
    State m_state = State::Leading;
    QByteArray m_head; // the request line and headers of the request being read
    qsizetype m_requestLineEnd = -1; // index of the request line's LF in m_head
    qsizetype m_headBytes = 0; // m_head plus the blank characters before it
    qint64 m_bodyLeft = 0;
    qint64 m_offset = 0;
    qint64 m_requestStart = 0;
    std::optional<Refusal> m_refusal;
};

} // namespace mwauth::provider
