#pragma once

#include <QIcon>
#include <QString>

namespace mwauth::ui {

// Registers the compiled-in resources (icons from resources/mwauth.qrc). mwauth-ui is a
// static library, so the resource object is only linked when something references it:
// this function is that reference. Safe to call more than once.
void initResources();

// An icon from :/icons/<name>.svg (initResources() is called first). SVG icons need the
// Qt SVG icon engine plugin at run time (Debian: libqt6svg6).
QIcon icon(const QString &name);

} // namespace mwauth::ui
