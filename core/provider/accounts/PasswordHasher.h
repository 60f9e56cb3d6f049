#pragma once

#include <atomic>

#include "common/Random.h"
#include "common/Result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace mwauth::provider {

// Salted password hashes for the provider's users: PBKDF2-HMAC-SHA256 (OpenSSL
// PKCS5_PBKDF2_HMAC) with a random 16-byte salt, encoded self-describingly the way
// MediaWiki's Pbkdf2Password does:
//
//   :pbkdf2:<digest>:<iterations>:<length>:<salt, base64>:<hash, base64>
//   :pbkdf2:sha256:210000:32:c2FsdHNhbHRzYWx0c2FsdA==:...
//
// hash() always writes sha256 with this hasher's iteration count. verify() reads any such
// string (digest sha256 or sha512, MediaWiki's default; any iteration count up to
// MaxIterations), so raising the default later keeps existing hashes valid; needsRehash()
// then says which hashes to replace at the next successful login.
class PasswordHasher
{
public:
    // OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256.
    static constexpr int DefaultIterations = 210000;
    // Refused above this, so a stored string cannot make verify() run for minutes.
    static constexpr int MaxIterations = 10000000;
    static constexpr int SaltBytes = 16;
    static constexpr int HashBytes = 32;

    // `random` must outlive the hasher. Tests may pass a low `iterations` to stay fast.
    explicit PasswordHasher(Random &random, int iterations = DefaultIterations);

    int iterations() const { return m_iterations; }

    // A new encoded hash of `password` (UTF-8) with a fresh salt.
    Result<QString> hash(const QString &password) const;

    // Whether `password` matches `encoded`, compared in constant time. A malformed or
    // unsupported `encoded` is an error (InvalidInput / UnsupportedAlgorithm) that says
    // what is wrong with it; a wrong password is a successful `false`.
    Result<bool> verify(const QString &password, const QString &encoded) const;

    // True when `encoded` is weaker than what hash() writes now (another digest, fewer
    // iterations, a shorter hash) or cannot be read at all.
    bool needsRehash(const QString &encoded) const;

    // Raw PBKDF2-HMAC with `digest` "sha256" or "sha512".
    static Result<QByteArray> pbkdf2(QByteArrayView digest, QByteArrayView password, QByteArrayView salt,
                                     int iterations, int length);

    // PBKDF2 iterations this hasher has run so far (hash() and verify()). Lets a test show,
    // without timing anything, that two code paths cost the same work.
    quint64 iterationsSpent() const { return m_iterationsSpent.load(); }

private:
    Random &m_random;
    int m_iterations;
    mutable std::atomic<quint64> m_iterationsSpent {0};
};

} // namespace mwauth::provider
