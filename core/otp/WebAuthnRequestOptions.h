#pragma once

#include "common/Result.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace mwauth::otp {

// W3C WebAuthn Level 2, section 5.10.6: how much user verification the relying party asks for.
enum class UserVerification { Required, Preferred, Discouraged };
QString userVerificationName(UserVerification uv); // "required", "preferred", "discouraged"

// The two base64 forms OATHAuth's WebAuthn JSON mixes (reference/oathauth-clientlogin.md):
// standard base64 WITH padding (rawId, signature, userHandle, auth_info's challenge and
// allowCredentials ids) and base64url WITHOUT padding (id, authenticatorData,
// clientDataJSON; jose::Base64Url).
namespace WebAuthnBase64 {
QByteArray encodePadded(QByteArrayView data);
// Strict: alphabet A-Z a-z 0-9 + /, length a multiple of 4, exactly the padding the length
// needs, canonical last character. Errors are ErrorCode::MalformedBase64 and start with `what`
// ("The credential's rawId is not valid padded base64: ...").
Result<QByteArray> decodePadded(QByteArrayView text, const QString &what);
// base64url without padding (strict), with the same kind of message.
Result<QByteArray> decodeUnpadded(QByteArrayView text, const QString &what);
} // namespace WebAuthnBase64

// OATHAuth's `auth_info`: the PublicKeyCredentialRequestOptions JSON that the server puts in
// the hidden field of its WebAuthnAuthenticationRequest and the client hands to
// navigator.credentials.get(). Shape:
//   {"challenge": base64 (padded), "rpId": "...", "allowCredentials": [{"type":
//    "public-key", "id": base64 (padded)}, ...], "userVerification": "preferred",
//    "timeout": 60000}
struct WebAuthnRequestOptions
{
    QByteArray challenge; // raw bytes, never empty
    QString rpId; // empty when the JSON does not name one (the spec then uses the origin's host)
    QList<QByteArray> allowCredentials; // raw credential ids; empty = any credential for rpId
    UserVerification userVerification = UserVerification::Preferred; // the spec's default
    std::optional<int> timeoutMs;

    // Errors: MalformedJson (not an object, challenge missing or not a string, a member of
    // the wrong type, an unknown userVerification, a negative timeout, an allowCredentials
    // entry whose type is not "public-key"), MalformedBase64 (challenge or an id), and
    // InvalidInput for an empty challenge. Unknown members (extensions, hints) are ignored.
    static Result<WebAuthnRequestOptions> fromJson(QByteArrayView json);
    // Compact JSON in the shape above (the provider's auth_info).
    QByteArray toJson() const;
};

} // namespace mwauth::otp
