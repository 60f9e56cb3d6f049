#pragma once

#include "common/Result.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace mwauth::otp {

enum class HashAlgorithm { Sha1, Sha256, Sha512 };
QString hashAlgorithmName(HashAlgorithm alg); // "SHA1", "SHA256", "SHA512"
Result<HashAlgorithm> hashAlgorithmFromName(QStringView name); // case-insensitive, "SHA-1" too

struct TotpParameters
{
    QByteArray secret; // raw key bytes (not base32)
    HashAlgorithm algorithm = HashAlgorithm::Sha1;
    int digits = 6; // 6..8
    int period = 30; // seconds, >= 1
};

// RFC 4226 HOTP with dynamic truncation; `digits` 6..8 (InvalidInput otherwise; also for an
// empty secret).
Result<QString> hotp(QByteArrayView secret, quint64 counter, int digits = 6,
                     HashAlgorithm algorithm = HashAlgorithm::Sha1);

// RFC 6238: the time step for `unixTime` (floor(t / period)), and its code.
quint64 timeStep(double unixTime, int period);
Result<QString> totp(const TotpParameters &params, double unixTime);

// Accepts `code` if it equals the code of a step within +/- `windowRadius` of now and that
// step is newer than `lastAcceptedStep` (the replay guard OATHAuth keeps per user).
// Compares in constant time. Returns the matched step, or BadSignature / InvalidInput.
Result<quint64> verifyTotp(const TotpParameters &params, QByteArrayView code, double unixTime,
                           int windowRadius = 1, std::optional<quint64> lastAcceptedStep = std::nullopt);

} // namespace mwauth::otp
