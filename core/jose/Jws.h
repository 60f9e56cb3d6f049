#pragma once

#include "jose/Jwk.h"
#include "jose/Jwks.h"

#include <QByteArray>
#include <QJsonObject>

namespace mwauth::jose {

// A JWS in compact serialisation (RFC 7515 section 7.1), parsed but not verified.
struct JwsParts
{
    QByteArray signingInput; // base64url(header) "." base64url(payload), as received
    QJsonObject header;
    QByteArray payload; // decoded
    QByteArray signature; // decoded
    JwsAlgorithm alg = JwsAlgorithm::HS256;
};

// Low-level signatures over raw bytes (what Jws::sign/verify use). ES* signatures are
// the JWS form: R || S, fixed width (RFC 7518 section 3.4), not DER.
namespace Signature {
Result<QByteArray> sign(JwsAlgorithm alg, const Jwk &key, QByteArrayView data);
Result<void> verify(JwsAlgorithm alg, const Jwk &key, QByteArrayView data, QByteArrayView signature);
} // namespace Signature

namespace Jws {

// Upper bound for a compact token we accept (parts are decoded, so this caps memory).
constexpr qsizetype maxCompactSize = 256 * 1024;

// Splits and decodes. Errors (ErrorCode::MalformedToken unless said otherwise):
// not exactly three parts, an empty header, bad base64url (MalformedBase64), a header
// that is not a JSON object or has duplicate member names, "alg" missing, "none" or
// unknown (UnsupportedAlgorithm), "crit" present, oversized input.
Result<JwsParts> parse(QByteArrayView compact);

// Signs `payload` under `header` (its "alg" is required and must fit the key).
// Returns the compact serialisation.
Result<QByteArray> sign(const QJsonObject &header, QByteArrayView payload, const Jwk &key);

// Verifies parts against one key: the key must fit parts.alg (checkAlgorithm), then
// the signature must verify (ErrorCode::BadSignature).
Result<void> verify(const JwsParts &parts, const Jwk &key);
// Against a set: tries the candidates for the header's kid and alg; returns the key
// that verified. NoMatchingKey if there is no candidate, BadSignature if none verifies.
Result<Jwk> verify(const JwsParts &parts, const Jwks &keys);

} // namespace Jws
} // namespace mwauth::jose
