#include "OpenSsl.h"

#include <openssl/err.h>

namespace mwauth::jose::ossl {

QString takeErrors()
{
    QString text;
    unsigned long code = 0;
    while ((code = ERR_get_error()) != 0) {
        char buffer[256];
        ERR_error_string_n(code, buffer, sizeof(buffer));
        if (!text.isEmpty())
            text += QStringLiteral("; ");
        const char *reason = ERR_reason_error_string(code);
        text += QString::fromLatin1(reason ? reason : buffer);
    }
    return text;
}

void clearErrors()
{
    ERR_clear_error();
}

Error cryptoError(const QString &what)
{
    QString detail = takeErrors();
    if (detail.isEmpty())
        detail = QStringLiteral("no reason given by OpenSSL");
    return Error(ErrorCode::Crypto, what, detail);
}

BnPtr bnFromBytes(QByteArrayView bytes)
{
    return BnPtr(BN_bin2bn(reinterpret_cast<const unsigned char *>(bytes.data()),
                           static_cast<int>(bytes.size()), nullptr));
}

QByteArray bnToBytes(const BIGNUM *bn, int width)
{
    if (!bn)
        return {};
    const int natural = BN_num_bytes(bn);
    const int size = width > natural ? width : natural;
    QByteArray out(size, Qt::Uninitialized);
    if (BN_bn2binpad(bn, reinterpret_cast<unsigned char *>(out.data()), size) != size)
        return {};
    return out;
}

BnPtr bnParam(const EVP_PKEY *key, const char *name)
{
    BIGNUM *bn = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) {
        clearErrors();
        return {};
    }
    return BnPtr(bn);
}

QByteArray octetParam(const EVP_PKEY *key, const char *name)
{
    size_t length = 0;
    if (EVP_PKEY_get_octet_string_param(key, name, nullptr, 0, &length) != 1 || length == 0) {
        clearErrors();
        return {};
    }
    QByteArray out(static_cast<qsizetype>(length), Qt::Uninitialized);
    if (EVP_PKEY_get_octet_string_param(key, name, reinterpret_cast<unsigned char *>(out.data()), length,
                                        &length)
        != 1) {
        clearErrors();
        return {};
    }
    out.truncate(static_cast<qsizetype>(length));
    return out;
}

PkeyPtr keyFromParams(const char *type, int selection, const OSSL_PARAM *params)
{
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1)
        return {};
    EVP_PKEY *key = nullptr;
    // EVP_PKEY_fromdata takes a non-const array in OpenSSL 3.0 but does not modify it.
    if (EVP_PKEY_fromdata(ctx.get(), &key, selection, const_cast<OSSL_PARAM *>(params)) != 1)
        return {};
    return PkeyPtr(key);
}

} // namespace mwauth::jose::ossl
