#pragma once

#include "jose/Jwks.h"

#include <QString>

namespace mwauth::ui {

// What the user pasted into the workbench's verification key field.
enum class KeyMode { JwksOrJwk, Pem, Secret };

namespace KeyMaterial {

// The keys to verify with: a JWKS ({"keys":[...]}) or a single JWK object in JwksOrJwk
// mode, a PEM public (or private) key in Pem mode, the UTF-8 bytes of the text in Secret
// mode (leading and trailing whitespace ignored, as pasting adds a newline easily).
// Errors are user-readable; pasting a PEM in JSON mode (or the reverse) says which mode fits.
Result<jose::Jwks> parse(KeyMode mode, const QString &text);

// The mode that fits `text` when it is unmistakably JSON or PEM; otherwise `current`.
// Never switches to or away from Secret mode: a secret can look like anything.
KeyMode detect(const QString &text, KeyMode current);

} // namespace KeyMaterial
} // namespace mwauth::ui
