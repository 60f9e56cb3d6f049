#include "PkceCommand.h"

#include "CommandLine.h"

#include "oauth2/Pkce.h"

#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace mwauth::cli {

PkceCommand::PkceCommand()
    : CommandGroup(u"pkce"_s, u"Make a PKCE code verifier and its challenge (RFC 7636)."_s)
{ }

int PkceCommand::run(CommandContext &context, const QStringList &arguments)
{
    CommandLine cl(context, u"pkce"_s,
                   u"Prints a PKCE code verifier and its code challenge:\n"
                   "  verifier: ...\n"
                   "  challenge: ...\n"
                   "  method: S256\n"
                   "Without --verifier a new one is made from 32 random bytes (43 characters)."_s);
    cl.addOption(
        {u"verifier"_s, u"Use this verifier: 43 to 128 characters of A-Z a-z 0-9 - . _ ~."_s, u"verifier"_s});
    cl.addOption({u"method"_s, u"The challenge method: S256 (default) or plain."_s, u"method"_s});
    cl.addOption({u"json"_s, u"Print {\"code_verifier\", \"code_challenge\", \"code_challenge_method\"}."_s});
    if (auto status = cl.parse(arguments))
        return *status;

    oauth2::PkceMethod method = oauth2::PkceMethod::S256;
    if (cl.isSet(u"method"_s)) {
        Result<oauth2::PkceMethod> chosen = oauth2::pkceMethodFromName(cl.value(u"method"_s));
        if (!chosen)
            return cl.usageError(chosen.error().message() + u" Use S256 or plain."_s);
        method = *chosen;
    }

    const Result<oauth2::Pkce> pkce = cl.isSet(u"verifier"_s)
        ? oauth2::Pkce::fromVerifier(cl.value(u"verifier"_s).toUtf8(), method)
        : Result<oauth2::Pkce>(oauth2::Pkce::generate(context.random(), method));
    if (!pkce)
        return cl.usageError(u"--verifier cannot be used: "_s + pkce.error().message());

    const QString verifier = QString::fromLatin1(pkce->verifier());
    const QString challenge = QString::fromLatin1(pkce->challenge());
    const QString methodName = oauth2::pkceMethodName(pkce->method());
    if (cl.isSet(u"json"_s)) {
        context.printJson({{u"code_verifier"_s, verifier},
                           {u"code_challenge"_s, challenge},
                           {u"code_challenge_method"_s, methodName}});
        return ExitOk;
    }
    context.printLine(u"verifier: "_s + verifier);
    context.printLine(u"challenge: "_s + challenge);
    context.printLine(u"method: "_s + methodName);
    return ExitOk;
}

} // namespace mwauth::cli
