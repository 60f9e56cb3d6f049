#pragma once

#include "CommandContext.h"

#include "jose/Jwk.h"
#include "jose/Jwks.h"

#include <QByteArray>
#include <QString>

namespace mwauth::cli::KeyInput {

// Key material as users hand it to the CLI, in whatever form it comes.
//
// parseKey(): a JWK (a JSON object with "kty") or a PEM key (SPKI, PKCS#8, or the
// traditional RSA/EC forms). Errors: ErrorCode::MalformedKey for data that is neither,
// otherwise the core's error for the key itself (weak RSA, point not on the curve, ...).
Result<jose::Jwk> parseKey(const QByteArray &data);

// parseKeySet(): a JWK Set ({"keys": [...]}) or a single JWK. Errors: MalformedJson for
// text that is not a JSON object, MalformedKey for an object that is neither.
Result<jose::Jwks> parseKeySet(const QByteArray &data);

// True if `source` names an http or https URL rather than a file.
bool isUrl(const QString &source);

// The key set from a file, standard input ("-") or an http(s) URL (fetched with the
// limits of HttpDownload). The error message names where the keys came from.
Result<jose::Jwks> loadKeySet(CommandContext &context, const QString &source, int timeoutMs);

} // namespace mwauth::cli::KeyInput
