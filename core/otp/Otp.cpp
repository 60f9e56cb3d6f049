#include "Otp.h"

#include "common/ConstantTime.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cmath>

namespace mwauth::otp {

namespace {

const EVP_MD *digestFor(HashAlgorithm alg)
{
    switch (alg) {
    case HashAlgorithm::Sha1:
        return EVP_sha1();
    case HashAlgorithm::Sha256:
        return EVP_sha256();
    case HashAlgorithm::Sha512:
        return EVP_sha512();
    }
    return nullptr;
}

Result<void> checkDigits(int digits)
{
    if (digits < 6 || digits > 8) {
        return fail(ErrorCode::InvalidInput,
                    QStringLiteral("One-time codes have 6 to 8 digits, not %1.").arg(digits));
    }
    return {};
}

Result<void> checkParameters(const TotpParameters &params)
{
    if (Result<void> digits = checkDigits(params.digits); !digits)
        return digits;
    if (params.period < 1) {
        return fail(ErrorCode::InvalidInput,
                    QStringLiteral("The TOTP period must be at least 1 second, not %1.").arg(params.period));
    }
    if (params.secret.isEmpty())
        return fail(ErrorCode::InvalidInput, QStringLiteral("The one-time code secret is empty."));
    return {};
}

// The code without the checks (callers have made them).
QString computeHotp(QByteArrayView secret, quint64 counter, int digits, HashAlgorithm algorithm)
{
    unsigned char message[8];
    for (int i = 7; i >= 0; --i) {
        message[i] = static_cast<unsigned char>(counter & 0xff);
        counter >>= 8;
    }
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int macLength = 0;
    HMAC(digestFor(algorithm), secret.data(), static_cast<int>(secret.size()), message, sizeof message, mac,
         &macLength);
    // RFC 4226 section 5.3: dynamic truncation.
    const unsigned offset = mac[macLength - 1] & 0x0f;
    const quint32 binary = (static_cast<quint32>(mac[offset] & 0x7f) << 24)
        | (static_cast<quint32>(mac[offset + 1]) << 16) | (static_cast<quint32>(mac[offset + 2]) << 8)
        | static_cast<quint32>(mac[offset + 3]);
    quint32 modulus = 1;
    for (int i = 0; i < digits; ++i)
        modulus *= 10;
    return QStringLiteral("%1").arg(binary % modulus, digits, 10, QLatin1Char('0'));
}

} // namespace

QString hashAlgorithmName(HashAlgorithm alg)
{
    switch (alg) {
    case HashAlgorithm::Sha1:
        return QStringLiteral("SHA1");
    case HashAlgorithm::Sha256:
        return QStringLiteral("SHA256");
    case HashAlgorithm::Sha512:
        return QStringLiteral("SHA512");
    }
    return {};
}

Result<HashAlgorithm> hashAlgorithmFromName(QStringView name)
{
    QString compact = name.toString().toUpper();
    compact.remove(QLatin1Char('-'));
    for (HashAlgorithm alg : {HashAlgorithm::Sha1, HashAlgorithm::Sha256, HashAlgorithm::Sha512}) {
        if (compact == hashAlgorithmName(alg))
            return alg;
    }
    return fail(
        ErrorCode::UnsupportedAlgorithm,
        QStringLiteral("The one-time code algorithm '%1' is not supported; use SHA1, SHA256 or SHA512.")
            .arg(name.left(40)));
}

Result<QString> hotp(QByteArrayView secret, quint64 counter, int digits, HashAlgorithm algorithm)
{
    if (Result<void> ok = checkDigits(digits); !ok)
        return ok.error();
    if (secret.isEmpty())
        return fail(ErrorCode::InvalidInput, QStringLiteral("The one-time code secret is empty."));
    return computeHotp(secret, counter, digits, algorithm);
}

quint64 timeStep(double unixTime, int period)
{
    if (period < 1 || !(unixTime > 0)) // also catches NaN
        return 0;
    return static_cast<quint64>(std::floor(unixTime / period));
}

Result<QString> totp(const TotpParameters &params, double unixTime)
{
    if (Result<void> ok = checkParameters(params); !ok)
        return ok.error();
    if (!std::isfinite(unixTime) || unixTime < 0)
        return fail(ErrorCode::InvalidInput,
                    QStringLiteral("The time for a TOTP code must be a moment after 1970."));
    return computeHotp(params.secret, timeStep(unixTime, params.period), params.digits, params.algorithm);
}

Result<quint64> verifyTotp(const TotpParameters &params, QByteArrayView code, double unixTime,
                           int windowRadius, std::optional<quint64> lastAcceptedStep)
{
    if (Result<void> ok = checkParameters(params); !ok)
        return ok.error();
    if (!std::isfinite(unixTime) || unixTime < 0)
        return fail(ErrorCode::InvalidInput,
                    QStringLiteral("The time for a TOTP code must be a moment after 1970."));
    if (windowRadius < 0 || windowRadius > 100) {
        return fail(
            ErrorCode::InvalidInput,
            QStringLiteral("The TOTP window radius must be 0 to 100 steps, not %1.").arg(windowRadius));
    }
    // Authenticator apps show codes in groups ("123 456"); the spaces mean nothing.
    QByteArray digitsOnly;
    for (char c : code) {
        if (c != ' ')
            digitsOnly.append(c);
    }
    const bool allDigits
        = std::all_of(digitsOnly.cbegin(), digitsOnly.cend(), [](char c) { return c >= '0' && c <= '9'; });
    if (digitsOnly.size() != params.digits || !allDigits) {
        return fail(ErrorCode::InvalidInput, QStringLiteral("A code must be %1 digits.").arg(params.digits));
    }

    const quint64 now = timeStep(unixTime, params.period);
    const quint64 radius = static_cast<quint64>(windowRadius);
    const quint64 first = now > radius ? now - radius : 0;
    // Every step of the window is computed and compared, so the time taken does not say
    // which step (if any) matched. The match nearest to now wins.
    std::optional<quint64> accepted;
    bool replayed = false;
    for (quint64 step = first; step <= now + radius; ++step) {
        const QString expected = computeHotp(params.secret, step, params.digits, params.algorithm);
        if (!constantTimeEquals(expected.toLatin1(), digitsOnly))
            continue;
        if (lastAcceptedStep && step <= *lastAcceptedStep) {
            replayed = true;
            continue;
        }
        const auto distance = [now](quint64 s) { return s > now ? s - now : now - s; };
        if (!accepted || distance(step) < distance(*accepted))
            accepted = step;
    }
    if (accepted)
        return *accepted;
    if (replayed) {
        return fail(ErrorCode::Replayed,
                    QStringLiteral("This code was already used; wait for the next one."));
    }
    return fail(ErrorCode::BadSignature, QStringLiteral("The code is not valid for this time."));
}

} // namespace mwauth::otp
