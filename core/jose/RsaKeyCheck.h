#pragma once

// Internal to core/jose: RSA key numbers from a JWK, checked and turned into an EVP_PKEY.

#include "common/Result.h"

#include "OpenSsl.h"

namespace mwauth::jose {

// The RSA members of a JWK as BIGNUMs. Public: n, e. Private: d, and either all of the
// CRT values (p, q, dp, dq, qi) or none of them.
struct RsaKeyNumbers
{
    ossl::BnPtr n, e, d, p, q, dp, dq, qi;
};

// Checks the numbers cheaply (no primality tests: those cost 40 ms for RSA-2048 and a
// quarter of a second for RSA-4096 in OpenSSL's own pairwise check):
//   n odd, 2048..8192 bits (WeakKey below); e odd, 3 <= e < n, at most 64 bits;
//   with CRT values: p*q = n, dp = d mod (p-1), dq = d mod (q-1), e*dp = 1 mod (p-1),
//   e*dq = 1 mod (q-1), qi*q = 1 mod p;
//   with d alone: (2^e)^d = 2 mod n.
// Errors are MalformedKey ("does not match") or WeakKey.
Result<void> checkRsaKeyNumbers(const RsaKeyNumbers &numbers);

// EVP_PKEY_fromdata for checked numbers (a public key when d is null).
Result<ossl::PkeyPtr> buildRsaKey(const RsaKeyNumbers &numbers);

} // namespace mwauth::jose
