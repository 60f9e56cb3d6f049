#pragma once

#include "CommandGroup.h"

namespace mwauth::cli {

// mwauth oauth1 sign --url URL --consumer-key K (--consumer-secret S | --rsa-key FILE) ...
//   Signs one request as RFC 5849 / MediaWiki's Extension:OAuth expect and prints the
//   signature base string, the signature and the Authorization header value (labelled
//   lines, or one JSON object with --json).
class OAuth1Command final : public CommandGroup
{
public:
    OAuth1Command();

private:
    static int sign(CommandContext &context, const QStringList &arguments);
};

} // namespace mwauth::cli
