#pragma once

#include "CommandGroup.h"

#include "common/Result.h"

#include <QString>

#include <memory>

namespace mwauth::profiles {
class AppDatabase;
}

namespace mwauth::cli {

// `mwauth profile ...`: the servers the console knows (core/profiles), in the app database at
// QStandardPaths::AppDataLocation (profiles::AppDatabase::defaultLocation()):
//
//   add NAME --url URL [--oidc] [--json]
//       Discovers the server and stores it: a MediaWiki (its address, api.php or index.php;
//       action=query&meta=siteinfo gives api.php, rest.php and index.php) or, with --oidc, an
//       OpenID Connect issuer (its discovery document).
//   list [--json]        The built-in "Local provider" and every stored profile.
//   show NAME [--json]   One profile with its consumers (never a secret).
//   remove NAME [--yes]  Forgets the profile's secrets in the keychain, then the profile;
//                        asks first unless --yes.
//   export [--output FILE]   The profiles as JSON without secrets (standard output by default).
//   import FILE              Adds the profiles of an export; all or nothing.
class ProfileCommand final : public CommandGroup
{
public:
    ProfileCommand();

    // The app database at its default location, or the error to report.
    static Result<std::unique_ptr<profiles::AppDatabase>> openDatabase();
    // Asks `question` on stderr and reads y/yes (any case) from stdin; false otherwise.
    static bool confirm(CommandContext &context, const QString &question);

private:
    static int add(CommandContext &context, const QStringList &arguments);
    static int list(CommandContext &context, const QStringList &arguments);
    static int show(CommandContext &context, const QStringList &arguments);
    static int remove(CommandContext &context, const QStringList &arguments);
    static int exportProfiles(CommandContext &context, const QStringList &arguments);
    static int importProfiles(CommandContext &context, const QStringList &arguments);
};

// `mwauth secrets forget --profile NAME [--yes]`: removes every secret the console keeps in the
// keychain for a profile (the index in the app database lists them), after asking.
class SecretsCommand final : public CommandGroup
{
public:
    SecretsCommand();

    // Forgets the secrets of `profileId` in the system keychain; the exit status after
    // reporting (ExitOk when all went). Runs a local event loop (the CLI has no other).
    static int forgetSecrets(CommandContext &context, const class CommandLine &cl,
                             profiles::AppDatabase &database, const QString &profileId,
                             const QString &profileName);

private:
    static int forget(CommandContext &context, const QStringList &arguments);
};

} // namespace mwauth::cli
