#include "HttpRequestFraming.h"

#include <QList>

namespace mwauth::provider {

namespace {

// What Qt 6.4's request-line reader skips before a request.
bool isLeadingBlank(char c)
{
    return c == '\v' || c == '\n' || c == '\r' || c == ' ' || c == '\t';
}

bool isToken(QByteArrayView name)
{
    constexpr QByteArrayView others("!#$%&'*+-.^_`|~");
    if (name.isEmpty())
        return false;
    for (const char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || others.contains(c);
        if (!ok)
            return false;
    }
    return true;
}

bool isDigits(QByteArrayView value)
{
    if (value.isEmpty() || value.size() > 18)
        return false;
    for (const char c : value) {
        if (c < '0' || c > '9')
            return false;
    }
    return true;
}

} // namespace

HttpRequestFraming::HttpRequestFraming(Limits limits)
    : m_limits(limits)
{ }

HttpRequestFraming::Refusal HttpRequestFraming::refuse(int status, QByteArray reason, QString title,
                                                       QString text) const
{
    return Refusal {status, std::move(reason), std::move(title), std::move(text), m_requestStart};
}

std::optional<HttpRequestFraming::Refusal> HttpRequestFraming::feed(QByteArrayView bytes)
{
    qsizetype i = 0;
    while (!m_refusal && i < bytes.size()) {
        switch (m_state) {
        case State::Body: {
            const qint64 take = qMin<qint64>(m_bodyLeft, bytes.size() - i);
            i += take;
            m_offset += take;
            m_bodyLeft -= take;
            if (m_bodyLeft == 0) {
                m_state = State::Leading;
                m_requestStart = m_offset;
            }
            break;
        }
        case State::Leading:
            if (!isLeadingBlank(bytes[i])) {
                m_state = State::Head;
                break;
            }
            ++i;
            ++m_offset;
            if (++m_headBytes > m_limits.maxHeadSize)
                m_refusal = refuse(
                    431, "Request Header Fields Too Large", QStringLiteral("Request Header Fields Too Large"),
                    QStringLiteral("The request head is longer than %1 bytes.").arg(m_limits.maxHeadSize));
            break;
        case State::Head: {
            const char c = bytes[i++];
            ++m_offset;
            m_head.append(c);
            if (++m_headBytes > m_limits.maxHeadSize) {
                m_refusal = refuse(
                    431, "Request Header Fields Too Large", QStringLiteral("Request Header Fields Too Large"),
                    QStringLiteral("The request head is longer than %1 bytes.").arg(m_limits.maxHeadSize));
                break;
            }
            if (c != '\n')
                break;
            if (m_requestLineEnd < 0) {
                m_requestLineEnd = m_head.size() - 1;
                break;
            }
            if (headComplete())
                m_refusal = checkHead();
            break;
        }
        }
    }
    return m_refusal;
}

bool HttpRequestFraming::headComplete() const
{
    // Qt's header reader: the lines after the request line up to "\n\r\n" or "\n\n", or a
    // lone line end when there are no headers.
    const QByteArrayView headers = QByteArrayView(m_head).sliced(m_requestLineEnd + 1);
    return headers == "\r\n" || headers == "\n" || headers.endsWith("\n\r\n") || headers.endsWith("\n\n");
}

std::optional<HttpRequestFraming::Refusal> HttpRequestFraming::checkHead()
{
    const auto badRequest = [this](const QString &text) {
        return refuse(400, "Bad Request", QStringLiteral("Bad Request"), text);
    };
    QByteArrayView headers = QByteArrayView(m_head).sliced(m_requestLineEnd + 1);
    std::optional<QByteArray> contentLength;
    int fields = 0;
    while (!headers.isEmpty()) {
        const qsizetype lf = headers.indexOf('\n');
        QByteArrayView line = headers.first(lf);
        headers = headers.sliced(lf + 1);
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty())
            break; // the end of the head
        if (line.startsWith(' ') || line.startsWith('\t'))
            return badRequest(QStringLiteral("The request has a folded header line (obsolete in RFC 9112)."));
        const qsizetype colon = line.indexOf(':');
        if (colon < 0 || !isToken(line.first(colon)))
            return badRequest(QStringLiteral("The request has a header line that is not \"name: value\"."));
        if (++fields > m_limits.maxHeaderFields)
            return refuse(
                431, "Request Header Fields Too Large", QStringLiteral("Request Header Fields Too Large"),
                QStringLiteral("The request has more than %1 header fields.").arg(m_limits.maxHeaderFields));
        const QByteArrayView name = line.first(colon);
        const QByteArray value = line.sliced(colon + 1).trimmed().toByteArray();
        if (name.compare("transfer-encoding", Qt::CaseInsensitive) == 0)
            return refuse(411, "Length Required", QStringLiteral("Length Required"),
                          QStringLiteral("This server does not accept Transfer-Encoding (\"%1\"); send the "
                                         "body with a Content-Length.")
                              .arg(QString::fromLatin1(value)));
        if (name.compare("content-length", Qt::CaseInsensitive) == 0) {
            if (!isDigits(value))
                return badRequest(QStringLiteral("The Content-Length \"%1\" is not a number of bytes.")
                                      .arg(QString::fromLatin1(value)));
            if (contentLength && *contentLength != value)
                return badRequest(QStringLiteral("The request has two different Content-Length headers."));
            contentLength = value;
        }
    }
    const qint64 length = contentLength ? contentLength->toLongLong() : 0;
    if (length > m_limits.maxBodySize)
        return refuse(413, "Request Entity Too Large", QStringLiteral("Request body too large"),
                      QStringLiteral("The request body has %1 bytes; this server accepts at most %2 bytes.")
                          .arg(length)
                          .arg(m_limits.maxBodySize));

    m_head.clear();
    m_requestLineEnd = -1;
    m_headBytes = 0;
    m_bodyLeft = length;
    m_state = length > 0 ? State::Body : State::Leading;
    if (m_state == State::Leading)
        m_requestStart = m_offset;
    return std::nullopt;
}

} // namespace mwauth::provider
