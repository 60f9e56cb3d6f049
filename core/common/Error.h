#pragma once

#include <QMetaType>
#include <QObject>
#include <QString>

namespace mwauth {
Q_NAMESPACE

// What went wrong, as a machine-readable kind. The message says it for a person.
enum class ErrorCode {
    InvalidInput, // an argument that cannot be right (empty, out of range)
    MalformedBase64, // base64url / base32 that does not decode
    MalformedJson, // JSON that does not parse or has the wrong shape
    MalformedToken, // a JWS/JWT that is not three well-formed parts
    MalformedKey, // a JWK or PEM that cannot be read
    MalformedHeader, // an HTTP header (Authorization: OAuth ...) that cannot be parsed
    MalformedUrl, // a URL that cannot be used
    UnsupportedAlgorithm, // alg "none", an unknown alg, a hash we do not offer
    AlgorithmKeyMismatch, // the alg does not fit the key (HS256 with an RSA key)
    WeakKey, // an RSA key under 2048 bits, an HMAC key too short
    MissingPrivateKey, // signing with a public key
    NoMatchingKey, // no key in a JWKS fits the token's kid/alg
    BadSignature, // the signature does not verify
    Expired, // exp is in the past (beyond leeway)
    NotYetValid, // nbf is in the future (beyond leeway)
    IssuedInFuture, // iat is in the future (beyond leeway)
    WrongIssuer,
    WrongAudience,
    WrongNonce,
    MissingClaim,
    Replayed, // a one-time value used again (TOTP step, WebAuthn counter, code)
    UserNotPresent, // WebAuthn: the authenticator did not confirm user presence (UP)
    UserNotVerified, // WebAuthn: user verification (UV) was required but not done
    NotFound, // the named thing (user, consumer, key) does not exist
    Conflict, // it exists already (a user name, a kid)
    Database, // the database refused or failed (the detail has the driver's text)
    Crypto, // OpenSSL failed (the message carries its reason)
    Io, // a file could not be read or written
    Network,
    Timeout,
    Cancelled,
    Tls, // a TLS handshake failed or a certificate was refused
    TooLarge, // a response over the size cap
    Server, // the server answered with an error (an HTTP error status, an API error code)
    Protocol, // the answer does not follow the protocol (HTML where JSON was wanted, a missing member)
    Internal,
};
Q_ENUM_NS(ErrorCode)

// A typed error with a user-readable message. `detail` is optional extra context
// for logs and the inspector (never a secret).
class Error
{
public:
    Error() = default;
    Error(ErrorCode code, QString message, QString detail = {});

    ErrorCode code() const { return m_code; }
    const QString &message() const { return m_message; }
    const QString &detail() const { return m_detail; }

    // The code's name, e.g. "BadSignature" (for logs and machine output).
    QString codeName() const;
    // "message (detail)" or just "message".
    QString toString() const;

    // The same error with `context` put in front of the message ("JWKS: ...").
    Error prefixed(const QString &context) const;

private:
    ErrorCode m_code = ErrorCode::Internal;
    QString m_message;
    QString m_detail;
};

} // namespace mwauth

Q_DECLARE_METATYPE(mwauth::Error)
