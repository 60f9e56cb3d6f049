#pragma once

#include <QString>
#include <QStringList>

namespace mwauth::provider::pages {

// The list of permissions a consent page asks for (Special:OAuth/approve for OAuth 2,
// Special:OAuth/authorize for OAuth 1.0a): a <ul> with each grant's English description and
// its name; a name that is not a grant (an OpenID Connect scope) as "OpenID Connect: <name>".
// Everything escaped.
QString grantListHtml(const QStringList &grants);

} // namespace mwauth::provider::pages
