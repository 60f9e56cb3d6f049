#pragma once

#include "CommandGroup.h"

namespace mwauth::cli {

// mwauth jwk generate --alg ALG [--bits N] [--pem]   a new private key (kid = thumbprint)
// mwauth jwk public [FILE|-] [--pem]                  the public form of a key
// mwauth jwk thumbprint [FILE|-]                      the RFC 7638 thumbprint of a key
// Keys are read as JWK or PEM; without FILE from standard input.
class JwkCommand final : public CommandGroup
{
public:
    JwkCommand();

private:
    static int generate(CommandContext &context, const QStringList &arguments);
    static int publicKey(CommandContext &context, const QStringList &arguments);
    static int thumbprint(CommandContext &context, const QStringList &arguments);
};

} // namespace mwauth::cli
