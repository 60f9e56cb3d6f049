#pragma once

#include "CommandGroup.h"

#include "common/Random.h"

#include <QString>
#include <QStringList>

namespace mwauth::cli {

// `mwauth provider 2fa ...`: a user's second factors in a provider database, as the records
// OATHAuth keeps (provider::UserStore::addTwoFactor, formats in provider::DemoData):
//
//   enable-totp NAME [--secret BASE32] [--db L] [--json]
//       Adds a "totp" record (SHA1, 6 digits, 30 s) with the given seed or a new 20-byte
//       one; prints the base32 secret and the otpauth:// URI. Refused when NAME has TOTP.
//   recovery-codes NAME [--db L] [--json]
//       Makes RecoveryCodeCount new codes, replacing NAME's "recoverycodes" record(s);
//       prints them.
//   add-webauthn NAME [--rp-id HOST] [--name FRIENDLY] [--db L]
//       Registers a new otp::VirtualAuthenticator credential (userHandle: the user id in
//       decimal) and prints its private JSON as the only output on stdout.
//   disable NAME --module totp|recoverycodes|webauthn [--db L]
//       Removes every record of that module.
//   list NAME [--db L] [--json]
//       The modules and records (ids, creation times); never a secret.
//
// Exit statuses as every command (ExitCode.h): 2 for the command line (a missing NAME, an
// unknown --module), 3 for what the database says (an unknown user, TOTP that exists, a
// module the user does not have) and for a --secret that is not usable base32.
class ProviderTwoFactorCommand final : public CommandGroup
{
public:
    ProviderTwoFactorCommand();

    // The issuer shown in authenticator apps (the otpauth:// URI's label and issuer).
    static QString issuer();

    static constexpr int TotpSeedBytes = 20; // a new seed: 160 bits, RFC 4226's recommendation
    static constexpr int MinTotpSeedBytes = 10; // the least --secret accepted (80 bits)
    static constexpr int RecoveryCodeCount = 10;

    // The recovery code alphabet: digits 2-9 and the letters without I and O (32 symbols,
    // nothing that reads like another: no 0/O, no 1/I).
    static QString recoveryCodeAlphabet();
    // One recovery code: 16 symbols of recoveryCodeAlphabet() (80 bits) in four groups of
    // four joined with '-', e.g. "7KQM-X2RD-9FHT-CWNB".
    static QString makeRecoveryCode(Random &random);
    // `count` distinct codes.
    static QStringList makeRecoveryCodes(Random &random, int count = RecoveryCodeCount);

private:
    static int enableTotp(CommandContext &context, const QStringList &arguments);
    static int recoveryCodes(CommandContext &context, const QStringList &arguments);
    static int addWebAuthn(CommandContext &context, const QStringList &arguments);
    static int disable(CommandContext &context, const QStringList &arguments);
    static int list(CommandContext &context, const QStringList &arguments);
};

} // namespace mwauth::cli
