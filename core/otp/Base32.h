#pragma once

#include "common/Result.h"

#include <QByteArray>

namespace mwauth::otp::Base32 {

// RFC 4648 section 6 base32 (A-Z, 2-7). encode() pads with "=" unless `pad` is false
// (otpauth URIs and authenticator apps use it unpadded).
QByteArray encode(QByteArrayView data, bool pad = true);

// Case-insensitive; spaces and hyphens (as apps show secrets in groups) and trailing "="
// are ignored. ErrorCode::MalformedBase64 for other characters, impossible lengths or
// non-zero trailing bits.
Result<QByteArray> decode(QByteArrayView text);

} // namespace mwauth::otp::Base32
