#include "MainWindow.h"

namespace mwauth::ui {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    setWindowTitle(tr("MWAuth Console"));
}

} // namespace mwauth::ui
