#pragma once

#include "CommandGroup.h"

#include "common/Result.h"
#include "provider/accounts/PasswordHasher.h"
#include "provider/accounts/UserStore.h"
#include "provider/db/ProviderDatabase.h"

#include <memory>
#include <optional>

namespace mwauth::cli {

class CommandLine;

// mwauth provider serve [--port N] [--db LOCATION] [--script-path /w] [--demo] [--json]
//   Runs the local MediaWiki look-alike (provider::LocalProvider) on 127.0.0.1 until
//   SIGINT/SIGTERM, then stops it cleanly and exits 0. Prints its URLs and, with --demo,
//   the demo accounts with their secrets; with --json the first line of stdout is one
//   JSON object: {"base", "api", "rest", "index", "issuer", "users": [...], "clients": []}.
// mwauth provider user add NAME --password-stdin [--email E] [--groups a,b] [--db LOCATION]
// mwauth provider user list [--db LOCATION] [--json]
// mwauth provider user passwd NAME [--password-stdin] [--db LOCATION]
//   Manage the users of a provider database.
// mwauth provider 2fa enable-totp|recovery-codes|add-webauthn|disable|list NAME ...
//   Manage a user's second factors (ProviderTwoFactorCommand).
// mwauth provider client add|list|remove|approve|reject|disable|reenable ...
//   Manage the OAuth clients (ProviderClientCommand).
//
// Default database: "provider.sqlite" in the user's data folder
// (QStandardPaths::AppDataLocation), or ":memory:" for `serve --demo`.

class ProviderCommand final : public CommandGroup
{
public:
    ProviderCommand();

    // The default --db location (without --demo).
    static QString defaultDatabase();
    // The help text of every --db option.
    static QString databaseHelp();
    // Resolves --db: the option, ":memory:" for a demo without it, or defaultDatabase()
    // (whose folder is created). Io when there is no data folder or it cannot be made.
    static Result<QString> databaseLocation(const CommandLine &cl, bool demo);

private:
    static int serve(CommandContext &context, const QStringList &arguments);
    static int user(CommandContext &context, const QStringList &arguments);
    static int userAdd(CommandContext &context, const QStringList &arguments);
    static int userList(CommandContext &context, const QStringList &arguments);
    static int userPasswd(CommandContext &context, const QStringList &arguments);
};

// The provider database named by --db (ProviderCommand::databaseLocation without demo) and
// its user store, as the `provider user` and `provider 2fa` commands use them. Each open
// returns the exit status after reporting a failure on `cl` (ExitInputError), or
// std::nullopt when it worked.
class ProviderAccounts
{
public:
    explicit ProviderAccounts(CommandContext &context);

    // Opens the database and the user store: users().
    std::optional<int> open(const CommandLine &cl);
    // open(), then finds the user named by the first positional argument: user().
    std::optional<int> openForUser(const CommandLine &cl);

    provider::UserStore &users() { return *m_users; }
    // The database open() opened (for the other stores on it, e.g. `provider client`).
    provider::ProviderDatabase &database() { return *m_db; }
    const provider::User &user() const { return m_user; }

private:
    provider::PasswordHasher m_hasher;
    CommandContext &m_context;
    std::unique_ptr<provider::ProviderDatabase> m_db;
    std::unique_ptr<provider::UserStore> m_users;
    provider::User m_user;
};

} // namespace mwauth::cli
