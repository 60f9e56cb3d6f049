#pragma once

#include "CommandContext.h"
#include "ExitCode.h"

#include <QCommandLineParser>
#include <QStringList>

#include <optional>

namespace mwauth::cli {

// The options of one command ("jwt verify", "pkce"), on top of QCommandLineParser, with the
// CLI's conventions: -h/--help prints help on stdout and exits 0; any parse problem is a
// usage error (exit 2) reported as "mwauth <command>: <message>" with a pointer to --help;
// help texts name the full command and end with notes and the exit statuses.
//
//   CommandLine cl(context, u"jwt decode"_s, u"Show a JWT's header and payload."_s);
//   cl.addPositional(u"token"_s, u"The token, or - for standard input."_s);
//   if (auto status = cl.parse(arguments, 1, 1)) return *status;
class CommandLine
{
public:
    CommandLine(CommandContext &context, QString command, const QString &description);

    void addOption(const QCommandLineOption &option);
    void addPositional(const QString &name, const QString &description, const QString &syntax = {});
    // Free text shown after the options in --help (examples, defaults, caveats).
    void setNotes(const QString &notes) { m_notes = notes; }

    // Parses `arguments` (what follows the command's name). Returns std::nullopt when the
    // command should run; otherwise the exit status to return: ExitOk after printing help,
    // ExitUsage after reporting an error (including a positional count outside min..max).
    std::optional<int> parse(const QStringList &arguments, int minPositional = 0, int maxPositional = 0);

    bool isSet(const QString &name) const { return m_parser.isSet(name); }
    QString value(const QString &name) const { return m_parser.value(name); }
    QStringList values(const QString &name) const { return m_parser.values(name); }
    QStringList positional() const { return m_parser.positionalArguments(); }

    // Reads an option as a number when it is set (leaves `into` alone otherwise). Reports a
    // usage error and returns false for text that is not a finite number in [min, max].
    bool readNumber(const QString &name, double &into, double min, double max);
    bool readInteger(const QString &name, qint64 &into, qint64 min, qint64 max);
    bool readInteger(const QString &name, int &into, int min, int max);

    QString helpText() const;
    const QString &command() const { return m_command; }

    // "mwauth <command>: <message>" on stderr; returns `status`.
    int fail(int status, const QString &message) const;
    // fail(ExitUsage, ...) plus a hint to run --help.
    int usageError(const QString &message) const;
    // fail(status, error's message); keeps the core's user-readable sentence.
    int fail(int status, const Error &error) const;
    // "mwauth <command>: warning: <message>" on stderr (the command goes on).
    void warn(const QString &message) const;

private:
    CommandContext &m_context;
    QString m_command;
    QString m_notes;
    QCommandLineParser m_parser;
};

// How an option value is shown in a message: quoted, control characters escaped, shortened.
QString quoted(const QString &value);

} // namespace mwauth::cli
