#pragma once

#include "CommandGroup.h"

#include <memory>
#include <vector>

namespace mwauth::cli {

// `mwauth` itself: --help (the list of groups), --version, and dispatch of
// `mwauth <group> ...` to the group.
class RootCommand
{
public:
    void addGroup(std::unique_ptr<CommandGroup> group);

    // `arguments` without the program name. Returns the process exit status.
    int run(CommandContext &context, const QStringList &arguments) const;

    QString helpText() const;

private:
    std::vector<std::unique_ptr<CommandGroup>> m_groups;
};

} // namespace mwauth::cli
