#include "ProfileCommand.h"

#include "CommandLine.h"

#include "profiles/AppDatabase.h"
#include "profiles/ProfileDiscovery.h"
#include "profiles/ProfileStore.h"
#include "secrets/IndexedSecretStore.h"
#include "secrets/KeychainSecretStore.h"
#include "secrets/SecretIndex.h"

#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace mwauth::cli {

namespace {

const QString kDatabaseNote = u"Profiles live in the app database (mwauth.sqlite in the folder Qt's "
                              "QStandardPaths::AppDataLocation names, ~/.local/share/mwauth on Linux); "
                              "secrets in the system keychain."_s;

QJsonObject profileJson(const profiles::Profile &p)
{
    QJsonObject o {{u"id"_s, p.id}, {u"name"_s, p.name}, {u"kind"_s, profiles::profileKindName(p.kind)}};
    const std::pair<QString, QUrl> urls[] = {{u"base_url"_s, p.baseUrl},
                                             {u"api_url"_s, p.apiUrl},
                                             {u"rest_url"_s, p.restUrl},
                                             {u"index_url"_s, p.indexUrl},
                                             {u"issuer"_s, p.issuer}};
    for (const auto &[key, url] : urls) {
        if (!url.isEmpty())
            o.insert(key, url.toString());
    }
    if (!p.siteName.isEmpty())
        o.insert(u"site_name"_s, p.siteName);
    if (!p.generator.isEmpty())
        o.insert(u"generator"_s, p.generator);
    o.insert(u"built_in"_s, p.isBuiltIn());
    return o;
}

QString profileText(const profiles::Profile &p)
{
    QString text = p.name + u"  ("_s + profiles::profileKindName(p.kind) + u", id "_s + p.id + u")\n"_s;
    auto line = [&text](const QString &label, const QString &value) {
        if (!value.isEmpty())
            text += u"  "_s + label.leftJustified(11) + value + u'\n';
    };
    line(u"Site:"_s, p.siteName);
    line(u"Software:"_s, p.generator);
    line(u"api.php:"_s, p.apiUrl.toString());
    line(u"rest.php:"_s, p.restUrl.toString());
    line(u"index.php:"_s, p.indexUrl.toString());
    line(u"Issuer:"_s, p.issuer.toString());
    if (p.isBuiltIn())
        text += u"  (built in: the URLs are those of the local provider while it runs)\n"_s;
    return text;
}

void printCompactJson(CommandContext &context, const QJsonValue &value)
{
    const QJsonDocument document
        = value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
    context.printRaw(document.toJson(QJsonDocument::Compact) + '\n');
}

} // namespace

ProfileCommand::ProfileCommand()
    : CommandGroup(u"profile"_s, u"The servers the console knows: MediaWikis and OpenID Connect issuers."_s)
{
    addSubcommand(u"add"_s, u"Discover a server and store it as a profile."_s, &ProfileCommand::add);
    addSubcommand(u"list"_s, u"List the profiles."_s, &ProfileCommand::list);
    addSubcommand(u"show"_s, u"Show one profile and its consumers."_s, &ProfileCommand::show);
    addSubcommand(u"remove"_s, u"Forget a profile and its secrets."_s, &ProfileCommand::remove);
    addSubcommand(u"export"_s, u"Write the profiles as JSON, without secrets."_s,
                  &ProfileCommand::exportProfiles);
    addSubcommand(u"import"_s, u"Add the profiles of an export (all or nothing)."_s,
                  &ProfileCommand::importProfiles);
}

Result<std::unique_ptr<profiles::AppDatabase>> ProfileCommand::openDatabase()
{
    return profiles::AppDatabase::open(profiles::AppDatabase::defaultLocation());
}

bool ProfileCommand::confirm(CommandContext &context, const QString &question)
{
    context.printErrorText(question + u" [y/N] "_s);
    const std::optional<QString> answer = context.readLine();
    const QString text = answer.value_or(QString()).trimmed().toLower();
    return text == u"y" || text == u"yes";
}

int ProfileCommand::add(CommandContext &context, const QStringList &arguments)
{
    CommandLine cl(
        context, u"profile add"_s,
        u"Finds out what the server at --url is and stores it under NAME. A MediaWiki is found from\n"
        "its address, its api.php or its index.php (action=query&meta=siteinfo); with --oidc the URL\n"
        "is an OpenID Connect issuer (its /.well-known/openid-configuration)."_s);
    cl.addPositional(u"name"_s, u"What to call the profile (unique)."_s);
    cl.addOption({u"url"_s, u"The wiki's address or the issuer."_s, u"url"_s});
    cl.addOption({u"oidc"_s, u"The URL is a plain OpenID Connect issuer."_s});
    cl.addOption({u"timeout"_s, u"Seconds to wait for the server (default 15)."_s, u"seconds"_s});
    cl.addOption({u"json"_s, u"Print the profile as JSON."_s});
    cl.setNotes(kDatabaseNote);
    if (auto status = cl.parse(arguments, 1, 1))
        return *status;
    if (!cl.isSet(u"url"_s))
        return cl.usageError(u"--url is required."_s);
    int timeout = 15;
    if (!cl.readInteger(u"timeout"_s, timeout, 1, 600))
        return ExitUsage;
    const QString name = cl.positional().first();
    if (const Result<void> valid = profiles::ProfileStore::validateName(name); !valid)
        return cl.usageError(valid.error().message());
    const QUrl url(cl.value(u"url"_s), QUrl::StrictMode);

    Result<std::unique_ptr<profiles::AppDatabase>> db = openDatabase();
    if (!db)
        return cl.fail(ExitInputError, db.error());
    profiles::ProfileStore store(**db, context.random());
    if (store.find(name).ok())
        return cl.fail(ExitInputError, u"There is a profile named "_s + quoted(name) + u" already."_s);

    // The CLI runs no other event loop (main() does not call exec()), so waiting here
    // re-enters nothing.
    profiles::ProfileDiscovery discovery(context.network());
    discovery.setTimeout(timeout * 1000);
    std::optional<Result<profiles::Profile>> found;
    QEventLoop loop;
    QObject::connect(&discovery, &profiles::ProfileDiscovery::finished, &loop,
                     [&](const Result<profiles::Profile> &result) {
                         found = result;
                         loop.quit();
                     });
    if (cl.isSet(u"oidc"_s))
        discovery.discoverOidc(url);
    else
        discovery.discoverMediaWiki(url);
    loop.exec();
    if (!found || !found->ok())
        return cl.fail(ExitInputError, found ? found->error() : fail(ErrorCode::Internal, u"No answer."_s));
    profiles::Profile profile = **found;
    profile.name = name;
    const Result<profiles::Profile> added = store.add(profile);
    if (!added)
        return cl.fail(ExitInputError, added.error());
    if (cl.isSet(u"json"_s))
        printCompactJson(context, profileJson(*added));
    else
        context.print(u"Added "_s + profileText(*added));
    return ExitOk;
}

int ProfileCommand::list(CommandContext &context, const QStringList &arguments)
{
    CommandLine cl(context, u"profile list"_s, u"Lists the profiles: the built-in local provider first."_s);
    cl.addOption({u"json"_s, u"Print a JSON array."_s});
    cl.setNotes(kDatabaseNote);
    if (auto status = cl.parse(arguments))
        return *status;
    Result<std::unique_ptr<profiles::AppDatabase>> db = openDatabase();
    if (!db)
        return cl.fail(ExitInputError, db.error());
    profiles::ProfileStore store(**db, context.random());
    const Result<QList<profiles::Profile>> all = store.list();
    if (!all)
        return cl.fail(ExitInputError, all.error());
    if (cl.isSet(u"json"_s)) {
        QJsonArray array;
        for (const profiles::Profile &p : *all)
            array.append(profileJson(p));
        printCompactJson(context, array);
        return ExitOk;
    }
    for (const profiles::Profile &p : *all) {
        const QString where
            = p.kind == profiles::Profile::Kind::MediaWiki ? p.apiUrl.toString() : p.issuer.toString();
        context.printLine(p.name + u"  "_s + profiles::profileKindName(p.kind)
                          + (where.isEmpty() ? QString() : u"  "_s + where));
    }
    return ExitOk;
}

int ProfileCommand::show(CommandContext &context, const QStringList &arguments)
{
    CommandLine cl(context, u"profile show"_s, u"Shows one profile (by name or id) and its consumers."_s);
    cl.addPositional(u"name"_s, u"The profile's name or id."_s);
    cl.addOption({u"json"_s, u"Print JSON."_s});
    cl.setNotes(kDatabaseNote);
    if (auto status = cl.parse(arguments, 1, 1))
        return *status;
    Result<std::unique_ptr<profiles::AppDatabase>> db = openDatabase();
    if (!db)
        return cl.fail(ExitInputError, db.error());
    profiles::ProfileStore store(**db, context.random());
    const Result<profiles::Profile> profile = store.find(cl.positional().first());
    if (!profile)
        return cl.fail(ExitInputError, profile.error());
    const Result<QList<profiles::ConsumerRecord>> consumers = store.consumers(profile->id);
    if (!consumers)
        return cl.fail(ExitInputError, consumers.error());
    secrets::SecretIndex index((*db)->connectionName());
    const Result<QList<secrets::SecretRef>> refs = index.refs(profile->id);
    if (!refs)
        return cl.fail(ExitInputError, refs.error());
    if (cl.isSet(u"json"_s)) {
        QJsonObject o = profileJson(*profile);
        QJsonArray list;
        for (const profiles::ConsumerRecord &c : *consumers)
            list.append(QJsonObject {{u"client_id"_s, c.clientId},
                                     {u"name"_s, c.name},
                                     {u"oauth_version"_s, c.oauthVersion},
                                     {u"confidential"_s, c.confidential},
                                     {u"owner_only"_s, c.ownerOnly},
                                     {u"redirect_uri"_s, c.redirectUri},
                                     {u"grants"_s, QJsonArray::fromStringList(c.grants)}});
        o.insert(u"consumers"_s, list);
        o.insert(u"secrets_in_keychain"_s, int(refs->size()));
        printCompactJson(context, o);
        return ExitOk;
    }
    QString text = profileText(*profile);
    for (const profiles::ConsumerRecord &c : *consumers)
        text += u"  Consumer:  "_s + c.name + u"  "_s + c.clientId + u"  (OAuth "_s
            + QString::number(c.oauthVersion) + u")\n"_s;
    text += u"  Secrets:   %1 in the keychain\n"_s.arg(refs->size());
    context.print(text);
    return ExitOk;
}

int ProfileCommand::remove(CommandContext &context, const QStringList &arguments)
{
    CommandLine cl(
        context, u"profile remove"_s,
        u"Forgets a profile: first every secret the console keeps for it in the keychain, then the\n"
        "profile and its consumers. Asks first unless --yes."_s);
    cl.addPositional(u"name"_s, u"The profile's name or id."_s);
    cl.addOption({u"yes"_s, u"Do not ask."_s});
    cl.setNotes(kDatabaseNote);
    if (auto status = cl.parse(arguments, 1, 1))
        return *status;
    Result<std::unique_ptr<profiles::AppDatabase>> db = openDatabase();
    if (!db)
        return cl.fail(ExitInputError, db.error());
    profiles::ProfileStore store(**db, context.random());
    const Result<profiles::Profile> profile = store.find(cl.positional().first());
    if (!profile)
        return cl.fail(ExitInputError, profile.error());
    if (profile->isBuiltIn())
        return cl.fail(ExitInputError, u"The local provider's profile is built in; it cannot be removed."_s);
    if (!cl.isSet(u"yes"_s)
        && !confirm(context,
                    u"Remove the profile "_s + quoted(profile->name) + u" and forget its secrets?"_s))
        return cl.fail(ExitUsage, u"Not confirmed: nothing was removed (answer y, or pass --yes)."_s);
    if (const int status = SecretsCommand::forgetSecrets(context, cl, **db, profile->id, profile->name);
        status != ExitOk)
        return cl.fail(status, u"The profile was kept, so its remaining secrets can still be found."_s);
    if (const Result<void> removed = store.remove(profile->id); !removed)
        return cl.fail(ExitInputError, removed.error());
    context.printLine(u"Removed the profile "_s + quoted(profile->name) + u'.');
    return ExitOk;
}

int ProfileCommand::exportProfiles(CommandContext &context, const QStringList &arguments)
{
    CommandLine cl(context, u"profile export"_s,
                   u"Writes the stored profiles and their consumers as JSON, without any secret, for\n"
                   "'mwauth profile import' elsewhere."_s);
    cl.addOption({u"output"_s, u"The file to write (default: standard output)."_s, u"file"_s});
    cl.setNotes(kDatabaseNote);
    if (auto status = cl.parse(arguments))
        return *status;
    Result<std::unique_ptr<profiles::AppDatabase>> db = openDatabase();
    if (!db)
        return cl.fail(ExitInputError, db.error());
    profiles::ProfileStore store(**db, context.random());
    const Result<QByteArray> json = store.exportJson();
    if (!json)
        return cl.fail(ExitInputError, json.error());
    if (!cl.isSet(u"output"_s)) {
        context.printRaw(*json);
        return ExitOk;
    }
    QSaveFile file(cl.value(u"output"_s));
    if (!file.open(QIODevice::WriteOnly) || file.write(*json) != json->size() || !file.commit())
        return cl.fail(ExitInputError,
                       u"Could not write "_s + quoted(cl.value(u"output"_s)) + u": "_s + file.errorString()
                           + u'.');
    return ExitOk;
}

int ProfileCommand::importProfiles(CommandContext &context, const QStringList &arguments)
{
    CommandLine cl(
        context, u"profile import"_s,
        u"Adds the profiles of a file made by 'mwauth profile export' (new ids). Either all of them\n"
        "are added or, when one is malformed or its name is taken, none."_s);
    cl.addPositional(u"file"_s, u"The JSON file, or - for standard input."_s);
    cl.setNotes(kDatabaseNote);
    if (auto status = cl.parse(arguments, 1, 1))
        return *status;
    const Result<QByteArray> json = context.readInput(cl.positional().first());
    if (!json)
        return cl.fail(ExitInputError, json.error());
    Result<std::unique_ptr<profiles::AppDatabase>> db = openDatabase();
    if (!db)
        return cl.fail(ExitInputError, db.error());
    profiles::ProfileStore store(**db, context.random());
    const Result<QList<profiles::Profile>> added = store.importJson(*json);
    if (!added)
        return cl.fail(ExitInputError, added.error().message() + u" Nothing was imported."_s);
    for (const profiles::Profile &p : *added)
        context.printLine(u"Imported "_s + quoted(p.name) + u'.');
    return ExitOk;
}

SecretsCommand::SecretsCommand()
    : CommandGroup(u"secrets"_s, u"The secrets the console keeps in the system keychain."_s)
{
    addSubcommand(u"forget"_s, u"Remove every secret of a profile from the keychain."_s,
                  &SecretsCommand::forget);
}

int SecretsCommand::forgetSecrets(CommandContext &context, const CommandLine &cl,
                                  profiles::AppDatabase &database, const QString &profileId,
                                  const QString &profileName)
{
    secrets::SecretIndex index(database.connectionName());
    const Result<QList<secrets::SecretRef>> refs = index.refs(profileId);
    if (!refs)
        return cl.fail(ExitInputError, refs.error());
    if (refs->isEmpty()) {
        context.printLine(u"The profile "_s + quoted(profileName) + u" has no secrets in the keychain."_s);
        return ExitOk;
    }
    secrets::KeychainSecretStore keychain;
    secrets::IndexedSecretStore store(keychain, index);
    std::optional<secrets::ForgetResult> result;
    QEventLoop loop;
    secrets::ProfileForgetJob *job = store.forgetProfile(profileId);
    QObject::connect(job, &secrets::ProfileForgetJob::finished, &loop, [&](const secrets::ForgetResult &r) {
        result = r;
        loop.quit();
    });
    loop.exec();
    if (!result->indexError.message().isEmpty())
        return cl.fail(ExitInputError, result->indexError);
    context.printLine(
        u"Forgot %1 secret(s) of the profile %2."_s.arg(result->removed.size()).arg(quoted(profileName)));
    if (result->failed.isEmpty())
        return ExitOk;
    // Every failure has the same cause as a rule (no keychain); name each secret once.
    for (const auto &[ref, error] : std::as_const(result->failed))
        cl.warn(u"not forgotten: "_s + secrets::secretKindName(ref.kind) + u' ' + quoted(ref.id));
    return cl.fail(ExitInputError, result->failed.first().second);
}

int SecretsCommand::forget(CommandContext &context, const QStringList &arguments)
{
    CommandLine cl(context, u"secrets forget"_s,
                   u"Removes every secret the console keeps in the system keychain for one profile (client\n"
                   "secrets, keys, tokens, TOTP seeds, WebAuthn credentials, passwords); the profile stays.\n"
                   "Asks first unless --yes."_s);
    cl.addOption({u"profile"_s, u"The profile's name or id."_s, u"name"_s});
    cl.addOption({u"yes"_s, u"Do not ask."_s});
    cl.setNotes(kDatabaseNote);
    if (auto status = cl.parse(arguments))
        return *status;
    if (!cl.isSet(u"profile"_s))
        return cl.usageError(u"--profile is required."_s);
    Result<std::unique_ptr<profiles::AppDatabase>> db = ProfileCommand::openDatabase();
    if (!db)
        return cl.fail(ExitInputError, db.error());
    profiles::ProfileStore store(**db, context.random());
    const Result<profiles::Profile> profile = store.find(cl.value(u"profile"_s));
    if (!profile)
        return cl.fail(ExitInputError, profile.error());
    if (!cl.isSet(u"yes"_s)
        && !ProfileCommand::confirm(context,
                                    u"Forget every secret of the profile "_s + quoted(profile->name)
                                        + u" in the keychain?"_s))
        return cl.fail(ExitUsage, u"Not confirmed: nothing was forgotten (answer y, or pass --yes)."_s);
    return forgetSecrets(context, cl, **db, profile->id, profile->name);
}

} // namespace mwauth::cli
