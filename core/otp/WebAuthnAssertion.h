#pragma once

#include "common/Result.h"
#include "jose/Jwk.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace mwauth::otp {

// WebAuthn assertions (W3C WebAuthn Level 2, sections 6.1 and 7.2) as OATHAuth's
// WebAuthn module exchanges them through action=clientlogin, with ES256 (COSE alg -7,
// ECDSA P-256 + SHA-256) credentials. The public key is kept as a JWK (jose::Jwk).

// authenticatorData flag bits (section 6.1).
namespace AuthenticatorFlag {
constexpr quint8 UserPresent = 0x01; // UP
constexpr quint8 UserVerified = 0x04; // UV
constexpr quint8 AttestedCredentialData = 0x40; // AT
constexpr quint8 ExtensionData = 0x80; // ED
} // namespace AuthenticatorFlag

// authenticatorData = rpIdHash (32) || flags (1) || signCount (4, big-endian)
//                     [|| attested credential data] [|| extensions]
struct AuthenticatorData
{
    QByteArray rpIdHash; // SHA-256 of the rpId
    quint8 flags = 0;
    quint32 signCount = 0;

    // The 37 bytes of an assertion's authenticatorData for `rpId`.
    static QByteArray build(const QString &rpId, quint8 flags, quint32 signCount);
    // MalformedJson when shorter than 37 bytes, or longer while neither AT nor ED is set.
    static Result<AuthenticatorData> parse(QByteArrayView bytes);
};

// ECDSA signatures: WebAuthn carries DER (SEQUENCE { r INTEGER, s INTEGER }); jose speaks
// R || S with each half `width` bytes (32 for P-256).
namespace EcdsaDer {
QByteArray fromRaw(QByteArrayView rs);
// Strict DER: one SEQUENCE spanning the input, two positive minimally encoded INTEGERs that
// fit `width` bytes. Errors are ErrorCode::BadSignature with what is wrong.
Result<QByteArray> toRaw(QByteArrayView der, int width = 32);
} // namespace EcdsaDer

// COSE_Key (RFC 9052 section 7, RFC 9053 section 7.1.1) for ES256 credentials: how
// WebAuthn registration carries the public key (credentialPublicKey). Only the one form
// an ES256 credential uses: a CBOR map {1 (kty): 2 (EC2), 3 (alg): -7 (ES256), -1 (crv):
// 1 (P-256), -2 (x): 32 bytes, -3 (y): 32 bytes}, in CTAP2 canonical order.
namespace CoseKey {
// AlgorithmKeyMismatch for a key that is not EC P-256.
Result<QByteArray> fromJwk(const jose::Jwk &key);
// Strict: exactly those five members, each once, definite lengths, shortest integer
// forms, nothing after the map; the point must be on the curve. Errors are MalformedKey
// (UnsupportedAlgorithm for another kty/alg/crv) and say which member is wrong.
Result<jose::Jwk> toJwk(QByteArrayView cbor);
} // namespace CoseKey

// What a relying party stores for a registered credential: its id, the rpId it belongs to
// and its public key. JSON: {"credentialId": base64url, "rpId": "...", "publicKey": JWK}.
struct WebAuthnPublicCredential
{
    QByteArray credentialId;
    QString rpId;
    jose::Jwk publicKey; // EC P-256, public part only

    // MalformedJson / MalformedBase64 / MalformedKey; AlgorithmKeyMismatch when the key is
    // not an EC P-256 key.
    static Result<WebAuthnPublicCredential> fromJson(QByteArrayView json);
    // The same for JSON already parsed (a record's member): MalformedJson etc. as above.
    static Result<WebAuthnPublicCredential> fromJson(const QJsonObject &object);
    QByteArray toJson() const;
};

// What the verifier expects of an assertion.
struct WebAuthnExpectation
{
    QByteArray challenge; // the raw challenge bytes the server issued
    QString origin; // e.g. "http://127.0.0.1:8089"
    QString rpId; // e.g. "127.0.0.1"
    jose::Jwk publicKey; // the stored credential's public key (ES256)
    quint32 storedSignCount = 0;
    bool requireUserVerification = false;
};

// The `credential` JSON a client submits, parsed and decoded:
//   {"id": base64url, "type": "public-key", "rawId": base64 (padded),
//    "response": {"authenticatorData": base64url, "clientDataJSON": base64url,
//                 "signature": base64 (padded, DER), "userHandle": base64 (padded) | null}}
struct WebAuthnAssertion
{
    QByteArray credentialId; // from id (== rawId)
    QByteArray authenticatorData;
    QByteArray clientDataJson; // the exact bytes that were hashed
    QByteArray signature; // DER
    std::optional<QByteArray> userHandle;
    // From clientDataJSON:
    QString clientDataType; // "webauthn.get"
    QByteArray clientDataChallenge; // decoded
    QString clientDataOrigin;
    bool crossOrigin = false;
    // From authenticatorData:
    AuthenticatorData parsedAuthenticatorData;

    // Checks the JSON shape, then that id and rawId name the same credential and that type
    // is "public-key". Errors: MalformedJson (not an object, a member missing or of the
    // wrong type, clientDataJSON not a JSON object with string type/challenge/origin,
    // authenticatorData too short), MalformedBase64 (naming the field), InvalidInput
    // (id/rawId mismatch, type). Use credentialId to find the stored key, then verify().
    static Result<WebAuthnAssertion> parse(QByteArrayView credentialJson);
    // The `credential` JSON in the shape above (compact).
    QByteArray toJson() const;

    // The relying party's checks (section 7.2), in this order, the first failure wins:
    //   clientData type == "webauthn.get"              InvalidInput
    //   challenge (constant time)                     WrongNonce
    //   origin, and crossOrigin not true              WrongAudience
    //   rpIdHash == SHA-256(rpId)                      WrongAudience
    //   UP flag set                                    MissingClaim
    //   UV flag set when required                      MissingClaim
    //   the key fits ES256 (jose's errors), the DER signature over
    //   authenticatorData || SHA-256(clientDataJSON)  BadSignature
    //   signCount > stored, unless both are 0         InvalidInput ("... possible cloned
    //                                                 authenticator")
    // An expectation without challenge, origin or rpId is InvalidInput. Returns the new
    // signCount for the caller to store.
    Result<quint32> verify(const WebAuthnExpectation &expected) const;

    // parse() then verify(): the whole check of a submitted credential.
    static Result<quint32> verify(QByteArrayView credentialJson, const QByteArray &expectedChallenge,
                                  const QString &expectedOrigin, const QString &expectedRpId,
                                  const jose::Jwk &storedPublicKey, quint32 storedSignCount,
                                  bool requireUserVerification);
};

// The bytes an assertion signature covers: authenticatorData || SHA-256(clientDataJSON).
QByteArray webAuthnSignedData(QByteArrayView authenticatorData, QByteArrayView clientDataJson);

} // namespace mwauth::otp
