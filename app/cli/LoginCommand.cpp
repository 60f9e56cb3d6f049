#include "LoginCommand.h"

#include "CommandLine.h"

#include "common/Logging.h"
#include "flows/ClientLoginFlow.h"
#include "otp/Base32.h"
#include "otp/VirtualAuthenticator.h"
#include "trace/HarWriter.h"
#include "trace/Trace.h"

#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace mwauth::cli {

namespace {

enum : int { ExitLoginFailed = 1 };

// Answers the flow's questions on the terminal. Returns false when the input ended.
bool answer(CommandContext &context, flows::Flow &flow, const flows::InputRequest &request, bool interactive,
            QString &problem)
{
    using Kind = flows::InputRequest::Kind;
    if (!interactive) {
        problem = u"the wiki asks for \"%1\"; give it with an option or use --prompt"_s.arg(request.label);
        return false;
    }
    if (!request.help.isEmpty())
        context.printErrorText(request.help.trimmed() + u'\n');
    QString prompt = request.label;
    switch (request.kind) {
    case Kind::ModuleChoice:
        for (const auto &choice : request.choices)
            context.printErrorText(
                u"  %1  %2\n"_s.arg(choice.value.isEmpty() ? u"(empty)"_s : choice.value, choice.label));
        break;
    case Kind::WebAuthnAssertion:
        context.printErrorText(u"auth_info: "_s + request.data.value(u"auth_info"_s).toString()
                               + u"\norigin: "_s + request.data.value(u"origin"_s).toString()
                               + u"\nPaste the assertion (credential JSON) on one line.\n"_s);
        break;
    case Kind::OpenBrowser:
        context.printErrorText(u"Open this address in a browser:\n  "_s + request.url.toString()
                               + u"\nthen paste the address the browser returned to.\n"_s);
        break;
    default:
        break;
    }
    const bool hidden = request.kind == Kind::Secret || request.kind == Kind::TotpCode
        || request.kind == Kind::RecoveryCode;
    const std::optional<QString> line = context.promptLine(prompt + u": "_s, hidden);
    if (!line) {
        problem = u"the input ended while the wiki asked for \"%1\""_s.arg(request.label);
        return false;
    }
    const Result<void> given = flow.provideInput({request.id, *line});
    if (!given) {
        problem = given.error().message();
        return false;
    }
    return true;
}

} // namespace

LoginCommand::LoginCommand()
    : CommandGroup(u"login"_s, u"Log in to a MediaWiki with action=clientlogin (2FA included)."_s)
{ }

int LoginCommand::run(CommandContext &context, const QStringList &arguments)
{
    CommandLine cl(context, u"login"_s,
                   u"Runs MediaWiki's clientlogin against --api and prints the outcome: the user name, the\n"
                   "security level and, when the wiki gives it, until when it stays elevated. What the wiki\n"
                   "asks for (a password, a TOTP code, a recovery code, a WebAuthn assertion, a field of an\n"
                   "unknown module) is asked on the terminal with --prompt (secrets without echo)."_s);
    cl.addOption({u"api"_s, u"The wiki's api.php URL."_s, u"url"_s});
    cl.addOption({u"user"_s, u"The user name."_s, u"name"_s});
    cl.addOption({u"password-stdin"_s, u"Read the password from the first line of standard input."_s});
    cl.addOption(
        {u"totp-secret"_s, u"The TOTP seed (base32): codes are computed, not asked."_s, u"base32"_s});
    cl.addOption({u"prompt"_s, u"Ask on the terminal for everything the wiki asks."_s});
    cl.addOption({u"module"_s, u"Switch to this two-factor module (totp, webauthn, recoverycodes, ...)."_s,
                  u"module"_s});
    cl.addOption(
        {u"webauthn-credential"_s,
         u"A virtual authenticator JSON file (with its private key) answering WebAuthn; its counter\n"
         "is written back after use."_s,
         u"file"_s});
    cl.addOption({u"reauth"_s,
                  u"After logging in, reauthenticate the same session (as before a\n"
                  "security-sensitive operation) and report that level."_s});
    cl.addOption({u"trace"_s, u"Write every exchange as HAR 1.2 (secrets redacted)."_s, u"file.har"_s});
    cl.addOption({u"timeout"_s, u"Seconds each step may take (default 60)."_s, u"seconds"_s});
    cl.setNotes(u"Exit status: 0 logged in; 1 the login failed (the reason on standard error); 2 usage.\n"_s);
    if (auto status = cl.parse(arguments))
        return *status;

    const QUrl api(cl.value(u"api"_s), QUrl::StrictMode);
    if (!cl.isSet(u"api"_s))
        return cl.usageError(u"--api is required"_s);
    if (!api.isValid() || (api.scheme() != u"http" && api.scheme() != u"https") || api.host().isEmpty())
        return cl.usageError(u"--api must be an http(s) URL, not %1"_s.arg(quoted(cl.value(u"api"_s))));
    if (!cl.isSet(u"user"_s) || cl.value(u"user"_s).trimmed().isEmpty())
        return cl.usageError(u"--user is required"_s);
    if (cl.isSet(u"totp-secret"_s) && cl.isSet(u"prompt"_s))
        return cl.usageError(u"--totp-secret and --prompt cannot be used together"_s);
    int timeout = 60;
    if (!cl.readInteger(u"timeout"_s, timeout, 1, 3600))
        return ExitUsage;

    flows::ClientLoginOptions options;
    options.apiUrl = api;
    options.username = cl.value(u"user"_s).trimmed();
    options.module = cl.value(u"module"_s);
    const bool interactive = cl.isSet(u"prompt"_s);
    if (cl.isSet(u"totp-secret"_s)) {
        const QByteArray seed = cl.value(u"totp-secret"_s).toLatin1();
        if (!otp::Base32::decode(seed))
            return cl.usageError(u"--totp-secret is not base32"_s);
        options.totpSecret = seed;
    }
    const QString credentialPath = cl.value(u"webauthn-credential"_s);
    if (!credentialPath.isEmpty()) {
        Result<QByteArray> json = context.readInput(credentialPath);
        if (!json)
            return cl.usageError(json.error().message());
        if (const auto key = otp::VirtualAuthenticator::fromJson(*json); !key)
            return cl.usageError(u"--webauthn-credential: "_s + key.error().message());
        options.webAuthnCredential = *json;
    }
    if (cl.isSet(u"password-stdin"_s)) {
        const std::optional<QString> password = context.promptLine({});
        if (!password || password->isEmpty())
            return cl.usageError(u"--password-stdin: standard input has no password line"_s);
        options.password = *password;
    } else if (!interactive) {
        return cl.usageError(u"give the password with --password-stdin or use --prompt"_s);
    }

    trace::Trace trace;
    http::HttpClient client(&context.network(), &trace);
    client.setDefaultTimeoutMs(timeout * 1000);
    QString problem;
    auto runFlow = [&](const flows::ClientLoginOptions &flowOptions) -> flows::FlowResult {
        flows::ClientLoginFlow flow(&client, flowOptions, context.clock());
        flow.setStepTimeoutMs(timeout * 1000);
        QEventLoop loop;
        flows::FlowResult result;
        QObject::connect(&flow, &flows::Flow::stepChanged, &loop,
                         [&](const QString &step) { qCDebug(log::cli) << "step" << step; });
        QObject::connect(&flow, &flows::Flow::needsInput, &loop, [&](const flows::InputRequest &request) {
            // Read from the event loop's turn, not from inside the flow's call.
            QTimer::singleShot(0, &loop, [&, request] {
                if (!answer(context, flow, request, interactive, problem))
                    flow.cancel();
            });
        });
        QObject::connect(&flow, &flows::Flow::finished, &loop, [&](const flows::FlowResult &r) {
            result = r;
            loop.quit();
        });
        flow.start();
        loop.exec();
        if (!flow.updatedWebAuthnCredential().isEmpty() && !credentialPath.isEmpty()
            && credentialPath != u"-") {
            QSaveFile file(credentialPath);
            if (file.open(QIODevice::WriteOnly)) {
                file.write(flow.updatedWebAuthnCredential());
                if (!file.commit())
                    cl.warn(
                        u"the authenticator's new counter could not be written to %1"_s.arg(credentialPath));
            }
        }
        return result;
    };

    flows::FlowResult result = runFlow(options);
    if (result.ok() && cl.isSet(u"reauth"_s)) {
        flows::ClientLoginOptions again = options;
        again.reauthenticate = true;
        again.recoveryCode.clear();
        result = runFlow(again);
    }

    if (cl.isSet(u"trace"_s)) {
        if (const Result<void> written = trace::HarWriter::write(trace, cl.value(u"trace"_s)); !written)
            cl.warn(written.error().message());
    }
    if (!result.ok()) {
        Error error = result.error();
        if (!problem.isEmpty())
            error = Error(error.code(), problem);
        QString message = u"login failed: "_s;
        if (error.message().startsWith(u"login failed: "_s))
            message.clear();
        message += error.message();
        if (!error.detail().isEmpty())
            message += u" ("_s + error.detail() + u')';
        return cl.fail(ExitLoginFailed, message);
    }
    const QVariantMap &values = result->values;
    context.printLine(result->summary);
    context.printLine(u"user: "_s + values.value(u"username"_s).toString());
    if (values.contains(u"module"_s))
        context.printLine(u"second factor: "_s + values.value(u"module"_s).toString());
    if (values.contains(u"securitysensitiveoperationstatus"_s))
        context.printLine(u"security level: "_s
                          + values.value(u"securitysensitiveoperationstatus"_s).toString());
    if (values.contains(u"elevatedSecurityExpiry"_s))
        context.printLine(
            u"elevated until: "_s
            + values.value(u"elevatedSecurityExpiry"_s).toDateTime().toUTC().toString(Qt::ISODate));
    return ExitOk;
}

} // namespace mwauth::cli
