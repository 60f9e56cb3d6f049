#pragma once

#include "otp/Otp.h"

#include <QString>

namespace mwauth::otp {

// Key URIs as authenticator apps read them:
//   otpauth://totp/Issuer:account?secret=BASE32&issuer=Issuer&algorithm=SHA1&digits=6&period=30
//   otpauth://hotp/...&counter=N
struct OtpAuthUri
{
    enum class Type { Totp, Hotp };

    Type type = Type::Totp;
    QString issuer;
    QString account;
    TotpParameters parameters;
    quint64 counter = 0; // HOTP only

    // Errors (InvalidInput / MalformedBase64 / UnsupportedAlgorithm): another scheme, a type
    // other than totp/hotp, a missing or bad secret, digits outside 6..8, period < 1,
    // an unknown algorithm, hotp without counter.
    static Result<OtpAuthUri> parse(const QString &uri);
    QString toString() const;
};

} // namespace mwauth::otp
