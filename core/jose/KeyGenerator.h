#pragma once

#include "jose/Jwk.h"

namespace mwauth::jose::KeyGenerator {

// A new private key fit for `alg`: RSA (RS*, PS*) with `rsaBits` of 2048, 3072 or 4096
// (others: WeakKey / InvalidInput), P-256 for ES256, P-384 for ES384, Ed25519 for EdDSA,
// a 256/384/512-bit secret for HS256/384/512. The JWK gets "alg" and "kid" = its RFC 7638
// thumbprint. RSA-4096 takes about a second: call it off the GUI thread.
Result<Jwk> generate(JwsAlgorithm alg, int rsaBits = 2048);

} // namespace mwauth::jose::KeyGenerator
