#pragma once

#include "jose/Jwk.h"

#include <QList>

namespace mwauth::jose {

// A JWK Set (RFC 7517 section 5). Parsing keeps going past keys it cannot use
// (unknown kty, weak RSA) as RFC 7517 section 5 asks, and lists them in skipped().
class Jwks
{
public:
    Jwks() = default;
    explicit Jwks(QList<Jwk> keys)
        : m_keys(std::move(keys))
    { }

    // Errors: not JSON, no "keys" array, more than 100 keys, duplicate kid.
    static Result<Jwks> fromJson(QByteArrayView json);
    static Result<Jwks> fromJson(const QJsonObject &object);

    const QList<Jwk> &keys() const { return m_keys; }
    // Human-readable reasons for keys that were skipped while parsing.
    const QStringList &skipped() const { return m_skipped; }
    void add(const Jwk &key) { m_keys.append(key); }
    bool isEmpty() const { return m_keys.isEmpty(); }

    // Keys that may verify a token with this kid and alg: with a kid, only the key
    // with that kid; without one, every key for which checkAlgorithm(alg) passes.
    QList<Jwk> candidates(const QString &kid, JwsAlgorithm alg) const;

    // {"keys":[...public members only...]}
    QJsonObject toPublicJson() const;

private:
    QList<Jwk> m_keys;
    QStringList m_skipped;
};

} // namespace mwauth::jose
