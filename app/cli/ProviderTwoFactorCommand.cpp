#include "ProviderTwoFactorCommand.h"

#include "CommandLine.h"
#include "ProviderCommand.h"

#include "otp/Base32.h"
#include "otp/OtpAuthUri.h"
#include "otp/VirtualAuthenticator.h"
#include "provider/DemoData.h"
#include "provider/accounts/UserStore.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <memory>
#include <optional>

using namespace Qt::StringLiterals;

namespace mwauth::cli {

namespace {

const QString kTotp = u"totp"_s;
const QString kRecoveryCodes = u"recoverycodes"_s;
const QString kWebAuthn = u"webauthn"_s;

// Opens --db, finds the user named on the command line and reads the user's records of
// `module` (of every module when empty) into `records`. Returns the exit status after
// reporting a failure, std::nullopt when all of it worked.
std::optional<int> openUserRecords(ProviderAccounts &accounts, const CommandLine &cl, const QString &module,
                                   QList<provider::TwoFactorRecord> &records)
{
    if (auto status = accounts.openForUser(cl))
        return status;
    const Result<QList<provider::TwoFactorRecord>> read
        = accounts.users().twoFactorRecords(accounts.user().id, module);
    if (!read)
        return cl.fail(ExitInputError, read.error());
    records = *read;
    return std::nullopt;
}

void addCommonOptions(CommandLine &cl, bool json)
{
    cl.addPositional(u"name"_s, u"The user name (MediaWiki's rules: the first letter is upper-cased)."_s);
    cl.addOption({u"db"_s, ProviderCommand::databaseHelp(), u"location"_s});
    if (json)
        cl.addOption({u"json"_s, u"Print one JSON object instead of text."_s});
}

// A user name as one shell word, for the commands we suggest.
QString shellWord(const QString &text)
{
    static const QString plain = u"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"_s;
    for (const QChar c : text) {
        if (!plain.contains(c))
            return u'\'' + QString(text).replace(u"'"_s, u"'\\''"_s) + u'\'';
    }
    return text;
}

// "20231114221320" -> "2023-11-14 22:13:20 UTC" (as stored when it does not parse).
QString readableTimestamp(const QString &mediaWiki)
{
    QDateTime time = QDateTime::fromString(mediaWiki, u"yyyyMMddHHmmss"_s);
    if (!time.isValid())
        return mediaWiki;
    time.setTimeSpec(Qt::UTC);
    return time.toString(u"yyyy-MM-dd HH:mm:ss"_s) + u" UTC"_s;
}

void printJsonLine(CommandContext &context, const QJsonObject &object)
{
    context.printRaw(QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n');
}

} // namespace

ProviderTwoFactorCommand::ProviderTwoFactorCommand()
    : CommandGroup(u"provider 2fa"_s,
                   u"Manage the second factors (OATHAuth modules totp, recoverycodes, webauthn) of a user\n"
                   "of a provider database."_s)
{
    addSubcommand(u"enable-totp"_s, u"Give a user TOTP and print its secret and otpauth:// URI."_s,
                  &ProviderTwoFactorCommand::enableTotp);
    addSubcommand(u"recovery-codes"_s, u"Make new recovery codes for a user (the old ones stop working)."_s,
                  &ProviderTwoFactorCommand::recoveryCodes);
    addSubcommand(u"add-webauthn"_s,
                  u"Register a virtual WebAuthn key for a user and print its private credential JSON."_s,
                  &ProviderTwoFactorCommand::addWebAuthn);
    addSubcommand(u"disable"_s, u"Remove one of a user's modules (--module totp|recoverycodes|webauthn)."_s,
                  &ProviderTwoFactorCommand::disable);
    addSubcommand(u"list"_s, u"Show a user's modules and records (no secrets)."_s,
                  &ProviderTwoFactorCommand::list);
}

QString ProviderTwoFactorCommand::issuer()
{
    return u"MWAuth local provider"_s;
}

QString ProviderTwoFactorCommand::recoveryCodeAlphabet()
{
    return u"23456789ABCDEFGHJKLMNPQRSTUVWXYZ"_s;
}

QString ProviderTwoFactorCommand::makeRecoveryCode(Random &random)
{
    const QString alphabet = recoveryCodeAlphabet();
    static_assert(32 == 1 << 5, "five random bits pick one of the 32 symbols without bias");
    const QByteArray bytes = random.bytes(16);
    QString code;
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        if (i > 0 && i % 4 == 0)
            code += u'-';
        code += alphabet.at(static_cast<quint8>(bytes.at(i)) & 0x1f);
    }
    return code;
}

QStringList ProviderTwoFactorCommand::makeRecoveryCodes(Random &random, int count)
{
    QStringList codes;
    // Two equal codes out of 2^80 will not happen with a real random source; the check keeps
    // the promise of distinct codes even with a poor one (bounded, so it cannot spin).
    for (int attempt = 0; codes.size() < count && attempt < count * 100; ++attempt) {
        const QString code = makeRecoveryCode(random);
        if (!codes.contains(code))
            codes << code;
    }
    return codes;
}

int ProviderTwoFactorCommand::enableTotp(CommandContext &context, const QStringList &arguments)
{
    CommandLine cl(context, u"provider 2fa enable-totp"_s,
                   u"Gives a user TOTP (OATHAuth's totp module: SHA1, 6 digits, 30-second steps) and\n"
                   "prints the secret and the otpauth:// URI for an authenticator app."_s);
    addCommonOptions(cl, true);
    cl.addOption({u"secret"_s,
                  u"The seed in base32 (at least 10 bytes, i.e. 16 characters; spaces, hyphens and "
                  "lower case are fine). Default: a new random 20-byte seed."_s,
                  u"base32"_s});
    cl.setNotes(
        u"Output: the secret and the URI as text, or with --json\n"
        "  {\"user\", \"record_id\", \"secret\", \"uri\", \"algorithm\", \"digits\", \"period\"}.\n"
        "The record stored: {\"secret\": BASE32, \"digits\": 6, \"period\": 30, \"algorithm\": \"SHA1\"}.\n"
        "A user has at most one TOTP secret: disable the old one first\n"
        "  (mwauth provider 2fa disable NAME --module totp).\n"
        "Example:\n"
        "  mwauth provider 2fa enable-totp Bob --db provider.sqlite"_s);
    if (auto status = cl.parse(arguments, 1, 1))
        return *status;

    QByteArray seed;
    if (cl.isSet(u"secret"_s)) {
        const Result<QByteArray> decoded = otp::Base32::decode(cl.value(u"secret"_s).toUtf8());
        if (!decoded)
            return cl.fail(ExitInputError,
                           u"The --secret is not valid base32: "_s + decoded.error().message());
        if (decoded->size() < MinTotpSeedBytes)
            return cl.fail(ExitInputError,
                           u"The --secret holds %1 bytes; a TOTP seed needs at least %2 bytes (16 base32 "
                           "characters)."_s.arg(decoded->size())
                               .arg(MinTotpSeedBytes));
        seed = *decoded;
    } else {
        seed = context.random().bytes(TotpSeedBytes);
    }

    ProviderAccounts accounts(context);
    QList<provider::TwoFactorRecord> existing;
    if (auto status = openUserRecords(accounts, cl, kTotp, existing))
        return *status;
    const provider::User &user = accounts.user();
    if (!existing.isEmpty())
        return cl.fail(
            ExitInputError,
            u"%1 already has TOTP (record %2). Remove it first with: mwauth provider 2fa disable "
            "%3 --module totp"_s.arg(user.name, QString::number(existing.first().id), shellWord(user.name)));

    const QString secret = QString::fromLatin1(otp::Base32::encode(seed, false));
    otp::OtpAuthUri uri;
    uri.type = otp::OtpAuthUri::Type::Totp;
    uri.issuer = issuer();
    uri.account = user.name;
    uri.parameters.secret = seed;
    uri.parameters.algorithm = otp::HashAlgorithm::Sha1;
    uri.parameters.digits = 6;
    uri.parameters.period = 30;
    const QJsonObject data {{u"secret"_s, secret},
                            {u"digits"_s, uri.parameters.digits},
                            {u"period"_s, uri.parameters.period},
                            {u"algorithm"_s, otp::hashAlgorithmName(uri.parameters.algorithm)}};
    const Result<provider::TwoFactorRecord> record = accounts.users().addTwoFactor(user.id, kTotp, data);
    if (!record)
        return cl.fail(ExitInputError, record.error());

    if (cl.isSet(u"json"_s)) {
        printJsonLine(context,
                      {{u"user"_s, user.name},
                       {u"record_id"_s, record->id},
                       {u"secret"_s, secret},
                       {u"uri"_s, uri.toString()},
                       {u"algorithm"_s, data.value(u"algorithm"_s)},
                       {u"digits"_s, uri.parameters.digits},
                       {u"period"_s, uri.parameters.period}});
    } else {
        context.print(u"TOTP is on for "_s + user.name + u" (record "_s + QString::number(record->id)
                      + u").\n  Secret (base32, SHA1, 6 digits, 30 s): "_s + secret + u"\n  URI: "_s
                      + uri.toString() + u'\n');
    }
    cl.warn(u"the output holds the TOTP secret; keep it where only the user can read it."_s);
    return ExitOk;
}

int ProviderTwoFactorCommand::recoveryCodes(CommandContext &context, const QStringList &arguments)
{
    CommandLine cl(context, u"provider 2fa recovery-codes"_s,
                   u"Makes %1 new recovery codes for a user (OATHAuth's recoverycodes module) and prints\n"
                   "them. Existing recovery codes of the user stop working. Each code works once."_s.arg(
                       RecoveryCodeCount));
    addCommonOptions(cl, true);
    cl.setNotes(u"Codes: 16 symbols in four groups of four, e.g. 7KQM-X2RD-9FHT-CWNB, from the 32\n"
                "symbols 2-9 and A-Z without I and O (80 random bits each).\n"
                "Output: one code per line, or with --json\n"
                "  {\"user\", \"record_id\", \"recovery_codes\": [...], \"replaced_records\": n}.\n"
                "Example:\n"
                "  mwauth provider 2fa recovery-codes Carol --db provider.sqlite"_s);
    if (auto status = cl.parse(arguments, 1, 1))
        return *status;
    ProviderAccounts accounts(context);
    QList<provider::TwoFactorRecord> old;
    if (auto status = openUserRecords(accounts, cl, kRecoveryCodes, old))
        return *status;
    const provider::User &user = accounts.user();

    const QStringList codes = makeRecoveryCodes(context.random());
    if (codes.size() != RecoveryCodeCount)
        return cl.fail(ExitInputError, u"The random source gave repeated codes; no codes were made."_s);
    // The new codes are stored before the old ones go, so the user is never without codes.
    const Result<provider::TwoFactorRecord> record = accounts.users().addTwoFactor(
        user.id, kRecoveryCodes, QJsonObject {{kRecoveryCodes, QJsonArray::fromStringList(codes)}});
    if (!record)
        return cl.fail(ExitInputError, record.error());
    for (const provider::TwoFactorRecord &previous : old) {
        if (const Result<void> removed = accounts.users().removeTwoFactor(user.id, previous.id); !removed)
            return cl.fail(
                ExitInputError,
                u"The new codes are stored (record %1), but the old record %2 could not be removed: "_s
                        .arg(record->id)
                        .arg(previous.id)
                    + removed.error().message());
    }

    if (cl.isSet(u"json"_s)) {
        printJsonLine(context,
                      {{u"user"_s, user.name},
                       {u"record_id"_s, record->id},
                       {u"recovery_codes"_s, QJsonArray::fromStringList(codes)},
                       {u"replaced_records"_s, old.size()}});
    } else {
        context.print(codes.join(u'\n') + u'\n');
    }
    cl.warn(u"%1 new recovery codes for %2 (record %3)%4; each works once. Keep them secret."_s.arg(
        QString::number(codes.size()), user.name, QString::number(record->id),
        old.isEmpty() ? QString() : u", the old ones no longer work"_s));
    return ExitOk;
}

int ProviderTwoFactorCommand::addWebAuthn(CommandContext &context, const QStringList &arguments)
{
    const QString defaultRpId = QString::fromLatin1(provider::DemoData::RpId);
    CommandLine cl(context, u"provider 2fa add-webauthn"_s,
                   u"Registers a new virtual WebAuthn key (ES256) for a user (OATHAuth's webauthn module)\n"
                   "and prints the key's private credential JSON, the only output on stdout, for the\n"
                   "console or a script to hold. The provider keeps only the public key."_s);
    addCommonOptions(cl, false);
    cl.addOption(
        {u"rp-id"_s, u"The relying party id (a host name). Default: "_s + defaultRpId + u'.', u"host"_s});
    cl.addOption({u"name"_s, u"The key's friendly name. Default: \"Virtual key\"."_s, u"friendly"_s});
    cl.setNotes(u"Output: {\"credentialId\", \"rpId\", \"userHandle\", \"signCount\", \"privateKey\": JWK}\n"
                "(the private JWK has \"d\"); the userHandle is the user id in decimal. It is a secret:\n"
                "whoever holds it can pass the user's WebAuthn step.\n"
                "The record stored: {\"friendlyName\", \"credential\": {\"credentialId\", \"rpId\",\n"
                "\"publicKey\"}, \"signCount\": 0}.\n"
                "Example:\n"
                "  mwauth provider 2fa add-webauthn Dave --db provider.sqlite > dave-key.json"_s);
    if (auto status = cl.parse(arguments, 1, 1))
        return *status;
    const QString rpId = cl.isSet(u"rp-id"_s) ? cl.value(u"rp-id"_s) : defaultRpId;
    static const QString notInHost = u" /:?#@\\"_s;
    bool rpIdOk = !rpId.isEmpty();
    for (const QChar c : rpId)
        rpIdOk = rpIdOk && !notInHost.contains(c) && c.unicode() > 0x20;
    if (!rpIdOk)
        return cl.usageError(
            u"The --rp-id "_s + quoted(rpId)
            + u" is not a host name (e.g. 127.0.0.1 or wiki.example; no scheme, port or path)."_s);
    const QString friendlyName = cl.isSet(u"name"_s) ? cl.value(u"name"_s).trimmed() : u"Virtual key"_s;
    if (friendlyName.isEmpty() || friendlyName.size() > 100)
        return cl.usageError(u"The --name must have 1 to 100 characters."_s);

    ProviderAccounts accounts(context);
    if (auto status = accounts.openForUser(cl))
        return *status;
    const provider::User &user = accounts.user();
    const Result<otp::VirtualAuthenticator> authenticator
        = otp::VirtualAuthenticator::create(context.random(), rpId, QByteArray::number(user.id));
    if (!authenticator)
        return cl.fail(ExitInputError, authenticator.error());
    const QJsonObject data {
        {u"friendlyName"_s, friendlyName},
        {u"credential"_s, QJsonDocument::fromJson(authenticator->publicCredentialJson()).object()},
        {u"signCount"_s, 0}};
    const Result<provider::TwoFactorRecord> record = accounts.users().addTwoFactor(user.id, kWebAuthn, data);
    if (!record)
        return cl.fail(ExitInputError, record.error());

    context.printRaw(authenticator->toJson() + '\n');
    cl.warn(u"registered the key \"%1\" (record %2) for %3 on %4. Standard output holds its PRIVATE key: "
            "keep it secret."_s.arg(friendlyName, QString::number(record->id), user.name, rpId));
    return ExitOk;
}

int ProviderTwoFactorCommand::disable(CommandContext &context, const QStringList &arguments)
{
    const QString modules = provider::UserStore::knownModules().join(u", "_s);
    CommandLine cl(context, u"provider 2fa disable"_s,
                   u"Removes one second-factor module of a user: every record of it."_s);
    addCommonOptions(cl, false);
    cl.addOption({u"module"_s, u"The module: "_s + modules + u'.', u"module"_s});
    cl.setNotes(u"Example:\n"
                "  mwauth provider 2fa disable Bob --module totp --db provider.sqlite"_s);
    if (auto status = cl.parse(arguments, 1, 1))
        return *status;
    if (!cl.isSet(u"module"_s))
        return cl.usageError(u"Give --module, one of "_s + modules + u'.');
    const QString module = cl.value(u"module"_s);
    if (!provider::UserStore::knownModules().contains(module))
        return cl.usageError(quoted(module) + u" is not a second-factor module; the modules are "_s + modules
                             + u'.');

    ProviderAccounts accounts(context);
    QList<provider::TwoFactorRecord> records;
    if (auto status = openUserRecords(accounts, cl, module, records))
        return *status;
    const provider::User &user = accounts.user();
    if (records.isEmpty())
        return cl.fail(ExitInputError, u"%1 has no %2 module."_s.arg(user.name, module));
    for (const provider::TwoFactorRecord &record : records) {
        if (const Result<void> removed = accounts.users().removeTwoFactor(user.id, record.id); !removed)
            return cl.fail(ExitInputError, removed.error());
    }
    context.printLine(u"Removed the %1 module of %2 (%3 record%4)."_s.arg(
        module, user.name, QString::number(records.size()), records.size() == 1 ? QString() : u"s"_s));
    return ExitOk;
}

int ProviderTwoFactorCommand::list(CommandContext &context, const QStringList &arguments)
{
    CommandLine cl(context, u"provider 2fa list"_s,
                   u"Shows a user's second-factor modules and their records: ids, creation times, WebAuthn\n"
                   "key names, how many recovery codes are left. Never a secret."_s);
    addCommonOptions(cl, true);
    cl.setNotes(
        u"JSON: {\"user\", \"id\", \"modules\": [...], \"records\": [{\"id\", \"module\", \"created\"\n"
        "(MediaWiki timestamp YYYYMMDDHHMMSS), \"friendly_name\"? (webauthn), \"codes_left\"?\n"
        "(recoverycodes)}]}."_s);
    if (auto status = cl.parse(arguments, 1, 1))
        return *status;
    ProviderAccounts accounts(context);
    QList<provider::TwoFactorRecord> records;
    if (auto status = openUserRecords(accounts, cl, QString(), records))
        return *status;
    const provider::User &user = accounts.user();

    QStringList modules;
    QJsonArray array;
    QString lines;
    for (const provider::TwoFactorRecord &record : records) {
        if (!modules.contains(record.module))
            modules << record.module;
        QJsonObject entry {
            {u"id"_s, record.id}, {u"module"_s, record.module}, {u"created"_s, record.created}};
        QString extra;
        if (record.module == kWebAuthn) {
            const QString name = record.data.value(u"friendlyName"_s).toString();
            entry.insert(u"friendly_name"_s, name);
            extra = u"  \""_s + CommandContext::printable(name) + u'"';
        } else if (record.module == kRecoveryCodes) {
            const qsizetype left = record.data.value(kRecoveryCodes).toArray().size();
            entry.insert(u"codes_left"_s, left);
            extra = u"  %1 code%2 left"_s.arg(left).arg(left == 1 ? QString() : u"s"_s);
        }
        array.append(entry);
        lines += u"  record "_s + QString::number(record.id).leftJustified(5)
            + record.module.leftJustified(15) + u"created "_s + readableTimestamp(record.created) + extra
            + u'\n';
    }
    if (cl.isSet(u"json"_s)) {
        printJsonLine(context,
                      {{u"user"_s, user.name},
                       {u"id"_s, user.id},
                       {u"modules"_s, QJsonArray::fromStringList(modules)},
                       {u"records"_s, array}});
    } else if (modules.isEmpty()) {
        context.printLine(user.name + u" has no second factors."_s);
    } else {
        context.print(user.name + u": "_s + modules.join(u", "_s) + u'\n' + lines);
    }
    return ExitOk;
}

} // namespace mwauth::cli
