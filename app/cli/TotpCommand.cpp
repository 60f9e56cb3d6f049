#include "TotpCommand.h"

#include "CommandLine.h"

#include "otp/Base32.h"
#include "otp/Otp.h"
#include "otp/OtpAuthUri.h"

using namespace Qt::StringLiterals;

namespace mwauth::cli {

TotpCommand::TotpCommand()
    : CommandGroup(u"totp"_s,
                   u"Time-based one-time passwords (RFC 6238), as OATHAuth and authenticator apps use."_s)
{
    addSubcommand(u"code"_s, u"Print the TOTP code for a secret at a moment (default: now)."_s,
                  &TotpCommand::code);
}

int TotpCommand::code(CommandContext &context, const QStringList &arguments)
{
    CommandLine cl(context, u"totp code"_s,
                   u"Prints the TOTP code for a base32 secret (or an otpauth:// URI) at a moment.\n"
                   "Options given explicitly override the URI's parameters."_s);
    cl.addOption(
        {u"secret"_s, u"The shared secret in base32 (case, spaces and '=' padding ignored)."_s, u"base32"_s});
    cl.addOption(
        {u"uri"_s, u"An otpauth://totp/... key URI (as in the QR code) instead of --secret."_s, u"uri"_s});
    cl.addOption({u"time"_s, u"The moment, in seconds since the epoch (fractions allowed). Default: now."_s,
                  u"unixtime"_s});
    cl.addOption({u"digits"_s, u"Code length, 6 to 8. Default: 6 (or the URI's)."_s, u"n"_s});
    cl.addOption({u"period"_s, u"Time step in seconds. Default: 30 (or the URI's)."_s, u"seconds"_s});
    cl.addOption({u"algorithm"_s, u"HMAC hash: SHA1 (default), SHA256 or SHA512."_s, u"hash"_s});
    cl.setNotes(u"Example (RFC 6238 appendix B):\n"
                "  mwauth totp code --secret GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ --digits 8 --time 59\n"
                "  94287082"_s);
    if (auto status = cl.parse(arguments))
        return *status;

    if (cl.isSet(u"secret"_s) == cl.isSet(u"uri"_s))
        return cl.usageError(u"Give exactly one of --secret and --uri."_s);

    otp::TotpParameters params;
    if (cl.isSet(u"uri"_s)) {
        Result<otp::OtpAuthUri> uri = otp::OtpAuthUri::parse(cl.value(u"uri"_s));
        if (!uri)
            return cl.fail(ExitInputError, u"The --uri cannot be used: "_s + uri.error().message());
        if (uri->type != otp::OtpAuthUri::Type::Totp)
            return cl.fail(ExitInputError,
                           u"The --uri is for HOTP (counter-based) codes; this command makes TOTP codes."_s);
        params = uri->parameters;
    } else {
        Result<QByteArray> secret = otp::Base32::decode(cl.value(u"secret"_s).toUtf8());
        if (!secret)
            return cl.fail(ExitInputError,
                           u"The --secret is not valid base32: "_s + secret.error().message());
        if (secret->isEmpty())
            return cl.fail(ExitInputError, u"The --secret is empty."_s);
        params.secret = *secret;
    }

    double time = context.clock().nowSeconds();
    if (!cl.readNumber(u"time"_s, time, 0, 1e12) || !cl.readInteger(u"digits"_s, params.digits, 6, 8)
        || !cl.readInteger(u"period"_s, params.period, 1, 86400 * 365))
        return ExitUsage;
    if (cl.isSet(u"algorithm"_s)) {
        Result<otp::HashAlgorithm> alg = otp::hashAlgorithmFromName(cl.value(u"algorithm"_s));
        if (!alg)
            return cl.usageError(alg.error().message() + u" Use SHA1, SHA256 or SHA512."_s);
        params.algorithm = *alg;
    }

    Result<QString> code = otp::totp(params, time);
    if (!code)
        return cl.fail(ExitInputError, code.error());
    context.printLine(*code);
    return ExitOk;
}

} // namespace mwauth::cli
