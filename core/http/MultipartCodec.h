#pragma once

#include "FormCodec.h"
#include "common/Result.h"

#include <QByteArray>
#include <QByteArrayView>

namespace mwauth::http {

// multipart/form-data (RFC 7578) request bodies, decoded into the same name/value list as
// decodeForm() gives for application/x-www-form-urlencoded.
//
// Accepted:
//   - the boundary from the Content-Type's `boundary` parameter (token or quoted string,
//     1 to 70 characters, RFC 2046 section 5.1.1);
//   - an optional preamble before the first delimiter and an epilogue after the last one;
//     whitespace after a delimiter on its line (transport padding);
//   - per part, header lines ending in CRLF, a `Content-Disposition: form-data` header with a
//     `name` parameter (token or quoted string; a backslash escapes the next character, as
//     PHP reads it; "%22" stays as it is, as PHP keeps it);
//   - part values as raw bytes (a part's charset is not converted: like PHP, the caller
//     sees the bytes and checks them, e.g. for UTF-8);
//   - parts with a `filename` (or `filename*`) parameter are files: they are skipped and
//     counted in `skippedFiles` (PHP puts them in $_FILES, not $_POST).
//
// Refused, with ErrorCode::InvalidInput and a message that names the problem and the part:
// no or an invalid boundary; a body without the first delimiter; a missing closing
// delimiter ("--boundary--"); a part whose headers do not end, use bare LF line ends, lack
// Content-Disposition, are not "form-data", or have no name; a name in single quotes; more
// than `maxFields` fields. PHP 8 differs (measured with its built-in server): it keeps the
// parts before a missing closing delimiter, accepts bare LF, skips parts without
// Content-Disposition, and for a missing boundary or a part without a name gives an empty
// $_POST with only a warning; refusing says what is wrong instead.
struct MultipartForm
{
    FormFields fields; // in body order; names may repeat
    int skippedFiles = 0;
};

// The `boundary` parameter of a multipart/form-data Content-Type, unquoted; an error when
// it is missing, empty, longer than 70 characters or not a multipart/form-data type.
Result<QByteArray> multipartBoundary(QByteArrayView contentType);

// True if `contentType`'s media type is multipart/form-data (parameters ignored).
bool isMultipartFormData(QByteArrayView contentType);

Result<MultipartForm> decodeMultipartForm(QByteArrayView body, QByteArrayView contentType,
                                          qsizetype maxFields = 1000);

} // namespace mwauth::http
