#include "JwkCommand.h"

#include "CommandLine.h"
#include "KeyInput.h"

#include "jose/KeyGenerator.h"

using namespace Qt::StringLiterals;

namespace mwauth::cli {

namespace {

QString algorithmList()
{
    QStringList names;
    for (const jose::JwsAlgorithm alg : jose::allAlgorithms())
        names.append(jose::algorithmName(alg));
    return names.join(u'|');
}

// The key named by the optional FILE argument, or from standard input.
Result<jose::Jwk> readKey(CommandContext &context, const CommandLine &cl)
{
    const QString source = cl.positional().isEmpty() ? u"-"_s : cl.positional().first();
    Result<QByteArray> data = context.readInput(source);
    if (!data)
        return data.error();
    Result<jose::Jwk> key = KeyInput::parseKey(*data);
    if (!key)
        return key.error().prefixed(source == u"-" ? u"Standard input"_s : u"%1"_s.arg(quoted(source)));
    return key;
}

enum class KeyPart { Private, Public };

// How `generate` and `public` end: the key's private or public form, as PEM when asked,
// otherwise as JWK JSON.
int printKey(CommandContext &context, const CommandLine &cl, const jose::Jwk &key, KeyPart part, bool asPem)
{
    if (asPem) {
        const Result<QByteArray> text = part == KeyPart::Private ? key.toPrivatePem() : key.toPublicPem();
        if (!text)
            return cl.fail(ExitInputError, text.error());
        context.printRaw(*text);
        return ExitOk;
    }
    context.printJson(part == KeyPart::Private ? key.toPrivateJson() : key.toPublicJson());
    return ExitOk;
}

} // namespace

JwkCommand::JwkCommand()
    : CommandGroup(u"jwk"_s, u"Generate JSON Web Keys, show their public form and RFC 7638 thumbprints."_s)
{
    addSubcommand(u"generate"_s, u"Make a new private key; prints it as a JWK (kid = its thumbprint)."_s,
                  &JwkCommand::generate);
    addSubcommand(u"public"_s, u"Print the public form of a key (JWK or PEM in, JWK or PEM out)."_s,
                  &JwkCommand::publicKey);
    addSubcommand(u"thumbprint"_s, u"Print a key's RFC 7638 thumbprint (SHA-256, base64url)."_s,
                  &JwkCommand::thumbprint);
}

int JwkCommand::generate(CommandContext &context, const QStringList &arguments)
{
    CommandLine cl(context, u"jwk generate"_s,
                   u"Generates a private key for a JWS algorithm and prints it as a JWK with \"alg\"\n"
                   "and \"kid\" (the RFC 7638 thumbprint). RS*/PS*: RSA; ES256: P-256; ES384: P-384;\n"
                   "EdDSA: Ed25519; HS*: a random secret of the hash's size (an oct JWK)."_s);
    cl.addOption({u"alg"_s, u"The algorithm the key is for: "_s + algorithmList() + u'.', u"alg"_s});
    cl.addOption({u"bits"_s, u"RSA modulus size: 2048 (default), 3072 or 4096. Only for RS*/PS*."_s, u"n"_s});
    cl.addOption({u"pem"_s, u"Print the private key as PKCS#8 PEM instead of a JWK (not for HS*)."_s});
    cl.setNotes(u"The output is a private key: store it somewhere safe.\n"
                "Example: mwauth jwk generate --alg ES256 | mwauth jwk public"_s);
    if (auto status = cl.parse(arguments))
        return *status;

    if (!cl.isSet(u"alg"_s))
        return cl.usageError(u"--alg is required ("_s + algorithmList() + u")."_s);
    Result<jose::JwsAlgorithm> alg = jose::algorithmFromName(cl.value(u"alg"_s));
    if (!alg)
        return cl.usageError(alg.error().message() + u" Use one of "_s + algorithmList() + u'.');
    int bits = 2048;
    if (cl.isSet(u"bits"_s)) {
        if (!jose::isRsa(*alg))
            return cl.usageError(
                u"--bits is only for RSA algorithms (RS*, PS*), not %1."_s.arg(jose::algorithmName(*alg)));
        if (!cl.readInteger(u"bits"_s, bits, 0, 1 << 16))
            return ExitUsage;
        if (bits != 2048 && bits != 3072 && bits != 4096)
            return cl.usageError(u"--bits must be 2048, 3072 or 4096, not %1."_s.arg(bits));
    }
    const bool pem = cl.isSet(u"pem"_s);
    if (pem && jose::isHmac(*alg))
        return cl.usageError(
            u"An HMAC secret has no PEM form; leave out --pem for %1."_s.arg(jose::algorithmName(*alg)));

    Result<jose::Jwk> key = jose::KeyGenerator::generate(*alg, bits);
    if (!key)
        return cl.fail(key.error().code() == ErrorCode::Crypto ? ExitInputError : ExitUsage, key.error());
    return printKey(context, cl, *key, KeyPart::Private, pem);
}

int JwkCommand::publicKey(CommandContext &context, const QStringList &arguments)
{
    CommandLine cl(context, u"jwk public"_s,
                   u"Reads a key (JWK or PEM, private or public) and prints its public form as a JWK,\n"
                   "keeping kid, alg and use. Symmetric (oct) keys have no public form."_s);
    cl.addPositional(u"file"_s, u"The key file; - or nothing for standard input."_s, u"[file]"_s);
    cl.addOption({u"pem"_s, u"Print the public key as SPKI PEM (\"PUBLIC KEY\") instead of a JWK."_s});
    if (auto status = cl.parse(arguments, 0, 1))
        return *status;

    Result<jose::Jwk> key = readKey(context, cl);
    if (!key)
        return cl.fail(ExitInputError, key.error());
    if (key->type() == jose::Jwk::Type::Oct)
        return cl.fail(ExitInputError,
                       u"This is a symmetric (oct) key: it is all secret and has no public form."_s);
    return printKey(context, cl, *key, KeyPart::Public, cl.isSet(u"pem"_s));
}

int JwkCommand::thumbprint(CommandContext &context, const QStringList &arguments)
{
    CommandLine cl(context, u"jwk thumbprint"_s,
                   u"Reads a key (JWK or PEM) and prints its RFC 7638 thumbprint: SHA-256 over the\n"
                   "key's required members, base64url. The private and public forms give the same value."_s);
    cl.addPositional(u"file"_s, u"The key file; - or nothing for standard input."_s, u"[file]"_s);
    if (auto status = cl.parse(arguments, 0, 1))
        return *status;

    Result<jose::Jwk> key = readKey(context, cl);
    if (!key)
        return cl.fail(ExitInputError, key.error());
    context.printLine(QString::fromLatin1(key->thumbprint()));
    return ExitOk;
}

} // namespace mwauth::cli
