#pragma once

#include "common/Result.h"

#include <QList>
#include <QString>

#include <optional>

namespace mwauth::secrets {

// What a secret is. The names are part of the keychain key and of the SQLite index, so they
// never change once released.
enum class SecretKind {
    ClientSecret, // an OAuth 1.0a consumer secret or an OAuth 2 client secret
    RsaPrivateKey, // the PEM private key of an OAuth 1.0a RSA-SHA1 consumer
    AccessToken, // an OAuth 2 access token, or an OAuth 1.0a access token + secret
    RefreshToken,
    OwnerOnlyToken, // the token MediaWiki shows once at an owner-only registration
    TotpSeed, // a base32 TOTP secret
    WebAuthnCredential, // a virtual authenticator's credential (private key, counter)
    Password, // only when the user asked to remember it
};

// "client-secret", "rsa-private-key", "access-token", "refresh-token", "owner-only-token",
// "totp-seed", "webauthn-credential", "password".
QString secretKindName(SecretKind kind);
std::optional<SecretKind> secretKindFromName(const QString &name);
QList<SecretKind> allSecretKinds();

// Names one secret: the profile it belongs to, its kind and an id within both (a client id,
// a user name). Its keychain key is "mwauth:<profile-id>:<kind>:<id>". The reference itself is
// not secret: the SQLite index stores it.
struct SecretRef
{
    QString profileId;
    SecretKind kind = SecretKind::ClientSecret;
    QString id;

    // "mwauth:<profile-id>:<kind>:<id>".
    QString key() const;
    // Checks the parts: a profile id of 1-64 characters from [A-Za-z0-9._-]; an id of 1-256
    // characters without control characters (":" is fine: the id is the key's last part).
    // Errors: InvalidInput naming the bad part.
    Result<void> validate() const;
    // The reference of a key made by key(). Errors: InvalidInput.
    static Result<SecretRef> fromKey(const QString &key);

    bool operator==(const SecretRef &other) const = default;
};

} // namespace mwauth::secrets
