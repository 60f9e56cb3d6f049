#pragma once

#include "CommandGroup.h"

namespace mwauth::cli {

// mwauth totp code (--secret BASE32 | --uri otpauth://totp/...) [--time T] [--digits N]
//                  [--period S] [--algorithm SHA1|SHA256|SHA512]
//   The RFC 6238 code. Options given explicitly override the URI's parameters.
class TotpCommand final : public CommandGroup
{
public:
    TotpCommand();

private:
    static int code(CommandContext &context, const QStringList &arguments);
};

} // namespace mwauth::cli
