#pragma once

#include "CommandGroup.h"

#include <QString>
#include <QStringList>

namespace mwauth::cli {

// `mwauth provider client ...`: the OAuth consumers / OAuth 2 clients of a provider database
// (provider::ClientStore), the admin scripts of issue 4:
//
//   add --name N --redirect-uri U [--public] [--grant-type T]... [--scope S]... [--owner-only]
//       [--trusted] [--oauth-version 1|2] [--owner NAME] [--email E] [--description D]
//       [--app-version V] [--issuer URL] [--db L] [--json]
//       Registers an approved client (an admin made it) owned by NAME (default Admin) and
//       prints its client id (the consumer key) and secret, once: the secret cannot be shown
//       again. Owner-only OAuth 1 consumers also get their access token and secret; owner-only
//       OAuth 2 clients get their access token (a JWT with iss URL, 1000 years, as MediaWiki's
//       registration) when --issuer names the provider's base URL. Defaults:
//       OAuth 2, confidential, grant types authorization_code + refresh_token
//       (client_credentials for --owner-only), scope basic.
//   list [--stage S] [--db L] [--json]
//       Every client, oldest first; never a secret.
//   reset-secret ID [--reason R] [--issuer URL] [--db L] [--json]
//       A new secret (the old one stops working), printed once; owner-only OAuth 1 consumers
//       also get a new access token and secret, owner-only OAuth 2 clients lose their tokens.
//   remove ID [--db L] [--json]
//       Deletes the client with its approvals and access tokens; says how many went.
//   approve|reject|disable|reenable ID --reason R [--db L]
//       MediaWiki's stage changes (provider::ClientStage); refused ones exit 3.
//
// ID is the client id (32 hex digits) or the numeric id `list` shows. Changes are written to
// the audit log as done by "Maintenance script" (MediaWiki's name for command-line actions).
// Exit statuses: 2 for the command line, 3 for what the store refuses (ExitCode.h).
class ProviderClientCommand final : public CommandGroup
{
public:
    ProviderClientCommand();

    // The audit log's actor for changes made here.
    static QString actor();
    // The e-mail address of a client whose owner has none (MediaWiki requires one).
    static QString fallbackEmail();

private:
    static int add(CommandContext &context, const QStringList &arguments);
    static int list(CommandContext &context, const QStringList &arguments);
    static int remove(CommandContext &context, const QStringList &arguments);
    static int resetSecret(CommandContext &context, const QStringList &arguments);
    static int changeStage(CommandContext &context, const QString &action, const QStringList &arguments);
};

} // namespace mwauth::cli
