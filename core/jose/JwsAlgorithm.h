#pragma once

#include "common/Result.h"

#include <QList>
#include <QString>

namespace mwauth::jose {

// The JWS algorithms we sign and verify (RFC 7518 section 3, RFC 8037).
// "none" is deliberately absent: algorithmFromName("none") is an error.
enum class JwsAlgorithm { HS256, HS384, HS512, RS256, RS384, RS512, PS256, ES256, ES384, EdDSA };

QString algorithmName(JwsAlgorithm alg);
// Exact, case-sensitive names as RFC 7518 registers them. "none" and unknown names
// give ErrorCode::UnsupportedAlgorithm with a message naming the alg.
Result<JwsAlgorithm> algorithmFromName(QStringView name);
QList<JwsAlgorithm> allAlgorithms();

bool isHmac(JwsAlgorithm alg);
bool isRsa(JwsAlgorithm alg); // RS* and PS*
bool isEc(JwsAlgorithm alg); // ES256 (P-256), ES384 (P-384)

} // namespace mwauth::jose
