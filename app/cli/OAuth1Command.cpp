#include "OAuth1Command.h"

#include "CommandLine.h"
#include "KeyInput.h"

#include "oauth1/AuthorizationHeader.h"
#include "oauth1/Signature.h"

#include <QJsonObject>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace mwauth::cli {

namespace {

// --method, --url and --param. Returns an exit status when they cannot be used.
std::optional<int> readRequest(const CommandLine &cl, oauth1::Request &request)
{
    if (!cl.isSet(u"url"_s))
        return cl.usageError(u"--url is required."_s);
    const QString method = cl.isSet(u"method"_s) ? cl.value(u"method"_s).toUpper() : u"GET"_s;
    static const QRegularExpression methodPattern(u"^[A-Z]{1,20}$"_s);
    if (!methodPattern.match(method).hasMatch())
        return cl.usageError(
            u"--method must be an HTTP method such as GET or POST, not %1."_s.arg(quoted(method)));
    request.method = method.toLatin1();
    request.url = QUrl(cl.value(u"url"_s), QUrl::StrictMode);
    if (!request.url.isValid())
        return cl.usageError(u"--url %1 is not a valid URL."_s.arg(quoted(cl.value(u"url"_s))));
    if (Result<QByteArray> uri = oauth1::baseStringUri(request.url); !uri)
        return cl.usageError(u"--url cannot be signed: "_s + uri.error().message());
    for (const QString &param : cl.values(u"param"_s)) {
        const qsizetype eq = param.indexOf(u'=');
        if (eq <= 0)
            return cl.usageError(u"--param must look like name=value, not %1."_s.arg(quoted(param)));
        request.bodyFields.append({param.left(eq).toUtf8(), param.mid(eq + 1).toUtf8()});
    }
    return std::nullopt;
}

// The signature method and what it needs: --consumer-secret or --rsa-key, and the token.
std::optional<int> readCredentials(CommandContext &context, const CommandLine &cl,
                                   oauth1::Credentials &credentials)
{
    const bool hasSecret = cl.isSet(u"consumer-secret"_s);
    const bool hasRsaKey = cl.isSet(u"rsa-key"_s);
    if (hasSecret && hasRsaKey)
        return cl.usageError(u"Give --consumer-secret or --rsa-key, not both."_s);
    credentials.method = hasRsaKey ? oauth1::SignatureMethod::RsaSha1 : oauth1::SignatureMethod::HmacSha1;
    if (cl.isSet(u"signature-method"_s)) {
        Result<oauth1::SignatureMethod> chosen
            = oauth1::signatureMethodFromName(cl.value(u"signature-method"_s));
        if (!chosen)
            return cl.usageError(chosen.error().message() + u" Use HMAC-SHA1, RSA-SHA1 or PLAINTEXT."_s);
        credentials.method = *chosen;
    }
    const bool rsa = credentials.method == oauth1::SignatureMethod::RsaSha1;
    const QString methodName = oauth1::signatureMethodName(credentials.method);
    if (rsa && !hasRsaKey)
        return cl.usageError(u"RSA-SHA1 needs --rsa-key."_s);
    if (!rsa && !hasSecret)
        return cl.usageError(u"%1 needs --consumer-secret."_s.arg(methodName));
    if (cl.isSet(u"token-secret"_s) && !cl.isSet(u"token"_s))
        return cl.usageError(u"--token-secret needs --token."_s);
    if (cl.isSet(u"token"_s) && !cl.isSet(u"token-secret"_s) && !rsa)
        return cl.usageError(u"--token needs --token-secret for %1."_s.arg(methodName));

    credentials.consumerKey = cl.value(u"consumer-key"_s).toUtf8();
    credentials.consumerSecret = cl.value(u"consumer-secret"_s).toUtf8();
    credentials.token = cl.value(u"token"_s).toUtf8();
    credentials.tokenSecret = cl.value(u"token-secret"_s).toUtf8();
    if (!hasRsaKey)
        return std::nullopt;
    Result<QByteArray> data = context.readInput(cl.value(u"rsa-key"_s));
    if (!data)
        return cl.fail(ExitInputError, data.error());
    Result<jose::Jwk> key = KeyInput::parseKey(*data);
    if (!key)
        return cl.fail(ExitInputError, u"The --rsa-key file holds no usable key: "_s + key.error().message());
    if (key->type() != jose::Jwk::Type::Rsa || !key->hasPrivate())
        return cl.fail(ExitInputError,
                       u"RSA-SHA1 needs an RSA private key; the --rsa-key file holds a %1%2 key."_s.arg(
                           key->hasPrivate() ? QString() : u"public "_s, key->typeName()));
    credentials.rsaPrivateKey = *key;
    return std::nullopt;
}

void printSigned(CommandContext &context, const oauth1::SignedRequest &signedRequest,
                 const QByteArray &header, const QString &methodName, bool json)
{
    if (json) {
        QJsonObject parameters;
        for (const auto &[name, value] : signedRequest.oauthParameters)
            parameters.insert(QString::fromUtf8(name), QString::fromUtf8(value));
        context.printJson({
            {u"base_string"_s, QString::fromUtf8(signedRequest.baseString)},
            {u"signature"_s, QString::fromUtf8(signedRequest.signature)},
            {u"signature_method"_s, methodName},
            {u"authorization"_s, QString::fromUtf8(header)},
            {u"oauth_parameters"_s, parameters},
        });
        return;
    }
    context.printLine(u"base string: "_s + QString::fromUtf8(signedRequest.baseString));
    context.printLine(u"signature: "_s + QString::fromUtf8(signedRequest.signature));
    context.printLine(u"authorization: "_s + QString::fromUtf8(header));
}

} // namespace

OAuth1Command::OAuth1Command()
    : CommandGroup(u"oauth1"_s,
                   u"OAuth 1.0a request signing (RFC 5849), as MediaWiki's Extension:OAuth checks it."_s)
{
    addSubcommand(u"sign"_s,
                  u"Sign a request: print the base string, the signature and the Authorization header."_s,
                  &OAuth1Command::sign);
}

int OAuth1Command::sign(CommandContext &context, const QStringList &arguments)
{
    CommandLine cl(context, u"oauth1 sign"_s,
                   u"Signs one request and prints the signature base string, the signature and the\n"
                   "Authorization header value:\n"
                   "  base string: POST&https%3A%2F%2F...\n"
                   "  signature: ...\n"
                   "  authorization: OAuth oauth_consumer_key=\"...\", ..."_s);
    cl.addOption({u"method"_s, u"The HTTP method. Default: GET."_s, u"method"_s});
    cl.addOption({u"url"_s,
                  u"The request URL, with its query (e.g. MediaWiki's "
                  "https://wiki.example/w/index.php?title=Special:OAuth/initiate)."_s,
                  u"url"_s});
    cl.addOption({u"consumer-key"_s, u"The consumer (client application) key."_s, u"key"_s});
    cl.addOption({u"consumer-secret"_s, u"The consumer secret (HMAC-SHA1, PLAINTEXT)."_s, u"secret"_s});
    cl.addOption({u"rsa-key"_s, u"The consumer's RSA private key, PEM or JWK file (RSA-SHA1)."_s, u"file"_s});
    cl.addOption({u"token"_s, u"The request or access token (not for the initiate step)."_s, u"token"_s});
    cl.addOption({u"token-secret"_s, u"The token's secret."_s, u"secret"_s});
    cl.addOption({u"signature-method"_s,
                  u"HMAC-SHA1 (default; RSA-SHA1 with --rsa-key), RSA-SHA1 or PLAINTEXT."_s, u"name"_s});
    cl.addOption({u"nonce"_s, u"oauth_nonce. Default: 16 random bytes, base64url."_s, u"nonce"_s});
    cl.addOption(
        {u"timestamp"_s, u"oauth_timestamp in seconds since the epoch. Default: now."_s, u"seconds"_s});
    cl.addOption({u"param"_s,
                  u"A field of an application/x-www-form-urlencoded request body (POST), signed "
                  "with the request; repeatable. The value is taken literally (not "
                  "percent-decoded). Query parameters belong in --url."_s,
                  u"name=value"_s});
    cl.addOption({u"callback"_s, u"oauth_callback (initiate step; MediaWiki wants \"oob\")."_s, u"url"_s});
    cl.addOption({u"verifier"_s, u"oauth_verifier (token step)."_s, u"verifier"_s});
    cl.addOption({u"realm"_s, u"A realm for the Authorization header (not signed)."_s, u"realm"_s});
    cl.addOption({u"json"_s,
                  u"Print one JSON object: base_string, signature, signature_method, authorization, "
                  "oauth_parameters."_s});
    cl.setNotes(
        u"Secrets given on the command line may be visible to other local users.\n"
        "Example (MediaWiki initiate step):\n"
        "  mwauth oauth1 sign --url 'https://wiki.example/w/index.php?title=Special:OAuth/initiate' \\\n"
        "      --consumer-key KEY --consumer-secret SECRET --callback oob"_s);
    if (auto status = cl.parse(arguments))
        return *status;

    if (!cl.isSet(u"consumer-key"_s))
        return cl.usageError(u"--consumer-key is required."_s);
    oauth1::Request request;
    if (auto status = readRequest(cl, request))
        return *status;
    oauth1::Credentials credentials;
    if (auto status = readCredentials(context, cl, credentials))
        return *status;

    qint64 timestamp = qint64(context.clock().nowSeconds());
    if (!cl.readInteger(u"timestamp"_s, timestamp, 0, qint64(1e11)))
        return ExitUsage;
    const QByteArray nonce
        = cl.isSet(u"nonce"_s) ? cl.value(u"nonce"_s).toUtf8() : context.random().token(16);
    if (nonce.isEmpty())
        return cl.usageError(u"--nonce must not be empty."_s);
    http::FormFields extra;
    if (cl.isSet(u"callback"_s))
        extra.append({"oauth_callback", cl.value(u"callback"_s).toUtf8()});
    if (cl.isSet(u"verifier"_s))
        extra.append({"oauth_verifier", cl.value(u"verifier"_s).toUtf8()});

    Result<oauth1::SignedRequest> signedRequest
        = oauth1::signRequest(request, credentials, nonce, timestamp, extra);
    if (!signedRequest)
        return cl.fail(signedRequest.error().code() == ErrorCode::InvalidInput ? ExitUsage : ExitInputError,
                       signedRequest.error());
    const QByteArray header = cl.isSet(u"realm"_s)
        ? oauth1::AuthorizationHeader::encode(signedRequest->oauthParameters, cl.value(u"realm"_s).toUtf8())
        : signedRequest->authorizationHeader;
    printSigned(context, *signedRequest, header, oauth1::signatureMethodName(credentials.method),
                cl.isSet(u"json"_s));
    return ExitOk;
}

} // namespace mwauth::cli
