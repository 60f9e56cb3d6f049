#include "RsaKeyCheck.h"

#include "JwkData.h"

#include <openssl/core_names.h>

namespace mwauth::jose {

namespace {

Error mismatch(const QString &what)
{
    return Error(ErrorCode::MalformedKey,
                 QStringLiteral("The RSA JWK's private members do not match its public key (%1).").arg(what));
}

} // namespace

Result<void> checkRsaKeyNumbers(const RsaKeyNumbers &k)
{
    if (!k.n || !k.e)
        return fail(ErrorCode::MalformedKey, QStringLiteral("The RSA key lacks n or e."));
    const int bits = BN_num_bits(k.n.get());
    if (!BN_is_odd(k.n.get()) && bits > 0) {
        return fail(ErrorCode::MalformedKey,
                    QStringLiteral("The RSA modulus n is even, so it is not an RSA modulus."));
    }
    if (bits < detail::minRsaBits) {
        return fail(ErrorCode::WeakKey,
                    QStringLiteral("The RSA key has %1 bits; at least %2 are required.")
                        .arg(bits)
                        .arg(detail::minRsaBits));
    }
    if (bits > detail::maxRsaBits) {
        return fail(ErrorCode::MalformedKey,
                    QStringLiteral("The RSA key has %1 bits; more than %2 are not accepted.")
                        .arg(bits)
                        .arg(detail::maxRsaBits));
    }
    if (!BN_is_odd(k.e.get()) || BN_num_bits(k.e.get()) < 2 || BN_num_bits(k.e.get()) > 64
        || BN_cmp(k.e.get(), k.n.get()) >= 0) {
        return fail(ErrorCode::MalformedKey,
                    QStringLiteral("The RSA public exponent e must be odd, at least 3 and at "
                                   "most 64 bits long."));
    }
    if (!k.d)
        return {};
    if (BN_is_zero(k.d.get()) || BN_cmp(k.d.get(), k.n.get()) >= 0)
        return mismatch(QStringLiteral("d is not between 0 and n"));

    ossl::BnCtxPtr ctx(BN_CTX_secure_new());
    ossl::BnPtr t1(BN_secure_new());
    ossl::BnPtr t2(BN_secure_new());
    ossl::BnPtr pm1(BN_secure_new());
    ossl::BnPtr qm1(BN_secure_new());
    if (!ctx || !t1 || !t2 || !pm1 || !qm1)
        return ossl::cryptoError(QStringLiteral("Out of memory while checking the RSA key."));

    if (!k.p) {
        // d without CRT values: one private operation decides whether d inverts e.
        ossl::BnPtr two(BN_new());
        BN_set_word(two.get(), 2);
        if (!BN_mod_exp(t1.get(), two.get(), k.e.get(), k.n.get(), ctx.get())
            || !BN_mod_exp_mont_consttime(t2.get(), t1.get(), k.d.get(), k.n.get(), ctx.get(), nullptr)) {
            return ossl::cryptoError(QStringLiteral("Could not check the RSA key."));
        }
        if (BN_cmp(t2.get(), two.get()) != 0)
            return mismatch(QStringLiteral("d does not invert e"));
        return {};
    }

    if (BN_is_zero(k.p.get()) || BN_is_zero(k.q.get()) || BN_is_one(k.p.get()) || BN_is_one(k.q.get())) {
        return mismatch(QStringLiteral("p or q is trivial"));
    }
    bool ok = BN_mul(t1.get(), k.p.get(), k.q.get(), ctx.get());
    if (ok && BN_cmp(t1.get(), k.n.get()) != 0)
        return mismatch(QStringLiteral("p * q is not n"));
    ok = ok && BN_sub(pm1.get(), k.p.get(), BN_value_one()) && BN_sub(qm1.get(), k.q.get(), BN_value_one());
    struct Congruence
    {
        const BIGNUM *a;
        const BIGNUM *b; // a * b (or a alone when b is null) ...
        const BIGNUM *m; // ... modulo m ...
        const BIGNUM *expect; // ... equals expect (or 1 when null)
        const char *what;
    };
    const Congruence checks[] = {
        {k.d.get(), nullptr, pm1.get(), k.dp.get(), "dp is not d mod (p-1)"},
        {k.d.get(), nullptr, qm1.get(), k.dq.get(), "dq is not d mod (q-1)"},
        {k.e.get(), k.dp.get(), pm1.get(), nullptr, "e * dp is not 1 mod (p-1)"},
        {k.e.get(), k.dq.get(), qm1.get(), nullptr, "e * dq is not 1 mod (q-1)"},
        {k.qi.get(), k.q.get(), k.p.get(), nullptr, "qi * q is not 1 mod p"},
    };
    for (const Congruence &c : checks) {
        if (!ok)
            break;
        ok = c.b ? BN_mod_mul(t2.get(), c.a, c.b, c.m, ctx.get()) : BN_nnmod(t2.get(), c.a, c.m, ctx.get());
        if (ok && (c.expect ? BN_cmp(t2.get(), c.expect) != 0 : !BN_is_one(t2.get())))
            return mismatch(QLatin1StringView(c.what));
    }
    if (!ok)
        return ossl::cryptoError(QStringLiteral("Could not check the RSA key."));
    return {};
}

Result<ossl::PkeyPtr> buildRsaKey(const RsaKeyNumbers &k)
{
    ossl::ParamBldPtr builder(OSSL_PARAM_BLD_new());
    bool ok = builder && OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, k.n.get())
        && OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, k.e.get());
    if (ok && k.d)
        ok = OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_D, k.d.get());
    if (ok && k.d && k.p) {
        ok = OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_FACTOR1, k.p.get())
            && OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_FACTOR2, k.q.get())
            && OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_EXPONENT1, k.dp.get())
            && OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_EXPONENT2, k.dq.get())
            && OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1, k.qi.get());
    }
    ossl::ParamPtr params(ok ? OSSL_PARAM_BLD_to_param(builder.get()) : nullptr);
    if (!params)
        return ossl::cryptoError(QStringLiteral("Could not prepare the RSA key parameters."));
    ossl::PkeyPtr key
        = ossl::keyFromParams("RSA", k.d ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params.get());
    if (!key) {
        return Error(ErrorCode::MalformedKey, QStringLiteral("OpenSSL refused the RSA key."),
                     ossl::takeErrors());
    }
    return key;
}

} // namespace mwauth::jose
