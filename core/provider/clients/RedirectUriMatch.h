#pragma once

#include "provider/clients/OAuthClient.h"

#include <QString>

namespace mwauth::provider {

// Whether `uri` (the redirect_uri / oauth_callback a request names) may be used with
// `client`, as MediaWiki 1.39 decides:
//
//  - Without oarc_callback_is_prefix: exact, byte for byte, against the registered
//    callback URL (the league/oauth2-server fork of REL1_39 compares with strcmp; no
//    loopback port exception on REL1_39, reference section 8). No case folding, no
//    normalization: "https://Example.org/cb" or "https://example.org/cb/" do not match
//    "https://example.org/cb".
//  - With it: MWOAuthServer::checkCallback's component match. The scheme must be equal
//    (a registered http also accepts https), the host equal (QUrl compares hosts
//    case-insensitively, as DNS does; "example.org." is another host), the port equal or
//    anything when the registered port is 1, the path must start with the registered path
//    (equal when the registered URL has a query), and the query must start with the
//    registered query.
//
// Beyond MediaWiki, for the prefix case only: a URI with a user name or password, a
// backslash, a fragment, white space or control characters, or a "." / ".." path segment
// (also percent-encoded) never matches, so "https://app.example/cb/../../evil" cannot leave
// the registered path. An empty or unparsable URI never matches.
bool matchesRedirectUri(const OAuthClient &client, const QString &uri);

} // namespace mwauth::provider
