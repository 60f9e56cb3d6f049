#pragma once

// Internal to core/jose: small RAII wrappers and helpers around OpenSSL 3.
// No header outside core/jose includes this one (DESIGN.md: all OpenSSL calls live here).

#include "common/Error.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>

namespace mwauth::jose::ossl {

template<auto FreeFunction>
struct Free
{
    template<typename T>
    void operator()(T *p) const
    {
        FreeFunction(p);
    }
};

using PkeyPtr = std::unique_ptr<EVP_PKEY, Free<&EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Free<&EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Free<&EVP_MD_CTX_free>>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, Free<&EVP_MAC_CTX_free>>;
// BN_clear_free for every BIGNUM: some of them are private key parts.
using BnPtr = std::unique_ptr<BIGNUM, Free<&BN_clear_free>>;
using BnCtxPtr = std::unique_ptr<BN_CTX, Free<&BN_CTX_free>>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, Free<&OSSL_PARAM_BLD_free>>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, Free<&OSSL_PARAM_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, Free<&ECDSA_SIG_free>>;

// Drains this thread's OpenSSL error queue into one line ("reason; reason").
// Call after every failed OpenSSL call so no stale error leaks into a later one.
QString takeErrors();
// Forgets queued errors (after a failure that we report in our own words).
void clearErrors();
// ErrorCode::Crypto with `what` and OpenSSL's reasons as detail.
Error cryptoError(const QString &what);

// Big-endian unsigned bytes <-> BIGNUM. toBytes pads on the left to `width` when given.
BnPtr bnFromBytes(QByteArrayView bytes);
QByteArray bnToBytes(const BIGNUM *bn, int width = 0);

// Reads a BIGNUM / octet-string parameter of a key; null / empty when absent.
BnPtr bnParam(const EVP_PKEY *key, const char *name);
QByteArray octetParam(const EVP_PKEY *key, const char *name);

// EVP_PKEY_fromdata for `type` ("RSA", "EC", "ED25519") with `selection`.
PkeyPtr keyFromParams(const char *type, int selection, const OSSL_PARAM *params);

} // namespace mwauth::jose::ossl
