#pragma once

#include "CommandContext.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace mwauth::cli {

// One group of commands ("jwt", "jwk", ...). A group with subcommands registers them with
// addSubcommand() and the default run() dispatches: `mwauth jwt decode ...` calls the
// "decode" handler with the arguments after "decode". `mwauth jwt` alone or
// `mwauth jwt --help` lists the subcommands. A group without subcommands ("pkce")
// overrides run().
class CommandGroup
{
public:
    using Handler = std::function<int(CommandContext &context, const QStringList &arguments)>;

    CommandGroup(QString name, QString summary);
    virtual ~CommandGroup();
    CommandGroup(const CommandGroup &) = delete;
    CommandGroup &operator=(const CommandGroup &) = delete;

    const QString &name() const { return m_name; }
    const QString &summary() const { return m_summary; }

    // `arguments` are those after the group's name. Returns the process exit status.
    virtual int run(CommandContext &context, const QStringList &arguments);

protected:
    void addSubcommand(const QString &name, const QString &summary, Handler handler);
    QString helpText() const;

private:
    struct Subcommand
    {
        QString name;
        QString summary;
        Handler handler;
    };

    QString m_name;
    QString m_summary;
    QList<Subcommand> m_subcommands;
};

} // namespace mwauth::cli
