#include "Pkce.h"

#include "common/ConstantTime.h"

#include <openssl/evp.h>

namespace mwauth::oauth2 {

namespace {

constexpr qsizetype minVerifierLength = 43;
constexpr qsizetype maxVerifierLength = 128;

bool isUnreserved(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
        || c == '_' || c == '~';
}

// Position (from 0) of the first character outside the unreserved set, or -1.
qsizetype firstBadCharacter(QByteArrayView verifier)
{
    for (qsizetype i = 0; i < verifier.size(); ++i) {
        if (!isUnreserved(verifier.at(i)))
            return i;
    }
    return -1;
}

bool isValidVerifier(QByteArrayView verifier)
{
    return verifier.size() >= minVerifierLength && verifier.size() <= maxVerifierLength
        && firstBadCharacter(verifier) < 0;
}

QByteArray base64Url(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

} // namespace

QString pkceMethodName(PkceMethod method)
{
    return method == PkceMethod::S256 ? QStringLiteral("S256") : QStringLiteral("plain");
}

Result<PkceMethod> pkceMethodFromName(QStringView name)
{
    if (name == u"S256")
        return PkceMethod::S256;
    if (name == u"plain")
        return PkceMethod::Plain;
    return fail(
        ErrorCode::UnsupportedAlgorithm,
        QStringLiteral("The PKCE method '%1' is not supported; use S256 or plain.").arg(name.left(40)));
}

Pkce Pkce::generate(Random &random, PkceMethod method)
{
    Pkce pkce;
    pkce.m_verifier = base64Url(random.bytes(32));
    pkce.m_challenge = challengeFor(pkce.m_verifier, method);
    pkce.m_method = method;
    return pkce;
}

Result<Pkce> Pkce::fromVerifier(const QByteArray &verifier, PkceMethod method)
{
    if (verifier.size() < minVerifierLength || verifier.size() > maxVerifierLength) {
        return fail(ErrorCode::InvalidInput,
                    QStringLiteral("A PKCE code verifier must be 43 to 128 characters long; this one has %1.")
                        .arg(verifier.size()));
    }
    if (const qsizetype bad = firstBadCharacter(verifier); bad >= 0) {
        return fail(
            ErrorCode::InvalidInput,
            QStringLiteral("A PKCE code verifier may only contain A-Z, a-z, 0-9 and \"-._~\"; character "
                           "%1 is not one of them.")
                .arg(bad + 1));
    }
    Pkce pkce;
    pkce.m_verifier = verifier;
    pkce.m_challenge = challengeFor(verifier, method);
    pkce.m_method = method;
    return pkce;
}

QByteArray Pkce::challengeFor(QByteArrayView verifier, PkceMethod method)
{
    if (method == PkceMethod::Plain)
        return verifier.toByteArray();
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(verifier.data(), static_cast<size_t>(verifier.size()), digest, &length, EVP_sha256(),
                   nullptr)
        != 1) {
        qFatal("OpenSSL could not compute SHA-256");
    }
    return base64Url(QByteArray(reinterpret_cast<const char *>(digest), static_cast<qsizetype>(length)));
}

bool Pkce::matches(QByteArrayView verifier, QByteArrayView challenge, PkceMethod method)
{
    // RFC 7636 section 4.1: a verifier outside the grammar never matches, whatever it hashes to.
    if (!isValidVerifier(verifier))
        return false;
    return constantTimeEquals(challengeFor(verifier, method), challenge);
}

} // namespace mwauth::oauth2
