#include "JwtCommand.h"

#include "CommandLine.h"
#include "KeyInput.h"

#include "jose/Jwt.h"

#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace mwauth::cli {

namespace {

constexpr int defaultTimeoutSeconds = 15;

// The token from the argument, or from standard input for "-"; surrounding whitespace
// (a trailing newline from `echo`, a pasted line) is dropped.
Result<QByteArray> readToken(CommandContext &context, const QString &argument)
{
    QByteArray token;
    if (argument == u"-") {
        Result<QByteArray> input = context.readInput(argument);
        if (!input)
            return input.error();
        token = input->trimmed();
    } else {
        token = argument.trimmed().toUtf8();
    }
    if (token.isEmpty())
        return fail(ErrorCode::MalformedToken, u"The token is empty."_s);
    return token;
}

// A short, stable word for each way a verification fails, put before the core's sentence
// so scripts can match it: "invalid: expired: The token expired at ...".
QString reasonFor(ErrorCode code)
{
    switch (code) {
    case ErrorCode::BadSignature:
        return u"bad signature"_s;
    case ErrorCode::Expired:
        return u"expired"_s;
    case ErrorCode::NotYetValid:
        return u"not yet valid"_s;
    case ErrorCode::IssuedInFuture:
        return u"issued in the future"_s;
    case ErrorCode::WrongIssuer:
        return u"wrong issuer"_s;
    case ErrorCode::WrongAudience:
        return u"wrong audience"_s;
    case ErrorCode::WrongNonce:
        return u"wrong nonce"_s;
    case ErrorCode::MissingClaim:
        return u"missing claim"_s;
    case ErrorCode::NoMatchingKey:
        return u"no matching key"_s;
    case ErrorCode::UnsupportedAlgorithm:
        return u"unsupported algorithm"_s;
    case ErrorCode::AlgorithmKeyMismatch:
        return u"algorithm does not fit the key"_s;
    case ErrorCode::WeakKey:
        return u"weak key"_s;
    case ErrorCode::MalformedToken:
    case ErrorCode::MalformedBase64:
    case ErrorCode::MalformedJson:
        return u"malformed token"_s;
    default:
        return u"not verified"_s;
    }
}

// Runs the validator with the key(s) named by --secret, --key or --jwks. An error means the
// keys could not be loaded (an input error); a verdict, valid or not, is the answer.
Result<jose::JwtVerdict> validateWithChosenKey(CommandContext &context, const CommandLine &cl,
                                               const jose::JwtValidator &validator, const QByteArray &token,
                                               int timeoutMs)
{
    if (cl.isSet(u"secret"_s))
        return validator.validate(token, jose::Jwk::fromSecret(cl.value(u"secret"_s).toUtf8()));
    if (cl.isSet(u"key"_s)) {
        Result<QByteArray> data = context.readInput(cl.value(u"key"_s));
        if (!data)
            return data.error();
        Result<jose::Jwk> key = KeyInput::parseKey(*data);
        if (!key)
            return key.error().prefixed(u"The --key file holds no usable key"_s);
        return validator.validate(token, *key);
    }
    Result<jose::Jwks> keys = KeyInput::loadKeySet(context, cl.value(u"jwks"_s), timeoutMs);
    if (!keys)
        return keys.error();
    for (const QString &skipped : keys->skipped())
        cl.warn(u"a key in the JWKS was skipped: "_s + skipped);
    if (keys->isEmpty())
        return fail(ErrorCode::NoMatchingKey, u"The JWKS has no key this program can use."_s);
    return validator.validate(token, *keys);
}

} // namespace

JwtCommand::JwtCommand()
    : CommandGroup(u"jwt"_s, u"Decode and verify JSON Web Tokens (RFC 7519)."_s)
{
    addSubcommand(u"decode"_s, u"Show a token's header and payload, without checking it."_s,
                  &JwtCommand::decode);
    addSubcommand(u"verify"_s, u"Check a token's signature and claims."_s, &JwtCommand::verify);
}

int JwtCommand::decode(CommandContext &context, const QStringList &arguments)
{
    CommandLine cl(context, u"jwt decode"_s,
                   u"Prints the token's header and payload as {\"header\": ..., \"payload\": ...}.\n"
                   "The signature is NOT checked (use 'mwauth jwt verify' for that), but the token\n"
                   "must be well-formed: three base64url parts, a JSON header with a supported\n"
                   "\"alg\" (never \"none\") and a JSON object as payload."_s);
    cl.addPositional(u"token"_s, u"The compact JWT, or - to read it from standard input."_s);
    if (auto status = cl.parse(arguments, 1, 1))
        return *status;

    Result<QByteArray> token = readToken(context, cl.positional().first());
    if (!token)
        return cl.fail(ExitInputError, token.error());
    Result<jose::Jwt> jwt = jose::Jwt::decode(*token);
    if (!jwt)
        return cl.fail(ExitInputError, u"Not a well-formed JWT: "_s + jwt.error().message());

    context.printJson(QJsonObject {{u"header"_s, jwt->header()}, {u"payload"_s, jwt->claims()}});
    return ExitOk;
}

int JwtCommand::verify(CommandContext &context, const QStringList &arguments)
{
    CommandLine cl(context, u"jwt verify"_s,
                   u"Checks a token's signature with the given key(s), then its claims: exp, nbf\n"
                   "and iat (with leeway), and iss, aud and nonce when asked.\n"
                   "Valid: prints \"valid\" and the claims as JSON, exit 0.\n"
                   "Not valid: prints \"invalid: <reason>: <explanation>\", exit 1. Reasons: bad\n"
                   "signature, expired, not yet valid, issued in the future, wrong issuer, wrong\n"
                   "audience, wrong nonce, missing claim, no matching key, unsupported algorithm,\n"
                   "algorithm does not fit the key, weak key, malformed token."_s);
    cl.addPositional(u"token"_s, u"The compact JWT, or - to read it from standard input."_s);
    cl.addOption({u"jwks"_s,
                  u"Verify with a JWK Set (or a single JWK) from a file, - for standard input, "
                  "or an http(s) URL."_s,
                  u"file|url"_s});
    cl.addOption(
        {u"key"_s, u"Verify with one key: a PEM file (public or private) or a JWK file."_s, u"file"_s});
    cl.addOption({u"secret"_s,
                  u"Verify an HS256/384/512 token with this shared secret (its UTF-8 bytes). "
                  "Note: other local users may see command lines."_s,
                  u"text"_s});
    cl.addOption({u"iss"_s, u"Require this issuer."_s, u"issuer"_s});
    cl.addOption({u"aud"_s, u"Require this audience (one of the token's aud values)."_s, u"audience"_s});
    cl.addOption({u"nonce"_s, u"Require this nonce (OpenID Connect)."_s, u"nonce"_s});
    cl.addOption({u"at"_s,
                  u"Check the times as of this moment, in seconds since the epoch (fractions "
                  "allowed). Default: now."_s,
                  u"unixtime"_s});
    cl.addOption(
        {u"leeway"_s, u"Clock skew allowed for exp, nbf and iat, in seconds. Default: 60."_s, u"seconds"_s});
    cl.addOption({u"allow-missing-exp"_s, u"Accept a token without an \"exp\" claim."_s});
    cl.addOption(
        {u"timeout"_s, u"Time limit for fetching a --jwks URL, in seconds. Default: 15."_s, u"seconds"_s});
    cl.setNotes(u"Exactly one of --jwks, --key and --secret is required.\n"
                "A --jwks URL is fetched with GET (at most 1 MiB, redirects not downgrading to http).\n\n"
                "Example:\n"
                "  mwauth jwt verify --jwks https://wiki.example/w/rest.php/oauth2/jwks \\\n"
                "      --aud 795286f8ceb97b56d913f0e6e27d6dea \"$TOKEN\""_s);
    if (auto status = cl.parse(arguments, 1, 1))
        return *status;

    const int keyOptions = int(cl.isSet(u"jwks"_s)) + int(cl.isSet(u"key"_s)) + int(cl.isSet(u"secret"_s));
    if (keyOptions == 0)
        return cl.usageError(u"Say which key verifies the token: --jwks, --key or --secret."_s);
    if (keyOptions > 1)
        return cl.usageError(u"Give only one of --jwks, --key and --secret."_s);

    const QString tokenArgument = cl.positional().first();
    const QString keySource = cl.isSet(u"jwks"_s) ? cl.value(u"jwks"_s) : cl.value(u"key"_s);
    if (tokenArgument == u"-" && keySource == u"-" && !cl.isSet(u"secret"_s))
        return cl.usageError(u"The token and the key cannot both come from standard input."_s);

    double at = context.clock().nowSeconds();
    double leeway = 60;
    double timeout = defaultTimeoutSeconds;
    if (!cl.readNumber(u"at"_s, at, 0, 1e11) || !cl.readNumber(u"leeway"_s, leeway, 0, 1e9)
        || !cl.readNumber(u"timeout"_s, timeout, 0.1, 3600))
        return ExitUsage;

    Result<QByteArray> token = readToken(context, tokenArgument);
    if (!token)
        return cl.fail(ExitInputError, token.error());

    jose::JwtValidator validator;
    validator.setNow(at);
    validator.setLeeway(leeway);
    validator.setRequireExpiry(!cl.isSet(u"allow-missing-exp"_s));
    if (cl.isSet(u"iss"_s))
        validator.setIssuer(cl.value(u"iss"_s));
    if (cl.isSet(u"aud"_s))
        validator.setAudience(cl.value(u"aud"_s));
    if (cl.isSet(u"nonce"_s))
        validator.setNonce(cl.value(u"nonce"_s));

    Result<jose::JwtVerdict> verdict
        = validateWithChosenKey(context, cl, validator, *token, int(timeout * 1000));
    if (!verdict)
        return cl.fail(ExitInputError, verdict.error());
    if (!verdict->valid) {
        context.printLine(u"invalid: "_s + reasonFor(verdict->error.code()) + u": "_s
                          + CommandContext::printable(verdict->error.message(), 1000));
        return ExitInvalid;
    }
    Result<jose::Jwt> jwt = jose::Jwt::decode(*token);
    if (!jwt) // cannot happen after a valid verdict; stay safe anyway
        return cl.fail(ExitInputError, jwt.error());
    context.printLine(u"valid"_s);
    context.printJson(jwt->claims());
    return ExitOk;
}

} // namespace mwauth::cli
