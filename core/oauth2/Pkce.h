#pragma once

#include "common/Random.h"
#include "common/Result.h"

#include <QByteArray>

namespace mwauth::oauth2 {

// Proof Key for Code Exchange (RFC 7636).
enum class PkceMethod { S256, Plain };
QString pkceMethodName(PkceMethod method); // "S256", "plain"
Result<PkceMethod> pkceMethodFromName(QStringView name); // exact names as RFC 7636 section 4.3

class Pkce
{
public:
    // A new verifier: 32 random bytes, base64url = 43 characters (section 4.1).
    static Pkce generate(Random &random, PkceMethod method = PkceMethod::S256);
    // From a given verifier: 43..128 characters of [A-Za-z0-9-._~] (InvalidInput otherwise).
    static Result<Pkce> fromVerifier(const QByteArray &verifier, PkceMethod method = PkceMethod::S256);

    // S256: base64url(SHA-256(verifier)); plain: the verifier itself.
    static QByteArray challengeFor(QByteArrayView verifier, PkceMethod method);
    // Server side: does `verifier` answer `challenge`? Constant-time comparison.
    static bool matches(QByteArrayView verifier, QByteArrayView challenge, PkceMethod method);

    const QByteArray &verifier() const { return m_verifier; }
    const QByteArray &challenge() const { return m_challenge; }
    PkceMethod method() const { return m_method; }

private:
    QByteArray m_verifier;
    QByteArray m_challenge;
    PkceMethod m_method = PkceMethod::S256;
};

} // namespace mwauth::oauth2
