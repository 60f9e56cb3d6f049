#include "CommandLine.h"

#include <cmath>

using namespace Qt::StringLiterals;

namespace mwauth::cli {

QString quoted(const QString &value)
{
    return u'\'' + CommandContext::printable(value, 80) + u'\'';
}

CommandLine::CommandLine(CommandContext &context, QString command, const QString &description)
    : m_context(context)
    , m_command(std::move(command))
{
    m_parser.setApplicationDescription(description);
    m_parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsCompactedShortOptions);
    m_parser.addOption(QCommandLineOption({u"h"_s, u"help"_s}, u"Show this help."_s));
}

void CommandLine::addOption(const QCommandLineOption &option)
{
    m_parser.addOption(option);
}

void CommandLine::addPositional(const QString &name, const QString &description, const QString &syntax)
{
    m_parser.addPositionalArgument(name, description, syntax);
}

std::optional<int> CommandLine::parse(const QStringList &arguments, int minPositional, int maxPositional)
{
    // QCommandLineParser skips the first element as the program name.
    const bool parsed = m_parser.parse(QStringList {u"mwauth"_s} + arguments);
    const bool helpAsked = parsed ? m_parser.isSet(u"help"_s)
                                  : (arguments.contains(u"--help"_s) || arguments.contains(u"-h"_s));
    if (helpAsked) {
        m_context.print(helpText());
        return ExitOk;
    }
    if (!parsed)
        return usageError(m_parser.errorText());

    const QStringList rest = m_parser.positionalArguments();
    if (rest.size() > maxPositional)
        return usageError(maxPositional == 0
                              ? u"This command takes no arguments, but got %1."_s.arg(quoted(rest.first()))
                              : u"Unexpected argument %1."_s.arg(quoted(rest.at(maxPositional))));
    if (rest.size() < minPositional)
        return usageError(u"Missing argument: this command needs %1."_s.arg(
            minPositional == 1 ? u"one argument"_s : u"%1 arguments"_s.arg(minPositional)));
    return std::nullopt;
}

bool CommandLine::readNumber(const QString &name, double &into, double min, double max)
{
    if (!m_parser.isSet(name))
        return true;
    const QString text = m_parser.value(name).trimmed();
    bool ok = false;
    const double number = text.toDouble(&ok);
    if (!ok || !std::isfinite(number) || number < min || number > max) {
        usageError(u"--%1 must be a number from %2 to %3, not %4."_s.arg(
            name, QString::number(min, 'g', 15), QString::number(max, 'g', 15), quoted(text)));
        return false;
    }
    into = number;
    return true;
}

bool CommandLine::readInteger(const QString &name, qint64 &into, qint64 min, qint64 max)
{
    if (!m_parser.isSet(name))
        return true;
    const QString text = m_parser.value(name).trimmed();
    bool ok = false;
    const qint64 number = text.toLongLong(&ok);
    if (!ok || number < min || number > max) {
        usageError(u"--%1 must be a whole number from %2 to %3, not %4."_s.arg(
            name, QString::number(min), QString::number(max), quoted(text)));
        return false;
    }
    into = number;
    return true;
}

bool CommandLine::readInteger(const QString &name, int &into, int min, int max)
{
    qint64 wide = into;
    if (!readInteger(name, wide, min, max))
        return false;
    into = int(wide);
    return true;
}

QString CommandLine::helpText() const
{
    // QCommandLineParser names only the executable in its "Usage:" line; name the command.
    QString text = m_parser.helpText();
    const qsizetype lineEnd = text.indexOf(u'\n');
    const qsizetype options = text.indexOf(u" [options]"_s);
    if (text.startsWith(u"Usage: "_s) && options > 0 && (lineEnd < 0 || options < lineEnd))
        text.replace(0, options, u"Usage: mwauth "_s + m_command);
    if (!m_notes.isEmpty())
        text += u'\n' + m_notes + (m_notes.endsWith(u'\n') ? u""_s : u"\n"_s);
    text += u'\n' + exitCodeHelp();
    return text;
}

int CommandLine::fail(int status, const QString &message) const
{
    m_context.printError(u"mwauth "_s + m_command + u": "_s + message);
    return status;
}

int CommandLine::usageError(const QString &message) const
{
    fail(ExitUsage, message);
    m_context.printError(u"Run 'mwauth "_s + m_command + u" --help' for usage."_s);
    return ExitUsage;
}

int CommandLine::fail(int status, const Error &error) const
{
    return fail(status, error.message());
}

void CommandLine::warn(const QString &message) const
{
    m_context.printError(u"mwauth "_s + m_command + u": warning: "_s + message);
}

} // namespace mwauth::cli
