#pragma once

#include "common/Result.h"

#include <QByteArray>
#include <QString>
#include <QUrlQuery>

#include <optional>

namespace mwauth::oauth2 {

// An OAuth 2 error as a server sends it: RFC 6749 section 5.2 (token endpoint, JSON body)
// and section 4.1.2.1 (authorization endpoint, redirect query), with MediaWiki's additions
// (reference/mediawiki-oauth.md section 1.2): `hint` (league/oauth2-server's detail) and, on
// REL1_39, `message` (the same text again).
//
//   {"error":"invalid_request","error_description":"The request is missing ...",
//    "hint":"Check the `grant_type` parameter","message":"..."}
//
// MediaWiki sends no `state` on error redirects, so the redirect form carries none either.
struct ErrorResponse
{
    QString error; // the RFC 6749 code: invalid_request, invalid_client, invalid_grant, ...
    QString description; // error_description
    QString uri; // error_uri
    QString hint; // MediaWiki (league) only
    QString message; // MediaWiki 1.39 only
    int httpStatus = 0; // 0 for a redirect

    // From a JSON body: an object whose "error" is a non-empty string; the other members
    // are taken when they are strings. nullopt for anything else (not JSON, no "error").
    static std::optional<ErrorResponse> fromJson(QByteArrayView body, int httpStatus);
    // From a redirect's query (error, error_description, error_uri, hint, message);
    // nullopt without a non-empty "error".
    static std::optional<ErrorResponse> fromQuery(const QUrlQuery &query);

    // "invalid_client: Client authentication failed (hint: ...)"; the parts that are there.
    QString summary() const;
    // An Error (ErrorCode::Server): `context` ("The token endpoint refused the request"),
    // the summary and the HTTP status. core/flows adds MediaWiki's explanation as the detail.
    Error toError(const QString &context) const;
};

} // namespace mwauth::oauth2
