#pragma once

#include "common/Result.h"

#include <QByteArray>
#include <QList>
#include <utility>

namespace mwauth::http {

// Decoded name/value pairs in their original order; names may repeat.
using FormFields = QList<std::pair<QByteArray, QByteArray>>;

// application/x-www-form-urlencoded (and URL queries). Encoding escapes everything
// but RFC 3986 unreserved characters, space as "%20" (`plusForSpace` = true gives "+",
// as HTML forms do).
QByteArray encodeForm(const FormFields &fields, bool plusForSpace = false);

// Decoding takes "+" as a space, splits on "&", allows empty values and names without
// "=" (value empty). Errors (ErrorCode::InvalidInput): a "%" not followed by two hex
// digits; more than `maxFields` fields.
Result<FormFields> decodeForm(QByteArrayView encoded, qsizetype maxFields = 1000);

// First value for `name`, or an empty QByteArray.
QByteArray fieldValue(const FormFields &fields, QByteArrayView name);

// RFC 3986 section 2.1 percent-encoding of everything but unreserved characters
// (what RFC 5849 section 3.6 requires for OAuth 1 signatures).
QByteArray percentEncode(QByteArrayView data);
// Strict percent-decoding (no "+" handling); InvalidInput on a bad escape.
Result<QByteArray> percentDecode(QByteArrayView data);

} // namespace mwauth::http
