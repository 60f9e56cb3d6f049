#pragma once

#include "provider/server/ProviderRequest.h"

#include <QString>
#include <QUrl>

namespace mwauth::provider::pages {

// What the pages read from an index.php request and the URLs they write into it.

// A parameter as MediaWiki's WebRequest sees it: the POSTed value if the body has the field,
// else the query string's; decoded as UTF-8; empty if absent.
QString requestParam(const IndexRequest &request, QByteArrayView name);
bool hasRequestParam(const IndexRequest &request, QByteArrayView name);

// A page title in URL form: spaces as underscores, percent-encoded except ":" "/" and a few
// characters MediaWiki also leaves as they are.
QString encodedTitle(const QString &title);

// "<script>/index.php?title=<title>[&<query>]", relative to the server (for forms and links).
// `query` must already be encoded.
QString indexPath(const IndexRequest &request, const QString &title, const QString &query = {});
// The same as an absolute URL on the request's base URL (for Location headers).
QUrl indexUrl(const IndexRequest &request, const QString &title, const QString &query = {});

} // namespace mwauth::provider::pages
