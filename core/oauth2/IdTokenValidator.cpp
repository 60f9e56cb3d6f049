#include "IdTokenValidator.h"

#include "common/ConstantTime.h"
#include "jose/Base64Url.h"

#include <QCryptographicHash>

namespace mwauth::oauth2 {

namespace {

QCryptographicHash::Algorithm hashFor(jose::JwsAlgorithm alg)
{
    switch (alg) {
    case jose::JwsAlgorithm::HS384:
    case jose::JwsAlgorithm::RS384:
    case jose::JwsAlgorithm::ES384:
        return QCryptographicHash::Sha384;
    case jose::JwsAlgorithm::HS512:
    case jose::JwsAlgorithm::RS512:
    case jose::JwsAlgorithm::EdDSA:
        return QCryptographicHash::Sha512;
    default:
        return QCryptographicHash::Sha256;
    }
}

} // namespace

QByteArray IdTokenValidator::halfHash(jose::JwsAlgorithm alg, QByteArrayView value)
{
    const QByteArray digest = QCryptographicHash::hash(value, hashFor(alg));
    return jose::Base64Url::encode(digest.first(digest.size() / 2));
}

jose::Jwks IdTokenValidator::secretKeys(QByteArrayView clientSecret)
{
    return jose::Jwks({jose::Jwk::fromSecret(clientSecret)});
}

Result<jose::Jwt> IdTokenValidator::validate(QByteArrayView idToken, const jose::Jwks &keys,
                                             const Expectations &expected)
{
    const auto failWith = [](const Error &error) { return error.prefixed(QStringLiteral("The id_token")); };
    Result<jose::Jwt> jwt = jose::Jwt::decode(idToken);
    if (!jwt)
        return failWith(jwt.error());
    const jose::JwsAlgorithm alg = jwt->parts().alg;
    const QString algName = jose::algorithmName(alg);
    if (!expected.allowedAlgs.isEmpty() && !expected.allowedAlgs.contains(algName))
        return fail(
            ErrorCode::UnsupportedAlgorithm,
            QStringLiteral("The id_token is signed with %1, which the provider does not advertise (%2).")
                .arg(algName, expected.allowedAlgs.join(QStringLiteral(", "))));
    const bool secretKeyed = !keys.isEmpty()
        && std::all_of(keys.keys().cbegin(), keys.keys().cend(),
                       [](const jose::Jwk &key) { return key.type() == jose::Jwk::Type::Oct; });
    if (jose::isHmac(alg) && !secretKeyed)
        return fail(ErrorCode::UnsupportedAlgorithm,
                    QStringLiteral("The id_token is signed with %1 (a shared secret), but the provider's "
                                   "public keys were expected.")
                        .arg(algName));
    if (!jose::isHmac(alg) && secretKeyed)
        return fail(
            ErrorCode::UnsupportedAlgorithm,
            QStringLiteral("The id_token is signed with %1, but only the client secret (HMAC) was allowed.")
                .arg(algName));

    jose::JwtValidator validator;
    validator.setNow(expected.now);
    validator.setLeeway(expected.leeway);
    validator.setIssuer(expected.issuer);
    validator.setAudience(expected.clientId);
    validator.setNonce(expected.nonce);
    validator.setRequiredClaims({QStringLiteral("sub"), QStringLiteral("iat")});
    validator.setRequireExpiry(true);
    const jose::JwtVerdict verdict = validator.validate(idToken, keys);
    if (!verdict.valid)
        return failWith(verdict.error);

    const QJsonObject &claims = jwt->claims();
    if (expected.nonce.isEmpty() && claims.contains(QStringLiteral("nonce")))
        return fail(
            ErrorCode::WrongNonce,
            QStringLiteral("The id_token carries a nonce, but the request sent none (a response meant "
                           "for another request?)."));
    const QStringList audiences = jwt->audiences();
    const QJsonValue azp = claims.value(QStringLiteral("azp"));
    if ((audiences.size() > 1 || !azp.isUndefined()) && azp.toString() != expected.clientId)
        return fail(ErrorCode::WrongAudience,
                    QStringLiteral("The id_token names the authorized party (azp) '%1', not this client.")
                        .arg(azp.toString().left(200)));

    const QJsonValue atHash = claims.value(QStringLiteral("at_hash"));
    if (atHash.isUndefined()) {
        if (expected.requireAtHash)
            return fail(ErrorCode::MissingClaim, QStringLiteral("The id_token has no at_hash claim."));
    } else if (!expected.accessToken.isEmpty()) {
        if (!atHash.isString()
            || !constantTimeEquals(atHash.toString().toLatin1(), halfHash(alg, expected.accessToken)))
            return fail(
                ErrorCode::BadSignature,
                QStringLiteral("The id_token has an at_hash that does not match the access token (the "
                               "two tokens do not belong together)."));
    }
    return jwt;
}

} // namespace mwauth::oauth2
