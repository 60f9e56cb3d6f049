#include "jose/Jws.h"

#include "JsonStrict.h"
#include "JwkData.h"

#include "jose/Base64Url.h"

#include <QJsonDocument>

namespace mwauth::jose::Jws {

namespace {

Error tokenError(const QString &message)
{
    return Error(ErrorCode::MalformedToken, message);
}

Result<QByteArray> decodePart(QByteArrayView text, const QString &part)
{
    Result<QByteArray> bytes = Base64Url::decode(text);
    if (!bytes) {
        return Error(ErrorCode::MalformedBase64,
                     QStringLiteral("The token's %1 is not valid base64url: %2")
                         .arg(part, Base64Url::reason(bytes.error())));
    }
    return bytes;
}

Result<JwsAlgorithm> algorithmOf(const QJsonObject &header)
{
    const QJsonValue alg = header.value(QStringLiteral("alg"));
    if (alg.isUndefined()) {
        return fail(ErrorCode::UnsupportedAlgorithm,
                    QStringLiteral("The token's header has no \"alg\" member, so its signature "
                                   "algorithm is unknown."));
    }
    if (!alg.isString()) {
        return fail(ErrorCode::UnsupportedAlgorithm,
                    QStringLiteral("The token's header member \"alg\" is not a string."));
    }
    return algorithmFromName(alg.toString());
}

} // namespace

Result<JwsParts> parse(QByteArrayView compact)
{
    if (compact.size() > maxCompactSize) {
        return tokenError(QStringLiteral("The token is %1 bytes long; tokens over %2 bytes are "
                                         "refused.")
                              .arg(compact.size())
                              .arg(maxCompactSize));
    }
    if (compact.isEmpty())
        return tokenError(QStringLiteral("The token is empty."));
    const qsizetype first = compact.indexOf('.');
    const qsizetype second = first < 0 ? -1 : compact.indexOf('.', first + 1);
    if (first < 0 || second < 0 || compact.indexOf('.', second + 1) >= 0) {
        const qsizetype parts = compact.count('.') + 1;
        return tokenError(QStringLiteral("The token has %1 part%2 separated by '.'; a compact "
                                         "JWS has exactly three (header.payload.signature)%3.")
                              .arg(parts)
                              .arg(parts == 1 ? QString() : QStringLiteral("s"),
                                   parts == 5 ? QStringLiteral("; five parts would be an "
                                                               "encrypted JWE, which is not "
                                                               "supported")
                                              : QString()));
    }
    const QByteArrayView headerText = compact.first(first);
    const QByteArrayView payloadText = compact.sliced(first + 1, second - first - 1);
    const QByteArrayView signatureText = compact.sliced(second + 1);
    if (headerText.isEmpty())
        return tokenError(QStringLiteral("The token's header part is empty."));
    if (signatureText.isEmpty()) {
        return tokenError(QStringLiteral("The token's signature part is empty: it is "
                                         "unsigned, and unsigned tokens are refused."));
    }

    JwsParts parts;
    Result<QByteArray> headerJson = decodePart(headerText, QStringLiteral("header"));
    if (!headerJson)
        return headerJson.error();
    Result<QJsonObject> header = JsonStrict::parseObject(*headerJson, ErrorCode::MalformedToken,
                                                         QStringLiteral("The token's header"));
    if (!header)
        return header.error();
    parts.header = std::move(header).value();

    Result<JwsAlgorithm> alg = algorithmOf(parts.header);
    if (!alg)
        return alg.error();
    parts.alg = *alg;
    // RFC 7515 section 4.1.11: extensions listed in "crit" must be understood; we
    // understand none, so any "crit" makes the token unusable.
    if (parts.header.contains(QStringLiteral("crit"))) {
        return tokenError(QStringLiteral("The token's header has a \"crit\" member naming "
                                         "extensions that must be understood; none are "
                                         "supported, so the token is refused."));
    }

    Result<QByteArray> payload = decodePart(payloadText, QStringLiteral("payload"));
    if (!payload)
        return payload.error();
    Result<QByteArray> signature = decodePart(signatureText, QStringLiteral("signature"));
    if (!signature)
        return signature.error();
    parts.payload = std::move(payload).value();
    parts.signature = std::move(signature).value();
    parts.signingInput = compact.first(second).toByteArray();
    return parts;
}

Result<QByteArray> sign(const QJsonObject &header, QByteArrayView payload, const Jwk &key)
{
    Result<JwsAlgorithm> alg = algorithmOf(header);
    if (!alg)
        return alg.error();
    if (Result<void> fits = key.checkAlgorithm(*alg); !fits)
        return fits.error();
    const QByteArray headerJson = QJsonDocument(header).toJson(QJsonDocument::Compact);
    QByteArray token = Base64Url::encode(headerJson);
    token += '.';
    token += Base64Url::encode(payload);
    Result<QByteArray> signature = Signature::sign(*alg, key, token);
    if (!signature)
        return signature.error();
    token += '.';
    token += Base64Url::encode(*signature);
    return token;
}

Result<void> verify(const JwsParts &parts, const Jwk &key)
{
    if (Result<void> fits = key.checkAlgorithm(parts.alg); !fits)
        return fits.error();
    return Signature::verify(parts.alg, key, parts.signingInput, parts.signature);
}

Result<Jwk> verify(const JwsParts &parts, const Jwks &keys)
{
    const QJsonValue kidValue = parts.header.value(QStringLiteral("kid"));
    if (!kidValue.isUndefined() && !kidValue.isString()) {
        return tokenError(QStringLiteral("The token's header member \"kid\" is not a string."));
    }
    const QString kid = kidValue.toString();
    const QList<Jwk> candidates = keys.candidates(kid, parts.alg);
    const QString algName = algorithmName(parts.alg);
    if (candidates.isEmpty()) {
        QString why;
        if (!kid.isEmpty()) {
            for (const Jwk &key : keys.keys()) {
                if (key.kid() == kid) {
                    Result<void> fits = key.checkAlgorithm(parts.alg);
                    if (!fits)
                        why = QStringLiteral(" ") + fits.error().message();
                }
            }
            if (why.isEmpty())
                why = QStringLiteral(" The key set has no key with kid '%1'.").arg(kid.left(80));
        } else {
            why = QStringLiteral(" The token names no kid and no key in the set fits %1.").arg(algName);
        }
        return Error(ErrorCode::NoMatchingKey,
                     QStringLiteral("No key can verify this %1 token.%2").arg(algName, why),
                     keys.skipped().isEmpty()
                         ? QString()
                         : QStringLiteral("skipped keys: ") + keys.skipped().join(QStringLiteral("; ")));
    }
    Error last;
    for (const Jwk &key : candidates) {
        Result<void> verified = Signature::verify(parts.alg, key, parts.signingInput, parts.signature);
        if (verified)
            return key;
        last = verified.error();
    }
    if (candidates.size() == 1)
        return last;
    return fail(ErrorCode::BadSignature,
                QStringLiteral("The %1 signature does not verify with any of the %2 keys that "
                               "fit the token.")
                    .arg(algName)
                    .arg(candidates.size()));
}

} // namespace mwauth::jose::Jws
