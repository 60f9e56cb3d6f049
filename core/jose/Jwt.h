#pragma once

#include "jose/Jws.h"

#include <QJsonObject>
#include <QStringList>

#include <limits>
#include <optional>

namespace mwauth::jose {

// A JWT (RFC 7519) as a JWS with a JSON-object payload.
class Jwt
{
public:
    // Parses the JWS and its payload as a JSON object (MalformedJson otherwise).
    static Result<Jwt> decode(QByteArrayView compact);

    const JwsParts &parts() const { return m_parts; }
    const QJsonObject &header() const { return m_parts.header; }
    const QJsonObject &claims() const { return m_claims; }

    // Numeric date claims (exp, nbf, iat) as seconds since the epoch. MediaWiki issues
    // fractional ones (1795404830.89835); strings or other types give nullopt.
    std::optional<double> numericDate(const QString &claim) const;
    // "aud" as a list whether it is a string or an array of strings.
    QStringList audiences() const;

private:
    JwsParts m_parts;
    QJsonObject m_claims;
};

// What a validation concluded, for display (inspector badges, CLI output).
struct JwtVerdict
{
    bool valid = false;
    Error error; // set when !valid
    Jwk key; // the key that verified the signature (when it did)
    bool signatureVerified = false;
};

// Checks the signature and the claims. All times in seconds since the epoch.
//
//   JwtValidator v;
//   v.setIssuer("https://wiki.example"); v.setAudience(clientId); v.setNow(clock.nowSeconds());
//   JwtVerdict verdict = v.validate(token, jwks);
//
// Order of checks: parse, signature, exp, nbf, iat, iss, aud, nonce, required claims.
// Leeway (default 60 s) applies to exp, nbf and iat.
class JwtValidator
{
public:
    // Required: without it every validation fails (ErrorCode::Internal) rather than
    // checking exp/nbf/iat against some default time.
    void setNow(double seconds) { m_now = seconds; }
    void setLeeway(double seconds) { m_leeway = seconds; }
    void setIssuer(const QString &iss) { m_issuer = iss; }
    void setAudience(const QString &aud) { m_audience = aud; }
    void setNonce(const QString &nonce) { m_nonce = nonce; }
    void setRequiredClaims(const QStringList &claims) { m_required = claims; }
    // Refuse tokens without "exp" (default true).
    void setRequireExpiry(bool require) { m_requireExpiry = require; }

    JwtVerdict validate(QByteArrayView compact, const Jwks &keys) const;
    JwtVerdict validate(QByteArrayView compact, const Jwk &key) const;
    // Claims only (for a token whose signature was already checked).
    Result<void> validateClaims(const Jwt &jwt) const;

private:
    JwtVerdict finish(const Jwt &jwt, Result<Jwk> verified) const;

    double m_now = std::numeric_limits<double>::quiet_NaN();
    double m_leeway = 60;
    QString m_issuer;
    QString m_audience;
    QString m_nonce;
    QStringList m_required;
    bool m_requireExpiry = true;
};

} // namespace mwauth::jose
