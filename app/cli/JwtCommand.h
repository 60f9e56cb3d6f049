#pragma once

#include "CommandGroup.h"

namespace mwauth::cli {

// mwauth jwt decode TOKEN
//   The header and payload as {"header": ..., "payload": ...} (no signature check; the
//   token must still be well-formed: three base64url parts, a known alg, JSON objects).
// mwauth jwt verify TOKEN (--jwks FILE|URL | --key FILE | --secret TEXT) [claim checks]
//   Exit 0 and "valid" + the claims, or exit 1 and "invalid: <reason>: <explanation>".
// TOKEN "-" reads the token from standard input.
class JwtCommand final : public CommandGroup
{
public:
    JwtCommand();

private:
    static int decode(CommandContext &context, const QStringList &arguments);
    static int verify(CommandContext &context, const QStringList &arguments);
};

} // namespace mwauth::cli
