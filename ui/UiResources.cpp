#include "UiResources.h"

#include <mutex>

// Q_INIT_RESOURCE must be used outside any namespace.
static void registerMwauthResources()
{
    Q_INIT_RESOURCE(mwauth);
}

namespace mwauth::ui {

void initResources()
{
    static std::once_flag once;
    std::call_once(once, registerMwauthResources);
}

QIcon icon(const QString &name)
{
    initResources();
    return QIcon(QStringLiteral(":/icons/") + name + QStringLiteral(".svg"));
}

} // namespace mwauth::ui
