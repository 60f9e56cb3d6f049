#pragma once

#include "provider/server/ProviderRequest.h"

#include <QList>
#include <QString>
#include <QUrl>
#include <optional>

namespace mwauth::provider::pages {

// Where Special:UserLogin sends the browser after a login: MediaWiki's `returnto` (a page
// title) and `returntoquery` (a query string for that page). Only a page of this wiki can be
// a target: the title is put into "<script>/index.php?title=..." and never used as a URL,
// and anything that does not look like a title is dropped, so that a crafted link cannot
// send a freshly logged-in user elsewhere (open redirect) or split the Location header.
//
// A title is refused when it is empty or over 255 characters, holds a control character
// (CR/LF included), one of # < > [ ] | { } \ % (MediaWiki's illegal title characters plus
// the percent and the backslash), "//", starts with "/", or starts with a URL scheme
// ("javascript:", "data:", "http:", ...). A refused title means the main page.
// `returntoquery` is split into name=value pairs, decoded and encoded again (control
// characters refused, a "title" pair dropped).
struct ReturnTo
{
    static const QString MainPage; // "Main Page"

    QString title; // empty: none was given, or it was refused
    QString query; // encoded, without "?"; only with a title

    // The checked returnto/returntoquery of a request (POST body first, then query string).
    static ReturnTo fromRequest(const IndexRequest &request);
    static bool isSafeTitle(const QString &title);
    // The re-encoded query; empty when refused.
    static QString safeQuery(const QString &query);
    // The name=value pairs of a query string decoded as PHP decodes them ('+' is a space),
    // in order, leaving out pairs with an empty name; nullopt when a decoded name or value
    // holds a control character (C0, C1, DEL, U+2028, U+2029).
    static std::optional<QList<std::pair<QString, QString>>> decodeQuery(const QString &query);

    // The absolute URL to go to: the title's page, or the main page.
    QUrl target(const IndexRequest &request) const;
    // Hidden form fields carrying it to the next step (empty when there is no title).
    QString hiddenFields() const;
    // "returnto=...&returntoquery=..." for a link (empty when there is no title).
    QString linkQuery() const;
};

} // namespace mwauth::provider::pages
