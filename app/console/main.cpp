#include "MainWindow.h"

#include <QApplication>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("MWAuth Console"));
    QApplication::setOrganizationDomain(QStringLiteral("mwauth.org"));
    QApplication::setApplicationVersion(QStringLiteral(MWAUTH_VERSION));
    mwauth::ui::MainWindow window;
    window.show();
    return QApplication::exec();
}
