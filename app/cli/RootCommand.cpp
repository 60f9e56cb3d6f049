#include "RootCommand.h"

#include "CommandLine.h"
#include "ExitCode.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace mwauth::cli {

void RootCommand::addGroup(std::unique_ptr<CommandGroup> group)
{
    m_groups.push_back(std::move(group));
}

int RootCommand::run(CommandContext &context, const QStringList &arguments) const
{
    if (arguments.isEmpty()) {
        context.printError(u"mwauth: missing command."_s);
        context.printErrorText(helpText());
        return ExitUsage;
    }
    const QString &first = arguments.first();
    if (first == u"-h" || first == u"--help" || first == u"help") {
        context.print(helpText());
        return ExitOk;
    }
    if (first == u"-v" || first == u"--version") {
        context.printLine(u"mwauth "_s + QCoreApplication::applicationVersion());
        return ExitOk;
    }
    for (const auto &group : m_groups) {
        if (group->name() == first)
            return group->run(context, arguments.mid(1));
    }
    context.printError(first.startsWith(u'-') ? u"mwauth: unknown option "_s + quoted(first) + u'.'
                                              : u"mwauth: unknown command "_s + quoted(first) + u'.');
    context.printError(u"Run 'mwauth --help' for the list of commands."_s);
    return ExitUsage;
}

QString RootCommand::helpText() const
{
    QString text = u"Usage: mwauth <group> [<command>] [options]\n"
                   "Tools for the MediaWiki authentication stack and the standards under it:\n"
                   "JSON Web Tokens and Keys, TOTP codes, OAuth 1.0a signatures, PKCE.\n\n"
                   "Command groups:\n"_s;
    qsizetype width = 0;
    for (const auto &group : m_groups)
        width = std::max(width, group->name().size());
    for (const auto &group : m_groups)
        text += u"  "_s + group->name().leftJustified(width + 2) + group->summary() + u'\n';
    text += u"\nOptions:\n"
            "  -h, --help     Show this help.\n"
            "  -v, --version  Show the version.\n\n"
            "Run 'mwauth <group> --help' for a group's commands and\n"
            "'mwauth <group> <command> --help' for a command's options.\n"
            "Results go to standard output, diagnostics to standard error.\n\n"_s
        + exitCodeHelp();
    return text;
}

} // namespace mwauth::cli
