#pragma once

#include "common/Clock.h"
#include "common/Random.h"
#include "common/Result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <cstdio>
#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace mwauth::cli {

// What every command works with: the three standard streams, the clock, the random
// source and (created on first use) the network access manager. main() builds one with
// the real streams and SystemClock/SystemRandom; nothing in app/cli reaches for globals.
//
// Standard output carries only a command's result; diagnostics go to standard error,
// with control characters escaped so junk input cannot garble the terminal.
class CommandContext
{
public:
    // Upper bound for anything read from a file or standard input (tokens, keys, JWKS).
    static constexpr qsizetype maxInputSize = 1024 * 1024;

    CommandContext(Clock &clock, Random &random, std::FILE *in = stdin, std::FILE *out = stdout,
                   std::FILE *err = stderr);
    ~CommandContext();
    CommandContext(const CommandContext &) = delete;
    CommandContext &operator=(const CommandContext &) = delete;

    Clock &clock() const { return m_clock; }
    Random &random() const { return m_random; }
    QNetworkAccessManager &network();

    // Writes `text` as UTF-8 to standard output, unchanged.
    void print(const QString &text);
    void printLine(const QString &line) { print(line + u'\n'); }
    void printRaw(const QByteArray &bytes);
    // Indented JSON and a newline.
    void printJson(const QJsonObject &object);

    // One diagnostic line on standard error (control characters shown as \xNN).
    void printError(const QString &line);
    // Text of our own (a help text shown after a usage error) on standard error, as is.
    void printErrorText(const QString &text);

    // The whole content of the file at `path`, or of standard input for "-".
    // Errors (ErrorCode::Io): a missing or unreadable file, a directory, more than
    // `maxBytes` bytes.
    Result<QByteArray> readInput(const QString &path, qsizetype maxBytes = maxInputSize);

    // One line from standard input without its line end, at most `maxLength` bytes (the
    // rest of a longer line is read and dropped); std::nullopt at end of input. For answers to
    // questions ("Remove it? [y/N]").
    std::optional<QString> readLine(qsizetype maxLength = 1024);
    // One line of standard input without its line end; std::nullopt at the end of input.
    // `prompt` goes to standard error first (when not empty). `hidden`: when standard input
    // is a terminal, its echo is off while the line is typed (passwords, codes).
    std::optional<QString> promptLine(const QString &prompt, bool hidden = false);

    // Escapes control characters and cuts very long text, for echoing user input in messages.
    static QString printable(const QString &text, qsizetype maxLength = 200);

private:
    Result<QByteArray> readStream(std::FILE *stream, const QString &name, qsizetype maxBytes);

    Clock &m_clock;
    Random &m_random;
    std::FILE *m_in;
    std::FILE *m_out;
    std::FILE *m_err;
    std::unique_ptr<QNetworkAccessManager> m_network;
};

} // namespace mwauth::cli
