#pragma once

#include "common/Result.h"

#include <QString>
#include <QUrl>

namespace mwauth::flows {

// Opens an authorization URL in a browser (DESIGN.md section 2: a seam, no QDesktopServices in
// core). The system browser in the apps; a scripted browser in tests that follows the
// redirects over HTTP and submits the login and consent forms.
//
// open() only starts the browser: the flow learns the outcome from the loopback listener
// (or the user pasting the callback), never from the launcher.
class BrowserLauncher
{
public:
    virtual ~BrowserLauncher() = default;
    virtual Result<void> open(const QUrl &url) = 0;
};

// The desktop's browser through an opener program (xdg-open on Linux), started detached.
// Io when the program cannot be started.
class SystemBrowserLauncher final : public BrowserLauncher
{
public:
    explicit SystemBrowserLauncher(QString program = QStringLiteral("xdg-open"))
        : m_program(std::move(program))
    { }
    Result<void> open(const QUrl &url) override;

private:
    QString m_program;
};

} // namespace mwauth::flows
