#include "BrowserLauncher.h"

#include <QProcess>

namespace mwauth::flows {

Result<void> SystemBrowserLauncher::open(const QUrl &url)
{
    if (!url.isValid() || (url.scheme() != u"https" && url.scheme() != u"http"))
        return fail(ErrorCode::MalformedUrl, QStringLiteral("Only http(s) URLs are opened in the browser."));
    if (!QProcess::startDetached(m_program, {url.toString(QUrl::FullyEncoded)}))
        return fail(ErrorCode::Io,
                    QStringLiteral("The browser could not be started with '%1'; open the URL by hand "
                                   "(--no-browser prints it).")
                        .arg(m_program));
    return {};
}

} // namespace mwauth::flows
