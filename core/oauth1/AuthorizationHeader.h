#pragma once

#include "http/FormCodec.h"

namespace mwauth::oauth1::AuthorizationHeader {

// `Authorization: OAuth` header values (RFC 5849 section 3.5.1).
//
// encode(): `OAuth realm="...", name="value", ...` with names and values percent-encoded
// (RFC 3986 unreserved kept), in the given order; the realm only if not empty.
QByteArray encode(const http::FormFields &oauthParameters, const QByteArray &realm = {});

// parse(): the scheme "OAuth" (case-insensitive), then comma-separated name="value" pairs
// with optional spaces; names and values percent-decoded; "realm" dropped. Errors
// (ErrorCode::MalformedHeader): another scheme, a pair without "=", an unquoted or
// unterminated value, a bad percent escape, a duplicate parameter, more than 64 pairs,
// input over 8 KiB.
Result<http::FormFields> parse(QByteArrayView headerValue);

} // namespace mwauth::oauth1::AuthorizationHeader
