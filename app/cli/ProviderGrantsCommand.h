#pragma once

#include "CommandGroup.h"

namespace mwauth::cli {

// `mwauth provider grants ...`: the users' approvals of OAuth consumers in a provider
// database (provider::UserGrants), what Special:OAuthManageMyGrants shows a user:
//
//   list [--user NAME] [--db L] [--json]
//       Every approval (of NAME only with --user): id, user, consumer, publisher, protocol,
//       grants, accepted, live tokens.
//   revoke ID [--db L] [--json]
//       Revokes one approval: its row (the OAuth 1 access token) and its OAuth 2 access and
//       refresh tokens, in one transaction. Prints what it revoked.
//   revoke-all --user NAME [--yes] [--db L] [--json]
//       Revokes every approval and token of NAME (both protocols) in one transaction, after
//       asking for "yes" on standard input unless --yes. Prints what it revoked.
//
// Exit statuses (ExitCode.h): 2 for the command line (a missing or non-numeric ID, no
// --user), 3 for the database (an unknown user or ID, a failed transaction: nothing changed),
// 1 when revoke-all was not confirmed.
class ProviderGrantsCommand final : public CommandGroup
{
public:
    ProviderGrantsCommand();

private:
    static int list(CommandContext &context, const QStringList &arguments);
    static int revoke(CommandContext &context, const QStringList &arguments);
    static int revokeAll(CommandContext &context, const QStringList &arguments);
};

} // namespace mwauth::cli
