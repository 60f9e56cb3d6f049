// Fuzzes JWS/JWT handling (core/jose/Jws.h, Jwt.h): Jws::parse, Jwt::decode, verification
// against fixed keys (HS256, ES256, RS256, EdDSA; every RFC/MediaWiki seed token verifies
// with one of them), JwtValidator, and sign -> parse -> verify round trips.
//
// Each input is used twice: as a compact token, and split at its first two newlines into
// header JSON, payload and signature bytes that are base64url-encoded and joined with ".",
// so mutations reach the JSON inside the header directly.
#include "FuzzSupport.h"

#include "jose/Jws.h"
#include "jose/Jwt.h"
#include "jose/KeyGenerator.h"

#include <QJsonDocument>

#include <cstdlib>

using namespace mwauth;
using namespace mwauth::jose;

namespace {

struct Keys
{
    Jwk hmac; // RFC 7515 appendix A.1
    Jwk ec; // RFC 7515 appendix A.3 (public)
    Jwk rsa; // MediaWiki's OAuth 2 fixture key (public)
    Jwk ed; // RFC 8037 appendix A (public)
    Jwk ecSigner; // generated at start: ES256 round trips
    Jwk edSigner; // generated at start: EdDSA round trips
    Jwks set;
};

const Keys *keys = nullptr;

Jwk mustParse(Result<Jwk> key, const char *what)
{
    if (!key) {
        std::fprintf(stderr, "fuzz_jws: cannot load %s: %s\n", what, qUtf8Printable(key.error().toString()));
        std::abort();
    }
    return *key;
}

Jwk withKid(Jwk key, const char *kid)
{
    key.setKid(QString::fromLatin1(kid));
    return key;
}

const Keys *loadKeys()
{
    auto *k = new Keys;
    k->hmac = Jwk::fromSecret(QByteArray::fromBase64(
        "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow",
        QByteArray::Base64UrlEncoding));
    k->ec = mustParse(Jwk::fromJson(QByteArrayView(R"({"kty":"EC","crv":"P-256",
        "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
        "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"})")),
                      "the ES256 key");
    k->rsa = mustParse(
        Jwk::fromPem(QByteArrayView("-----BEGIN PUBLIC KEY-----\n"
                                    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEApRDrH/rIpoNN9fQ8+wP0\n"
                                    "rJOrdqi27L2DQ2kkbqGvvW0Fd9RYKEN0+WeK1QtuLwBE+HdGXcF40dCBH4dD59FE\n"
                                    "1hX+ARyO/sqGH8fznlLQ+N6gmybwrBP5IX8np9yLp78K82Z8hXAmFRbp0x6TpFPo\n"
                                    "2hqJv4Ib9o78U2jliyNgl3o7zxqUXrxg4q8tetXgQWeDleooNvg/goAW+3bySdLh\n"
                                    "U7w3IRVJR9C3BAVqK1IC12zpQcRj2iq9IsOU6Z/8xVSLxUE31kGJaRhHpvtG1RLT\n"
                                    "p37sE51WKcza4XwcXrx5WoaC4H34JC8EgiT45mI+ueSQ9oQLBSiPUE2P7wvzJIc0\n"
                                    "3QIDAQAB\n"
                                    "-----END PUBLIC KEY-----\n")),
        "the RS256 key");
    k->ed = mustParse(
        Jwk::fromJson(QByteArrayView(
            R"({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})")),
        "the EdDSA key");
    k->ecSigner = mustParse(KeyGenerator::generate(JwsAlgorithm::ES256), "a generated ES256 key");
    k->edSigner = mustParse(KeyGenerator::generate(JwsAlgorithm::EdDSA), "a generated EdDSA key");
    k->set
        = Jwks({withKid(k->hmac, "hs"), withKid(k->ec, "es"), withKid(k->rsa, "rs"), withKid(k->ed, "ed")});
    return k;
}

// A key that can verify `alg`, for Signature::verify on raw bytes.
const Jwk &verifierFor(JwsAlgorithm alg)
{
    if (isHmac(alg))
        return keys->hmac;
    if (isRsa(alg))
        return keys->rsa;
    if (alg == JwsAlgorithm::EdDSA)
        return keys->ed;
    return keys->ec; // ES384 does not fit it: checkAlgorithm must say so, not crash
}

// A private key that can sign `alg`, or nullptr (RSA signing is too slow to fuzz).
const Jwk *signerFor(JwsAlgorithm alg)
{
    if (isHmac(alg))
        return &keys->hmac;
    if (alg == JwsAlgorithm::ES256)
        return &keys->ecSigner;
    if (alg == JwsAlgorithm::EdDSA)
        return &keys->edSigner;
    return nullptr;
}

void checkSignRoundTrip(const JwsParts &parts)
{
    const Jwk *signer = signerFor(parts.alg);
    if (!signer)
        return;
    const Result<QByteArray> compact = Jws::sign(parts.header, parts.payload, *signer);
    if (!compact) {
        FUZZ_CHECK(!compact.error().message().isEmpty(), "Jws::sign error without a message",
                   parts.signingInput);
        return;
    }
    const Result<JwsParts> again = Jws::parse(*compact);
    FUZZ_CHECK(again.ok(), "Jws::parse rejects what Jws::sign produced", *compact);
    FUZZ_CHECK(again->payload == parts.payload, "sign/parse changes the payload", parts.payload,
               again->payload);
    FUZZ_CHECK(again->header == parts.header, "sign/parse changes the header", parts.signingInput, *compact);
    FUZZ_CHECK(again->alg == parts.alg, "sign/parse changes the alg", *compact);
    const Result<void> verified = Jws::verify(*again, *signer);
    FUZZ_CHECK(verified.ok(), "a freshly signed token does not verify", *compact);
}

void checkCompact(QByteArrayView compact)
{
    const Result<JwsParts> parts = Jws::parse(compact);
    const Result<Jwt> jwt = Jwt::decode(compact);
    FUZZ_CHECK(parts.ok() || !jwt.ok(), "Jwt::decode accepts what Jws::parse rejects", compact);
    if (!parts) {
        FUZZ_CHECK(!parts.error().message().isEmpty(), "Jws::parse error without a message", compact);
        return;
    }
    FUZZ_CHECK(compact.startsWith(parts->signingInput) && compact.size() > parts->signingInput.size()
                   && compact.at(parts->signingInput.size()) == '.',
               "signingInput is not the token's first two parts", compact, parts->signingInput);

    for (const Jwk *key : {&keys->hmac, &keys->ec, &keys->rsa, &keys->ed}) {
        const Result<void> verified = Jws::verify(*parts, *key);
        if (verified)
            FUZZ_CHECK(key->checkAlgorithm(parts->alg).ok(), "verified with a key that does not fit the alg",
                       compact);
        else
            FUZZ_CHECK(!verified.error().message().isEmpty(), "Jws::verify error without a message", compact);
    }
    const Result<Jwk> byKid = Jws::verify(*parts, keys->set);
    if (!byKid) {
        const ErrorCode code = byKid.error().code();
        FUZZ_CHECK(code != ErrorCode::Internal, "Jws::verify(set) failed with ErrorCode::Internal", compact);
    }

    if (jwt) {
        (void)jwt->numericDate(QStringLiteral("exp"));
        (void)jwt->numericDate(QStringLiteral("nbf"));
        (void)jwt->numericDate(QStringLiteral("iat"));
        (void)jwt->audiences();
        JwtValidator validator;
        validator.setNow(1795404900);
        validator.setIssuer(QStringLiteral("http://127.0.0.1:8765"));
        validator.setAudience(QStringLiteral("795286f8ceb97b56d913f0e6e27d6dea"));
        validator.setNonce(QStringLiteral("n-0S6_WzA2Mj"));
        const JwtVerdict verdict = validator.validate(compact, keys->set);
        FUZZ_CHECK(!verdict.valid || verdict.signatureVerified, "a JWT is valid without a verified signature",
                   compact);
        FUZZ_CHECK(verdict.valid || !verdict.error.message().isEmpty(), "an invalid JWT without a message",
                   compact);
    }
    checkSignRoundTrip(*parts);
}

// The input's first byte picks the algorithm; the rest is split in data and signature.
void checkRawSignature(QByteArrayView bytes)
{
    if (bytes.isEmpty())
        return;
    const QList<JwsAlgorithm> algorithms = allAlgorithms();
    const JwsAlgorithm alg = algorithms.at(static_cast<unsigned char>(bytes.at(0)) % algorithms.size());
    const QByteArrayView rest = bytes.sliced(1);
    const QByteArrayView data = rest.first(rest.size() / 2);
    const QByteArrayView signature = rest.sliced(rest.size() / 2);
    const Jwk &key = verifierFor(alg);
    const Result<void> verified = Signature::verify(alg, key, data, signature);
    if (verified) {
        // Only HMAC signatures can be forged by a fuzzer that knows nothing: recompute.
        FUZZ_CHECK(isHmac(alg), "a random signature verified", signature);
        const Result<QByteArray> expected = Signature::sign(alg, key, data);
        FUZZ_CHECK(expected.ok() && *expected == signature, "a wrong HMAC verified", signature);
    }
}

QByteArray structuredToken(QByteArrayView bytes)
{
    const auto b64 = [](QByteArrayView part) {
        return part.toByteArray().toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    };
    const qsizetype first = bytes.indexOf('\n');
    if (first < 0)
        return {};
    const qsizetype second = bytes.indexOf('\n', first + 1);
    const QByteArrayView header = bytes.first(first);
    const QByteArrayView payload
        = second < 0 ? bytes.sliced(first + 1) : bytes.sliced(first + 1, second - first - 1);
    const QByteArrayView signature = second < 0 ? QByteArrayView() : bytes.sliced(second + 1);
    return b64(header) + '.' + b64(payload) + '.' + b64(signature);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::silenceQtMessages();
    keys = loadKeys();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArrayView bytes = fuzz::input(data, size);
    checkCompact(bytes);
    if (const QByteArray token = structuredToken(bytes); !token.isEmpty())
        checkCompact(token);
    checkRawSignature(bytes);
    return 0;
}
