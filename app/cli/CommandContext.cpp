#include "CommandContext.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QNetworkAccessManager>

#include <termios.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace mwauth::cli {

QString exitCodeHelp()
{
    return u"Exit status:\n"
           "  0  success (jwt verify: the token is valid)\n"
           "  1  verification failed: the token is not valid (reason on stdout)\n"
           "  2  usage error: unknown command or option, a missing or conflicting\n"
           "     option, an option value that cannot be right\n"
           "  3  input error: unreadable file, malformed token, key, JSON or base32,\n"
           "     network failure\n"_s;
}

CommandContext::CommandContext(Clock &clock, Random &random, std::FILE *in, std::FILE *out, std::FILE *err)
    : m_clock(clock)
    , m_random(random)
    , m_in(in)
    , m_out(out)
    , m_err(err)
{ }

CommandContext::~CommandContext()
{
    std::fflush(m_out);
    std::fflush(m_err);
}

QNetworkAccessManager &CommandContext::network()
{
    if (!m_network)
        m_network = std::make_unique<QNetworkAccessManager>();
    return *m_network;
}

void CommandContext::print(const QString &text)
{
    printRaw(text.toUtf8());
}

void CommandContext::printRaw(const QByteArray &bytes)
{
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), m_out);
}

void CommandContext::printJson(const QJsonObject &object)
{
    printRaw(QJsonDocument(object).toJson(QJsonDocument::Indented));
}

void CommandContext::printError(const QString &line)
{
    std::fflush(m_out);
    const QByteArray bytes = (printable(line, 4000) + u'\n').toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), m_err);
    std::fflush(m_err);
}

void CommandContext::printErrorText(const QString &text)
{
    std::fflush(m_out);
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), m_err);
    std::fflush(m_err);
}

QString CommandContext::printable(const QString &text, qsizetype maxLength)
{
    QString result;
    result.reserve(std::min(text.size(), maxLength) + 8);
    for (const QChar c : text) {
        if (result.size() >= maxLength) {
            result += u"..."_s;
            break;
        }
        const char16_t u = c.unicode();
        if (u < 0x20 || u == 0x7f || (u >= 0x80 && u < 0xa0))
            result += u"\\x"_s + QString::number(u, 16).rightJustified(2, u'0');
        else
            result += c;
    }
    return result;
}

std::optional<QString> CommandContext::readLine(qsizetype maxLength)
{
    std::fflush(m_out);
    std::fflush(m_err);
    QByteArray line;
    int c = 0;
    while ((c = std::fgetc(m_in)) != EOF && c != '\n') {
        if (line.size() < maxLength)
            line.append(char(c));
    }
    if (c == EOF && line.isEmpty())
        return std::nullopt;
    if (line.endsWith('\r'))
        line.chop(1);
    return QString::fromUtf8(line);
}

Result<QByteArray> CommandContext::readInput(const QString &path, qsizetype maxBytes)
{
    if (path == u"-")
        return readStream(m_in, u"standard input"_s, maxBytes);

    const QString shown = u'\'' + printable(path) + u'\'';
    const QFileInfo info(path);
    if (!info.exists())
        return fail(ErrorCode::Io, u"The file %1 does not exist."_s.arg(shown));
    if (info.isDir())
        return fail(ErrorCode::Io, u"%1 is a directory, not a file."_s.arg(shown));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(ErrorCode::Io, u"The file %1 cannot be read: %2."_s.arg(shown, file.errorString()));
    const QByteArray data = file.read(maxBytes + 1);
    if (data.size() > maxBytes)
        return fail(ErrorCode::Io,
                    u"The file %1 is larger than %2 bytes; that is too large for this input."_s.arg(
                        shown, QString::number(maxBytes)));
    if (file.error() != QFileDevice::NoError)
        return fail(ErrorCode::Io, u"The file %1 cannot be read: %2."_s.arg(shown, file.errorString()));
    return data;
}

Result<QByteArray> CommandContext::readStream(std::FILE *stream, const QString &name, qsizetype maxBytes)
{
    QByteArray data;
    char buffer[16384];
    for (;;) {
        const size_t n = std::fread(buffer, 1, sizeof buffer, stream);
        data.append(buffer, qsizetype(n));
        if (data.size() > maxBytes)
            return fail(ErrorCode::Io,
                        u"The %1 is larger than %2 bytes; that is too large for this input."_s.arg(
                            name, QString::number(maxBytes)));
        if (n < sizeof buffer) {
            if (std::ferror(stream))
                return fail(ErrorCode::Io, u"The %1 cannot be read."_s.arg(name));
            if (std::feof(stream))
                break;
        }
    }
    return data;
}

std::optional<QString> CommandContext::promptLine(const QString &prompt, bool hidden)
{
    if (!prompt.isEmpty()) {
        std::fputs(prompt.toUtf8().constData(), m_err);
        std::fflush(m_err);
    }
    const int fd = fileno(m_in);
    termios saved {};
    const bool echoOff = hidden && isatty(fd) && tcgetattr(fd, &saved) == 0;
    if (echoOff) {
        termios quiet = saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    QByteArray line;
    bool any = false;
    char buffer[1024];
    while (std::fgets(buffer, sizeof buffer, m_in)) {
        any = true;
        line.append(buffer);
        if (line.endsWith('\n') || line.size() > maxInputSize)
            break;
    }
    if (echoOff) {
        tcsetattr(fd, TCSAFLUSH, &saved);
        std::fputs("\n", m_err);
    }
    if (!any)
        return std::nullopt;
    while (line.endsWith('\n') || line.endsWith('\r'))
        line.chop(1);
    return QString::fromUtf8(line);
}

} // namespace mwauth::cli
