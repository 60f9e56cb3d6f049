#pragma once

#include "common/Result.h"
#include "jose/Jwks.h"
#include "jose/Jwt.h"

#include <QStringList>

#include <optional>

namespace mwauth::oauth2 {

// Validates an OpenID Connect id_token from the token endpoint (OIDC Core 3.1.3.7):
//
//   1. a JWS (never alg "none", Jws::parse refuses it) whose alg is one the provider
//      advertises (id_token_signing_alg_values_supported) and not an HMAC alg unless
//      allowHmacWithSecret() gave the client secret (then HS* verify with it);
//   2. the signature with a key of the provider's JWKS: the key with the token's kid, or
//      the keys fit for its alg; a key's own "alg" pins it (Jwk::checkAlgorithm);
//   3. iss = the issuer, aud contains the client id, azp = the client id when there are
//      several audiences, exp in the future, iat present and not in the future, sub present;
//   4. nonce = the one sent with the authorization request;
//   5. at_hash, when the token has one (always checked then), = base64url of the left half
//      of the alg's hash of the access token (SHA-256 for *256, SHA-384, SHA-512 for *512
//      and EdDSA); `requireAtHash` makes it mandatory.
class IdTokenValidator
{
public:
    struct Expectations
    {
        QString issuer;
        QString clientId;
        QString nonce; // empty: the request sent none (then a nonce claim is not checked)
        QByteArray accessToken; // for at_hash; empty: not checked
        bool requireAtHash = false;
        QStringList allowedAlgs; // empty: any alg the keys accept (never "none")
        double now = 0; // seconds since the epoch
        double leeway = 60;
    };

    // The verified claims, or why not (the jose error codes: BadSignature, NoMatchingKey,
    // WrongIssuer, WrongAudience, WrongNonce, Expired, IssuedInFuture, MissingClaim,
    // UnsupportedAlgorithm, MalformedToken, ...), each with a message saying which check.
    static Result<jose::Jwt> validate(QByteArrayView idToken, const jose::Jwks &keys,
                                      const Expectations &expected);

    // at_hash / c_hash for `value` under the JWS alg `alg`.
    static QByteArray halfHash(jose::JwsAlgorithm alg, QByteArrayView value);

    // A Jwks with only the client secret as an oct key, for providers that sign id_tokens
    // with HS256 (OIDC Core 10.1); put its alg into allowedAlgs too.
    static jose::Jwks secretKeys(QByteArrayView clientSecret);
};

} // namespace mwauth::oauth2
