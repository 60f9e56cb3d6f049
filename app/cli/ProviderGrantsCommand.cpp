#include "ProviderGrantsCommand.h"

#include "CommandLine.h"
#include "ExitCode.h"
#include "ProviderCommand.h"
#include "provider/accounts/UserStore.h"
#include "provider/grants/GrantsApi.h"
#include "provider/grants/UserGrants.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace mwauth::cli {

namespace {

void addDatabaseOptions(CommandLine &cl)
{
    cl.addOption({u"db"_s, ProviderCommand::databaseHelp(), u"location"_s});
    cl.addOption({u"json"_s, u"Print JSON (the shapes of rest.php/mwauth/v1/grants) instead of text."_s});
}

QString grantLine(const provider::GrantSummary &grant)
{
    return u"%1  %2  %3 (%4, by %5)  %6  grants: %7  accepted %8  tokens: %9 access, %10 refresh"_s.arg(
        QString::number(grant.id), grant.userName, grant.consumerName, grant.consumerKey, grant.publisher,
        grant.oauthVersion == 1 ? u"OAuth 1.0a"_s : u"OAuth 2.0"_s, grant.grants.join(u", "_s),
        grant.accepted, QString::number(grant.accessTokens), QString::number(grant.refreshTokens));
}

int printRevoked(CommandContext &context, const CommandLine &cl, const provider::RevokedGrants &revoked)
{
    if (cl.isSet(u"json"_s)) {
        context.printRaw(QJsonDocument(provider::GrantsApi::toJson(revoked)).toJson(QJsonDocument::Compact)
                         + '\n');
        return ExitOk;
    }
    const QJsonObject counts = provider::GrantsApi::toJson(revoked);
    QString text;
    for (const provider::GrantSummary &grant : revoked.grants)
        text += u"Revoked "_s + grantLine(grant) + u'\n';
    text += u"Revoked %1 approvals (%2 OAuth 1.0a access tokens), %3 OAuth 2.0 access tokens and %4 refresh "
            "tokens.\n"_s.arg(QString::number(revoked.grants.size()),
                              QString::number(counts[u"oauth1_access_tokens"_s].toInt()),
                              QString::number(revoked.accessTokens), QString::number(revoked.refreshTokens));
    context.print(text);
    return ExitOk;
}

} // namespace

ProviderGrantsCommand::ProviderGrantsCommand()
    : CommandGroup(u"provider grants"_s,
                   u"The users' approvals of OAuth consumers (what Special:OAuthManageMyGrants shows)."_s)
{
    addSubcommand(u"list"_s, u"Show the approvals (--user NAME: one user's) with their live tokens."_s,
                  &ProviderGrantsCommand::list);
    addSubcommand(u"revoke"_s, u"Revoke one approval and its tokens (ID as 'list' shows it)."_s,
                  &ProviderGrantsCommand::revoke);
    addSubcommand(u"revoke-all"_s,
                  u"Revoke every approval and token of a user, both protocols, in one transaction."_s,
                  &ProviderGrantsCommand::revokeAll);
}

int ProviderGrantsCommand::list(CommandContext &context, const QStringList &arguments)
{
    CommandLine cl(context, u"provider grants list"_s, u"Lists the approvals of a provider database."_s);
    cl.addOption({u"user"_s, u"Only this user's approvals."_s, u"name"_s});
    addDatabaseOptions(cl);
    if (auto status = cl.parse(arguments))
        return *status;
    ProviderAccounts accounts(context);
    if (auto status = accounts.open(cl))
        return *status;
    qint64 userId = 0;
    if (cl.isSet(u"user"_s)) {
        const Result<provider::User> user = accounts.users().findUser(cl.value(u"user"_s));
        if (!user)
            return cl.fail(ExitInputError, user.error());
        userId = user->id;
    }
    provider::UserGrants grants(accounts.database(), context.clock());
    const Result<QList<provider::GrantSummary>> listed = grants.list(userId);
    if (!listed)
        return cl.fail(ExitInputError, listed.error());
    if (cl.isSet(u"json"_s)) {
        QJsonArray array;
        for (const provider::GrantSummary &grant : *listed)
            array.append(provider::GrantsApi::toJson(grant));
        context.printRaw(QJsonDocument(array).toJson(QJsonDocument::Compact) + '\n');
        return ExitOk;
    }
    QString text;
    for (const provider::GrantSummary &grant : *listed)
        text += grantLine(grant) + u'\n';
    if (listed->isEmpty())
        context.printError(u"mwauth provider grants list: no approvals."_s);
    context.print(text);
    return ExitOk;
}

int ProviderGrantsCommand::revoke(CommandContext &context, const QStringList &arguments)
{
    CommandLine cl(context, u"provider grants revoke"_s,
                   u"Revokes one approval: its row (the OAuth 1.0a access token) and the OAuth 2.0 access\n"
                   "and refresh tokens issued under it, in one transaction."_s);
    cl.addPositional(u"id"_s, u"The approval's id (see 'provider grants list')."_s);
    addDatabaseOptions(cl);
    if (auto status = cl.parse(arguments, 1, 1))
        return *status;
    bool ok = false;
    const qint64 id = cl.positional().first().toLongLong(&ok);
    if (!ok || id <= 0)
        return cl.usageError(u"The id must be a positive number, not \"%1\"."_s.arg(
            CommandContext::printable(cl.positional().first())));
    ProviderAccounts accounts(context);
    if (auto status = accounts.open(cl))
        return *status;
    provider::UserGrants grants(accounts.database(), context.clock());
    const Result<provider::RevokedGrants> revoked = grants.revoke(id);
    if (!revoked)
        return cl.fail(ExitInputError, revoked.error());
    return printRevoked(context, cl, *revoked);
}

int ProviderGrantsCommand::revokeAll(CommandContext &context, const QStringList &arguments)
{
    CommandLine cl(context, u"provider grants revoke-all"_s,
                   u"Revokes every approval of a user and every token issued under them (OAuth 1.0a access\n"
                   "tokens, OAuth 2.0 access and refresh tokens) in one transaction: all or nothing."_s);
    cl.addOption({u"user"_s, u"The user whose grants go (required)."_s, u"name"_s});
    cl.addOption({u"yes"_s, u"Do not ask for confirmation."_s});
    addDatabaseOptions(cl);
    if (auto status = cl.parse(arguments))
        return *status;
    if (!cl.isSet(u"user"_s))
        return cl.usageError(u"Name the user with --user NAME."_s);
    ProviderAccounts accounts(context);
    if (auto status = accounts.open(cl))
        return *status;
    const Result<provider::User> user = accounts.users().findUser(cl.value(u"user"_s));
    if (!user)
        return cl.fail(ExitInputError, user.error());
    provider::UserGrants grants(accounts.database(), context.clock());
    if (!cl.isSet(u"yes"_s)) {
        const Result<QList<provider::GrantSummary>> listed = grants.list(user->id);
        if (!listed)
            return cl.fail(ExitInputError, listed.error());
        context.printErrorText(
            u"mwauth provider grants revoke-all: this revokes %1 approvals of %2 and every "
            "token issued under them.\nType 'yes' to go on: "_s.arg(QString::number(listed->size()),
                                                                    user->name));
        const std::optional<QString> answer = context.readLine();
        if (!answer || answer->trimmed().toLower() != u"yes")
            return cl.fail(ExitInvalid, u"Not confirmed; nothing was revoked."_s);
    }
    const Result<provider::RevokedGrants> revoked = grants.revokeAll(user->id);
    if (!revoked)
        return cl.fail(ExitInputError, revoked.error().message() + u" Nothing was revoked."_s);
    return printRevoked(context, cl, *revoked);
}

} // namespace mwauth::cli
