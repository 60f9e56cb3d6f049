#pragma once

#include "ProviderRequest.h"
#include "ProviderResponse.h"

#include <QJsonObject>
#include <QString>

namespace mwauth::provider {

// MediaWiki Action API error output for format=json, as MediaWiki 1.4x writes it
// (fixtures peers/mediawiki/fixtures/clientlogin-*-error.json and their fv2/ versions):
//
//   formatversion=1: {"error":{"code":C,"info":I,"*":DOCREF}}
//   formatversion=2: {"error":{"code":C,"info":I,"docref":DOCREF}}
//
// with HTTP status 200, the header `MediaWiki-API-Error: C` and MediaWiki's api.php
// headers (Content-Type: application/json; charset=utf-8, Cache-Control: private,
// must-revalidate, max-age=0, X-Content-Type-Options, X-Frame-Options,
// Content-Disposition: inline; filename=api-result.json).
enum class ApiFormatVersion { V1, V2 };

// formatversion "2" or "latest" selects version 2; anything else (or none) version 1.
ApiFormatVersion apiFormatVersion(const ApiRequest &request);

// MediaWiki's docref sentence for an api.php at `apiUrl` (HTML-escaped angle brackets, as
// the real wiki sends them).
QString apiDocRef(const QString &apiUrl);

// {"error":{...}} in the shape of `version`.
QJsonObject apiErrorObject(ApiFormatVersion version, const QString &code, const QString &info,
                           const QString &docRef);

// The complete api.php error response for `request` (its formatversion and api URL).
ApiResponse apiError(const ApiRequest &request, const QString &code, const QString &info);
// The same for a request whose parameters could not be decoded (no formatversion known:
// version 1, as MediaWiki's default).
ApiResponse apiError(ApiFormatVersion version, const QString &apiUrl, const QString &code,
                     const QString &info);

// Adds MediaWiki's api.php headers to `response` where it does not have them yet.
void addApiHeaders(ApiResponse &response);

// The messages of the errors the server itself reports, in MediaWiki's English wording.
namespace apimessages {
// paramvalidator-badvalue-enumnotmulti: Unrecognized value for parameter "action": foo.
QString unrecognizedValue(const QString &param, const QString &value);
// apierror-badutf8 for parameter `param`.
QString badUtf8(const QString &param);
// apierror-mustpostparams: The following parameter was found in the query string, but
// must be in the POST body: logintoken. ("parameters" for several, comma-separated.)
QString mustPostParams(const QStringList &params);
} // namespace apimessages

} // namespace mwauth::provider
