#pragma once

#include "CommandGroup.h"

namespace mwauth::cli {

// `mwauth login`: MediaWiki's action=clientlogin through ClientLoginFlow, prompting on the
// terminal for what the wiki asks (hidden input for secrets), with the trace optionally
// written as HAR. Exit 0 logged in, 1 the login failed (the reason on stderr), 2 usage.
class LoginCommand : public CommandGroup
{
public:
    LoginCommand();
    int run(CommandContext &context, const QStringList &arguments) override;
};

} // namespace mwauth::cli
