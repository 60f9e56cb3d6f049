// Jwk <-> JSON (RFC 7517, RFC 7518 section 6, RFC 8037 section 2) and RFC 7638 thumbprints.

#include "JsonStrict.h"
#include "JwkData.h"
#include "RsaKeyCheck.h"

#include "jose/Base64Url.h"

#include <QJsonDocument>

#include <openssl/core_names.h>
#include <openssl/ecerr.h>
#include <openssl/err.h>

namespace mwauth::jose {

namespace {

constexpr qsizetype maxJwkJsonSize = 64 * 1024;

Error keyError(const QString &message)
{
    return Error(ErrorCode::MalformedKey, message);
}

// A base64url member: nullopt when absent; an error when present but not a string or not
// strict base64url.
Result<std::optional<QByteArray>> optionalBytes(const QJsonObject &object, const QString &name)
{
    const auto it = object.constFind(name);
    if (it == object.constEnd())
        return std::optional<QByteArray>();
    if (!it->isString()) {
        return keyError(QStringLiteral("The JWK member \"%1\" must be a base64url string.").arg(name));
    }
    Result<QByteArray> bytes = Base64Url::decode(it->toString().toLatin1());
    if (!bytes) {
        return keyError(QStringLiteral("The JWK member \"%1\" is not valid base64url: %2")
                            .arg(name, Base64Url::reason(bytes.error())));
    }
    return std::optional<QByteArray>(std::move(bytes).value());
}

Result<QByteArray> requiredBytes(const QJsonObject &object, const QString &name, const QString &kty)
{
    Result<std::optional<QByteArray>> bytes = optionalBytes(object, name);
    if (!bytes)
        return bytes.error();
    if (!bytes->has_value()) {
        return keyError(QStringLiteral("The %1 JWK has no \"%2\" member, which it requires.").arg(kty, name));
    }
    if ((*bytes)->isEmpty())
        return keyError(QStringLiteral("The %1 JWK member \"%2\" is empty.").arg(kty, name));
    return std::move(**bytes);
}

Result<QString> optionalString(const QJsonObject &object, const QString &name)
{
    const auto it = object.constFind(name);
    if (it == object.constEnd())
        return QString();
    if (!it->isString())
        return keyError(QStringLiteral("The JWK member \"%1\" must be a string.").arg(name));
    return it->toString();
}

Result<ossl::PkeyPtr> rsaFromJson(const QJsonObject &object)
{
    const QString kty = QStringLiteral("RSA");
    Result<QByteArray> n = requiredBytes(object, QStringLiteral("n"), kty);
    if (!n)
        return n.error();
    Result<QByteArray> e = requiredBytes(object, QStringLiteral("e"), kty);
    if (!e)
        return e.error();
    if (object.contains(QStringLiteral("oth"))) {
        return keyError(QStringLiteral("Multi-prime RSA keys (the \"oth\" member) are not "
                                       "supported."));
    }
    RsaKeyNumbers numbers;
    numbers.n = ossl::bnFromBytes(*n);
    numbers.e = ossl::bnFromBytes(*e);

    const QStringList crtNames {QStringLiteral("p"), QStringLiteral("q"), QStringLiteral("dp"),
                                QStringLiteral("dq"), QStringLiteral("qi")};
    Result<std::optional<QByteArray>> d = optionalBytes(object, QStringLiteral("d"));
    if (!d)
        return d.error();
    QList<std::optional<QByteArray>> crt;
    QStringList present;
    QStringList missing;
    for (const QString &name : crtNames) {
        Result<std::optional<QByteArray>> value = optionalBytes(object, name);
        if (!value)
            return value.error();
        (value->has_value() ? present : missing).append(name);
        crt.append(std::move(value).value());
    }
    if (!d->has_value() && !present.isEmpty()) {
        return keyError(QStringLiteral("The RSA JWK has private members (%1) but no \"d\".")
                            .arg(present.join(QStringLiteral(", "))));
    }
    if (!present.isEmpty() && !missing.isEmpty()) {
        return keyError(QStringLiteral("The RSA JWK has some CRT members but lacks %1; give "
                                       "all of p, q, dp, dq, qi or none.")
                            .arg(missing.join(QStringLiteral(", "))));
    }
    if (d->has_value()) {
        numbers.d = ossl::bnFromBytes(**d);
        if (!present.isEmpty()) {
            numbers.p = ossl::bnFromBytes(*crt[0]);
            numbers.q = ossl::bnFromBytes(*crt[1]);
            numbers.dp = ossl::bnFromBytes(*crt[2]);
            numbers.dq = ossl::bnFromBytes(*crt[3]);
            numbers.qi = ossl::bnFromBytes(*crt[4]);
        }
    }
    if (Result<void> valid = checkRsaKeyNumbers(numbers); !valid)
        return valid.error();
    return buildRsaKey(numbers);
}

Result<ossl::PkeyPtr> ecFromJson(const QJsonObject &object, const QString &curve)
{
    const int width = detail::curveBytes(curve);
    const QString kty = QStringLiteral("EC");
    Result<QByteArray> x = requiredBytes(object, QStringLiteral("x"), kty);
    if (!x)
        return x.error();
    Result<QByteArray> y = requiredBytes(object, QStringLiteral("y"), kty);
    if (!y)
        return y.error();
    Result<std::optional<QByteArray>> d = optionalBytes(object, QStringLiteral("d"));
    if (!d)
        return d.error();
    auto checkWidth = [&](const QByteArray &value, const char *name) -> Result<void> {
        if (value.size() != width) {
            return keyError(QStringLiteral("The EC JWK member \"%1\" has %2 bytes; on %3 it "
                                           "must have exactly %4.")
                                .arg(QLatin1StringView(name))
                                .arg(value.size())
                                .arg(curve)
                                .arg(width));
        }
        return {};
    };
    if (Result<void> ok = checkWidth(*x, "x"); !ok)
        return ok.error();
    if (Result<void> ok = checkWidth(*y, "y"); !ok)
        return ok.error();
    if (d->has_value()) {
        if (Result<void> ok = checkWidth(**d, "d"); !ok)
            return ok.error();
    }

    const QByteArray point = QByteArray(1, '\x04') + *x + *y;
    const QByteArray group = curve.toLatin1();
    ossl::ParamBldPtr builder(OSSL_PARAM_BLD_new());
    ossl::BnPtr priv = d->has_value() ? ossl::bnFromBytes(**d) : nullptr;
    if (!builder
        || !OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, group.constData(), 0)
        || !OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.constData(),
                                             static_cast<size_t>(point.size()))
        || (priv && !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_PRIV_KEY, priv.get()))) {
        return ossl::cryptoError(QStringLiteral("Could not prepare the EC key parameters."));
    }
    ossl::ParamPtr params(OSSL_PARAM_BLD_to_param(builder.get()));
    ossl::PkeyPtr key
        = ossl::keyFromParams("EC", priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params.get());
    if (!key) {
        const unsigned long code = ERR_peek_last_error();
        const QString reasons = ossl::takeErrors();
        if (ERR_GET_LIB(code) == ERR_LIB_EC && ERR_GET_REASON(code) == EC_R_POINT_IS_NOT_ON_CURVE) {
            return keyError(QStringLiteral("The EC JWK's point (x, y) is not on the curve %1; "
                                           "such a key is invalid (and a known attack).")
                                .arg(curve));
        }
        return Error(ErrorCode::MalformedKey, QStringLiteral("The EC JWK is not a valid %1 key.").arg(curve),
                     reasons);
    }
    if (priv) {
        ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
        if (!ctx || EVP_PKEY_pairwise_check(ctx.get()) != 1) {
            ossl::clearErrors();
            return keyError(QStringLiteral("The EC JWK's private part \"d\" does not belong to "
                                           "its public point (x, y)."));
        }
    }
    return key;
}

Result<ossl::PkeyPtr> okpFromJson(const QJsonObject &object)
{
    Result<QByteArray> x = requiredBytes(object, QStringLiteral("x"), QStringLiteral("OKP"));
    if (!x)
        return x.error();
    Result<std::optional<QByteArray>> d = optionalBytes(object, QStringLiteral("d"));
    if (!d)
        return d.error();
    if (x->size() != 32) {
        return keyError(QStringLiteral("The Ed25519 JWK member \"x\" has %1 bytes; it must "
                                       "have 32.")
                            .arg(x->size()));
    }
    if (d->has_value() && (*d)->size() != 32) {
        return keyError(QStringLiteral("The Ed25519 JWK member \"d\" has %1 bytes; it must "
                                       "have 32.")
                            .arg((*d)->size()));
    }
    // With a private key, build from "d" alone (OpenSSL derives the public key) and
    // compare: a JWK whose x does not belong to its d is refused.
    const QByteArray &material = d->has_value() ? **d : *x;
    const char *paramName = d->has_value() ? OSSL_PKEY_PARAM_PRIV_KEY : OSSL_PKEY_PARAM_PUB_KEY;
    ossl::ParamBldPtr builder(OSSL_PARAM_BLD_new());
    if (!builder
        || !OSSL_PARAM_BLD_push_octet_string(builder.get(), paramName, material.constData(),
                                             static_cast<size_t>(material.size()))) {
        return ossl::cryptoError(QStringLiteral("Could not prepare the Ed25519 key parameters."));
    }
    ossl::ParamPtr params(OSSL_PARAM_BLD_to_param(builder.get()));
    ossl::PkeyPtr key = ossl::keyFromParams(
        "ED25519", d->has_value() ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params.get());
    if (!key) {
        return Error(ErrorCode::MalformedKey, QStringLiteral("The Ed25519 JWK is not valid."),
                     ossl::takeErrors());
    }
    if (d->has_value() && ossl::octetParam(key.get(), OSSL_PKEY_PARAM_PUB_KEY) != *x) {
        return keyError(QStringLiteral("The Ed25519 JWK's private part \"d\" does not belong "
                                       "to its public key \"x\"."));
    }
    return key;
}

// The members RFC 7638 requires for each key type, all public, as base64url text.
struct PublicMembers
{
    QByteArray n, e, x, y, k;
};

PublicMembers publicMembers(const Jwk &key)
{
    PublicMembers m;
    const EVP_PKEY *pkey = key.evpKey();
    switch (key.type()) {
    case Jwk::Type::Rsa:
        m.n = Base64Url::encode(ossl::bnToBytes(ossl::bnParam(pkey, OSSL_PKEY_PARAM_RSA_N).get()));
        m.e = Base64Url::encode(ossl::bnToBytes(ossl::bnParam(pkey, OSSL_PKEY_PARAM_RSA_E).get()));
        break;
    case Jwk::Type::Ec: {
        const int width = detail::curveBytes(key.curve());
        m.x = Base64Url::encode(ossl::bnToBytes(ossl::bnParam(pkey, OSSL_PKEY_PARAM_EC_PUB_X).get(), width));
        m.y = Base64Url::encode(ossl::bnToBytes(ossl::bnParam(pkey, OSSL_PKEY_PARAM_EC_PUB_Y).get(), width));
        break;
    }
    case Jwk::Type::Okp:
        m.x = Base64Url::encode(ossl::octetParam(pkey, OSSL_PKEY_PARAM_PUB_KEY));
        break;
    case Jwk::Type::Oct:
        m.k = Base64Url::encode(key.secret());
        break;
    }
    return m;
}

QString latin1(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes);
}

void addOptionalMembers(QJsonObject &object, const Jwk &key)
{
    if (!key.kid().isEmpty())
        object.insert(QStringLiteral("kid"), key.kid());
    if (!key.alg().isEmpty())
        object.insert(QStringLiteral("alg"), key.alg());
    if (!key.use().isEmpty())
        object.insert(QStringLiteral("use"), key.use());
}

} // namespace

Result<Jwk> Jwk::fromJson(QByteArrayView json)
{
    if (json.size() > maxJwkJsonSize) {
        return fail(ErrorCode::MalformedKey,
                    QStringLiteral("The JWK is %1 bytes long; more than %2 are not accepted.")
                        .arg(json.size())
                        .arg(maxJwkJsonSize));
    }
    Result<QJsonObject> object
        = JsonStrict::parseObject(json, ErrorCode::MalformedJson, QStringLiteral("The JWK"));
    if (!object)
        return object.error();
    return fromJson(*object);
}

Result<Jwk> Jwk::fromJson(const QJsonObject &object)
{
    const QJsonValue ktyValue = object.value(QStringLiteral("kty"));
    if (ktyValue.isUndefined())
        return keyError(QStringLiteral("The JWK has no \"kty\" (key type) member."));
    if (!ktyValue.isString())
        return keyError(QStringLiteral("The JWK member \"kty\" must be a string."));
    const QString kty = ktyValue.toString();

    Result<QString> kid = optionalString(object, QStringLiteral("kid"));
    if (!kid)
        return kid.error();
    Result<QString> alg = optionalString(object, QStringLiteral("alg"));
    if (!alg)
        return alg.error();
    Result<QString> use = optionalString(object, QStringLiteral("use"));
    if (!use)
        return use.error();

    Jwk key;
    if (kty == u"oct") {
        Result<QByteArray> k = requiredBytes(object, QStringLiteral("k"), kty);
        if (!k)
            return k.error();
        key = fromSecret(*k);
    } else {
        Result<ossl::PkeyPtr> pkey = keyError(QString());
        if (kty == u"RSA") {
            pkey = rsaFromJson(object);
        } else if (kty == u"EC" || kty == u"OKP") {
            Result<QString> crv = optionalString(object, QStringLiteral("crv"));
            if (!crv)
                return crv.error();
            if (crv->isEmpty())
                return keyError(QStringLiteral("The %1 JWK has no \"crv\" (curve) member.").arg(kty));
            if (kty == u"EC" && (*crv == u"P-256" || *crv == u"P-384")) {
                pkey = ecFromJson(object, *crv);
            } else if (kty == u"OKP" && *crv == u"Ed25519") {
                pkey = okpFromJson(object);
            } else {
                return keyError(
                    QStringLiteral("The curve \"%1\" is not supported for %2 keys "
                                   "(supported: %3).")
                        .arg(crv->left(40), kty,
                             kty == u"EC" ? QStringLiteral("P-256, P-384") : QStringLiteral("Ed25519")));
            }
        } else {
            return keyError(QStringLiteral("The key type \"%1\" is not supported (supported: "
                                           "RSA, EC, OKP, oct).")
                                .arg(kty.left(40)));
        }
        if (!pkey)
            return pkey.error();
        Result<Jwk> adopted = detail::adoptKey(std::move(pkey).value());
        if (!adopted)
            return adopted.error();
        key = std::move(adopted).value();
    }
    key.setKid(*kid);
    key.setAlg(*alg);
    key.setUse(*use);
    return key;
}

QJsonObject Jwk::toPublicJson() const
{
    QJsonObject object;
    if (!d || d->type == Type::Oct)
        return object;
    const PublicMembers m = publicMembers(*this);
    object.insert(QStringLiteral("kty"), typeName());
    if (d->type == Type::Rsa) {
        object.insert(QStringLiteral("n"), latin1(m.n));
        object.insert(QStringLiteral("e"), latin1(m.e));
    } else {
        object.insert(QStringLiteral("crv"), d->curve);
        object.insert(QStringLiteral("x"), latin1(m.x));
        if (d->type == Type::Ec)
            object.insert(QStringLiteral("y"), latin1(m.y));
    }
    addOptionalMembers(object, *this);
    return object;
}

QJsonObject Jwk::toPrivateJson() const
{
    if (!d)
        return {};
    if (d->type == Type::Oct) {
        QJsonObject object;
        object.insert(QStringLiteral("kty"), typeName());
        object.insert(QStringLiteral("k"), latin1(Base64Url::encode(d->secret)));
        addOptionalMembers(object, *this);
        return object;
    }
    QJsonObject object = toPublicJson();
    if (!d->hasPrivate)
        return object;
    const EVP_PKEY *pkey = d->pkey.get();
    auto insertBn = [&](const char *jsonName, const char *param, int width) {
        ossl::BnPtr value = ossl::bnParam(pkey, param);
        if (value) {
            object.insert(QLatin1StringView(jsonName),
                          latin1(Base64Url::encode(ossl::bnToBytes(value.get(), width))));
        }
    };
    switch (d->type) {
    case Type::Rsa:
        insertBn("d", OSSL_PKEY_PARAM_RSA_D, 0);
        insertBn("p", OSSL_PKEY_PARAM_RSA_FACTOR1, 0);
        insertBn("q", OSSL_PKEY_PARAM_RSA_FACTOR2, 0);
        insertBn("dp", OSSL_PKEY_PARAM_RSA_EXPONENT1, 0);
        insertBn("dq", OSSL_PKEY_PARAM_RSA_EXPONENT2, 0);
        insertBn("qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1, 0);
        break;
    case Type::Ec:
        insertBn("d", OSSL_PKEY_PARAM_PRIV_KEY, detail::curveBytes(d->curve));
        break;
    case Type::Okp:
        object.insert(QStringLiteral("d"),
                      latin1(Base64Url::encode(ossl::octetParam(pkey, OSSL_PKEY_PARAM_PRIV_KEY))));
        break;
    case Type::Oct:
        break;
    }
    return object;
}

QByteArray Jwk::thumbprint() const
{
    if (!d)
        return {};
    // RFC 7638 section 3.2: the required members only, names in lexicographic order, no
    // whitespace. All values here are base64url or fixed names, so nothing needs escaping.
    const PublicMembers m = publicMembers(*this);
    QByteArray canonical;
    switch (d->type) {
    case Type::Rsa:
        canonical = "{\"e\":\"" + m.e + "\",\"kty\":\"RSA\",\"n\":\"" + m.n + "\"}";
        break;
    case Type::Ec:
        canonical = "{\"crv\":\"" + d->curve.toLatin1() + "\",\"kty\":\"EC\",\"x\":\"" + m.x + "\",\"y\":\""
            + m.y + "\"}";
        break;
    case Type::Okp:
        canonical = "{\"crv\":\"" + d->curve.toLatin1() + "\",\"kty\":\"OKP\",\"x\":\"" + m.x + "\"}";
        break;
    case Type::Oct:
        canonical = "{\"k\":\"" + m.k + "\",\"kty\":\"oct\"}";
        break;
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(canonical.constData(), static_cast<size_t>(canonical.size()), digest, &length,
                   EVP_sha256(), nullptr)
        != 1) {
        ossl::clearErrors();
        return {};
    }
    return Base64Url::encode(
        QByteArrayView(reinterpret_cast<const char *>(digest), static_cast<qsizetype>(length)));
}

} // namespace mwauth::jose
