// Fuzzes key parsing (core/jose/Jwk.h, Jwks.h): Jwk::fromJson, Jwks::fromJson and
// Jwk::fromPem on the same bytes. Whatever parses must behave:
//   - toPublicJson() holds no private member, and re-parses to a key with the same
//     RFC 7638 thumbprint (asymmetric keys); toPrivateJson() re-parses likewise;
//   - the public and the private form share the thumbprint;
//   - a PEM export re-imports to the same thumbprint;
//   - a private key's signature verifies with its own public key (a key whose private part
//     does not belong to its public part must be refused, whichever format it came in);
//   - checkAlgorithm() answers for every algorithm without crashing.
#include "FuzzSupport.h"

#include "jose/Jwk.h"
#include "jose/Jwks.h"
#include "jose/Jws.h"

#include <QJsonDocument>

using namespace mwauth;
using jose::Jwk;

namespace {

const char *const privateMembers[] = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"};

QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// An algorithm this asymmetric key signs with.
jose::JwsAlgorithm signingAlgorithm(const Jwk &key)
{
    switch (key.type()) {
    case Jwk::Type::Rsa:
        return jose::JwsAlgorithm::RS256;
    case Jwk::Type::Ec:
        return key.bits() == 384 ? jose::JwsAlgorithm::ES384 : jose::JwsAlgorithm::ES256;
    default:
        return jose::JwsAlgorithm::EdDSA;
    }
}

void checkPairwise(const Jwk &key, QByteArrayView origin)
{
    if (!key.hasPrivate() || key.type() == Jwk::Type::Oct)
        return;
    const jose::JwsAlgorithm alg = signingAlgorithm(key);
    const QByteArray message = QByteArrayLiteral("eyJhbGciOiJub25lIn0.e30");
    const Result<QByteArray> signature = jose::Signature::sign(alg, key, message);
    FUZZ_CHECK(signature.ok(), "a parsed private key cannot sign", origin, fuzz::errorText(signature));
    const Result<void> verified = jose::Signature::verify(alg, key.publicKey(), message, *signature);
    FUZZ_CHECK(verified.ok(), "a parsed private key's signature does not verify with its public key", origin,
               fuzz::errorText(verified));
}

// `reparses`: whether fromJson() must take the key's JSON back (see jsonAccepts()).
void checkKey(const Jwk &key, QByteArrayView origin, bool reparses = true)
{
    FUZZ_CHECK(!key.isNull(), "a parsed key is null", origin);
    const QByteArray thumbprint = key.thumbprint();
    FUZZ_CHECK(thumbprint.size() == 43, "a thumbprint is not 43 base64url characters", thumbprint);
    checkPairwise(key, origin);

    for (const jose::JwsAlgorithm alg : jose::allAlgorithms()) {
        const Result<void> fits = key.checkAlgorithm(alg);
        if (!fits)
            FUZZ_CHECK(!fits.error().message().isEmpty(), "checkAlgorithm error without a message", origin);
    }

    const QJsonObject publicJson = key.toPublicJson();
    for (const char *member : privateMembers) {
        if (key.type() != Jwk::Type::Oct)
            FUZZ_CHECK(!publicJson.contains(QLatin1StringView(member)), "toPublicJson() has a private member",
                       member, json(publicJson));
    }
    if (key.type() == Jwk::Type::Oct) {
        FUZZ_CHECK(publicJson.isEmpty(), "toPublicJson() of an oct key is not empty", json(publicJson));
    } else if (reparses) {
        const Result<Jwk> reparsed = Jwk::fromJson(publicJson);
        FUZZ_CHECK(reparsed.ok(), "toPublicJson() does not re-parse", json(publicJson),
                   fuzz::errorText(reparsed));
        FUZZ_CHECK(!reparsed->hasPrivate(), "the public JSON re-parses to a private key", json(publicJson));
        FUZZ_CHECK(reparsed->thumbprint() == thumbprint, "public JSON round trip changes the thumbprint",
                   json(publicJson));
        FUZZ_CHECK(key.publicKey().thumbprint() == thumbprint, "publicKey() changes the thumbprint", origin);
        FUZZ_CHECK(!key.publicKey().hasPrivate(), "publicKey() keeps the private part", origin);

        const Result<QByteArray> publicPem = key.toPublicPem();
        FUZZ_CHECK(publicPem.ok(), "toPublicPem() fails for a parsed key", origin,
                   fuzz::errorText(publicPem));
        const Result<Jwk> fromPem = Jwk::fromPem(*publicPem);
        FUZZ_CHECK(fromPem.ok() && fromPem->thumbprint() == thumbprint, "public PEM round trip fails",
                   *publicPem, fuzz::errorText(fromPem));
    }

    if (!reparses)
        return;
    const QJsonObject privateJson = key.toPrivateJson();
    const Result<Jwk> reparsed = Jwk::fromJson(privateJson);
    FUZZ_CHECK(reparsed.ok(), "toPrivateJson() does not re-parse", origin, fuzz::errorText(reparsed));
    FUZZ_CHECK(reparsed->thumbprint() == thumbprint, "private JSON round trip changes the thumbprint",
               origin);
    FUZZ_CHECK(reparsed->hasPrivate() == key.hasPrivate(), "private JSON round trip changes hasPrivate()",
               origin);
    if (key.hasPrivate() && key.type() != Jwk::Type::Oct) {
        const Result<QByteArray> privatePem = key.toPrivatePem();
        FUZZ_CHECK(privatePem.ok(), "toPrivatePem() fails for a private key", origin,
                   fuzz::errorText(privatePem));
        const Result<Jwk> fromPem = Jwk::fromPem(*privatePem);
        FUZZ_CHECK(fromPem.ok() && fromPem->hasPrivate() && fromPem->thumbprint() == thumbprint,
                   "private PEM round trip fails", origin, fuzz::errorText(fromPem));
    }
}

// A key that parsed from PEM may be one fromJson() refuses (an RSA key under 2048 bits):
// that is the documented difference, not a finding.
bool jsonAccepts(const Jwk &key)
{
    return key.type() != Jwk::Type::Rsa || key.bits() >= 2048;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::silenceQtMessages();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArrayView bytes = fuzz::input(data, size);

    if (const Result<Jwk> key = Jwk::fromJson(bytes)) {
        checkKey(*key, bytes);
    } else {
        FUZZ_CHECK(!key.error().message().isEmpty(), "Jwk::fromJson error without a message", bytes);
    }

    if (const Result<jose::Jwks> set = jose::Jwks::fromJson(bytes)) {
        FUZZ_CHECK(set->keys().size() <= 100, "a JWKS with more than 100 keys parsed", bytes);
        for (const Jwk &key : set->keys()) {
            checkKey(key, bytes);
            for (const jose::JwsAlgorithm alg : jose::allAlgorithms())
                (void)set->candidates(key.kid(), alg);
        }
        const QJsonObject published = set->toPublicJson();
        const Result<jose::Jwks> again = jose::Jwks::fromJson(published);
        FUZZ_CHECK(again.ok(), "Jwks::toPublicJson() does not re-parse", json(published),
                   fuzz::errorText(again));
    } else {
        FUZZ_CHECK(!set.error().message().isEmpty(), "Jwks::fromJson error without a message", bytes);
    }

    if (const Result<Jwk> key = Jwk::fromPem(bytes)) {
        checkKey(*key, bytes, jsonAccepts(*key));
    } else {
        FUZZ_CHECK(!key.error().message().isEmpty(), "Jwk::fromPem error without a message", bytes);
    }
    return 0;
}
