#include "ProviderKeysCommand.h"

#include "CommandLine.h"
#include "ProviderCommand.h"

#include "provider/db/ProviderDatabase.h"
#include "provider/keys/KeysApi.h"
#include "provider/keys/SigningKeyStore.h"
#include "provider/secret/ProviderSecret.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <memory>
#include <optional>

using namespace Qt::StringLiterals;

namespace mwauth::cli {

namespace {

// The database named by --db and its key store. open() returns the exit status after
// reporting a failure, std::nullopt when it worked.
class KeysDatabase
{
public:
    explicit KeysDatabase(CommandContext &context)
        : m_context(context)
    { }

    // `withSecret`: the database's own provider secret (needed to seal or open private
    // keys); otherwise a throwaway one, so that reading the public side creates no file and
    // needs no environment variable.
    std::optional<int> open(const CommandLine &cl, bool withSecret)
    {
        const Result<QString> location = ProviderCommand::databaseLocation(cl, false);
        if (!location)
            return cl.fail(ExitInputError, location.error());
        Result<std::unique_ptr<provider::ProviderDatabase>> db = provider::ProviderDatabase::open(*location);
        if (!db)
            return cl.fail(ExitInputError, db.error());
        m_db = std::move(*db);
        if (withSecret) {
            Result<provider::ProviderSecret> secret
                = provider::ProviderSecret::forDatabase(*location, m_context.random());
            if (!secret)
                return cl.fail(ExitInputError, secret.error());
            m_secret.emplace(std::move(*secret));
        } else {
            m_secret.emplace(provider::ProviderSecret::generate(m_context.random()));
        }
        m_store = std::make_unique<provider::SigningKeyStore>(*m_db, *m_secret, m_context.clock(),
                                                              m_context.random());
        return std::nullopt;
    }

    provider::SigningKeyStore &store() { return *m_store; }

private:
    CommandContext &m_context;
    std::unique_ptr<provider::ProviderDatabase> m_db;
    std::optional<provider::ProviderSecret> m_secret;
    std::unique_ptr<provider::SigningKeyStore> m_store;
};

void addCommonOptions(CommandLine &cl)
{
    cl.addOption({u"db"_s, ProviderCommand::databaseHelp(), u"location"_s});
    cl.addOption({u"json"_s, u"Print one JSON object instead of text."_s});
}

QString isoTime(qint64 seconds)
{
    return QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC).toString(Qt::ISODate);
}

QString readableTime(qint64 seconds)
{
    return QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC).toString(u"yyyy-MM-dd HH:mm:ss"_s) + u" UTC"_s;
}

void printJsonLine(CommandContext &context, const QJsonObject &object)
{
    context.printRaw(QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n');
}

qint64 nowSeconds(const CommandContext &context)
{
    return static_cast<qint64>(context.clock().nowSeconds());
}

QJsonObject keyJson(const provider::SigningKeyInfo &key, qint64 now)
{
    QJsonObject entry {
        {u"id"_s, key.id},
        {u"kid"_s, key.kid},
        {u"alg"_s, key.alg},
        {u"state"_s, provider::signingKeyStateName(key.state)},
        {u"published"_s, key.isPublishedAt(now)},
        {u"created"_s, isoTime(key.created)},
    };
    const std::pair<const char16_t *, qint64> times[] = {
        {u"activated", key.activated},
        {u"retiring_since", key.retiringSince},
        {u"retire_after", key.retireAfter},
        {u"retired", key.retired},
    };
    for (const auto &[name, time] : times) {
        if (time > 0)
            entry.insert(QString::fromUtf16(name), isoTime(time));
    }
    return entry;
}

QString keyLine(const provider::SigningKeyInfo &key, qint64 now)
{
    QStringList details {u"made "_s + readableTime(key.created)};
    if (key.activated > 0)
        details << u"signing from "_s + readableTime(key.activated);
    if (key.retiringSince > 0)
        details << u"retiring from "_s + readableTime(key.retiringSince);
    if (key.retireAfter > 0) {
        details << u"published until "_s + readableTime(key.retireAfter)
                + (key.retireAfter <= now ? u" (over)"_s : QString());
    }
    if (key.retired > 0)
        details << u"retired "_s + readableTime(key.retired);
    return provider::signingKeyStateName(key.state).leftJustified(9) + key.kid + u"  "_s
        + key.alg.leftJustified(6) + details.join(u", "_s);
}

} // namespace

ProviderKeysCommand::ProviderKeysCommand()
    : CommandGroup(u"provider keys"_s,
                   u"Manage the local provider's signing keys (published in its JWKS, rotated in stages:\n"
                   "next, current, retiring, retired)."_s)
{
    addSubcommand(u"list"_s, u"Show every signing key with its state and times (no private keys)."_s,
                  &ProviderKeysCommand::list);
    addSubcommand(u"rotate"_s,
                  u"Promote the next key to current; the current key retires after the token lifetime."_s,
                  &ProviderKeysCommand::rotate);
    addSubcommand(u"generate"_s,
                  u"Make a new next key (--alg RS256|ES256|EdDSA), replacing the next key there is."_s,
                  &ProviderKeysCommand::generate);
}

QString ProviderKeysCommand::actor()
{
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty())
        user = qEnvironmentVariable("USERNAME");
    return user.isEmpty() ? u"cli"_s : u"cli:"_s + user;
}

int ProviderKeysCommand::list(CommandContext &context, const QStringList &arguments)
{
    CommandLine cl(context, u"provider keys list"_s,
                   u"Shows every signing key of a provider database, oldest first: state, kid (RFC 7638\n"
                   "thumbprint), alg and times. Never a private key."_s);
    addCommonOptions(cl);
    cl.setNotes(
        u"JSON: {\"keys\": [{\"id\", \"kid\", \"alg\", \"state\", \"published\", \"created\",\n"
        "\"activated\"?, \"retiring_since\"?, \"retire_after\"?, \"retired\"?}]}, times in ISO 8601 UTC."_s);
    if (auto status = cl.parse(arguments))
        return *status;
    KeysDatabase keys(context);
    if (auto status = keys.open(cl, false))
        return *status;
    const Result<QList<provider::SigningKeyInfo>> listed = keys.store().list();
    if (!listed)
        return cl.fail(ExitInputError, listed.error());
    const qint64 now = nowSeconds(context);
    if (cl.isSet(u"json"_s)) {
        QJsonArray array;
        for (const provider::SigningKeyInfo &key : *listed)
            array.append(keyJson(key, now));
        printJsonLine(context, {{u"keys"_s, array}});
    } else if (listed->isEmpty()) {
        context.printLine(u"No signing keys yet; the provider makes its first keys when it starts."_s);
    } else {
        for (const provider::SigningKeyInfo &key : *listed)
            context.printLine(keyLine(key, now));
    }
    return ExitOk;
}

int ProviderKeysCommand::rotate(CommandContext &context, const QStringList &arguments)
{
    CommandLine cl(context, u"provider keys rotate"_s,
                   u"Rotates the signing keys in one transaction: the next key becomes current (it signs\n"
                   "from now on), the current key starts retiring (published until every token it signed\n"
                   "has expired), a new next key of the same alg is made. Then retiring keys whose time is\n"
                   "over are marked retired. The audit log records who rotated."_s);
    addCommonOptions(cl);
    cl.addOption({u"token-lifetime"_s,
                  u"The longest lifetime of a token the current key signed, in seconds: how long it stays\n"
                  "published. Default: 3600 (access tokens, like MediaWiki's)."_s,
                  u"seconds"_s});
    cl.setNotes(
        u"JSON: {\"current\", \"retiring\"?, \"retire_after\"? (ISO 8601), \"next\", \"retired\": [...]}.\n"
        "Rotate no sooner than %1 seconds after the next key was made (see 'list'): relying\n"
        "parties may cache the JWKS that long."_s.arg(provider::KeysApi::CacheMaxAge));
    if (auto status = cl.parse(arguments))
        return *status;
    qint64 lifetime = provider::SigningKeyStore::DefaultMaxTokenLifetime;
    if (!cl.readInteger(u"token-lifetime"_s, lifetime, 1, 10LL * 365 * 24 * 3600))
        return ExitUsage;
    KeysDatabase keys(context);
    if (auto status = keys.open(cl, true))
        return *status;
    provider::SigningKeyStore &store = keys.store();
    store.setMaxTokenLifetime(lifetime);

    const qint64 now = nowSeconds(context);
    const Result<QList<provider::SigningKeyInfo>> before = store.list();
    if (!before)
        return cl.fail(ExitInputError, before.error());
    std::optional<provider::SigningKeyInfo> promoted;
    for (const provider::SigningKeyInfo &key : *before) {
        if (key.state == provider::SigningKeyState::Next)
            promoted = key;
    }
    const Result<provider::SigningKeyRotation> rotation = store.rotate(actor());
    if (!rotation)
        return cl.fail(ExitInputError, rotation.error());
    const Result<QStringList> retired = store.sweep(actor());
    if (!retired)
        return cl.fail(ExitInputError, retired.error());
    if (promoted && now - promoted->created < provider::KeysApi::CacheMaxAge) {
        cl.warn(u"the new current key %1 was published %2 s before it started signing, less than the JWKS "
                "cache time (%3 s): relying parties with a cached JWKS must fetch it again to verify its "
                "tokens."_s.arg(promoted->kid)
                    .arg(now - promoted->created)
                    .arg(provider::KeysApi::CacheMaxAge));
    }

    if (cl.isSet(u"json"_s)) {
        QJsonObject result {
            {u"current"_s, rotation->current},
            {u"next"_s, rotation->next},
            {u"retired"_s, QJsonArray::fromStringList(*retired)},
        };
        if (!rotation->retiring.isEmpty()) {
            result.insert(u"retiring"_s, rotation->retiring);
            result.insert(u"retire_after"_s, isoTime(rotation->retireAfter));
        }
        printJsonLine(context, result);
        return ExitOk;
    }
    context.printLine(u"Signing with "_s + rotation->current + u" from now on."_s);
    if (!rotation->retiring.isEmpty()) {
        context.printLine(u"Retiring "_s + rotation->retiring + u": published until "_s
                          + readableTime(rotation->retireAfter) + u'.');
    }
    context.printLine(u"New next key "_s + rotation->next + u'.');
    for (const QString &kid : *retired)
        context.printLine(u"Retired "_s + kid + u" (no longer published)."_s);
    return ExitOk;
}

int ProviderKeysCommand::generate(CommandContext &context, const QStringList &arguments)
{
    CommandLine cl(context, u"provider keys generate"_s,
                   u"Makes a new next signing key: published in the JWKS at once, signing after the next\n"
                   "rotation. There is at most one next key: one that exists is replaced (it never signed,\n"
                   "so it is retired at once). To change the provider's algorithm, generate a key of the\n"
                   "new alg and rotate."_s);
    addCommonOptions(cl);
    cl.addOption({u"alg"_s, u"RS256 (default), ES256 or EdDSA."_s, u"alg"_s, u"RS256"_s});
    cl.addOption(
        {u"rsa-bits"_s, u"The RSA modulus size for RS256: 2048 (default), 3072 or 4096."_s, u"bits"_s});
    cl.setNotes(
        u"JSON: {\"kid\", \"alg\", \"state\": \"next\", \"created\" (ISO 8601), \"replaced\": kid or null}."_s);
    if (auto status = cl.parse(arguments))
        return *status;
    const Result<jose::JwsAlgorithm> alg = jose::algorithmFromName(cl.value(u"alg"_s));
    if (!alg || !provider::SigningKeyStore::checkSupported(*alg)) {
        return cl.usageError(u"--alg %1 is not offered; use one of %2."_s.arg(
            quoted(cl.value(u"alg"_s)), provider::SigningKeyStore::supportedAlgorithmNames().join(u", "_s)));
    }
    int bits = 2048;
    if (!cl.readInteger(u"rsa-bits"_s, bits, 2048, 4096))
        return ExitUsage;
    if (cl.isSet(u"rsa-bits"_s) && (!jose::isRsa(*alg) || (bits != 2048 && bits != 3072 && bits != 4096)))
        return cl.usageError(u"--rsa-bits takes 2048, 3072 or 4096, and only with --alg RS256."_s);

    KeysDatabase keys(context);
    if (auto status = keys.open(cl, true))
        return *status;
    provider::SigningKeyStore &store = keys.store();
    store.setRsaBits(bits);
    const Result<QList<provider::SigningKeyInfo>> before = store.list();
    if (!before)
        return cl.fail(ExitInputError, before.error());
    QString replaced;
    for (const provider::SigningKeyInfo &key : *before) {
        if (key.state == provider::SigningKeyState::Next)
            replaced = key.kid;
    }
    const Result<provider::SigningKeyInfo> made = store.generate(*alg, actor());
    if (!made)
        return cl.fail(ExitInputError, made.error());

    if (cl.isSet(u"json"_s)) {
        printJsonLine(context,
                      {{u"kid"_s, made->kid},
                       {u"alg"_s, made->alg},
                       {u"state"_s, provider::signingKeyStateName(made->state)},
                       {u"created"_s, isoTime(made->created)},
                       {u"replaced"_s, replaced.isEmpty() ? QJsonValue() : QJsonValue(replaced)}});
        return ExitOk;
    }
    context.printLine(u"New next key "_s + made->kid + u" ("_s + made->alg
                      + u"); it signs after the next 'mwauth provider keys rotate'."_s);
    if (!replaced.isEmpty())
        context.printLine(u"It replaces the next key "_s + replaced + u", which is no longer published."_s);
    return ExitOk;
}

} // namespace mwauth::cli
