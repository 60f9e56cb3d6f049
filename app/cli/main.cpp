// mwauth: the command-line face of MWAuth Console. main() wires the real streams, clock
// and random source, and hands the arguments to the command groups.

#include "CommandContext.h"
#include "JwkCommand.h"
#include "JwtCommand.h"
#include "LoginCommand.h"
#include "OAuth1Command.h"
#include "PkceCommand.h"
#include "ProfileCommand.h"
#include "ProviderCommand.h"
#include "RootCommand.h"
#include "TotpCommand.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("mwauth"));
    QCoreApplication::setApplicationVersion(QStringLiteral(MWAUTH_VERSION));

    mwauth::SystemClock clock;
    mwauth::SystemRandom random;
    mwauth::cli::CommandContext context(clock, random);

    mwauth::cli::RootCommand root;
    root.addGroup(std::make_unique<mwauth::cli::JwtCommand>());
    root.addGroup(std::make_unique<mwauth::cli::JwkCommand>());
    root.addGroup(std::make_unique<mwauth::cli::TotpCommand>());
    root.addGroup(std::make_unique<mwauth::cli::OAuth1Command>());
    root.addGroup(std::make_unique<mwauth::cli::PkceCommand>());
    root.addGroup(std::make_unique<mwauth::cli::ProfileCommand>());
    root.addGroup(std::make_unique<mwauth::cli::SecretsCommand>());
    root.addGroup(std::make_unique<mwauth::cli::LoginCommand>());
    // `provider serve` runs QCoreApplication::exec() itself, from inside run().
    root.addGroup(std::make_unique<mwauth::cli::ProviderCommand>());
    return root.run(context, QCoreApplication::arguments().mid(1));
}
