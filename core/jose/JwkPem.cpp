// Jwk <-> PEM: SubjectPublicKeyInfo, PKCS#8 and the traditional RSA/EC forms.

#include "JwkData.h"

#include <openssl/bio.h>
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
    DecoderCtxPtr decoder(OSSL_DECODER_CTX_new_for_pkey(&decoded, "PEM", nullptr, nullptr, 0,
                                                        nullptr, nullptr));
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
    return detail::adoptKey(ossl::PkeyPtr(decoded));
}

Result<QByteArray> Jwk::toPublicPem() const
{
    if (!d || d->type == Type::Oct) {
        return fail(ErrorCode::InvalidInput,
                    QStringLiteral("A shared secret (oct key) has no PEM form."));
    }
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PUBKEY(bio.get(), d->pkey.get()) != 1)
        return ossl::cryptoError(QStringLiteral("Could not write the public key as PEM."));
    return bioContents(bio.get());
}

Result<QByteArray> Jwk::toPrivatePem() const
{
    if (!d || d->type == Type::Oct) {
        return fail(ErrorCode::InvalidInput,
                    QStringLiteral("A shared secret (oct key) has no PEM form."));
    }
    if (!d->hasPrivate) {
        return fail(ErrorCode::MissingPrivateKey,
                    QStringLiteral("%1 has no private part to export.").arg(detail::describeAtStart(*this)));
    }
    BioPtr bio(BIO_new(BIO_s_secmem()));
    if (!bio
        || PEM_write_bio_PKCS8PrivateKey(bio.get(), d->pkey.get(), nullptr, nullptr, 0, nullptr,
                                         nullptr)
            != 1) {
        return ossl::cryptoError(QStringLiteral("Could not write the private key as PEM."));
    }
    return bioContents(bio.get());
}

} // namespace mwauth::jose
