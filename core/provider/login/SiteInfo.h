#pragma once

#include "provider/server/ProviderRequest.h"

#include <QJsonArray>
#include <QJsonObject>

namespace mwauth::provider {

// api.php?action=query&meta=siteinfo, as much of it as a client needs to find its way around
// the local provider: `siprop=general` (the default: main page, server, script paths, wiki id,
// generator, time) and `siprop=extensions` (OAuth, OATHAuth and WebAuthn, as a real wiki with
// those extensions lists them, which is how a client tells that a wiki speaks OAuth). Member
// names as MediaWiki 1.39's ApiQuerySiteinfo; the generator says "MediaWiki 1.39.17" because
// the provider follows that release, and `x-mwauth-provider` says what it really is.
namespace siteinfo {

// The properties this provider can answer (the others are "badvalue" errors).
QStringList knownProperties();
QJsonObject general(const HttpRequest &request, const QString &wikiId, double now);
QJsonArray extensions();

} // namespace siteinfo

} // namespace mwauth::provider
