#pragma once

#include "CommandGroup.h"

namespace mwauth::cli {

// mwauth pkce [--verifier V] [--method S256|plain] [--json]
//   A PKCE pair (RFC 7636): a new random verifier or the given one, and its challenge.
class PkceCommand final : public CommandGroup
{
public:
    PkceCommand();
    int run(CommandContext &context, const QStringList &arguments) override;
};

} // namespace mwauth::cli
