#include "WebAuthnAssertion.h"

#include "WebAuthnRequestOptions.h"

#include "common/ConstantTime.h"
#include "jose/Base64Url.h"
#include "jose/Jws.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>

namespace mwauth::otp {

namespace {

constexpr qsizetype authenticatorDataMinimum = 37;

QByteArray sha256(QByteArrayView data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256);
}

Error malformedCredential(const QString &why)
{
    return fail(ErrorCode::MalformedJson, QStringLiteral("The WebAuthn credential %1").arg(why));
}

// A DER INTEGER's minimal two's-complement content for the unsigned big-endian `value`.
QByteArray derInteger(QByteArrayView value)
{
    qsizetype start = 0;
    while (start + 1 < value.size() && value[start] == '\0')
        ++start;
    QByteArray content(value.data() + start, value.size() - start);
    if (content.isEmpty())
        content = QByteArray(1, '\0');
    if (static_cast<unsigned char>(content[0]) & 0x80)
        content.prepend('\0');
    QByteArray out;
    out.append('\x02');
    out.append(static_cast<char>(content.size()));
    out.append(content);
    return out;
}

} // namespace

QByteArray webAuthnSignedData(QByteArrayView authenticatorData, QByteArrayView clientDataJson)
{
    return QByteArray(authenticatorData.data(), authenticatorData.size()) + sha256(clientDataJson);
}

QByteArray AuthenticatorData::build(const QString &rpId, quint8 flags, quint32 signCount)
{
    QByteArray out = sha256(rpId.toUtf8());
    out.append(static_cast<char>(flags));
    for (int shift = 24; shift >= 0; shift -= 8)
        out.append(static_cast<char>((signCount >> shift) & 0xff));
    return out;
}

Result<AuthenticatorData> AuthenticatorData::parse(QByteArrayView bytes)
{
    if (bytes.size() < authenticatorDataMinimum) {
        return malformedCredential(
            QStringLiteral("has an authenticatorData of %1 bytes; it needs at least 37 "
                           "(rpIdHash, flags, signCount).")
                .arg(bytes.size()));
    }
    AuthenticatorData data;
    data.rpIdHash = QByteArray(bytes.data(), 32);
    data.flags = static_cast<quint8>(bytes[32]);
    const auto byteAt = [&bytes](qsizetype i) { return static_cast<quint32>(static_cast<quint8>(bytes[i])); };
    data.signCount = (byteAt(33) << 24) | (byteAt(34) << 16) | (byteAt(35) << 8) | byteAt(36);
    const quint8 more = AuthenticatorFlag::AttestedCredentialData | AuthenticatorFlag::ExtensionData;
    if (bytes.size() > authenticatorDataMinimum && !(data.flags & more)) {
        return malformedCredential(
            QStringLiteral("has %1 bytes of authenticatorData after the signCount, but "
                           "neither the AT nor the ED flag announces them.")
                .arg(bytes.size() - authenticatorDataMinimum));
    }
    return data;
}

namespace EcdsaDer {

QByteArray fromRaw(QByteArrayView rs)
{
    const qsizetype half = rs.size() / 2;
    const QByteArray body = derInteger(rs.first(half)) + derInteger(rs.sliced(half));
    QByteArray out;
    out.append('\x30');
    out.append(static_cast<char>(body.size())); // at most 2 * (2 + 67) < 128 for P-256/P-384
    out.append(body);
    return out;
}

Result<QByteArray> toRaw(QByteArrayView der, int width)
{
    auto bad = [](const QString &why) {
        return fail(ErrorCode::BadSignature,
                    QStringLiteral("The signature is not a DER-encoded ECDSA signature: %1").arg(why));
    };
    const auto byteAt = [&der](qsizetype i) { return static_cast<quint8>(der[i]); };
    if (der.size() < 8 || byteAt(0) != 0x30)
        return bad(QStringLiteral("it does not start with a SEQUENCE."));
    if (byteAt(1) >= 0x80 || byteAt(1) != der.size() - 2)
        return bad(QStringLiteral("the SEQUENCE length does not match the %1 bytes given.").arg(der.size()));
    QByteArray raw;
    qsizetype pos = 2;
    for (const char *name : {"r", "s"}) {
        if (pos + 2 > der.size() || byteAt(pos) != 0x02)
            return bad(QStringLiteral("%1 is not an INTEGER.").arg(QLatin1String(name)));
        const qsizetype length = byteAt(pos + 1);
        pos += 2;
        if (length == 0 || length >= 0x80 || pos + length > der.size())
            return bad(QStringLiteral("%1 has a bad length.").arg(QLatin1String(name)));
        QByteArrayView value = der.sliced(pos, length);
        pos += length;
        if (static_cast<quint8>(value[0]) & 0x80)
            return bad(QStringLiteral("%1 is negative.").arg(QLatin1String(name)));
        if (value.size() > 1 && value[0] == '\0' && !(static_cast<quint8>(value[1]) & 0x80))
            return bad(QStringLiteral("%1 is not minimally encoded.").arg(QLatin1String(name)));
        if (value[0] == '\0')
            value = value.sliced(1);
        if (value.size() > width)
            return bad(QStringLiteral("%1 is longer than %2 bytes.").arg(QLatin1String(name)).arg(width));
        raw.append(QByteArray(width - value.size(), '\0'));
        raw.append(value.data(), value.size());
    }
    if (pos != der.size())
        return bad(QStringLiteral("bytes follow the two INTEGERs."));
    return raw;
}

} // namespace EcdsaDer

namespace CoseKey {

namespace {

// CBOR (RFC 8949) heads for the small values a COSE EC2 key uses.
constexpr char mapOfFive = '\xa5';
constexpr char byteString32[] = {'\x58', '\x20'};

char smallInt(int value) // -24..23 in one byte: major type 0 or 1
{
    return static_cast<char>(value >= 0 ? value : 0x20 | (-1 - value));
}

} // namespace

Result<QByteArray> fromJwk(const jose::Jwk &key)
{
    if (Result<void> fits = key.checkAlgorithm(jose::JwsAlgorithm::ES256); !fits)
        return fits.error();
    const QJsonObject jwk = key.toPublicJson();
    Result<QByteArray> x = jose::Base64Url::decode(jwk.value(QLatin1String("x")).toString().toLatin1());
    Result<QByteArray> y = jose::Base64Url::decode(jwk.value(QLatin1String("y")).toString().toLatin1());
    if (!x || !y || x->size() != 32 || y->size() != 32)
        return fail(ErrorCode::MalformedKey,
                    QStringLiteral("The P-256 key has no 32-byte x and y coordinates."));
    QByteArray out;
    out.append(mapOfFive);
    out.append(smallInt(1)).append(smallInt(2)); // kty: EC2
    out.append(smallInt(3)).append(smallInt(-7)); // alg: ES256
    out.append(smallInt(-1)).append(smallInt(1)); // crv: P-256
    out.append(smallInt(-2)).append(byteString32, 2).append(*x);
    out.append(smallInt(-3)).append(byteString32, 2).append(*y);
    return out;
}

Result<jose::Jwk> toJwk(QByteArrayView cbor)
{
    auto bad = [](const QString &why) {
        return fail(ErrorCode::MalformedKey, QStringLiteral("The COSE key %1").arg(why));
    };
    if (cbor.isEmpty() || cbor[0] != mapOfFive)
        return bad(QStringLiteral("is not a CBOR map of five members (an ES256 EC2 key)."));
    qsizetype pos = 1;
    QMap<int, QByteArray> coordinates;
    QMap<int, int> numbers;
    for (int member = 0; member < 5; ++member) {
        if (pos >= cbor.size())
            return bad(QStringLiteral("ends before its five members."));
        const auto head = static_cast<quint8>(cbor[pos++]);
        if (head > 0x37 || (head > 0x17 && head < 0x20))
            return bad(QStringLiteral("has a member label that is not a small integer."));
        const int label = head < 0x20 ? head : -1 - (head & 0x1f);
        if (numbers.contains(label) || coordinates.contains(label))
            return bad(QStringLiteral("has the label %1 twice.").arg(label));
        if (label == -2 || label == -3) {
            if (cbor.size() - pos < 34 || cbor[pos] != byteString32[0] || cbor[pos + 1] != byteString32[1])
                return bad(QStringLiteral("has a %1 coordinate that is not 32 bytes.")
                               .arg(QLatin1Char(label == -2 ? 'x' : 'y')));
            coordinates.insert(label, QByteArray(cbor.data() + pos + 2, 32));
            pos += 34;
        } else if (label == 1 || label == 3 || label == -1) {
            if (pos >= cbor.size())
                return bad(QStringLiteral("ends inside a member."));
            const auto value = static_cast<quint8>(cbor[pos++]);
            if (value > 0x37 || (value > 0x17 && value < 0x20))
                return bad(
                    QStringLiteral("has a value for label %1 that is not a small integer.").arg(label));
            numbers.insert(label, value < 0x20 ? value : -1 - (value & 0x1f));
        } else {
            return bad(QStringLiteral("has the label %1, which an ES256 EC2 key does not use.").arg(label));
        }
    }
    if (pos != cbor.size())
        return bad(QStringLiteral("is followed by %1 more bytes.").arg(cbor.size() - pos));
    if (numbers.value(1) != 2 || numbers.value(3) != -7 || numbers.value(-1) != 1) {
        return fail(ErrorCode::UnsupportedAlgorithm,
                    QStringLiteral(
                        "The COSE key is not an ES256 P-256 key (kty %1, alg %2, crv %3; expected 2, -7, 1).")
                        .arg(numbers.value(1))
                        .arg(numbers.value(3))
                        .arg(numbers.value(-1)));
    }
    const QJsonObject jwk {
        {QLatin1String("kty"), QStringLiteral("EC")},
        {QLatin1String("crv"), QStringLiteral("P-256")},
        {QLatin1String("x"), QString::fromLatin1(jose::Base64Url::encode(coordinates.value(-2)))},
        {QLatin1String("y"), QString::fromLatin1(jose::Base64Url::encode(coordinates.value(-3)))},
    };
    Result<jose::Jwk> key = jose::Jwk::fromJson(jwk);
    if (!key)
        return fail(
            ErrorCode::MalformedKey,
            QStringLiteral("The COSE key's point is not a P-256 public key: %1").arg(key.error().message()));
    return key;
}

} // namespace CoseKey

Result<WebAuthnPublicCredential> WebAuthnPublicCredential::fromJson(QByteArrayView json)
{
    auto bad = [](const QString &why) {
        return fail(ErrorCode::MalformedJson, QStringLiteral("The stored WebAuthn credential %1").arg(why));
    };
    const QJsonDocument document = QJsonDocument::fromJson(QByteArray(json.data(), json.size()));
    if (!document.isObject())
        return bad(QStringLiteral("is not a JSON object."));
    return fromJson(document.object());
}

Result<WebAuthnPublicCredential> WebAuthnPublicCredential::fromJson(const QJsonObject &object)
{
    auto bad = [](const QString &why) {
        return fail(ErrorCode::MalformedJson, QStringLiteral("The stored WebAuthn credential %1").arg(why));
    };
    const QJsonValue id = object.value(QLatin1String("credentialId"));
    const QJsonValue rpId = object.value(QLatin1String("rpId"));
    const QJsonValue key = object.value(QLatin1String("publicKey"));
    if (!id.isString() || !rpId.isString() || !key.isObject())
        return bad(QStringLiteral("needs \"credentialId\" and \"rpId\" strings and a \"publicKey\" object."));
    WebAuthnPublicCredential credential;
    Result<QByteArray> idBytes
        = WebAuthnBase64::decodeUnpadded(id.toString().toLatin1(), QStringLiteral("The stored credentialId"));
    if (!idBytes)
        return idBytes.error();
    if (idBytes->isEmpty())
        return bad(QStringLiteral("has an empty credentialId."));
    Result<jose::Jwk> jwk = jose::Jwk::fromJson(key.toObject());
    if (!jwk)
        return jwk.error().prefixed(QStringLiteral("The stored WebAuthn credential's public key"));
    if (Result<void> fits = jwk->checkAlgorithm(jose::JwsAlgorithm::ES256); !fits)
        return fits.error();
    credential.credentialId = *idBytes;
    credential.rpId = rpId.toString();
    credential.publicKey = jwk->publicKey();
    return credential;
}

QByteArray WebAuthnPublicCredential::toJson() const
{
    const QJsonObject object {
        {QLatin1String("credentialId"), QString::fromLatin1(jose::Base64Url::encode(credentialId))},
        {QLatin1String("rpId"), rpId},
        {QLatin1String("publicKey"), publicKey.toPublicJson()},
    };
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

Result<WebAuthnAssertion> WebAuthnAssertion::parse(QByteArrayView credentialJson)
{
    QJsonParseError parseError;
    const QJsonDocument document
        = QJsonDocument::fromJson(QByteArray(credentialJson.data(), credentialJson.size()), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return malformedCredential(QStringLiteral("is not valid JSON: %1.").arg(parseError.errorString()));
    if (!document.isObject())
        return malformedCredential(QStringLiteral("is not a JSON object."));
    const QJsonObject object = document.object();
    const QJsonObject response = object.value(QLatin1String("response")).toObject();
    if (!object.value(QLatin1String("response")).isObject())
        return malformedCredential(QStringLiteral("has no \"response\" object."));
    for (const char *name : {"id", "type", "rawId"}) {
        if (!object.value(QLatin1String(name)).isString())
            return malformedCredential(QStringLiteral("has no \"%1\" string.").arg(QLatin1String(name)));
    }
    for (const char *name : {"authenticatorData", "clientDataJSON", "signature"}) {
        if (!response.value(QLatin1String(name)).isString())
            return malformedCredential(
                QStringLiteral("response has no \"%1\" string.").arg(QLatin1String(name)));
    }
    const QJsonValue userHandle = response.value(QLatin1String("userHandle"));
    if (!userHandle.isString() && !userHandle.isNull() && !userHandle.isUndefined())
        return malformedCredential(
            QStringLiteral("response has a \"userHandle\" that is neither a string nor null."));

    const auto text = [](const QJsonObject &from, const char *name) {
        return from.value(QLatin1String(name)).toString().toLatin1();
    };
    WebAuthnAssertion assertion;
    Result<QByteArray> id
        = WebAuthnBase64::decodeUnpadded(text(object, "id"), QStringLiteral("The credential's id"));
    if (!id)
        return id.error();
    Result<QByteArray> rawId
        = WebAuthnBase64::decodePadded(text(object, "rawId"), QStringLiteral("The credential's rawId"));
    if (!rawId)
        return rawId.error();
    Result<QByteArray> authData = WebAuthnBase64::decodeUnpadded(
        text(response, "authenticatorData"), QStringLiteral("The credential's authenticatorData"));
    if (!authData)
        return authData.error();
    Result<QByteArray> clientData = WebAuthnBase64::decodeUnpadded(
        text(response, "clientDataJSON"), QStringLiteral("The credential's clientDataJSON"));
    if (!clientData)
        return clientData.error();
    Result<QByteArray> signature = WebAuthnBase64::decodePadded(text(response, "signature"),
                                                                QStringLiteral("The credential's signature"));
    if (!signature)
        return signature.error();
    if (userHandle.isString()) {
        Result<QByteArray> handle = WebAuthnBase64::decodePadded(
            userHandle.toString().toLatin1(), QStringLiteral("The credential's userHandle"));
        if (!handle)
            return handle.error();
        assertion.userHandle = *handle;
    }
    if (id->isEmpty())
        return malformedCredential(QStringLiteral("has an empty id."));

    Result<AuthenticatorData> parsedAuthData = AuthenticatorData::parse(*authData);
    if (!parsedAuthData)
        return parsedAuthData.error();

    const QJsonDocument clientDocument = QJsonDocument::fromJson(*clientData, &parseError);
    if (parseError.error != QJsonParseError::NoError || !clientDocument.isObject())
        return malformedCredential(QStringLiteral("has a clientDataJSON that is not a JSON object."));
    const QJsonObject client = clientDocument.object();
    for (const char *name : {"type", "challenge", "origin"}) {
        if (!client.value(QLatin1String(name)).isString()) {
            return malformedCredential(
                QStringLiteral("has a clientDataJSON without a \"%1\" string.").arg(QLatin1String(name)));
        }
    }
    const QJsonValue crossOrigin = client.value(QLatin1String("crossOrigin"));
    if (!crossOrigin.isUndefined() && !crossOrigin.isBool())
        return malformedCredential(
            QStringLiteral("has a clientDataJSON whose \"crossOrigin\" is not a boolean."));
    Result<QByteArray> challenge = WebAuthnBase64::decodeUnpadded(
        text(client, "challenge"), QStringLiteral("The clientDataJSON challenge"));
    if (!challenge)
        return challenge.error();

    // Shape is fine; now the credential must be consistent with itself.
    if (*id != *rawId) {
        return fail(ErrorCode::InvalidInput,
                    QStringLiteral("The WebAuthn credential's id and rawId name different credentials."));
    }
    const QString type = object.value(QLatin1String("type")).toString();
    if (type != QLatin1String("public-key")) {
        return fail(
            ErrorCode::InvalidInput,
            QStringLiteral("The WebAuthn credential's type is \"%1\"; it must be \"public-key\".").arg(type));
    }

    assertion.credentialId = *id;
    assertion.authenticatorData = *authData;
    assertion.clientDataJson = *clientData;
    assertion.signature = *signature;
    assertion.clientDataType = client.value(QLatin1String("type")).toString();
    assertion.clientDataChallenge = *challenge;
    assertion.clientDataOrigin = client.value(QLatin1String("origin")).toString();
    assertion.crossOrigin = crossOrigin.toBool(false);
    assertion.parsedAuthenticatorData = *parsedAuthData;
    return assertion;
}

QByteArray WebAuthnAssertion::toJson() const
{
    QJsonObject response {
        {QLatin1String("authenticatorData"), QString::fromLatin1(jose::Base64Url::encode(authenticatorData))},
        {QLatin1String("clientDataJSON"), QString::fromLatin1(jose::Base64Url::encode(clientDataJson))},
        {QLatin1String("signature"), QString::fromLatin1(WebAuthnBase64::encodePadded(signature))},
        {QLatin1String("userHandle"),
         userHandle ? QJsonValue(QString::fromLatin1(WebAuthnBase64::encodePadded(*userHandle)))
                    : QJsonValue(QJsonValue::Null)},
    };
    const QJsonObject object {
        {QLatin1String("id"), QString::fromLatin1(jose::Base64Url::encode(credentialId))},
        {QLatin1String("type"), QStringLiteral("public-key")},
        {QLatin1String("rawId"), QString::fromLatin1(WebAuthnBase64::encodePadded(credentialId))},
        {QLatin1String("response"), response},
    };
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

Result<quint32> WebAuthnAssertion::verify(const WebAuthnExpectation &expected) const
{
    if (expected.challenge.isEmpty() || expected.origin.isEmpty() || expected.rpId.isEmpty()) {
        return fail(ErrorCode::InvalidInput,
                    QStringLiteral("A WebAuthn assertion cannot be checked without the expected challenge, "
                                   "origin and rpId."));
    }
    if (clientDataType != QLatin1String("webauthn.get")) {
        return fail(
            ErrorCode::InvalidInput,
            QStringLiteral("The clientDataJSON type is \"%1\"; an assertion must have \"webauthn.get\".")
                .arg(clientDataType));
    }
    if (!constantTimeEquals(clientDataChallenge, expected.challenge)) {
        return fail(
            ErrorCode::WrongNonce,
            QStringLiteral("The assertion answers a different challenge than the one this login issued."));
    }
    if (clientDataOrigin != expected.origin) {
        return fail(ErrorCode::WrongAudience,
                    QStringLiteral("The assertion was made for the origin \"%1\", not \"%2\".")
                        .arg(clientDataOrigin, expected.origin));
    }
    if (crossOrigin) {
        return fail(ErrorCode::WrongAudience,
                    QStringLiteral(
                        "The assertion was made in a cross-origin frame, which this site does not allow."));
    }
    const AuthenticatorData &data = parsedAuthenticatorData;
    if (!constantTimeEquals(data.rpIdHash, sha256(expected.rpId.toUtf8()))) {
        return fail(
            ErrorCode::WrongAudience,
            QStringLiteral("The assertion's rpIdHash is not the SHA-256 of the rpId \"%1\": it was made "
                           "for another relying party.")
                .arg(expected.rpId));
    }
    if (!(data.flags & AuthenticatorFlag::UserPresent)) {
        return fail(
            ErrorCode::UserNotPresent,
            QStringLiteral("The authenticator did not confirm user presence (the UP flag is not set)."));
    }
    if (expected.requireUserVerification && !(data.flags & AuthenticatorFlag::UserVerified)) {
        return fail(ErrorCode::UserNotVerified,
                    QStringLiteral("User verification is required, but the authenticator did not verify the "
                                   "user (the UV flag is not set)."));
    }
    if (Result<void> fits = expected.publicKey.checkAlgorithm(jose::JwsAlgorithm::ES256); !fits)
        return fits.error().prefixed(QStringLiteral("The stored WebAuthn public key"));
    Result<QByteArray> raw = EcdsaDer::toRaw(signature, 32);
    if (!raw)
        return raw.error();
    const QByteArray signedData = webAuthnSignedData(authenticatorData, clientDataJson);
    if (!jose::Signature::verify(jose::JwsAlgorithm::ES256, expected.publicKey, signedData, *raw)) {
        return fail(ErrorCode::BadSignature,
                    QStringLiteral("The assertion's signature does not verify with the stored public key of "
                                   "this credential."));
    }
    if (!(data.signCount == 0 && expected.storedSignCount == 0)
        && data.signCount <= expected.storedSignCount) {
        return fail(
            ErrorCode::Replayed,
            QStringLiteral("The signature counter did not increase (stored %1, received %2): possible "
                           "cloned authenticator or a replayed assertion.")
                .arg(expected.storedSignCount)
                .arg(data.signCount));
    }
    return data.signCount;
}

Result<quint32> WebAuthnAssertion::verify(QByteArrayView credentialJson, const QByteArray &expectedChallenge,
                                          const QString &expectedOrigin, const QString &expectedRpId,
                                          const jose::Jwk &storedPublicKey, quint32 storedSignCount,
                                          bool requireUserVerification)
{
    Result<WebAuthnAssertion> assertion = parse(credentialJson);
    if (!assertion)
        return assertion.error();
    WebAuthnExpectation expected;
    expected.challenge = expectedChallenge;
    expected.origin = expectedOrigin;
    expected.rpId = expectedRpId;
    expected.publicKey = storedPublicKey;
    expected.storedSignCount = storedSignCount;
    expected.requireUserVerification = requireUserVerification;
    return assertion->verify(expected);
}

} // namespace mwauth::otp
