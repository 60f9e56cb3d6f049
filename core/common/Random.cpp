#include "Random.h"

#include <openssl/rand.h>

#include <cstdlib>

namespace mwauth {

QByteArray Random::token(int count)
{
    return bytes(count).toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray Random::unreservedString(int length)
{
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
    static constexpr int alphabetSize = sizeof(alphabet) - 1; // 66
    // Rejection sampling keeps the distribution uniform: accept bytes < 198 (3 * 66).
    QByteArray out;
    out.reserve(length);
    while (out.size() < length) {
        const QByteArray chunk = bytes(length);
        for (char c : chunk) {
            const auto b = static_cast<unsigned char>(c);
            if (b < 3 * alphabetSize && out.size() < length)
                out.append(alphabet[b % alphabetSize]);
        }
    }
    return out;
}

QByteArray SystemRandom::bytes(int count)
{
    QByteArray out(count, Qt::Uninitialized);
    if (count > 0 && RAND_bytes(reinterpret_cast<unsigned char *>(out.data()), count) != 1) {
        // Without a working CSPRNG no secret we make is safe: stop rather than go on.
        qFatal("OpenSSL RAND_bytes failed: no secure random source");
    }
    return out;
}

QByteArray FixedRandom::bytes(int count)
{
    QByteArray out;
    out.reserve(count);
    for (int i = 0; i < count && !m_pattern.isEmpty(); ++i) {
        out.append(m_pattern.at(m_pos));
        m_pos = (m_pos + 1) % m_pattern.size();
    }
    return out;
}

} // namespace mwauth
