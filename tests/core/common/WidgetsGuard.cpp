// Compiled only by the core_rejects_widgets test, which expects this to fail to build.
#include <QtWidgets/QWidget>

int guardedWidgetsUse()
{
    return sizeof(QWidget);
}
