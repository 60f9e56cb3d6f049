#include "CommandGroup.h"

#include "CommandLine.h"
#include "ExitCode.h"

using namespace Qt::StringLiterals;

namespace mwauth::cli {

CommandGroup::CommandGroup(QString name, QString summary)
    : m_name(std::move(name))
    , m_summary(std::move(summary))
{ }

CommandGroup::~CommandGroup() = default;

void CommandGroup::addSubcommand(const QString &name, const QString &summary, Handler handler)
{
    m_subcommands.append({name, summary, std::move(handler)});
}

int CommandGroup::run(CommandContext &context, const QStringList &arguments)
{
    if (arguments.isEmpty()) {
        context.printError(u"mwauth "_s + m_name + u": missing command."_s);
        context.printErrorText(helpText());
        return ExitUsage;
    }
    const QString &first = arguments.first();
    if (first == u"-h" || first == u"--help" || first == u"help") {
        context.print(helpText());
        return ExitOk;
    }
    for (const Subcommand &sub : std::as_const(m_subcommands)) {
        if (sub.name == first)
            return sub.handler(context, arguments.mid(1));
    }
    context.printError(u"mwauth "_s + m_name + u": unknown command "_s + quoted(first) + u". Run 'mwauth "_s
                       + m_name + u" --help' for the list."_s);
    return ExitUsage;
}

QString CommandGroup::helpText() const
{
    QString text
        = u"Usage: mwauth "_s + m_name + u" <command> [options]\n"_s + m_summary + u"\n\nCommands:\n"_s;
    qsizetype width = 0;
    for (const Subcommand &sub : m_subcommands)
        width = std::max(width, sub.name.size());
    for (const Subcommand &sub : m_subcommands)
        text += u"  "_s + sub.name.leftJustified(width + 2) + sub.summary + u'\n';
    text += u"\nRun 'mwauth "_s + m_name + u" <command> --help' for a command's options.\n\n"_s
        + exitCodeHelp();
    return text;
}

} // namespace mwauth::cli
