// mwauth-console: the desktop console. main() only sets up the application (names for
// QSettings, version, command line) and shows the main window.

#include "MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>

#include <cstring>

namespace {

void describeApplication()
{
    QCoreApplication::setOrganizationName(QStringLiteral("MWAuth"));
    QCoreApplication::setOrganizationDomain(QStringLiteral("mwauth.org"));
    QCoreApplication::setApplicationName(QStringLiteral("mwauth-console"));
    QCoreApplication::setApplicationVersion(QStringLiteral(MWAUTH_VERSION));
}

void setUpParser(QCommandLineParser &parser)
{
    parser.setApplicationDescription(
        QCoreApplication::translate("main",
                                    "MWAuth Console: a desktop console for MediaWiki's authentication stack "
                                    "(OAuth 1.0a and 2.0, OpenID Connect, 2FA, clientlogin)."));
    parser.addHelpOption();
    parser.addVersionOption();
}

// --help and --version must work without a display (packaging checks, CI): answer them
// with a QCoreApplication before any GUI platform is loaded.
bool onlyWantsText(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        for (const char *option : {"-h", "--help", "-?", "--help-all", "-v", "--version"}) {
            if (std::strcmp(argv[i], option) == 0)
                return true;
        }
    }
    return false;
}

} // namespace

int main(int argc, char *argv[])
{
    if (onlyWantsText(argc, argv)) {
        QCoreApplication app(argc, argv);
        describeApplication();
        QCommandLineParser parser;
        setUpParser(parser);
        parser.process(app); // prints and exits
        return 0;
    }

    QApplication app(argc, argv);
    describeApplication();
    QGuiApplication::setDesktopFileName(QStringLiteral("org.mwauth.Console"));
    QCommandLineParser parser;
    setUpParser(parser);
    parser.process(app);

    mwauth::ui::MainWindow window;
    window.show();
    window.startLocalProviderIfWanted();
    return QApplication::exec();
}
