// Jwk <-> PEM: SubjectPublicKeyInfo, PKCS#8 and the traditional RSA/EC forms.

#include "JwkData.h"
#include "RsaKeyCheck.h"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/pem.h>

namespace mwauth::jose {

namespace {

constexpr qsizetype maxPemSize = 64 * 1024;

using BioPtr = std::unique_ptr<BIO, ossl::Free<&BIO_free>>;
using DecoderCtxPtr = std::unique_ptr<OSSL_DECODER_CTX, ossl::Free<&OSSL_DECODER_CTX_free>>;

QByteArray bioContents(BIO *bio)
{
    char *data = nullptr;
    const long length = BIO_get_mem_data(bio, &data);
    if (length <= 0 || !data)
        return {};
    return QByteArray(data, static_cast<qsizetype>(length));
}

// A private key read from PEM must be one key: its private part has to belong to its
// public part, as Jwk::fromJson insists too. Otherwise tokens it signs would not verify
// with the public key it publishes. Ed25519 PEM carries only the seed (the public key is
// derived from it), so there is nothing to disagree.
Result<void> checkPrivatePartMatches(EVP_PKEY *key)
{
    if (EVP_PKEY_is_a(key, "RSA")) {
        RsaKeyNumbers numbers;
        numbers.n = ossl::bnParam(key, OSSL_PKEY_PARAM_RSA_N);
        numbers.e = ossl::bnParam(key, OSSL_PKEY_PARAM_RSA_E);
        numbers.d = ossl::bnParam(key, OSSL_PKEY_PARAM_RSA_D);
        numbers.p = ossl::bnParam(key, OSSL_PKEY_PARAM_RSA_FACTOR1);
        numbers.q = ossl::bnParam(key, OSSL_PKEY_PARAM_RSA_FACTOR2);
        numbers.dp = ossl::bnParam(key, OSSL_PKEY_PARAM_RSA_EXPONENT1);
        numbers.dq = ossl::bnParam(key, OSSL_PKEY_PARAM_RSA_EXPONENT2);
        numbers.qi = ossl::bnParam(key, OSSL_PKEY_PARAM_RSA_COEFFICIENT1);
        ossl::clearErrors();
        if (!numbers.n || !numbers.e || !numbers.d)
            return {}; // not a private RSA key after all: inspectKey judges it
        if (Result<void> ok = checkRsaKeyNumbers(numbers); !ok)
            return ok.error().prefixed(QStringLiteral("The PEM private key is inconsistent"));
        return {};
    }
    if (EVP_PKEY_is_a(key, "EC") && ossl::bnParam(key, OSSL_PKEY_PARAM_PRIV_KEY)) {
        ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
        if (!ctx || EVP_PKEY_pairwise_check(ctx.get()) != 1) {
            ossl::clearErrors();
            return fail(ErrorCode::MalformedKey,
                        QStringLiteral("The PEM EC private key's private scalar does not belong to "
                                       "the public point stored with it."));
        }
    }
    return {};
}

} // namespace

Result<Jwk> Jwk::fromPem(QByteArrayView pem)
{
    if (pem.size() > maxPemSize) {
        return fail(ErrorCode::MalformedKey,
                    QStringLiteral("The PEM text is %1 bytes long; more than %2 are not accepted.")
                        .arg(pem.size())
                        .arg(maxPemSize));
    }
    if (!pem.contains(QByteArrayView("-----BEGIN "))) {
        return fail(ErrorCode::MalformedKey,
                    QStringLiteral("The text is not PEM: it has no \"-----BEGIN ...-----\" line."));
    }
    // Checked before decoding: OpenSSL would otherwise look for a passphrase.
    if (pem.contains(QByteArrayView("ENCRYPTED"))) {
        return fail(ErrorCode::MalformedKey,
                    QStringLiteral("The PEM key is encrypted with a passphrase; decrypt it first "
                                   "(openssl pkey -in key.pem -out plain.pem)."));
    }
    EVP_PKEY *decoded = nullptr;
    DecoderCtxPtr decoder(
        OSSL_DECODER_CTX_new_for_pkey(&decoded, "PEM", nullptr, nullptr, 0, nullptr, nullptr));
    if (!decoder)
        return ossl::cryptoError(QStringLiteral("Could not set up the PEM decoder."));
    const auto *data = reinterpret_cast<const unsigned char *>(pem.data());
    size_t length = static_cast<size_t>(pem.size());
    if (OSSL_DECODER_from_data(decoder.get(), &data, &length) != 1 || !decoded) {
        const QString reasons = ossl::takeErrors();
        return Error(ErrorCode::MalformedKey,
                     QStringLiteral("The PEM text is not a public key (SPKI \"PUBLIC KEY\", "
                                    "\"RSA PUBLIC KEY\") or private key (PKCS#8 \"PRIVATE KEY\", "
                                    "\"RSA PRIVATE KEY\", \"EC PRIVATE KEY\") that can be read."),
                     reasons);
    }
    ossl::PkeyPtr key(decoded);
    if (Result<void> ok = checkPrivatePartMatches(key.get()); !ok)
        return ok.error();
    return detail::adoptKey(std::move(key));
}

Result<QByteArray> Jwk::toPublicPem() const
{
    if (!d || d->type == Type::Oct) {
        return fail(ErrorCode::InvalidInput, QStringLiteral("A shared secret (oct key) has no PEM form."));
    }
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PUBKEY(bio.get(), d->pkey.get()) != 1)
        return ossl::cryptoError(QStringLiteral("Could not write the public key as PEM."));
    return bioContents(bio.get());
}

Result<QByteArray> Jwk::toPrivatePem() const
{
    if (!d || d->type == Type::Oct) {
        return fail(ErrorCode::InvalidInput, QStringLiteral("A shared secret (oct key) has no PEM form."));
    }
    if (!d->hasPrivate) {
        return fail(ErrorCode::MissingPrivateKey,
                    QStringLiteral("%1 has no private part to export.").arg(detail::describeAtStart(*this)));
    }
    BioPtr bio(BIO_new(BIO_s_secmem()));
    if (!bio
        || PEM_write_bio_PKCS8PrivateKey(bio.get(), d->pkey.get(), nullptr, nullptr, 0, nullptr, nullptr)
            != 1) {
        return ossl::cryptoError(QStringLiteral("Could not write the private key as PEM."));
    }
    return bioContents(bio.get());
}

} // namespace mwauth::jose
