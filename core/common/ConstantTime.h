#pragma once

#include <QByteArrayView>

namespace mwauth {

// Compares two secrets (signatures, codes, client secrets, PKCE challenges) in time that
// depends only on their lengths, never on where they first differ (OpenSSL CRYPTO_memcmp).
bool constantTimeEquals(QByteArrayView a, QByteArrayView b);

} // namespace mwauth
