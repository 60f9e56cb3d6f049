#pragma once

#include "common/Result.h"

#include <QByteArray>
#include <QByteArrayView>

namespace mwauth::jose::Base64Url {

// RFC 7515 section 2: base64url without padding.
QByteArray encode(QByteArrayView data);

// Strict decoding: only [A-Za-z0-9_-], no padding, no whitespace, and no length
// that base64 cannot produce (len % 4 == 1). Errors are ErrorCode::MalformedBase64.
Result<QByteArray> decode(QByteArrayView text);

// What a decode error says without its "Invalid base64url: " lead, for a caller that
// names the part itself ("The token's header is not valid base64url: <reason>").
QString reason(const Error &error);

} // namespace mwauth::jose::Base64Url
