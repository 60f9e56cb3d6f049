#include "ProviderClientCommand.h"

#include "CommandLine.h"
#include "ProviderCommand.h"

#include "provider/clients/ClientStore.h"
#include "provider/clients/Grants.h"
#include "provider/keys/SigningKeyStore.h"
#include "provider/oauth2/AccessTokens.h"
#include "provider/oauth2/ClientApi.h"
#include "provider/secret/ProviderSecret.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <memory>
#include <optional>

using namespace Qt::StringLiterals;

namespace mwauth::cli {

namespace {

// The provider database of --db with its users, its secret and the client store on it.
class ProviderClients
{
public:
    explicit ProviderClients(CommandContext &context)
        : m_context(context)
        , m_accounts(context)
    { }

    // The exit status after reporting a failure, std::nullopt when all of it opened.
    std::optional<int> open(const CommandLine &cl)
    {
        if (auto status = m_accounts.open(cl))
            return status;
        const Result<QString> location = ProviderCommand::databaseLocation(cl, false);
        if (!location)
            return cl.fail(ExitInputError, location.error());
        Result<provider::ProviderSecret> secret
            = provider::ProviderSecret::forDatabase(*location, m_context.random());
        if (!secret)
            return cl.fail(ExitInputError, secret.error());
        m_secret.emplace(std::move(*secret));
        m_clients = std::make_unique<provider::ClientStore>(m_accounts.database(), *m_secret,
                                                            m_context.clock(), m_context.random());
        return std::nullopt;
    }

    // The client named by `id`: 32 hex digits (the client id) or a number (the row id).
    std::optional<int> find(const CommandLine &cl, const QString &id, provider::OAuthClient &client)
    {
        static const QRegularExpression key(u"^[0-9a-f]{32}$"_s);
        static const QRegularExpression number(u"^[0-9]{1,18}$"_s);
        Result<provider::OAuthClient> found = fail(ErrorCode::Internal, QString());
        if (key.match(id).hasMatch())
            found = m_clients->findByKey(id);
        else if (number.match(id).hasMatch())
            found = m_clients->findById(id.toLongLong());
        else
            return cl.usageError(u"The client "_s + quoted(id)
                                 + u" is neither a client id (32 hex digits) nor a numeric id."_s);
        if (!found)
            return cl.fail(ExitInputError, found.error());
        client = *found;
        return std::nullopt;
    }

    QString ownerName(qint64 userId)
    {
        const Result<provider::User> user = m_accounts.users().userById(userId);
        return user ? user->name : u"#"_s + QString::number(userId);
    }

    // The owner-only OAuth 2 access token MediaWiki hands out with the client (signed with the
    // provider's current key, made first when the database has none; `issuer` is the iss).
    Result<QByteArray> ownerOnlyToken(const provider::IssuedClientCredentials &issued, const QString &issuer)
    {
        provider::SigningKeyStore keys(m_accounts.database(), *m_secret, m_context.clock(),
                                       m_context.random());
        if (const Result<bool> ensured
            = keys.ensureKeys(jose::JwsAlgorithm::RS256, ProviderClientCommand::actor());
            !ensured)
            return ensured.error();
        provider::AccessTokens tokens(m_accounts.database(), m_context.clock(), m_context.random(), issuer);
        const Result<provider::IssuedAccessToken> token
            = provider::ClientApi::issueOwnerOnlyToken(keys, tokens, m_context.clock(), issued);
        if (!token)
            return token.error();
        return token->jwt;
    }

    ProviderAccounts &accounts() { return m_accounts; }
    provider::ClientStore &store() { return *m_clients; }

private:
    CommandContext &m_context;
    ProviderAccounts m_accounts;
    std::optional<provider::ProviderSecret> m_secret;
    std::unique_ptr<provider::ClientStore> m_clients;
};

void printJsonLine(CommandContext &context, const QJsonValue &value)
{
    const QJsonDocument document
        = value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
    context.printRaw(document.toJson(QJsonDocument::Compact) + '\n');
}

// Repeated options, each of which may also hold a comma-separated list.
QStringList listValues(const CommandLine &cl, const QString &name)
{
    QStringList values;
    const QStringList given = cl.values(name);
    for (const QString &value : given) {
        const QStringList parts = value.split(u',', Qt::SkipEmptyParts);
        for (const QString &part : parts)
            values << part.trimmed();
    }
    return values;
}

// The IP ranges of a client's MWRestrictions.
QStringList allowedIps(const provider::OAuthClient &c)
{
    QStringList ranges;
    const QJsonArray list
        = QJsonDocument::fromJson(c.restrictions.toUtf8()).object().value(u"IPAddresses"_s).toArray();
    for (const QJsonValue &value : list)
        ranges << value.toString();
    return ranges;
}

// A client without any secret: what `list` prints and `add` starts from.
QJsonObject clientJson(const provider::OAuthClient &c, const QString &owner)
{
    return {{u"client_id"_s, c.consumerKey},
            {u"id"_s, c.id},
            {u"name"_s, c.name},
            {u"version"_s, c.version},
            {u"oauth_version"_s, c.oauthVersion},
            {u"stage"_s, provider::clientStageName(c.stage)},
            {u"owner"_s, owner},
            {u"redirect_uri"_s, c.callbackUrl},
            {u"redirect_uri_is_prefix"_s, c.callbackIsPrefix},
            {u"allowed_ips"_s, QJsonArray::fromStringList(allowedIps(c))},
            {u"rsa_key"_s, !c.rsaKey.isEmpty()},
            {u"confidential"_s, c.isConfidential()},
            {u"owner_only"_s, c.ownerOnly},
            {u"trusted"_s, c.trusted},
            {u"grant_types"_s, QJsonArray::fromStringList(c.oauth2GrantTypes)},
            {u"scopes"_s, QJsonArray::fromStringList(c.grants)},
            {u"registration"_s, c.registration}};
}

QString flags(const provider::OAuthClient &c)
{
    QStringList list;
    if (!c.isConfidential())
        list << u"public"_s;
    if (c.ownerOnly)
        list << u"owner-only"_s;
    if (c.trusted)
        list << u"trusted"_s;
    if (c.callbackIsPrefix)
        list << u"callback prefix"_s;
    if (!c.rsaKey.isEmpty())
        list << u"RSA key"_s;
    const QStringList ips = allowedIps(c);
    if (ips != QStringList {u"0.0.0.0/0"_s, u"::/0"_s})
        list << u"IPs "_s + ips.join(u' ');
    return list.isEmpty() ? QString() : u"  ["_s + list.join(u", "_s) + u']';
}

QString secretNote()
{
    return u"The secret is shown only now: the database keeps only a value it is derived from, so it "
           "cannot be shown again (for a new one: mwauth provider client reset-secret ID)."_s;
}

// The credentials of `issued` into a client's JSON.
void addCredentials(QJsonObject &object, const provider::IssuedClientCredentials &issued)
{
    object.insert(u"client_secret"_s, QString::fromLatin1(issued.secret));
    if (issued.acceptanceId != 0)
        object.insert(u"acceptance_id"_s, issued.acceptanceId);
    if (!issued.accessToken.isEmpty()) {
        object.insert(u"access_token"_s, QString::fromLatin1(issued.accessToken));
        if (!issued.accessSecret.isEmpty())
            object.insert(u"access_secret"_s, QString::fromLatin1(issued.accessSecret));
    }
}

QString credentialsText(const provider::IssuedClientCredentials &issued)
{
    QString text = u"  Client id:     "_s + issued.client.consumerKey + u'\n';
    text += u"  Client secret: "_s + QString::fromLatin1(issued.secret) + u'\n';
    if (!issued.accessToken.isEmpty()) {
        text += u"  Access token:  "_s + QString::fromLatin1(issued.accessToken) + u'\n';
        if (!issued.accessSecret.isEmpty())
            text += u"  Access secret: "_s + QString::fromLatin1(issued.accessSecret) + u'\n';
    }
    return text;
}

// Owner-only OAuth 2 clients get their access token (as MediaWiki's registration does) when
// --issuer names the provider; otherwise `note` says how to get one.
std::optional<int> addOwnerOnlyToken(const CommandLine &cl, ProviderClients &clients,
                                     provider::IssuedClientCredentials &credentials, QString &note)
{
    if (!credentials.client.ownerOnly
        || credentials.client.oauthVersion != provider::OAuthClient::OAuthVersion2)
        return std::nullopt;
    if (!cl.isSet(u"issuer"_s)) {
        note = u"\nNo access token was made: give --issuer (the provider's base URL) to get the owner-only "
               "token, e.g. with 'mwauth provider client reset-secret ID --issuer URL'."_s;
        return std::nullopt;
    }
    const QUrl issuer(cl.value(u"issuer"_s));
    if (!issuer.isValid() || issuer.scheme().isEmpty() || issuer.host().isEmpty())
        return cl.usageError(u"--issuer "_s + quoted(cl.value(u"issuer"_s))
                             + u" is not a URL like http://127.0.0.1:8089."_s);
    const Result<QByteArray> token = clients.ownerOnlyToken(credentials, cl.value(u"issuer"_s));
    if (!token)
        return cl.fail(ExitInputError, token.error());
    credentials.accessToken = *token;
    note = u"\nThe access token is an OAuth 2 JWT for the owner, valid for 1000 years (until revoked)."_s;
    return std::nullopt;
}

} // namespace

ProviderClientCommand::ProviderClientCommand()
    : CommandGroup(u"provider client"_s,
                   u"Manage the OAuth consumers / OAuth 2 clients of a provider database (MediaWiki's\n"
                   "oauth_registered_consumer)."_s)
{
    addSubcommand(u"add"_s, u"Register an approved client and print its id and secret (once)."_s,
                  &ProviderClientCommand::add);
    addSubcommand(u"list"_s, u"List the clients (no secrets)."_s, &ProviderClientCommand::list);
    addSubcommand(u"reset-secret"_s, u"Give a client a new secret and print it (once)."_s,
                  &ProviderClientCommand::resetSecret);
    addSubcommand(u"remove"_s, u"Delete a client with its approvals and access tokens."_s,
                  &ProviderClientCommand::remove);
    const QStringList actions = {u"approve"_s, u"reject"_s, u"disable"_s, u"reenable"_s};
    const QStringList summaries
        = {u"Approve a proposed, rejected or expired client."_s, u"Reject a proposed client."_s,
           u"Disable an approved client."_s, u"Re-enable a disabled client."_s};
    for (qsizetype i = 0; i < actions.size(); ++i) {
        const QString action = actions.at(i);
        addSubcommand(action, summaries.at(i),
                      [action](CommandContext &context, const QStringList &arguments) {
                          return changeStage(context, action, arguments);
                      });
    }
}

QString ProviderClientCommand::actor()
{
    return u"Maintenance script"_s;
}

QString ProviderClientCommand::fallbackEmail()
{
    return u"noreply@localhost.invalid"_s;
}

int ProviderClientCommand::add(CommandContext &context, const QStringList &arguments)
{
    CommandLine cl(context, u"provider client add"_s,
                   u"Registers an OAuth client as an admin would: approved at once. Prints its client id\n"
                   "(the consumer key) and secret; the secret is shown only this once."_s);
    cl.addOption({u"name"_s, u"The application's name (1-128 bytes)."_s, u"name"_s});
    cl.addOption({u"redirect-uri"_s,
                  u"The callback URL: https, or http on localhost/127.0.0.1/[::1]; a custom scheme only with "
                  "--public. Not needed with --owner-only."_s,
                  u"url"_s});
    cl.addOption({u"public"_s, u"A public client (no secret use; PKCE) instead of a confidential one."_s});
    cl.addOption({u"grant-type"_s,
                  u"authorization_code, refresh_token or client_credentials; repeat or separate with commas. "
                  "Default: authorization_code and refresh_token (client_credentials with --owner-only)."_s,
                  u"type"_s});
    cl.addOption(
        {u"scope"_s,
         u"A grant (MediaWiki's grant names, e.g. editpage, or mwoauth-authonly); repeat or separate "
         "with commas. basic is always included."_s,
         u"grant"_s});
    cl.addOption({u"owner-only"_s, u"Only the owner can use it (OAuth 2: client_credentials only)."_s});
    cl.addOption({u"trusted"_s, u"Users are not asked for consent."_s});
    cl.addOption({u"oauth-version"_s, u"1 (OAuth 1.0a consumer) or 2 (default)."_s, u"n"_s});
    cl.addOption({u"oauth1"_s, u"An OAuth 1.0a consumer (the same as --oauth-version 1)."_s});
    cl.addOption({u"rsa-key"_s,
                  u"OAuth 1.0a: the consumer's RSA public key (PEM file, '-' for standard input) for "
                  "RSA-SHA1 signatures."_s,
                  u"pemfile"_s});
    cl.addOption({u"callback-prefix"_s,
                  u"The redirect URI is a prefix: the client may send any callback that starts with it."_s});
    cl.addOption({u"allowed-ip"_s,
                  u"Only requests from this IP range (CIDR, IPv4 or IPv6) may use the client; repeat or "
                  "separate with commas. Default: any address."_s,
                  u"cidr"_s});
    cl.addOption({u"owner"_s, u"The owning user. Default: Admin."_s, u"name"_s});
    cl.addOption({u"email"_s,
                  u"The contact address. Default: the owner's, or "_s + fallbackEmail()
                      + u" when the owner has none."_s,
                  u"address"_s});
    cl.addOption({u"description"_s, u"What the application does."_s, u"text"_s});
    cl.addOption({u"app-version"_s, u"The application's version (Composer style). Default: 1.0."_s, u"v"_s});
    cl.addOption({u"issuer"_s,
                  u"Owner-only OAuth 2 clients: the provider's base URL as 'provider serve' prints it (e.g. "
                  "http://127.0.0.1:8089), the iss of the access token printed with the client."_s,
                  u"url"_s});
    cl.addOption({u"db"_s, ProviderCommand::databaseHelp(), u"location"_s});
    cl.addOption({u"json"_s,
                  u"Print one JSON object: {\"client_id\", \"client_secret\", \"id\", \"name\", \"stage\", "
                  "\"owner\", \"redirect_uri\", \"grant_types\", \"scopes\", ...}."_s});
    cl.setNotes(u"Examples:\n"
                "  mwauth provider client add --name 'My tool' --redirect-uri https://tool.example/cb "
                "--scope editpage\n"
                "  mwauth provider client add --name Cli --redirect-uri http://127.0.0.1:8766/cb --public\n"
                "  mwauth provider client add --name Bot --owner-only --owner Alice --json"_s);
    if (auto status = cl.parse(arguments))
        return *status;
    int oauthVersion = 2;
    if (!cl.readInteger(u"oauth-version"_s, oauthVersion, 1, 2))
        return ExitUsage;
    if (cl.isSet(u"oauth1"_s)) {
        if (cl.isSet(u"oauth-version"_s) && oauthVersion != 1)
            return cl.usageError(u"--oauth1 and --oauth-version 2 contradict each other."_s);
        oauthVersion = 1;
    }
    if (cl.isSet(u"rsa-key"_s) && oauthVersion != 1)
        return cl.usageError(u"--rsa-key is for OAuth 1.0a consumers (--oauth1)."_s);
    const Result<QString> restrictions
        = provider::ClientRegistration::restrictionsForIpRanges(listValues(cl, u"allowed-ip"_s));
    if (!restrictions)
        return cl.usageError(u"--allowed-ip: "_s + restrictions.error().message());
    QString rsaKey;
    if (cl.isSet(u"rsa-key"_s)) {
        const Result<QByteArray> pem = context.readInput(cl.value(u"rsa-key"_s), 65535);
        if (!pem)
            return cl.fail(ExitInputError, u"--rsa-key: "_s + pem.error().message());
        rsaKey = QString::fromUtf8(*pem);
    }
    if (!cl.isSet(u"name"_s))
        return cl.usageError(u"Give the client's --name."_s);
    const bool ownerOnly = cl.isSet(u"owner-only"_s);
    if (!cl.isSet(u"redirect-uri"_s) && !ownerOnly)
        return cl.usageError(u"Give --redirect-uri (or --owner-only for a client without one)."_s);

    ProviderClients clients(context);
    if (auto status = clients.open(cl))
        return *status;
    const Result<provider::User> owner
        = clients.accounts().users().findUser(cl.isSet(u"owner"_s) ? cl.value(u"owner"_s) : u"Admin"_s);
    if (!owner)
        return cl.fail(ExitInputError, owner.error().message() + u" Give --owner with an existing user."_s);

    provider::ClientRegistration r;
    r.name = cl.value(u"name"_s);
    if (cl.isSet(u"app-version"_s))
        r.version = cl.value(u"app-version"_s);
    r.oauthVersion = oauthVersion;
    r.callbackUrl = cl.value(u"redirect-uri"_s);
    r.callbackIsPrefix = cl.isSet(u"callback-prefix"_s);
    r.rsaKey = rsaKey;
    r.restrictions = *restrictions;
    r.description = cl.value(u"description"_s);
    r.email = cl.isSet(u"email"_s) ? cl.value(u"email"_s) : owner->email;
    if (r.email.isEmpty())
        r.email = fallbackEmail();
    r.ownerId = owner->id;
    r.ownerOnly = ownerOnly;
    r.oauth2IsConfidential = !cl.isSet(u"public"_s);
    r.oauth2GrantTypes = listValues(cl, u"grant-type"_s);
    if (r.oauth2GrantTypes.isEmpty() && oauthVersion == 2)
        r.oauth2GrantTypes = ownerOnly ? QStringList {u"client_credentials"_s}
                                       : QStringList {u"authorization_code"_s, u"refresh_token"_s};
    r.grants = listValues(cl, u"scope"_s);
    r.approved = true;
    r.trusted = cl.isSet(u"trusted"_s);
    const Result<provider::IssuedClientCredentials> issued = clients.store().registerClient(r, actor());
    if (!issued)
        return cl.fail(ExitInputError, issued.error());

    provider::IssuedClientCredentials credentials = *issued;
    QString tokenNote;
    if (auto status = addOwnerOnlyToken(cl, clients, credentials, tokenNote))
        return *status;
    const provider::OAuthClient &c = credentials.client;
    const QString note = secretNote() + tokenNote;
    if (cl.isSet(u"json"_s)) {
        QJsonObject object = clientJson(c, owner->name);
        addCredentials(object, credentials);
        printJsonLine(context, object);
        context.printError(u"mwauth provider client add: "_s + note);
        return ExitOk;
    }
    QString text = u"Registered OAuth %1 client \"%2\" (id %3, %4), owned by %5.%6\n"_s.arg(
        QString::number(c.oauthVersion), c.name, QString::number(c.id), provider::clientStageName(c.stage),
        owner->name, flags(c));
    text += credentialsText(credentials);
    text += u"  Redirect URI:  "_s + c.callbackUrl + u"\n  Scopes:        "_s + c.grants.join(u' ') + u'\n';
    if (!c.oauth2GrantTypes.isEmpty())
        text += u"  Grant types:   "_s + c.oauth2GrantTypes.join(u' ') + u'\n';
    context.print(text + note + u'\n');
    return ExitOk;
}

int ProviderClientCommand::list(CommandContext &context, const QStringList &arguments)
{
    CommandLine cl(context, u"provider client list"_s, u"Lists the OAuth clients of a provider database."_s);
    cl.addOption({u"stage"_s,
                  u"Only clients in this stage: proposed, approved, rejected, expired, disabled."_s,
                  u"stage"_s});
    cl.addOption({u"db"_s, ProviderCommand::databaseHelp(), u"location"_s});
    cl.addOption({u"json"_s, u"Print a JSON array of clients (never a secret)."_s});
    if (auto status = cl.parse(arguments))
        return *status;
    std::optional<provider::ClientStage> stage;
    if (cl.isSet(u"stage"_s)) {
        provider::ClientStage parsed;
        if (!provider::clientStageFromName(cl.value(u"stage"_s), parsed))
            return cl.usageError(u"Unknown --stage "_s + quoted(cl.value(u"stage"_s))
                                 + u"; use proposed, approved, rejected, expired or disabled."_s);
        stage = parsed;
    }
    ProviderClients clients(context);
    if (auto status = clients.open(cl))
        return *status;
    const Result<QList<provider::OAuthClient>> all = clients.store().listAll(stage);
    if (!all)
        return cl.fail(ExitInputError, all.error());
    QJsonArray array;
    QString text;
    for (const provider::OAuthClient &c : *all) {
        const QString owner = clients.ownerName(c.userId);
        array.append(clientJson(c, owner));
        text += u"%1  %2  %3  OAuth %4  \"%5\" %6  owner %7  %8%9\n"_s.arg(
            c.consumerKey, QString::number(c.id), provider::clientStageName(c.stage),
            QString::number(c.oauthVersion), c.name, c.version, owner, c.callbackUrl, flags(c));
    }
    if (cl.isSet(u"json"_s))
        printJsonLine(context, array);
    else
        context.print(text.isEmpty() ? u"No OAuth clients.\n"_s : text);
    return ExitOk;
}

int ProviderClientCommand::remove(CommandContext &context, const QStringList &arguments)
{
    CommandLine cl(
        context, u"provider client remove"_s,
        u"Deletes an OAuth client with every approval of it and every access token issued to it."_s);
    cl.addPositional(u"id"_s, u"The client id (32 hex digits) or the numeric id of 'client list'."_s);
    cl.addOption({u"db"_s, ProviderCommand::databaseHelp(), u"location"_s});
    cl.addOption(
        {u"json"_s,
         u"Print {\"client_id\", \"id\", \"name\", \"approvals\", \"access_tokens\"} (what went)."_s});
    if (auto status = cl.parse(arguments, 1, 1))
        return *status;
    ProviderClients clients(context);
    if (auto status = clients.open(cl))
        return *status;
    provider::OAuthClient client;
    if (auto status = clients.find(cl, cl.positional().first(), client))
        return *status;
    const Result<provider::ClientRemoval> removed = clients.store().remove(client.id, actor());
    if (!removed)
        return cl.fail(ExitInputError, removed.error());
    if (cl.isSet(u"json"_s)) {
        printJsonLine(context,
                      QJsonObject {{u"client_id"_s, client.consumerKey},
                                   {u"id"_s, client.id},
                                   {u"name"_s, client.name},
                                   {u"approvals"_s, removed->approvals},
                                   {u"access_tokens"_s, removed->accessTokens}});
        return ExitOk;
    }
    context.printLine(u"Removed client \"%1\" (%2) with %3 approval(s) and %4 access token(s)."_s.arg(
        client.name, client.consumerKey, QString::number(removed->approvals),
        QString::number(removed->accessTokens)));
    return ExitOk;
}

int ProviderClientCommand::resetSecret(CommandContext &context, const QStringList &arguments)
{
    CommandLine cl(context, u"provider client reset-secret"_s,
                   u"Gives an OAuth client a new secret (the old one stops working) and prints it, once."_s);
    cl.addPositional(u"id"_s, u"The client id (32 hex digits) or the numeric id of 'client list'."_s);
    cl.addOption({u"reason"_s, u"Why (at most 255 characters; goes to the audit log)."_s, u"text"_s});
    cl.addOption({u"issuer"_s,
                  u"Owner-only OAuth 2 clients: the provider's base URL (the iss of the new access token)."_s,
                  u"url"_s});
    cl.addOption({u"db"_s, ProviderCommand::databaseHelp(), u"location"_s});
    cl.addOption({u"json"_s, u"Print {\"client_id\", \"client_secret\", ...} as 'client add' does."_s});
    if (auto status = cl.parse(arguments, 1, 1))
        return *status;
    ProviderClients clients(context);
    if (auto status = clients.open(cl))
        return *status;
    provider::OAuthClient client;
    if (auto status = clients.find(cl, cl.positional().first(), client))
        return *status;
    const Result<provider::IssuedClientCredentials> issued
        = clients.store().resetSecret(client.id, cl.value(u"reason"_s), actor());
    if (!issued)
        return cl.fail(ExitInputError, issued.error());
    provider::IssuedClientCredentials credentials = *issued;
    QString tokenNote;
    if (auto status = addOwnerOnlyToken(cl, clients, credentials, tokenNote))
        return *status;
    if (cl.isSet(u"json"_s)) {
        QJsonObject object = clientJson(credentials.client, clients.ownerName(client.userId));
        addCredentials(object, credentials);
        printJsonLine(context, object);
        context.printError(u"mwauth provider client reset-secret: "_s + secretNote() + tokenNote);
        return ExitOk;
    }
    context.print(u"New secret for client \"%1\" (id %2).\n"_s.arg(client.name, QString::number(client.id))
                  + credentialsText(credentials) + secretNote() + tokenNote + u'\n');
    return ExitOk;
}

int ProviderClientCommand::changeStage(CommandContext &context, const QString &action,
                                       const QStringList &arguments)
{
    using Action = provider::ClientStore::StageAction;
    const Action stageAction = action == u"approve" ? Action::Approve
        : action == u"reject"                       ? Action::Reject
        : action == u"disable"                      ? Action::Disable
                                                    : Action::Reenable;
    CommandLine cl(context, u"provider client "_s + action,
                   u"Changes an OAuth client's stage as Special:OAuthManageConsumers does ("_s + action
                       + u")."_s);
    cl.addPositional(u"id"_s, u"The client id (32 hex digits) or the numeric id of 'client list'."_s);
    cl.addOption({u"reason"_s, u"Why (at most 255 characters; goes to the audit log)."_s, u"text"_s});
    cl.addOption({u"db"_s, ProviderCommand::databaseHelp(), u"location"_s});
    cl.setNotes(u"Stages: approve works on proposed, rejected and expired clients, reject on proposed ones,\n"
                "disable on approved ones, reenable on disabled ones."_s);
    if (auto status = cl.parse(arguments, 1, 1))
        return *status;
    if (!cl.isSet(u"reason"_s))
        return cl.usageError(u"Give a --reason (it goes to the audit log)."_s);
    ProviderClients clients(context);
    if (auto status = clients.open(cl))
        return *status;
    provider::OAuthClient client;
    if (auto status = clients.find(cl, cl.positional().first(), client))
        return *status;
    const Result<provider::OAuthClient> changed
        = clients.store().setStage(client.id, stageAction, cl.value(u"reason"_s), actor());
    if (!changed)
        return cl.fail(ExitInputError, changed.error());
    context.printLine(u"Client \"%1\" (%2) is now %3."_s.arg(changed->name, changed->consumerKey,
                                                             provider::clientStageName(changed->stage)));
    return ExitOk;
}

} // namespace mwauth::cli
