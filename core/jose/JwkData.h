#pragma once

// Internal to core/jose: what a Jwk holds, shared by Jwk.cpp, JwkJson.cpp and JwkPem.cpp.

#include "jose/Jwk.h"

#include "OpenSsl.h"

#include <memory>

namespace mwauth::jose {

struct Jwk::Data
{
    Type type = Type::Oct;
    // Shared between copies of the key (EVP_PKEY is reference counted and, once built,
    // safe to use for signing and verifying from several threads).
    std::shared_ptr<EVP_PKEY> pkey;
    QByteArray secret; // oct only
    QString curve; // "P-256", "P-384", "Ed25519"
    int bits = 0;
    bool hasPrivate = false;
    QString kid;
    QString alg;
    QString use;
};

namespace detail {

// RSA moduli we accept: at least 2048 bits (WeakKey below), at most 8192 (beyond that a
// key is more likely an attempt to make us spend CPU than a real key).
constexpr int minRsaBits = 2048;
constexpr int maxRsaBits = 8192;

struct KeyFacts
{
    Jwk::Type type = Jwk::Type::Oct;
    QString curve;
    int bits = 0;
    bool hasPrivate = false;
};

// What kind of key OpenSSL made (from PEM, fromdata or keygen): type, curve, bits and
// whether it has a private part. Refuses types and curves JOSE here does not use, and
// RSA keys under 2048 bits (WeakKey).
Result<KeyFacts> inspectKey(const EVP_PKEY *key);

// inspectKey, then Jwk::fromEvpKey: the error says why a key cannot be used.
Result<Jwk> adoptKey(ossl::PkeyPtr key);

// "key 'kid'" or "the key" for messages; describeAtStart capitalises it for the start
// of a sentence ("Key 'kid' ...", "The key ...").
QString describe(const Jwk &key);
QString describeAtStart(const Jwk &key);

// Coordinate / scalar width in bytes for "P-256" (32) and "P-384" (48); 0 otherwise.
int curveBytes(const QString &curve);

} // namespace detail
} // namespace mwauth::jose
