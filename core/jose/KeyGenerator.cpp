#include "jose/KeyGenerator.h"

#include "JwkData.h"

#include "common/Random.h"

#include <openssl/rsa.h>

#include <functional>

namespace mwauth::jose::KeyGenerator {

namespace {

Result<ossl::PkeyPtr> generateKey(const char *type, const std::function<bool(EVP_PKEY_CTX *)> &setup)
{
    ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || (setup && !setup(ctx.get())))
        return ossl::cryptoError(
            QStringLiteral("Could not set up %1 key generation.").arg(QLatin1StringView(type)));
    EVP_PKEY *key = nullptr;
    if (EVP_PKEY_generate(ctx.get(), &key) != 1)
        return ossl::cryptoError(QStringLiteral("%1 key generation failed.").arg(QLatin1StringView(type)));
    return ossl::PkeyPtr(key);
}

} // namespace

Result<Jwk> generate(JwsAlgorithm alg, int rsaBits)
{
    Jwk key;
    if (isHmac(alg)) {
        const int bytes = alg == JwsAlgorithm::HS256 ? 32 : alg == JwsAlgorithm::HS384 ? 48 : 64;
        SystemRandom random;
        key = Jwk::fromSecret(random.bytes(bytes));
    } else {
        Result<ossl::PkeyPtr> pkey = fail(ErrorCode::Internal, QString());
        if (isRsa(alg)) {
            if (rsaBits < detail::minRsaBits) {
                return fail(ErrorCode::WeakKey,
                            QStringLiteral("RSA keys need at least %1 bits; %2 were asked for.")
                                .arg(detail::minRsaBits)
                                .arg(rsaBits));
            }
            if (rsaBits != 2048 && rsaBits != 3072 && rsaBits != 4096) {
                return fail(ErrorCode::InvalidInput,
                            QStringLiteral("RSA keys are made with 2048, 3072 or 4096 bits, not "
                                           "%1.")
                                .arg(rsaBits));
            }
            pkey = generateKey("RSA", [rsaBits](EVP_PKEY_CTX *ctx) {
                return EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, rsaBits) == 1;
            });
        } else if (isEc(alg)) {
            const char *group = alg == JwsAlgorithm::ES256 ? "P-256" : "P-384";
            pkey = generateKey(
                "EC", [group](EVP_PKEY_CTX *ctx) { return EVP_PKEY_CTX_set_group_name(ctx, group) == 1; });
        } else {
            pkey = generateKey("ED25519", nullptr);
        }
        if (!pkey)
            return pkey.error();
        Result<Jwk> adopted = detail::adoptKey(std::move(pkey).value());
        if (!adopted)
            return adopted.error();
        key = std::move(adopted).value();
    }
    key.setAlg(algorithmName(alg));
    key.setKid(QString::fromLatin1(key.thumbprint()));
    return key;
}

} // namespace mwauth::jose::KeyGenerator
