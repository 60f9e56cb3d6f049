#pragma once

#include <QByteArray>

namespace mwauth {

// A source of random bytes for secrets, PKCE verifiers, state and nonce values.
// Injected; production code uses SystemRandom (OpenSSL RAND_bytes, a CSPRNG).
class Random
{
public:
    virtual ~Random() = default;
    virtual QByteArray bytes(int count) = 0;

    // `count` random bytes, base64url-encoded without padding.
    QByteArray token(int count);
    // `length` characters from the RFC 7636 unreserved set [A-Za-z0-9-._~].
    QByteArray unreservedString(int length);
};

class SystemRandom final : public Random
{
public:
    QByteArray bytes(int count) override;
};

// Repeats a fixed byte sequence. Only for tests that need reproducible output.
class FixedRandom final : public Random
{
public:
    explicit FixedRandom(QByteArray pattern)
        : m_pattern(std::move(pattern))
    { }
    QByteArray bytes(int count) override;

private:
    QByteArray m_pattern;
    qsizetype m_pos = 0;
};

} // namespace mwauth
