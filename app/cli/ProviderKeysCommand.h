#pragma once

#include "CommandGroup.h"

#include <QString>
#include <QStringList>

namespace mwauth::cli {

// `mwauth provider keys ...`: the local provider's signing keys (provider::SigningKeyStore;
// states next -> current -> retiring -> retired, DESIGN.md section 5):
//
//   list [--db L] [--json]
//       Every key: state, kid, alg, when it was made, became current, started retiring,
//       stops being published, was retired; whether the JWKS publishes it now. Never a
//       private key (list does not even read the provider secret).
//   rotate [--db L] [--token-lifetime SECONDS] [--json]
//       The next key becomes current, the current key retires after SECONDS (default 3600,
//       the access-token lifetime), a new next key is made; then retiring keys that are due
//       are marked retired. Warns when the promoted key was published for less than the
//       JWKS cache time (KeysApi::CacheMaxAge).
//   generate [--alg RS256|ES256|EdDSA] [--rsa-bits 2048|3072|4096] [--db L] [--json]
//       A new next key (default RS256), replacing the next key there is (at most one).
//
// The private keys are sealed with the provider secret of the database
// (provider::ProviderSecret::forDatabase: "<file>.secret" beside a SQLite file, the
// environment variable MWAUTH_PROVIDER_SECRET for PostgreSQL). The audit log names the
// actor "cli:<login name>".
//
// Exit statuses as every command (ExitCode.h): 2 for the command line (an unknown --alg),
// 3 for the database and the keys (no next key to rotate, a secret that does not open them).
class ProviderKeysCommand final : public CommandGroup
{
public:
    ProviderKeysCommand();

    // "cli:<login name>" (from USER or USERNAME; "cli" alone when neither is set).
    static QString actor();

private:
    static int list(CommandContext &context, const QStringList &arguments);
    static int rotate(CommandContext &context, const QStringList &arguments);
    static int generate(CommandContext &context, const QStringList &arguments);
};

} // namespace mwauth::cli
