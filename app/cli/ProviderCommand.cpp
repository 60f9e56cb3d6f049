#include "ProviderCommand.h"

#include "CommandLine.h"
#include "ProviderClientCommand.h"
#include "ProviderGrantsCommand.h"
#include "ProviderKeysCommand.h"
#include "ProviderTwoFactorCommand.h"

#include "provider/LocalProvider.h"
#include "provider/grants/UserGrants.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSocketNotifier>
#include <QStandardPaths>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace mwauth::cli {

namespace {

QString urlText(const QUrl &url)
{
    return url.toString(QUrl::FullyEncoded);
}

QJsonObject serveJson(const provider::LocalProvider &provider)
{
    return {{u"base"_s, urlText(provider.baseUrl())},
            {u"api"_s, urlText(provider.apiUrl())},
            {u"rest"_s, urlText(provider.restUrl())},
            {u"index"_s, urlText(provider.indexUrl())},
            {u"issuer"_s, urlText(provider.issuer())},
            {u"users"_s, provider::DemoData::toJson(provider.demoAccounts())},
            {u"clients"_s, provider::DemoData::toJson(provider.demoClients())}};
}

QString serveText(const provider::LocalProvider &provider, const QString &database)
{
    QString text = u"The local provider (a MediaWiki look-alike) is running.\n"
                   "  Base:     "_s
        + urlText(provider.baseUrl()) + u"\n  API:      "_s + urlText(provider.apiUrl()) + u"\n  REST:     "_s
        + urlText(provider.restUrl()) + u"\n  Index:    "_s + urlText(provider.indexUrl())
        + u"\n  Issuer:   "_s + urlText(provider.issuer()) + u"\n  Login:    "_s
        + urlText(provider.indexUrl()) + u"?title=Special:UserLogin\n  Database: "_s + database + u'\n';
    if (provider.demoAccounts().isEmpty())
        return text;
    text += u"\nDemo accounts (demo secrets, printed on purpose):\n"_s;
    for (const provider::DemoAccount &account : provider.demoAccounts()) {
        text += u"  "_s + account.name + u"  password: "_s + account.password;
        if (!account.groups.isEmpty())
            text += u"  groups: "_s + account.groups.join(u", "_s);
        text += u'\n';
        if (!account.totpSecret.isEmpty())
            text += u"    TOTP secret (base32, SHA1, 6 digits, 30 s): "_s + account.totpSecret + u'\n';
        if (!account.recoveryCodes.isEmpty())
            text += u"    Recovery codes: "_s + account.recoveryCodes.join(u' ') + u'\n';
        if (account.modules.contains(u"webauthn"_s)) {
            text += account.webAuthnCredential.isEmpty()
                ? u"    WebAuthn: the demo key is no longer registered (replaced with another key).\n"_s
                : u"    WebAuthn credential (private): "_s + QString::fromUtf8(account.webAuthnCredential)
                    + u'\n';
        }
    }
    if (provider.demoClients().isEmpty())
        return text;
    text += u"\nDemo consumers (demo secrets, printed on purpose; --json has them too):\n"_s;
    for (const provider::DemoClient &client : provider.demoClients()) {
        QStringList traits {client.oauthVersion == 1 ? u"OAuth 1.0a"_s : u"OAuth 2.0"_s};
        if (client.oauthVersion == 2)
            traits << (client.confidential ? u"confidential"_s : u"public"_s);
        if (client.ownerOnly)
            traits << u"owner-only"_s;
        traits << (client.approved ? u"approved"_s : u"proposed"_s);
        text += u"  "_s + client.name + u"  ("_s + traits.join(u", "_s) + u")\n    client id: "_s
            + client.clientId;
        if (!client.clientSecret.isEmpty())
            text += u"  secret: "_s + client.clientSecret;
        text += u'\n';
        if (!client.redirectUri.isEmpty())
            text += u"    callback: "_s + client.redirectUri + u'\n';
        if (!client.grantTypes.isEmpty())
            text += u"    grant types: "_s + client.grantTypes.join(u' ') + u'\n';
        if (!client.accessToken.isEmpty())
            text += u"    access token: "_s + client.accessToken + u"  access secret: "_s
                + client.accessSecret + u'\n';
    }
    return text;
}

// The password on standard input: all of it, without the line break(s) at the end.
Result<QString> readPassword(CommandContext &context)
{
    const Result<QByteArray> input = context.readInput(u"-"_s);
    if (!input)
        return input.error();
    QString password = QString::fromUtf8(*input);
    while (password.endsWith(u'\n') || password.endsWith(u'\r'))
        password.chop(1);
    return password;
}

// SIGINT/SIGTERM become a byte on a pipe (the self-pipe trick: write() is async-signal-safe),
// which a QSocketNotifier turns into a clean QCoreApplication::quit() on the event loop.
int g_signalPipe[2] = {-1, -1};

extern "C" void onShutdownSignal(int)
{
    const int saved = errno;
    const char byte = 1;
    [[maybe_unused]] const ssize_t written = ::write(g_signalPipe[1], &byte, 1);
    errno = saved;
}

class ShutdownSignals
{
public:
    ShutdownSignals() = default;
    ShutdownSignals(const ShutdownSignals &) = delete;
    ShutdownSignals &operator=(const ShutdownSignals &) = delete;
    ~ShutdownSignals()
    {
        if (!m_installed)
            return;
        ::sigaction(SIGINT, &m_oldInt, nullptr);
        ::sigaction(SIGTERM, &m_oldTerm, nullptr);
        m_notifier.reset();
        ::close(g_signalPipe[0]);
        ::close(g_signalPipe[1]);
        g_signalPipe[0] = g_signalPipe[1] = -1;
    }

    // Quits the application's event loop on SIGINT or SIGTERM.
    Result<void> install()
    {
        if (::pipe2(g_signalPipe, O_CLOEXEC | O_NONBLOCK) != 0)
            return fail(ErrorCode::Io,
                        u"The signal pipe could not be made: "_s
                            + QString::fromLocal8Bit(std::strerror(errno)) + u'.');
        struct sigaction action = {};
        action.sa_handler = &onShutdownSignal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART;
        ::sigaction(SIGINT, &action, &m_oldInt);
        ::sigaction(SIGTERM, &action, &m_oldTerm);
        m_installed = true;
        m_notifier = std::make_unique<QSocketNotifier>(g_signalPipe[0], QSocketNotifier::Read);
        QObject::connect(m_notifier.get(), &QSocketNotifier::activated, QCoreApplication::instance(), [] {
            char buffer[16];
            while (::read(g_signalPipe[0], buffer, sizeof buffer) > 0) { }
            QCoreApplication::quit();
        });
        return {};
    }

private:
    bool m_installed = false;
    struct sigaction m_oldInt = {};
    struct sigaction m_oldTerm = {};
    std::unique_ptr<QSocketNotifier> m_notifier;
};

} // namespace

ProviderCommand::ProviderCommand()
    : CommandGroup(u"provider"_s,
                   u"Run the local MediaWiki look-alike provider and manage its users, their second factors "
                   "and the OAuth clients."_s)
{
    addSubcommand(u"serve"_s, u"Serve the local provider on 127.0.0.1 until interrupted."_s,
                  &ProviderCommand::serve);
    addSubcommand(u"user"_s,
                  u"Add, list or change users of a provider database ('user add', 'user list', "
                  "'user passwd')."_s,
                  &ProviderCommand::user);
    addSubcommand(u"2fa"_s,
                  u"Manage a user's second factors ('2fa enable-totp', 'recovery-codes', "
                  "'add-webauthn', 'disable', 'list')."_s,
                  [](CommandContext &context, const QStringList &arguments) {
                      ProviderTwoFactorCommand group;
                      return group.run(context, arguments);
                  });
    addSubcommand(
        u"client"_s,
        u"Manage the OAuth clients ('client add', 'list', 'remove', 'approve', 'reject', 'disable', "
        "'reenable')."_s,
        [](CommandContext &context, const QStringList &arguments) {
            ProviderClientCommand group;
            return group.run(context, arguments);
        });
    addSubcommand(u"grants"_s,
                  u"The users' approvals of OAuth consumers ('grants list', 'revoke', 'revoke-all')."_s,
                  [](CommandContext &context, const QStringList &arguments) {
                      ProviderGrantsCommand group;
                      return group.run(context, arguments);
                  });
    addSubcommand(u"keys"_s, u"Manage the provider's signing keys ('keys list', 'rotate', 'generate')."_s,
                  [](CommandContext &context, const QStringList &arguments) {
                      ProviderKeysCommand group;
                      return group.run(context, arguments);
                  });
}

QString ProviderCommand::defaultDatabase()
{
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    return folder.isEmpty() ? QString() : folder + u"/provider.sqlite"_s;
}

QString ProviderCommand::databaseHelp()
{
    return u"The provider database: a SQLite file (created with mode 0600), \":memory:\" or a "
           "postgresql://user@host/db URL. Default: provider.sqlite in the user's data folder."_s;
}

Result<QString> ProviderCommand::databaseLocation(const CommandLine &cl, bool demo)
{
    if (cl.isSet(u"db"_s))
        return cl.value(u"db"_s);
    if (demo)
        return u":memory:"_s;
    const QString location = defaultDatabase();
    if (location.isEmpty())
        return fail(ErrorCode::Io, u"There is no data folder for the default database; give --db."_s);
    if (!QDir().mkpath(QFileInfo(location).absolutePath()))
        return fail(ErrorCode::Io,
                    u"The data folder '%1' could not be created; give --db."_s.arg(
                        QFileInfo(location).absolutePath()));
    return location;
}

int ProviderCommand::serve(CommandContext &context, const QStringList &arguments)
{
    CommandLine cl(context, u"provider serve"_s,
                   u"Runs the local MediaWiki look-alike on 127.0.0.1 (api.php, rest.php, index.php under\n"
                   "the script path) until SIGINT (Ctrl-C) or SIGTERM, then stops it and exits 0."_s);
    cl.addOption({u"port"_s, u"The port, 0 (default) for any free one."_s, u"n"_s});
    cl.addOption({u"db"_s, databaseHelp() + u" With --demo the default is \":memory:\"."_s, u"location"_s});
    cl.addOption({u"script-path"_s, u"Where api.php lives, starting with '/'. Default: /w."_s, u"path"_s});
    cl.addOption(
        {u"demo"_s, u"Create the demo accounts (existing users are left alone) and print their secrets."_s});
    cl.addOption({u"json"_s,
                  u"Print one line of JSON first: {\"base\", \"api\", \"rest\", \"index\", \"issuer\", "
                  "\"users\", \"clients\"}."_s});
    cl.addOption({u"workers"_s,
                  u"Serving threads on the one port (SO_REUSEPORT). Default: one per core for a database "
                  "file or PostgreSQL, 1 for \":memory:\" (which allows no more)."_s,
                  u"n"_s});
    cl.addOption({u"alg"_s,
                  u"The signing algorithm of the first keys of a new database: RS256 (default), ES256 or "
                  "EdDSA. Existing keys keep theirs (see 'provider keys generate' and 'rotate')."_s,
                  u"alg"_s});
    cl.addOption({u"refresh-grace"_s,
                  u"Seconds a rotated refresh token still works (a client retrying a lost answer). "
                  "Default 0, as MediaWiki 1.39."_s,
                  u"seconds"_s});
    cl.addOption({u"refresh-lifetime"_s,
                  u"Lifetime of refresh tokens in seconds. Default 2592000 (30 days)."_s, u"seconds"_s});
    cl.addOption({u"token-lifetime"_s, u"Lifetime of access tokens and id_tokens in seconds. Default 3600."_s,
                  u"seconds"_s});
    cl.addOption({u"dynamic-registration"_s,
                  u"Answer RFC 7591 client registration at rest.php/oauth2/register (new clients wait for "
                  "an admin's approval)."_s});
    cl.addOption({u"allow-plaintext"_s,
                  u"Accept OAuth 1.0a requests signed with PLAINTEXT (MediaWiki's "
                  "$wgOAuthAllowInsecurePlaintextSignature; off by default)."_s});
    cl.setNotes(u"Demo accounts (fixed, for demos only):\n"
                "  Alice  Alice-pass-demo  password only\n"
                "  Bob    Bob-pass-demo    TOTP BOBBOBDEMOTOTPSECRETBOBBOBDEMO22\n"
                "  Carol  Carol-pass-demo  TOTP CAROLDEMOTOTPSECRETCAROLDEMO2345, WebAuthn,\n"
                "                          recovery codes CAROL-DEMO-RC-01 ... CAROL-DEMO-RC-10\n"
                "  Dave   Dave-pass-demo   WebAuthn only\n"
                "  Admin  Admin-pass-demo  TOTP ADMINDEMOTOTPSECRETADMINDEMO2345; groups sysop, bureaucrat\n"
                "Carol's and Dave's WebAuthn keys are fixed demo keys; serve prints their private\n"
                "credential JSON every time (at the signature counter the database holds).\n"
                "Example:\n"
                "  mwauth provider serve --port 8089 --demo"_s);
    if (auto status = cl.parse(arguments))
        return *status;

    provider::LocalProviderOptions options;
    int port = 0;
    if (!cl.readInteger(u"port"_s, port, 0, 65535))
        return ExitUsage;
    options.port = quint16(port);
    if (cl.isSet(u"script-path"_s)) {
        options.scriptPath = cl.value(u"script-path"_s);
        if (!options.scriptPath.isEmpty() && !options.scriptPath.startsWith(u'/'))
            return cl.usageError(
                u"The --script-path "_s + quoted(options.scriptPath)
                + u" must start with '/' (for example /w), or be empty for a wiki at the root."_s);
    }
    options.demo = cl.isSet(u"demo"_s);
    if (!cl.readInteger(u"workers"_s, options.workers, 0, 64))
        return ExitUsage;
    if (cl.isSet(u"alg"_s)) {
        const Result<jose::JwsAlgorithm> alg = jose::algorithmFromName(cl.value(u"alg"_s));
        if (!alg || !provider::SigningKeyStore::checkSupported(*alg))
            return cl.usageError(u"--alg %1 is not offered; use one of %2."_s.arg(
                quoted(cl.value(u"alg"_s)),
                provider::SigningKeyStore::supportedAlgorithmNames().join(u", "_s)));
        options.signingAlgorithm = *alg;
    }
    constexpr double kYear = 365.0 * 24 * 3600;
    if (!cl.readNumber(u"refresh-grace"_s, options.oauth2.refreshGraceSeconds, 0, 24 * 3600)
        || !cl.readNumber(u"refresh-lifetime"_s, options.oauth2.refreshTokenLifetime, 1, 10 * kYear)
        || !cl.readNumber(u"token-lifetime"_s, options.oauth2.accessTokenLifetime, 1, kYear))
        return ExitUsage;
    options.oauth2.dynamicRegistration = cl.isSet(u"dynamic-registration"_s);
    options.oauth1.allowPlaintext = cl.isSet(u"allow-plaintext"_s);
    const Result<QString> database = databaseLocation(cl, options.demo);
    if (!database)
        return cl.fail(ExitInputError, database.error());
    options.database = *database;

    ShutdownSignals shutdownSignals;
    if (const Result<void> installed = shutdownSignals.install(); !installed)
        return cl.fail(ExitInputError, installed.error());

    provider::LocalProvider provider(context.clock(), context.random());
    if (const Result<void> started = provider.start(options); !started)
        return cl.fail(ExitInputError, u"The provider could not start: "_s + started.error().message());

    if (cl.isSet(u"json"_s))
        context.printRaw(QJsonDocument(serveJson(provider)).toJson(QJsonDocument::Compact) + '\n');
    else
        context.print(serveText(provider, options.database));
    // Also flushes stdout, so a reader of the first line gets it now.
    context.printError(u"mwauth provider serve: serving on "_s + urlText(provider.baseUrl())
                       + u"; stop with Ctrl-C or SIGTERM."_s);

    QCoreApplication::exec();
    provider.stop();
    context.printError(u"mwauth provider serve: stopped."_s);
    return ExitOk;
}

int ProviderCommand::user(CommandContext &context, const QStringList &arguments)
{
    const QString sub = arguments.value(0);
    if (sub == u"add")
        return userAdd(context, arguments.mid(1));
    if (sub == u"list")
        return userList(context, arguments.mid(1));
    if (sub == u"passwd")
        return userPasswd(context, arguments.mid(1));
    if (sub == u"-h" || sub == u"--help") {
        context.print(
            u"Usage: mwauth provider user add NAME --password-stdin [--email E] [--groups a,b] [--db L]\n"
            "       mwauth provider user list [--db L] [--json]\n"
            "       mwauth provider user passwd NAME [--password-stdin] [--db L]\n"
            "Run 'mwauth provider user <command> --help' for a command's options.\n"_s);
        return ExitOk;
    }
    context.printError(sub.isEmpty() ? u"mwauth provider user: missing command (add, list or passwd)."_s
                                     : u"mwauth provider user: unknown command "_s + quoted(sub)
                               + u"; use add, list or passwd."_s);
    return ExitUsage;
}

int ProviderCommand::userAdd(CommandContext &context, const QStringList &arguments)
{
    CommandLine cl(context, u"provider user add"_s, u"Adds a user to a provider database."_s);
    cl.addPositional(u"name"_s, u"The user name (MediaWiki's rules: the first letter is upper-cased)."_s);
    cl.addOption({u"password-stdin"_s, u"Read the password from standard input (one line)."_s});
    cl.addOption({u"email"_s, u"The user's e-mail address."_s, u"address"_s});
    cl.addOption({u"groups"_s, u"Comma-separated groups, e.g. sysop,bureaucrat."_s, u"list"_s});
    cl.addOption({u"db"_s, databaseHelp(), u"location"_s});
    if (auto status = cl.parse(arguments, 1, 1))
        return *status;
    if (!cl.isSet(u"password-stdin"_s))
        return cl.usageError(u"Give --password-stdin and the password on standard input."_s);
    const Result<QString> password = readPassword(context);
    if (!password)
        return cl.fail(ExitInputError, password.error());

    ProviderAccounts accounts(context);
    if (auto status = accounts.open(cl))
        return *status;
    provider::UserStore &users = accounts.users();
    const Result<provider::User> user
        = users.createUser(cl.positional().first(), *password, cl.value(u"email"_s));
    if (!user)
        return cl.fail(ExitInputError, user.error());
    const QStringList groups = cl.value(u"groups"_s).split(u',', Qt::SkipEmptyParts);
    for (const QString &group : groups) {
        if (const Result<void> added = users.addToGroup(user->id, group.trimmed()); !added)
            return cl.fail(ExitInputError, added.error());
    }
    context.printLine(u"Added user "_s + user->name + u" (id "_s + QString::number(user->id) + u")."_s);
    return ExitOk;
}

int ProviderCommand::userList(CommandContext &context, const QStringList &arguments)
{
    CommandLine cl(context, u"provider user list"_s, u"Lists the users of a provider database."_s);
    cl.addOption({u"db"_s, databaseHelp(), u"location"_s});
    cl.addOption({u"json"_s, u"Print a JSON array of {\"id\", \"name\", \"email\", \"groups\"}."_s});
    if (auto status = cl.parse(arguments))
        return *status;
    ProviderAccounts accounts(context);
    if (auto status = accounts.open(cl))
        return *status;
    provider::UserStore &users = accounts.users();
    const Result<QList<provider::User>> list = users.listUsers();
    if (!list)
        return cl.fail(ExitInputError, list.error());
    QJsonArray array;
    QString text;
    for (const provider::User &user : *list) {
        const Result<QStringList> groups = users.groups(user.id);
        if (!groups)
            return cl.fail(ExitInputError, groups.error());
        array.append(QJsonObject {{u"id"_s, user.id},
                                  {u"name"_s, user.name},
                                  {u"email"_s, user.email},
                                  {u"groups"_s, QJsonArray::fromStringList(*groups)}});
        text += user.name + (groups->isEmpty() ? QString() : u"  ("_s + groups->join(u", "_s) + u')') + u'\n';
    }
    if (cl.isSet(u"json"_s))
        context.printRaw(QJsonDocument(array).toJson(QJsonDocument::Compact) + '\n');
    else
        context.print(text);
    return ExitOk;
}

int ProviderCommand::userPasswd(CommandContext &context, const QStringList &arguments)
{
    CommandLine cl(context, u"provider user passwd"_s,
                   u"Sets a new password for a user of a provider database. The new password is read\n"
                   "from standard input (everything up to the end, without the final line break).\n"
                   "Every grant and token of the user (OAuth 1.0a and 2.0) is revoked with it."_s);
    cl.addPositional(u"name"_s, u"The user name."_s);
    cl.addOption({u"password-stdin"_s,
                  u"Read the new password from standard input (the default; accepted for symmetry with "
                  "'user add')."_s});
    cl.addOption({u"db"_s, databaseHelp(), u"location"_s});
    cl.setNotes(u"Example:\n"
                "  printf '%s' \"$NEW_PASSWORD\" | mwauth provider user passwd Alice --db provider.sqlite"_s);
    if (auto status = cl.parse(arguments, 1, 1))
        return *status;
    const Result<QString> password = readPassword(context);
    if (!password)
        return cl.fail(ExitInputError, password.error());
    if (password->isEmpty())
        return cl.fail(ExitInputError, u"The new password is empty; give it on standard input."_s);

    ProviderAccounts accounts(context);
    if (auto status = accounts.openForUser(cl))
        return *status;
    const provider::User &user = accounts.user();
    // The password and the revocation of every token of the user in one transaction.
    provider::UserGrants grants(accounts.database(), context.clock());
    const Result<provider::RevokedGrants> revoked
        = grants.changePassword(accounts.users(), user.id, *password);
    if (!revoked)
        return cl.fail(ExitInputError, revoked.error());
    context.printLine(u"Changed the password of "_s + user.name + u"; revoked "_s
                      + QString::number(revoked->grants.size()) + u" approvals, "_s
                      + QString::number(revoked->accessTokens) + u" OAuth 2.0 access tokens and "_s
                      + QString::number(revoked->refreshTokens) + u" refresh tokens."_s);
    return ExitOk;
}

ProviderAccounts::ProviderAccounts(CommandContext &context)
    : m_hasher(context.random())
    , m_context(context)
{ }

std::optional<int> ProviderAccounts::open(const CommandLine &cl)
{
    const Result<QString> location = ProviderCommand::databaseLocation(cl, false);
    if (!location)
        return cl.fail(ExitInputError, location.error());
    Result<std::unique_ptr<provider::ProviderDatabase>> db = provider::ProviderDatabase::open(*location);
    if (!db)
        return cl.fail(ExitInputError, db.error());
    m_db = std::move(*db);
    m_users = std::make_unique<provider::UserStore>(*m_db, m_hasher, m_context.clock());
    return std::nullopt;
}

std::optional<int> ProviderAccounts::openForUser(const CommandLine &cl)
{
    if (auto status = open(cl))
        return status;
    const Result<provider::User> user = m_users->findUser(cl.positional().first());
    if (!user)
        return cl.fail(ExitInputError, user.error());
    m_user = *user;
    return std::nullopt;
}

} // namespace mwauth::cli
