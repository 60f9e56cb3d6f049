#include "JwkData.h"

#include <openssl/core_names.h>
#include <openssl/x509.h>

namespace mwauth::jose {

namespace detail {

int curveBytes(const QString &curve)
{
    if (curve == u"P-256")
        return 32;
    if (curve == u"P-384")
        return 48;
    return 0;
}

QString describe(const Jwk &key)
{
    if (!key.kid().isEmpty())
        return QStringLiteral("key '%1'").arg(key.kid().left(80));
    return QStringLiteral("the key");
}

QString describeAtStart(const Jwk &key)
{
    QString text = describe(key);
    if (!text.isEmpty())
        text[0] = text[0].toUpper();
    return text;
}

namespace {

QString groupName(const EVP_PKEY *key)
{
    char name[64] = {};
    size_t length = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof(name), &length) != 1) {
        ossl::clearErrors();
        return QString();
    }
    return QString::fromLatin1(name, static_cast<qsizetype>(length));
}

} // namespace

Result<KeyFacts> inspectKey(const EVP_PKEY *key)
{
    if (!key)
        return fail(ErrorCode::MalformedKey, QStringLiteral("No key was given."));
    KeyFacts facts;
    switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
        facts.type = Jwk::Type::Rsa;
        facts.bits = EVP_PKEY_get_bits(key);
        if (facts.bits < minRsaBits) {
            return fail(ErrorCode::WeakKey,
                        QStringLiteral("The RSA key has %1 bits; at least %2 are required.")
                            .arg(facts.bits)
                            .arg(minRsaBits));
        }
        if (facts.bits > maxRsaBits) {
            return fail(ErrorCode::MalformedKey,
                        QStringLiteral("The RSA key has %1 bits; more than %2 are not accepted.")
                            .arg(facts.bits)
                            .arg(maxRsaBits));
        }
        facts.hasPrivate = ossl::bnParam(key, OSSL_PKEY_PARAM_RSA_D) != nullptr;
        return facts;
    case EVP_PKEY_RSA_PSS:
        return fail(ErrorCode::MalformedKey,
                    QStringLiteral("RSA-PSS-restricted keys (OID rsassaPss) are not supported; "
                                   "use a plain RSA key, which serves PS256 as well."));
    case EVP_PKEY_EC: {
        const QString group = groupName(key);
        facts.type = Jwk::Type::Ec;
        if (group == u"prime256v1" || group == u"P-256" || group == u"secp256r1") {
            facts.curve = QStringLiteral("P-256");
            facts.bits = 256;
        } else if (group == u"secp384r1" || group == u"P-384") {
            facts.curve = QStringLiteral("P-384");
            facts.bits = 384;
        } else {
            return fail(ErrorCode::MalformedKey,
                        QStringLiteral("The EC key is on curve '%1'; only P-256 and P-384 are "
                                       "supported.")
                            .arg(group.isEmpty() ? QStringLiteral("(explicit parameters)") : group));
        }
        facts.hasPrivate = ossl::bnParam(key, OSSL_PKEY_PARAM_PRIV_KEY) != nullptr;
        return facts;
    }
    case EVP_PKEY_ED25519:
        facts.type = Jwk::Type::Okp;
        facts.curve = QStringLiteral("Ed25519");
        facts.bits = 256;
        facts.hasPrivate = !ossl::octetParam(key, OSSL_PKEY_PARAM_PRIV_KEY).isEmpty();
        return facts;
    default:
        break;
    }
    const char *name = EVP_PKEY_get0_type_name(key);
    return fail(ErrorCode::MalformedKey,
                QStringLiteral("Keys of type %1 are not supported; use RSA, EC (P-256, P-384) "
                               "or Ed25519.")
                    .arg(name ? QString::fromLatin1(name) : QStringLiteral("(unknown)")));
}

Result<Jwk> adoptKey(ossl::PkeyPtr key)
{
    Result<KeyFacts> facts = inspectKey(key.get());
    if (!facts)
        return facts.error();
    return Jwk::fromEvpKey(key.release());
}

} // namespace detail

Jwk::Jwk() = default;
Jwk::~Jwk() = default;
Jwk::Jwk(const Jwk &) = default;
Jwk &Jwk::operator=(const Jwk &) = default;
Jwk::Jwk(Jwk &&) noexcept = default;
Jwk &Jwk::operator=(Jwk &&) noexcept = default;

Jwk Jwk::fromSecret(QByteArrayView secret)
{
    Jwk out;
    out.d = std::make_shared<Data>();
    out.d->type = Type::Oct;
    out.d->secret = secret.toByteArray();
    out.d->bits = static_cast<int>(secret.size() * 8);
    out.d->hasPrivate = true;
    return out;
}

Jwk Jwk::fromEvpKey(evp_pkey_st *key)
{
    ossl::PkeyPtr owned(key);
    Result<detail::KeyFacts> facts = detail::inspectKey(owned.get());
    if (!facts)
        return Jwk();
    Jwk out;
    out.d = std::make_shared<Data>();
    out.d->type = facts->type;
    out.d->curve = facts->curve;
    out.d->bits = facts->bits;
    out.d->hasPrivate = facts->hasPrivate;
    out.d->pkey = std::shared_ptr<EVP_PKEY>(owned.release(), EVP_PKEY_free);
    return out;
}

bool Jwk::isNull() const
{
    return !d;
}

Jwk::Type Jwk::type() const
{
    return d ? d->type : Type::Oct;
}

QString Jwk::typeName() const
{
    if (!d)
        return QString();
    switch (d->type) {
    case Type::Rsa:
        return QStringLiteral("RSA");
    case Type::Ec:
        return QStringLiteral("EC");
    case Type::Okp:
        return QStringLiteral("OKP");
    case Type::Oct:
        return QStringLiteral("oct");
    }
    return QString();
}

QString Jwk::curve() const
{
    return d ? d->curve : QString();
}

int Jwk::bits() const
{
    return d ? d->bits : 0;
}

bool Jwk::hasPrivate() const
{
    return d && d->hasPrivate;
}

QString Jwk::kid() const
{
    return d ? d->kid : QString();
}

QString Jwk::alg() const
{
    return d ? d->alg : QString();
}

QString Jwk::use() const
{
    return d ? d->use : QString();
}

// Copies share Data; a setter gives this copy its own Data first (the EVP_PKEY itself
// stays shared: it never changes).
void Jwk::setKid(const QString &kid)
{
    if (!d)
        return;
    if (d.use_count() > 1)
        d = std::make_shared<Data>(*d);
    d->kid = kid;
}

void Jwk::setAlg(const QString &alg)
{
    if (!d)
        return;
    if (d.use_count() > 1)
        d = std::make_shared<Data>(*d);
    d->alg = alg;
}

void Jwk::setUse(const QString &use)
{
    if (!d)
        return;
    if (d.use_count() > 1)
        d = std::make_shared<Data>(*d);
    d->use = use;
}

evp_pkey_st *Jwk::evpKey() const
{
    return d ? d->pkey.get() : nullptr;
}

const QByteArray &Jwk::secret() const
{
    static const QByteArray empty;
    return d ? d->secret : empty;
}

Result<void> Jwk::checkAlgorithm(JwsAlgorithm alg) const
{
    const QString name = algorithmName(alg);
    if (!d)
        return fail(ErrorCode::InvalidInput, QStringLiteral("No key was given for %1.").arg(name));
    const QString who = detail::describe(*this);
    const QString whoAtStart = detail::describeAtStart(*this);
    auto mismatch = [&](const QString &needs) {
        QString has = QStringLiteral("an %1 key").arg(typeName());
        if (!d->curve.isEmpty())
            has += QStringLiteral(" on ") + d->curve;
        return fail(ErrorCode::AlgorithmKeyMismatch,
                    QStringLiteral("The algorithm %1 needs %2, but %3 is %4.").arg(name, needs, who, has));
    };
    if (isHmac(alg)) {
        if (d->type != Type::Oct) {
            return fail(ErrorCode::AlgorithmKeyMismatch,
                        QStringLiteral("The algorithm %1 needs a shared secret (oct key), but %2 "
                                       "is an %3 key; verifying HMAC with a public key is the "
                                       "algorithm-confusion attack, so it is refused.")
                            .arg(name, who, typeName()));
        }
        if (d->secret.isEmpty())
            return fail(ErrorCode::WeakKey, QStringLiteral("The shared secret is empty."));
    } else if (isRsa(alg)) {
        if (d->type != Type::Rsa)
            return mismatch(QStringLiteral("an RSA key"));
        if (d->bits < detail::minRsaBits) {
            return fail(ErrorCode::WeakKey,
                        QStringLiteral("%1 has %2 bits; RSA keys need at least %3.")
                            .arg(whoAtStart)
                            .arg(d->bits)
                            .arg(detail::minRsaBits));
        }
    } else if (alg == JwsAlgorithm::ES256) {
        if (d->type != Type::Ec || d->curve != u"P-256")
            return mismatch(QStringLiteral("an EC key on P-256"));
    } else if (alg == JwsAlgorithm::ES384) {
        if (d->type != Type::Ec || d->curve != u"P-384")
            return mismatch(QStringLiteral("an EC key on P-384"));
    } else if (alg == JwsAlgorithm::EdDSA) {
        if (d->type != Type::Okp || d->curve != u"Ed25519")
            return mismatch(QStringLiteral("an OKP key on Ed25519"));
    }
    if (!d->alg.isEmpty() && d->alg != name) {
        return fail(ErrorCode::AlgorithmKeyMismatch,
                    QStringLiteral("%1 is pinned to the algorithm %2 (its \"alg\" member) and "
                                   "may not be used with %3.")
                        .arg(whoAtStart, d->alg.left(40), name));
    }
    if (!d->use.isEmpty() && d->use != u"sig") {
        return fail(ErrorCode::AlgorithmKeyMismatch,
                    QStringLiteral("%1 is meant for \"%2\" (its \"use\" member), not for "
                                   "signatures.")
                        .arg(whoAtStart, d->use.left(40)));
    }
    return {};
}

Jwk Jwk::publicKey() const
{
    if (!d || d->type == Type::Oct || !d->hasPrivate)
        return *this;
    // Re-encode the public half as SubjectPublicKeyInfo and read it back: a key object
    // that holds no private numbers at all.
    unsigned char *der = nullptr;
    const int length = i2d_PUBKEY(d->pkey.get(), &der);
    if (length <= 0) {
        ossl::clearErrors();
        return Jwk();
    }
    const unsigned char *cursor = der;
    ossl::PkeyPtr pub(d2i_PUBKEY(nullptr, &cursor, length));
    OPENSSL_free(der);
    if (!pub) {
        ossl::clearErrors();
        return Jwk();
    }
    auto data = std::make_shared<Data>(*d);
    data->pkey = std::shared_ptr<EVP_PKEY>(pub.release(), EVP_PKEY_free);
    data->hasPrivate = false;
    Jwk out;
    out.d = std::move(data);
    return out;
}

} // namespace mwauth::jose
