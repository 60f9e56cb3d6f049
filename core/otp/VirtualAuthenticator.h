#pragma once

#include "otp/WebAuthnAssertion.h"

#include "common/Random.h"
#include "common/Result.h"
#include "jose/Jwk.h"

#include <QByteArray>
#include <QString>

namespace mwauth::otp {

// A software WebAuthn authenticator holding one ES256 credential (W3C WebAuthn Level 2):
// what the flow engine uses to answer OATHAuth's WebAuthn step, and what tests and the demo
// users of the local provider register. It plays the client (browser) and the authenticator:
// from the server's auth_info it builds clientDataJSON, authenticatorData and the DER
// signature, and returns the `credential` JSON that OATHAuth's WebAuthnAuthenticationRequest
// takes (see WebAuthnAssertion for its shape).
//
// toJson() contains the private key: it is a secret and belongs in the SecretStore only.
// publicCredentialJson() is what the relying party stores (WebAuthnPublicCredential).
// A copy is a clone of the key with its own counter: a relying party's counter check refuses
// whichever copy falls behind, as it would a cloned hardware key.
class VirtualAuthenticator
{
public:
    // A new credential for `rpId` (a host name, e.g. "127.0.0.1" or "wiki.example"): a
    // 32-byte credential id from `random`, a new P-256 key, signCount 0. `userHandle` is the
    // user's WebAuthn user id (may be empty: the answer then carries userHandle null).
    // InvalidInput for an empty rpId; key generation errors are passed on.
    static Result<VirtualAuthenticator> create(Random &random, const QString &rpId,
                                               const QByteArray &userHandle);

    // The whole credential, private key included:
    //   {"credentialId": base64url, "rpId": "...", "userHandle": base64url,
    //    "signCount": n, "privateKey": JWK (EC P-256, with "d")}
    QByteArray toJson() const;
    // MalformedJson / MalformedBase64 / MalformedKey; MissingPrivateKey when the key has no
    // private part; AlgorithmKeyMismatch when it is not a P-256 key.
    static Result<VirtualAuthenticator> fromJson(QByteArrayView json);

    WebAuthnPublicCredential publicCredential() const;
    QByteArray publicCredentialJson() const; // publicCredential().toJson()

    // Answers `authInfoJson` (WebAuthnRequestOptions JSON) as a browser at `origin` would:
    //  - the origin must be http(s) and its host must be the rpId or a subdomain of it, and
    //    the rpId (the origin's host when auth_info has none) must be this credential's
    //    (InvalidInput naming both);
    //  - allowCredentials must list this credential's id, or be empty (any credential of
    //    the rpId) (NoMatchingKey otherwise);
    //  - signCount goes up by one for each answer (a refused request leaves it as it is);
    //  - flags: UP, plus UV when userVerification is "required" or "preferred".
    // Returns the compact `credential` JSON. auth_info errors as WebAuthnRequestOptions.
    Result<QByteArray> answer(const QByteArray &authInfoJson, const QString &origin);

    const QByteArray &credentialId() const { return m_credentialId; }
    const QString &rpId() const { return m_rpId; }
    const QByteArray &userHandle() const { return m_userHandle; }
    quint32 signCount() const { return m_signCount; }

private:
    VirtualAuthenticator() = default;

    QByteArray m_credentialId;
    jose::Jwk m_privateKey;
    QString m_rpId;
    QByteArray m_userHandle;
    quint32 m_signCount = 0;
};

} // namespace mwauth::otp
