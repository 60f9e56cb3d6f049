#include "PasswordHasher.h"

#include "common/ConstantTime.h"

#include <QStringList>

#include <openssl/err.h>
#include <openssl/evp.h>

namespace mwauth::provider {

namespace {

constexpr int MaxHashBytes = 1024;

struct ParsedHash
{
    QByteArray digest;
    int iterations = 0;
    int length = 0;
    QByteArray salt;
    QByteArray hash;
};

Error malformed(const QString &why)
{
    return fail(ErrorCode::InvalidInput,
                QStringLiteral("The stored password hash is malformed: %1.").arg(why));
}

Result<QByteArray> strictBase64(const QString &text, const QString &what)
{
    if (text.isEmpty())
        return malformed(QStringLiteral("the %1 is empty").arg(what));
    const auto decoded
        = QByteArray::fromBase64Encoding(text.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || text.contains(QLatin1Char('-')) || text.contains(QLatin1Char('_')))
        return malformed(QStringLiteral("the %1 is not base64").arg(what));
    return *decoded;
}

Result<int> positiveNumber(const QString &text, const QString &what, int max)
{
    bool ok = false;
    const int value = text.toInt(&ok);
    // Digits only: toInt() would accept "+5" and " 5".
    for (const QChar c : text) {
        if (c < QLatin1Char('0') || c > QLatin1Char('9'))
            ok = false;
    }
    if (!ok || value < 1)
        return malformed(QStringLiteral("the %1 '%2' is not a positive number").arg(what, text));
    if (value > max)
        return malformed(QStringLiteral("the %1 %2 is above the limit of %3").arg(what).arg(value).arg(max));
    return value;
}

Result<ParsedHash> parse(const QString &encoded)
{
    const QStringList parts = encoded.split(QLatin1Char(':'));
    if (parts.size() != 7 || !parts.at(0).isEmpty())
        return malformed(
            QStringLiteral("expected ':pbkdf2:<digest>:<iterations>:<length>:<salt>:<hash>', found %1 fields")
                .arg(parts.size() - 1));
    if (parts.at(1) != QLatin1StringView("pbkdf2"))
        return fail(ErrorCode::UnsupportedAlgorithm,
                    QStringLiteral("The stored password hash uses the scheme '%1'; only pbkdf2 is supported.")
                        .arg(parts.at(1)));
    ParsedHash parsed;
    parsed.digest = parts.at(2).toLatin1();
    if (parsed.digest != "sha256" && parsed.digest != "sha512")
        return fail(ErrorCode::UnsupportedAlgorithm,
                    QStringLiteral("The stored password hash uses the digest '%1'; sha256 and sha512 are "
                                   "supported.")
                        .arg(parts.at(2)));
    const Result<int> iterations
        = positiveNumber(parts.at(3), QStringLiteral("iteration count"), PasswordHasher::MaxIterations);
    if (!iterations)
        return iterations.error();
    const Result<int> length = positiveNumber(parts.at(4), QStringLiteral("hash length"), MaxHashBytes);
    if (!length)
        return length.error();
    const Result<QByteArray> salt = strictBase64(parts.at(5), QStringLiteral("salt"));
    if (!salt)
        return salt.error();
    const Result<QByteArray> hash = strictBase64(parts.at(6), QStringLiteral("hash"));
    if (!hash)
        return hash.error();
    if (hash->size() != *length)
        return malformed(QStringLiteral("the hash has %1 bytes but the length field says %2")
                             .arg(hash->size())
                             .arg(*length));
    parsed.iterations = *iterations;
    parsed.length = *length;
    parsed.salt = *salt;
    parsed.hash = *hash;
    return parsed;
}

} // namespace

PasswordHasher::PasswordHasher(Random &random, int iterations)
    : m_random(random)
    , m_iterations(qBound(1, iterations, MaxIterations))
{ }

Result<QByteArray> PasswordHasher::pbkdf2(QByteArrayView digest, QByteArrayView password, QByteArrayView salt,
                                          int iterations, int length)
{
    const EVP_MD *md = digest == QByteArrayView("sha256") ? EVP_sha256()
        : digest == QByteArrayView("sha512")              ? EVP_sha512()
                                                          : nullptr;
    if (!md)
        return fail(ErrorCode::UnsupportedAlgorithm,
                    QStringLiteral("PBKDF2 with the digest '%1' is not supported.")
                        .arg(QString::fromLatin1(digest.toByteArray())));
    if (iterations < 1 || length < 1 || length > MaxHashBytes)
        return fail(ErrorCode::InvalidInput,
                    QStringLiteral("PBKDF2 needs at least one iteration and 1 to %1 output bytes.")
                        .arg(MaxHashBytes));
    QByteArray out(length, Qt::Uninitialized);
    const int ok = PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                                     reinterpret_cast<const unsigned char *>(salt.data()),
                                     static_cast<int>(salt.size()), iterations, md, length,
                                     reinterpret_cast<unsigned char *>(out.data()));
    if (ok != 1) {
        char reason[256] = {};
        ERR_error_string_n(ERR_get_error(), reason, sizeof reason);
        return fail(ErrorCode::Crypto, QStringLiteral("PBKDF2 failed in OpenSSL."),
                    QString::fromLatin1(reason));
    }
    return out;
}

Result<QString> PasswordHasher::hash(const QString &password) const
{
    const QByteArray salt = m_random.bytes(SaltBytes);
    if (salt.size() != SaltBytes)
        return fail(ErrorCode::Crypto, QStringLiteral("No random salt could be made for the password hash."));
    m_iterationsSpent += static_cast<quint64>(m_iterations);
    const Result<QByteArray> derived = pbkdf2("sha256", password.toUtf8(), salt, m_iterations, HashBytes);
    if (!derived)
        return derived.error();
    return QStringLiteral(":pbkdf2:sha256:%1:%2:%3:%4")
        .arg(m_iterations)
        .arg(HashBytes)
        .arg(QString::fromLatin1(salt.toBase64()), QString::fromLatin1(derived->toBase64()));
}

Result<bool> PasswordHasher::verify(const QString &password, const QString &encoded) const
{
    const Result<ParsedHash> parsed = parse(encoded);
    if (!parsed)
        return parsed.error();
    m_iterationsSpent += static_cast<quint64>(parsed->iterations);
    const Result<QByteArray> derived
        = pbkdf2(parsed->digest, password.toUtf8(), parsed->salt, parsed->iterations, parsed->length);
    if (!derived)
        return derived.error();
    return constantTimeEquals(*derived, parsed->hash);
}

bool PasswordHasher::needsRehash(const QString &encoded) const
{
    const Result<ParsedHash> parsed = parse(encoded);
    if (!parsed)
        return true;
    return parsed->digest != "sha256" || parsed->iterations < m_iterations || parsed->length < HashBytes;
}

} // namespace mwauth::provider
