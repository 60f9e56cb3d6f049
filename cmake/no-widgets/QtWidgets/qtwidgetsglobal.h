// Placed first on mwauth-core's include path: every QtWidgets header includes
// <QtWidgets/qtwidgetsglobal.h>, so any Widgets include in core/ stops here.
#error "mwauth-core must not use Qt Widgets: put widget code in ui/ (see DESIGN.md section 2)"
