// Signature::sign / Signature::verify: the hot path. The key is already parsed (an
// EVP_PKEY in the Jwk), so each call is one EVP_DigestSign/EVP_DigestVerify (or one HMAC)
// plus, for ES*, the R||S <-> DER conversion. No JSON, no base64, no key copies here.

#include "JwkData.h"

#include "common/ConstantTime.h"
#include "jose/Jws.h"

#include <openssl/core_names.h>
#include <openssl/rsa.h>

#include <array>

namespace mwauth::jose::Signature {

namespace {

const EVP_MD *digestFor(JwsAlgorithm alg)
{
    switch (alg) {
    case JwsAlgorithm::HS256:
    case JwsAlgorithm::RS256:
    case JwsAlgorithm::PS256:
    case JwsAlgorithm::ES256:
        return EVP_sha256();
    case JwsAlgorithm::HS384:
    case JwsAlgorithm::RS384:
    case JwsAlgorithm::ES384:
        return EVP_sha384();
    case JwsAlgorithm::HS512:
    case JwsAlgorithm::RS512:
        return EVP_sha512();
    case JwsAlgorithm::EdDSA:
        return nullptr; // Ed25519 hashes internally
    }
    return nullptr;
}

const char *digestName(JwsAlgorithm alg)
{
    switch (alg) {
    case JwsAlgorithm::HS384:
        return "SHA384";
    case JwsAlgorithm::HS512:
        return "SHA512";
    default:
        return "SHA256";
    }
}

int hmacLength(JwsAlgorithm alg)
{
    switch (alg) {
    case JwsAlgorithm::HS384:
        return 48;
    case JwsAlgorithm::HS512:
        return 64;
    default:
        return 32;
    }
}

// The HMAC implementation, fetched once (a fetch per call would cost a lock and a lookup).
EVP_MAC *hmac()
{
    static EVP_MAC *const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    return mac;
}

// Type and curve only: the cheap part of Jwk::checkAlgorithm, so that nothing reaches
// OpenSSL with a key of the wrong kind even when a caller skipped checkAlgorithm.
Result<void> checkKeyKind(JwsAlgorithm alg, const Jwk &key)
{
    bool fits = false;
    if (isHmac(alg))
        fits = key.type() == Jwk::Type::Oct;
    else if (isRsa(alg))
        fits = key.type() == Jwk::Type::Rsa;
    else if (isEc(alg))
        fits = key.type() == Jwk::Type::Ec && key.bits() == (alg == JwsAlgorithm::ES256 ? 256 : 384);
    else
        fits = key.type() == Jwk::Type::Okp;
    if (!fits)
        return key.checkAlgorithm(alg); // builds the specific message
    return {};
}

Result<QByteArray> computeHmac(JwsAlgorithm alg, const QByteArray &secret, QByteArrayView data)
{
    ossl::MacCtxPtr ctx(EVP_MAC_CTX_new(hmac()));
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char *>(digestName(alg)), 0),
        OSSL_PARAM_construct_end(),
    };
    QByteArray out(hmacLength(alg), Qt::Uninitialized);
    size_t length = 0;
    if (!ctx
        || EVP_MAC_init(ctx.get(), reinterpret_cast<const unsigned char *>(secret.constData()),
                        static_cast<size_t>(secret.size()), params)
            != 1
        || EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char *>(data.data()),
                          static_cast<size_t>(data.size()))
            != 1
        || EVP_MAC_final(ctx.get(), reinterpret_cast<unsigned char *>(out.data()), &length,
                         static_cast<size_t>(out.size()))
            != 1
        || length != static_cast<size_t>(out.size())) {
        return ossl::cryptoError(QStringLiteral("HMAC computation failed."));
    }
    return out;
}

// PS256: PSS with MGF1-SHA-256 and a salt as long as the hash (RFC 7518 section 3.5).
bool configurePss(EVP_PKEY_CTX *pctx)
{
    return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1
        && EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1;
}

// ECDSA: OpenSSL speaks DER (SEQUENCE { r INTEGER, s INTEGER }); JWS speaks R || S with
// each half left-padded to the curve's byte width (RFC 7518 section 3.4).
bool derToRaw(const unsigned char *der, size_t derLength, int width, QByteArray &out)
{
    const unsigned char *cursor = der;
    ossl::EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(derLength)));
    if (!sig)
        return false;
    const BIGNUM *r = nullptr;
    const BIGNUM *s = nullptr;
    ECDSA_SIG_get0(sig.get(), &r, &s);
    out.resize(2 * width);
    auto *raw = reinterpret_cast<unsigned char *>(out.data());
    return BN_bn2binpad(r, raw, width) == width && BN_bn2binpad(s, raw + width, width) == width;
}

// Returns the DER length written into `der` (sized for P-384), or 0.
int rawToDer(QByteArrayView raw, std::array<unsigned char, 128> &der)
{
    const auto half = static_cast<int>(raw.size() / 2);
    const auto *bytes = reinterpret_cast<const unsigned char *>(raw.data());
    ossl::EcdsaSigPtr sig(ECDSA_SIG_new());
    BIGNUM *r = BN_bin2bn(bytes, half, nullptr);
    BIGNUM *s = BN_bin2bn(bytes + half, half, nullptr);
    if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
        BN_free(r);
        BN_free(s);
        return 0;
    }
    if (i2d_ECDSA_SIG(sig.get(), nullptr) > static_cast<int>(der.size()))
        return 0;
    unsigned char *cursor = der.data();
    return i2d_ECDSA_SIG(sig.get(), &cursor);
}

} // namespace

Result<QByteArray> sign(JwsAlgorithm alg, const Jwk &key, QByteArrayView data)
{
    if (key.isNull())
        return fail(ErrorCode::InvalidInput, QStringLiteral("No key was given for signing."));
    if (Result<void> fits = checkKeyKind(alg, key); !fits)
        return fits.error();
    if (!key.hasPrivate()) {
        return fail(
            ErrorCode::MissingPrivateKey,
            QStringLiteral("Signing needs a private key, but %1 is public only.").arg(detail::describe(key)));
    }
    if (isHmac(alg)) {
        // RFC 7518 section 3.2: a key at least as long as the hash output.
        if (key.secret().size() < hmacLength(alg)) {
            return fail(ErrorCode::WeakKey,
                        QStringLiteral("%1 needs a secret of at least %2 bytes (%3 bits) to sign; "
                                       "this one has %4 bytes.")
                            .arg(algorithmName(alg))
                            .arg(hmacLength(alg))
                            .arg(hmacLength(alg) * 8)
                            .arg(key.secret().size()));
        }
        return computeHmac(alg, key.secret(), data);
    }

    EVP_PKEY *pkey = key.evpKey();
    ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX *pctx = nullptr;
    if (!ctx || EVP_DigestSignInit(ctx.get(), &pctx, digestFor(alg), nullptr, pkey) != 1
        || (alg == JwsAlgorithm::PS256 && !configurePss(pctx))) {
        return ossl::cryptoError(QStringLiteral("Could not start signing with %1.").arg(algorithmName(alg)));
    }
    const auto *in = reinterpret_cast<const unsigned char *>(data.data());
    const auto inLength = static_cast<size_t>(data.size());
    if (isEc(alg)) {
        std::array<unsigned char, 128> der {};
        size_t derLength = der.size();
        QByteArray out;
        if (EVP_DigestSign(ctx.get(), der.data(), &derLength, in, inLength) != 1
            || !derToRaw(der.data(), derLength, detail::curveBytes(key.curve()), out)) {
            return ossl::cryptoError(QStringLiteral("ECDSA signing failed."));
        }
        return out;
    }
    // RSA and Ed25519: the signature is at most EVP_PKEY_get_size bytes, written in place.
    QByteArray out(EVP_PKEY_get_size(pkey), Qt::Uninitialized);
    size_t length = static_cast<size_t>(out.size());
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(out.data()), &length, in, inLength)
        != 1) {
        return ossl::cryptoError(QStringLiteral("%1 signing failed.").arg(algorithmName(alg)));
    }
    out.truncate(static_cast<qsizetype>(length));
    return out;
}

Result<void> verify(JwsAlgorithm alg, const Jwk &key, QByteArrayView data, QByteArrayView signature)
{
    if (key.isNull())
        return fail(ErrorCode::InvalidInput, QStringLiteral("No key was given for verifying."));
    if (Result<void> fits = checkKeyKind(alg, key); !fits)
        return fits.error();
    auto bad = [&](const QString &why) {
        return fail(ErrorCode::BadSignature,
                    QStringLiteral("The %1 signature does not verify with %2%3.")
                        .arg(algorithmName(alg), detail::describe(key), why));
    };

    if (isHmac(alg)) {
        if (key.secret().isEmpty())
            return fail(ErrorCode::WeakKey, QStringLiteral("The shared secret is empty."));
        if (signature.size() != hmacLength(alg)) {
            return bad(QStringLiteral(" (it has %1 bytes; %2 has %3)")
                           .arg(signature.size())
                           .arg(algorithmName(alg))
                           .arg(hmacLength(alg)));
        }
        Result<QByteArray> expected = computeHmac(alg, key.secret(), data);
        if (!expected)
            return expected.error();
        if (!constantTimeEquals(*expected, signature))
            return bad(QString());
        return {};
    }

    std::array<unsigned char, 128> der {};
    const unsigned char *sig = reinterpret_cast<const unsigned char *>(signature.data());
    size_t sigLength = static_cast<size_t>(signature.size());
    if (isEc(alg)) {
        const int width = detail::curveBytes(key.curve());
        if (signature.size() != 2 * width) {
            return bad(QStringLiteral(" (it has %1 bytes; R || S on %2 has %3)")
                           .arg(signature.size())
                           .arg(key.curve())
                           .arg(2 * width));
        }
        const int derLength = rawToDer(signature, der);
        if (derLength <= 0)
            return ossl::cryptoError(QStringLiteral("Could not convert the ECDSA signature."));
        sig = der.data();
        sigLength = static_cast<size_t>(derLength);
    } else if (alg == JwsAlgorithm::EdDSA && signature.size() != 64) {
        return bad(QStringLiteral(" (it has %1 bytes; Ed25519 has 64)").arg(signature.size()));
    }

    ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX *pctx = nullptr;
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, digestFor(alg), nullptr, key.evpKey()) != 1
        || (alg == JwsAlgorithm::PS256 && !configurePss(pctx))) {
        return ossl::cryptoError(
            QStringLiteral("Could not start verifying with %1.").arg(algorithmName(alg)));
    }
    const int result
        = EVP_DigestVerify(ctx.get(), sig, sigLength, reinterpret_cast<const unsigned char *>(data.data()),
                           static_cast<size_t>(data.size()));
    if (result != 1) {
        // 0 = wrong signature; < 0 = malformed (e.g. wrong length for the RSA modulus).
        ossl::clearErrors();
        return bad(QString());
    }
    return {};
}

} // namespace mwauth::jose::Signature
