#include "GrantList.h"

#include "HtmlPage.h"
#include "provider/clients/Grants.h"

namespace mwauth::provider::pages {

QString grantListHtml(const QStringList &grants)
{
    QString list = QStringLiteral("<ul>\n");
    for (const QString &grant : grants) {
        const QString description = Grants::isKnown(grant) ? Grants::description(grant)
                                                           : QStringLiteral("OpenID Connect: %1").arg(grant);
        list += u"<li>" % htmlEscape(description) % u" (<code>" % htmlEscape(grant) % u"</code>)</li>\n";
    }
    list += QStringLiteral("</ul>");
    return list;
}

} // namespace mwauth::provider::pages
