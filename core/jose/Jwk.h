#pragma once

#include "jose/JwsAlgorithm.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <memory>

struct evp_pkey_st; // OpenSSL's EVP_PKEY; only core/jose sees OpenSSL headers

namespace mwauth::jose {

// One JSON Web Key (RFC 7517): RSA, EC (P-256, P-384), OKP (Ed25519) or oct.
// The key material is held as a parsed OpenSSL EVP_PKEY (or raw bytes for oct),
// so signing and verifying never re-parse it. Copies share the key (immutable).
//
// Private parts are kept apart from public ones: toPublicJson() never contains
// d/p/q/dp/dq/qi/k... for asymmetric keys; toPrivateJson() is the only way out for them.
// An oct key has no public form: toPublicJson() of an oct key is an empty object.
class Jwk
{
public:
    enum class Type { Rsa, Ec, Okp, Oct };

    Jwk();
    ~Jwk();
    Jwk(const Jwk &);
    Jwk &operator=(const Jwk &);
    Jwk(Jwk &&) noexcept;
    Jwk &operator=(Jwk &&) noexcept;

    // Parses a JWK object. Rejects unknown kty/crv, missing or malformed members
    // (base64url checked strictly), RSA moduli under 2048 bits (ErrorCode::WeakKey),
    // EC points not on the curve, and a private part that does not match the public.
    static Result<Jwk> fromJson(const QJsonObject &object);
    static Result<Jwk> fromJson(QByteArrayView json);
    // PEM: SPKI "PUBLIC KEY", PKCS#8 "PRIVATE KEY", and the traditional
    // "RSA PUBLIC KEY"/"RSA PRIVATE KEY"/"EC PRIVATE KEY" forms.
    static Result<Jwk> fromPem(QByteArrayView pem);
    // A symmetric (oct) key for HS256/384/512, e.g. a client or consumer secret.
    static Jwk fromSecret(QByteArrayView secret);

    bool isNull() const;
    Type type() const;
    QString typeName() const; // "RSA", "EC", "OKP", "oct"
    QString curve() const; // "P-256", "P-384", "Ed25519", or empty
    int bits() const; // RSA modulus bits, curve bits, or secret bits
    bool hasPrivate() const; // can sign

    // Optional members carried through from JSON (or set).
    QString kid() const;
    void setKid(const QString &kid);
    QString alg() const; // the "alg" member, if the key pins one
    void setAlg(const QString &alg);
    QString use() const;
    void setUse(const QString &use);

    // True if `alg` may be used with this key: the key type and curve fit, the RSA key is
    // at least 2048 bits, and the key's own "alg" member (if any) equals `alg`.
    Result<void> checkAlgorithm(JwsAlgorithm alg) const;

    // The same key without its private part (oct keys stay as they are).
    Jwk publicKey() const;
    // JSON with only public members (plus kid/alg/use); for oct keys an empty object.
    QJsonObject toPublicJson() const;
    // JSON with public and private members.
    QJsonObject toPrivateJson() const;

    // RFC 7638 thumbprint: SHA-256 over the required members in lexicographic order,
    // base64url. Same value for the public and the private form of a key.
    QByteArray thumbprint() const;

    // PEM export: SPKI for public, PKCS#8 for private. Not for oct keys.
    Result<QByteArray> toPublicPem() const;
    Result<QByteArray> toPrivatePem() const;

    // For core/jose internals (Jws, KeyGenerator): the OpenSSL key, or null for oct.
    evp_pkey_st *evpKey() const;
    const QByteArray &secret() const; // oct only
    static Jwk fromEvpKey(evp_pkey_st *key); // takes ownership

private:
    struct Data;
    std::shared_ptr<Data> d;
};

} // namespace mwauth::jose
