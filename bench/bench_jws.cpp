// JWS signature cost: our primitive (mwauth::jose::Signature::sign / ::verify) against bare
// OpenSSL 3 (EVP_DigestSign / EVP_DigestVerify, one shot, a fresh EVP_MD_CTX per call, the
// same EVP_PKEY) for every algorithm, over one realistic ~200-byte JWT signing input.
//
//   bench_jws [--quick] [--enforce] [Google Benchmark flags...]
//
// --quick   short runs (the ctest `bench` label uses it; a few seconds in all)
// --enforce exit 1 when a ratio misses its target (verify <= 1.10, sign <= 1.15)
//
// For ES256/ES384 the bare side produces and checks DER, which is what OpenSSL costs;
// ours also converts to and from the JWS form R || S, which is what we cost. For HS* the
// bare side is EVP_DigestSign on an EVP_PKEY_HMAC key (and, as a second reference, EVP_MAC
// with the HMAC implementation fetched once); verification of an HMAC is recomputing it
// and comparing with CRYPTO_memcmp.
//
// At the end a table gives, per algorithm, the fastest repetition of each side (CPU time
// per operation) and ours/bare.

#include "jose/Jwk.h"
#include "jose/Jws.h"

#include "BenchSupport.h"

#include <benchmark/benchmark.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <QJsonObject>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <string>
#include <vector>

using namespace mwauth;
using namespace mwauth::jose;
using namespace mwauth::bench;

namespace {

constexpr double verifyTarget = 1.10;
constexpr double signTarget = 1.15;

// The claims of a realistic access token, and its signing input:
// base64url(header) "." base64url(claims), about 200 bytes.
const QByteArray claims = R"({"aud":"795286f8ceb97b56d913f0e6e27d6dea","iss":"https://wiki.example",)"
                          R"("sub":"12","iat":1795404830,"exp":1795408430})";

QByteArray signingInput()
{
    const auto b64 = [](const QByteArray &json) {
        return json.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    };
    return b64(R"({"typ":"JWT","alg":"RS256","kid":"2026-11-rotation"})") + '.' + b64(claims);
}

const unsigned char *bytes(const QByteArray &data)
{
    return reinterpret_cast<const unsigned char *>(data.constData());
}

// One algorithm with its key, and a signature of each side made in advance (for verify).
struct Case
{
    JwsAlgorithm alg = JwsAlgorithm::HS256;
    Jwk key;
    EVP_PKEY *bareKey = nullptr; // key.evpKey(), or an EVP_PKEY_HMAC key for HS*
    const EVP_MD *md = nullptr;
    QByteArray oursSignature; // JWS form
    std::vector<unsigned char> bareSignature; // OpenSSL form (DER for ECDSA)
};

const EVP_MD *digestFor(JwsAlgorithm alg)
{
    switch (alg) {
    case JwsAlgorithm::HS384:
    case JwsAlgorithm::RS384:
    case JwsAlgorithm::ES384:
        return EVP_sha384();
    case JwsAlgorithm::HS512:
    case JwsAlgorithm::RS512:
        return EVP_sha512();
    case JwsAlgorithm::EdDSA:
        return nullptr;
    default:
        return EVP_sha256();
    }
}

// ---- the bare OpenSSL side -------------------------------------------------------------

// One EVP_DigestSign with a fresh context; returns the signature length, 0 on failure.
size_t bareSign(const Case &c, const QByteArray &data, unsigned char *out, size_t capacity)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = nullptr;
    size_t length = capacity;
    bool ok = ctx && EVP_DigestSignInit(ctx, &pctx, c.md, nullptr, c.bareKey) == 1;
    if (ok && c.alg == JwsAlgorithm::PS256) {
        ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1
            && EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1;
    }
    ok = ok && EVP_DigestSign(ctx, out, &length, bytes(data), static_cast<size_t>(data.size())) == 1;
    EVP_MD_CTX_free(ctx);
    return ok ? length : 0;
}

bool bareVerify(const Case &c, const QByteArray &data, const unsigned char *signature, size_t length)
{
    if (isHmac(c.alg)) {
        std::array<unsigned char, EVP_MAX_MD_SIZE> mac {};
        const size_t macLength = bareSign(c, data, mac.data(), mac.size());
        return macLength == length && CRYPTO_memcmp(mac.data(), signature, length) == 0;
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = nullptr;
    bool ok = ctx && EVP_DigestVerifyInit(ctx, &pctx, c.md, nullptr, c.bareKey) == 1;
    if (ok && c.alg == JwsAlgorithm::PS256) {
        ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1
            && EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1;
    }
    ok = ok && EVP_DigestVerify(ctx, signature, length, bytes(data), static_cast<size_t>(data.size())) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

// HMAC through EVP_MAC with the implementation fetched once: the cheapest OpenSSL 3 way.
EVP_MAC *fetchedHmac()
{
    static EVP_MAC *const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    return mac;
}

size_t bareMac(const Case &c, const QByteArray &data, unsigned char *out, size_t capacity)
{
    EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(fetchedHmac());
    char *digest = const_cast<char *>(EVP_MD_get0_name(c.md));
    const OSSL_PARAM params[]
        = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_construct_end()};
    const QByteArray &secret = c.key.secret();
    size_t length = 0;
    const bool ok = ctx && EVP_MAC_init(ctx, bytes(secret), static_cast<size_t>(secret.size()), params) == 1
        && EVP_MAC_update(ctx, bytes(data), static_cast<size_t>(data.size())) == 1
        && EVP_MAC_final(ctx, out, &length, capacity) == 1;
    EVP_MAC_CTX_free(ctx);
    return ok ? length : 0;
}

// ECDSA signature forms, for the cross-check only (not measured).
std::vector<unsigned char> rawToDer(const QByteArray &raw)
{
    const int half = static_cast<int>(raw.size() / 2);
    ECDSA_SIG *sig = ECDSA_SIG_new();
    ECDSA_SIG_set0(sig, BN_bin2bn(bytes(raw), half, nullptr), BN_bin2bn(bytes(raw) + half, half, nullptr));
    std::vector<unsigned char> der(static_cast<size_t>(i2d_ECDSA_SIG(sig, nullptr)));
    unsigned char *cursor = der.data();
    i2d_ECDSA_SIG(sig, &cursor);
    ECDSA_SIG_free(sig);
    return der;
}

QByteArray derToRaw(const std::vector<unsigned char> &der, int width)
{
    const unsigned char *cursor = der.data();
    ECDSA_SIG *sig = d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der.size()));
    QByteArray raw(2 * width, '\0');
    auto *out = reinterpret_cast<unsigned char *>(raw.data());
    BN_bn2binpad(ECDSA_SIG_get0_r(sig), out, width);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig), out + width, width);
    ECDSA_SIG_free(sig);
    return raw;
}

// ---- keys and the cross-check ------------------------------------------------------------

EVP_PKEY *generate(JwsAlgorithm alg)
{
    switch (alg) {
    case JwsAlgorithm::ES256:
        return EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    case JwsAlgorithm::ES384:
        return EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
    case JwsAlgorithm::EdDSA:
        return EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
    default:
        return EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
    }
}

// Builds every case; checks that each side verifies the other's signatures.
bool prepare(std::vector<Case> &cases, const QByteArray &data)
{
    QByteArray secret(64, '\0');
    for (qsizetype i = 0; i < secret.size(); ++i)
        secret[i] = static_cast<char>(i * 37 + 11);
    EVP_PKEY *rsa = nullptr; // one RSA key for RS*/PS256, as a provider would have

    for (const JwsAlgorithm alg : allAlgorithms()) {
        Case c;
        c.alg = alg;
        c.md = digestFor(alg);
        if (isHmac(alg)) {
            c.key = Jwk::fromSecret(secret);
            c.bareKey = EVP_PKEY_new_raw_private_key(EVP_PKEY_HMAC, nullptr, bytes(secret),
                                                     static_cast<size_t>(secret.size()));
        } else {
            EVP_PKEY *pkey = isRsa(alg) && rsa ? rsa : generate(alg);
            if (isRsa(alg) && !rsa)
                rsa = pkey;
            if (isRsa(alg))
                EVP_PKEY_up_ref(pkey); // Jwk::fromEvpKey takes one reference
            c.key = Jwk::fromEvpKey(pkey);
            c.bareKey = c.key.evpKey();
        }
        const QString name = algorithmName(alg);
        if (c.key.isNull() || !c.bareKey) {
            std::fprintf(stderr, "%s: could not make a key\n", qPrintable(name));
            return false;
        }

        Result<QByteArray> ours = Signature::sign(alg, c.key, data);
        if (!ours) {
            std::fprintf(stderr, "%s: our sign failed: %s\n", qPrintable(name),
                         qPrintable(ours.error().toString()));
            return false;
        }
        c.oursSignature = *ours;
        c.bareSignature.resize(1024);
        c.bareSignature.resize(bareSign(c, data, c.bareSignature.data(), c.bareSignature.size()));

        const bool ec = isEc(alg);
        const int width = alg == JwsAlgorithm::ES384 ? 48 : 32;
        const std::vector<unsigned char> oursForBare = ec
            ? rawToDer(c.oursSignature)
            : std::vector<unsigned char>(bytes(c.oursSignature),
                                         bytes(c.oursSignature) + c.oursSignature.size());
        const QByteArray bareForOurs = ec ? derToRaw(c.bareSignature, width)
                                          : QByteArray(reinterpret_cast<const char *>(c.bareSignature.data()),
                                                       static_cast<qsizetype>(c.bareSignature.size()));
        const bool bareAcceptsOurs = bareVerify(c, data, oursForBare.data(), oursForBare.size());
        const Result<void> oursAcceptsBare = Signature::verify(alg, c.key, data, bareForOurs);
        if (c.bareSignature.empty() || !bareAcceptsOurs || !oursAcceptsBare) {
            std::fprintf(stderr,
                         "%s: cross-check failed (bare signed: %s, bare verifies ours: %s, "
                         "ours verifies bare: %s)\n",
                         qPrintable(name), c.bareSignature.empty() ? "no" : "yes",
                         bareAcceptsOurs ? "yes" : "no",
                         oursAcceptsBare ? "yes" : qPrintable(oursAcceptsBare.error().toString()));
            return false;
        }
        if (isHmac(alg)) {
            std::array<unsigned char, EVP_MAX_MD_SIZE> mac {};
            const size_t length = bareMac(c, data, mac.data(), mac.size());
            if (QByteArray(reinterpret_cast<const char *>(mac.data()), static_cast<qsizetype>(length))
                != c.oursSignature) {
                std::fprintf(stderr, "%s: EVP_MAC disagrees\n", qPrintable(name));
                return false;
            }
        }
        cases.push_back(std::move(c));
    }
    EVP_PKEY_free(rsa);
    return true;
}

// ---- benchmarks --------------------------------------------------------------------------

void registerCase(const Case &c, const QByteArray &data)
{
    const std::string name = algorithmName(c.alg).toStdString();
    const Case *cp = &c;
    const QByteArray *in = &data;

    benchmark::RegisterBenchmark(("sign/" + name + "/ours").c_str(), [cp, in](benchmark::State &state) {
        for (auto _ : state) {
            Result<QByteArray> signature = Signature::sign(cp->alg, cp->key, *in);
            benchmark::DoNotOptimize(signature);
        }
    });
    benchmark::RegisterBenchmark(("sign/" + name + "/bare").c_str(), [cp, in](benchmark::State &state) {
        std::array<unsigned char, 1024> out {};
        for (auto _ : state) {
            size_t length = bareSign(*cp, *in, out.data(), out.size());
            benchmark::DoNotOptimize(length);
            benchmark::DoNotOptimize(out.data());
        }
    });
    benchmark::RegisterBenchmark(("verify/" + name + "/ours").c_str(), [cp, in](benchmark::State &state) {
        for (auto _ : state) {
            Result<void> verdict = Signature::verify(cp->alg, cp->key, *in, cp->oursSignature);
            benchmark::DoNotOptimize(verdict);
        }
    });
    benchmark::RegisterBenchmark(("verify/" + name + "/bare").c_str(), [cp, in](benchmark::State &state) {
        for (auto _ : state) {
            bool ok = bareVerify(*cp, *in, cp->bareSignature.data(), cp->bareSignature.size());
            benchmark::DoNotOptimize(ok);
        }
    });
    if (isHmac(c.alg)) {
        benchmark::RegisterBenchmark(("sign/" + name + "/bare-mac").c_str(),
                                     [cp, in](benchmark::State &state) {
                                         std::array<unsigned char, EVP_MAX_MD_SIZE> out {};
                                         for (auto _ : state) {
                                             size_t length = bareMac(*cp, *in, out.data(), out.size());
                                             benchmark::DoNotOptimize(length);
                                             benchmark::DoNotOptimize(out.data());
                                         }
                                     });
        benchmark::RegisterBenchmark(
            ("verify/" + name + "/bare-mac").c_str(), [cp, in](benchmark::State &state) {
                std::array<unsigned char, EVP_MAX_MD_SIZE> out {};
                for (auto _ : state) {
                    const size_t length = bareMac(*cp, *in, out.data(), out.size());
                    bool ok = length == static_cast<size_t>(cp->oursSignature.size())
                        && CRYPTO_memcmp(out.data(), bytes(cp->oursSignature), length) == 0;
                    benchmark::DoNotOptimize(ok);
                }
            });
    }
}

// Full compact-token verification (Jws::parse + Jws::verify), for context only.
void registerTokenCase(const Case &c, const QByteArray &token)
{
    const std::string name = algorithmName(c.alg).toStdString();
    const Case *cp = &c;
    const QByteArray *tp = &token;
    benchmark::RegisterBenchmark(("token/" + name + "/ours").c_str(), [cp, tp](benchmark::State &state) {
        for (auto _ : state) {
            Result<JwsParts> parts = Jws::parse(*tp);
            Result<void> verdict = parts ? Jws::verify(*parts, cp->key) : Result<void>(parts.error());
            benchmark::DoNotOptimize(verdict);
        }
    });
}

// Keeps every repetition's CPU time per operation; shows only medians when repeating.
class CollectingReporter : public benchmark::ConsoleReporter
{
public:
    void ReportRuns(const std::vector<Run> &runs) override
    {
        std::vector<Run> shown;
        for (const Run &run : runs) {
            if (run.error_occurred) {
                m_errors.push_back(run.benchmark_name() + ": " + run.error_message);
            } else if (run.run_type == Run::RT_Iteration) {
                m_seconds[run.run_name.str()].push_back(run.cpu_accumulated_time
                                                        / static_cast<double>(run.iterations));
            }
            if (run.repetitions <= 1 || (run.run_type == Run::RT_Aggregate && run.aggregate_name == "median"))
                shown.push_back(run);
        }
        if (!shown.empty())
            ConsoleReporter::ReportRuns(shown);
    }

    // The fastest repetition: the one least disturbed by other processes.
    double best(const std::string &name) const
    {
        const auto found = m_seconds.find(name);
        if (found == m_seconds.end() || found->second.empty())
            return std::numeric_limits<double>::quiet_NaN();
        return *std::min_element(found->second.begin(), found->second.end());
    }
    const std::vector<std::string> &errors() const { return m_errors; }

private:
    std::map<std::string, std::vector<double>> m_seconds;
    std::vector<std::string> m_errors;
};

// Prints the ours/bare table; returns the number of ratios over their target.
int printSummary(const CollectingReporter &reporter, const std::vector<Case> &cases)
{
    int misses = 0;
    const auto row = [&](const std::string &alg, bool hmac, const std::string &op,
                         const std::string &bareKind, double target, bool counts) {
        const double ours = reporter.best(op + "/" + alg + "/ours");
        const double bare = reporter.best(op + "/" + alg + "/" + bareKind);
        if (std::isnan(ours) || std::isnan(bare))
            return;
        const double ratio = ours / bare;
        const bool miss = ratio > target;
        if (miss && counts)
            ++misses;
        const char *reference = bareKind == "bare-mac" ? "EVP_MAC"
            : (hmac || op == "sign")                   ? "EVP_DigestSign"
                                                       : "EVP_DigestVerify";
        std::printf("  %-6s %-6s %-16s %10.2f %10.2f %8.3f   <= %.2f  %s\n", alg.c_str(), op.c_str(),
                    reference, ours * 1e6, bare * 1e6, ratio, target,
                    miss ? (counts ? "MISS" : "(over)") : "ok");
    };

    std::printf("\nJWS signatures: ours (Signature::sign/verify) vs bare OpenSSL %s, same key and input\n",
                OpenSSL_version(OPENSSL_VERSION_STRING));
    std::printf("CPU time per operation, fastest repetition, microseconds\n\n");
    std::printf("  %-6s %-6s %-16s %10s %10s %8s   %-7s %s\n", "alg", "op", "bare = ", "ours us", "bare us",
                "ratio", "target", "");
    for (const Case &c : cases) {
        const std::string alg = algorithmName(c.alg).toStdString();
        row(alg, isHmac(c.alg), "sign", "bare", signTarget, true);
        row(alg, isHmac(c.alg), "verify", "bare", verifyTarget, true);
    }
    std::printf("\n  HMAC against EVP_MAC (fetched once, a fresh context per call), for reference:\n");
    for (const Case &c : cases) {
        if (!isHmac(c.alg))
            continue;
        const std::string alg = algorithmName(c.alg).toStdString();
        row(alg, true, "sign", "bare-mac", signTarget, false);
        row(alg, true, "verify", "bare-mac", verifyTarget, false);
    }
    std::printf("\n  Whole compact token, Jws::parse + Jws::verify (ours only), microseconds:\n   ");
    for (const Case &c : cases) {
        const std::string alg = algorithmName(c.alg).toStdString();
        const double token = reporter.best("token/" + alg + "/ours");
        if (!std::isnan(token))
            std::printf(" %s %.2f ", alg.c_str(), token * 1e6);
    }
    std::printf("\n\n%s: %d of the sign/verify ratios miss their target (sign <= %.2f, verify <= %.2f)\n",
                misses == 0 ? "PASS" : "MISS", misses, signTarget, verifyTarget);
    for (const std::string &error : reporter.errors())
        std::printf("error: %s\n", error.c_str());
    return misses;
}

} // namespace

int main(int argc, char **argv)
{
    BenchCommandLine cl(argc, argv, {"--quick", "--enforce"});
    const bool quick = cl.isSet("--quick");
    const bool enforce = cl.isSet("--enforce");
    if (!cl.initialize({quick ? "--benchmark_min_time=0.02" : "--benchmark_min_time=0.2",
                        quick ? "--benchmark_repetitions=3" : "--benchmark_repetitions=7",
                        "--benchmark_enable_random_interleaving=true"}))
        return 2;

    const QByteArray data = signingInput();
    std::vector<Case> cases;
    cases.reserve(16);
    if (!prepare(cases, data))
        return 1;
    std::vector<QByteArray> tokens;
    tokens.reserve(cases.size());
    for (const Case &c : cases) {
        const QJsonObject header {{QStringLiteral("alg"), algorithmName(c.alg)},
                                  {QStringLiteral("typ"), QStringLiteral("JWT")}};
        Result<QByteArray> token = Jws::sign(header, claims, c.key);
        if (!token) {
            std::fprintf(stderr, "%s: Jws::sign failed: %s\n", qPrintable(algorithmName(c.alg)),
                         qPrintable(token.error().toString()));
            return 1;
        }
        tokens.push_back(*token);
    }
    std::printf("signing input: %lld bytes\n", static_cast<long long>(data.size()));
    for (size_t i = 0; i < cases.size(); ++i) {
        registerCase(cases[i], data);
        registerTokenCase(cases[i], tokens[i]);
    }

    CollectingReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    const int misses = printSummary(reporter, cases);
    for (const Case &c : cases) {
        if (isHmac(c.alg))
            EVP_PKEY_free(c.bareKey); // the others belong to their Jwk
    }
    if (!reporter.errors().empty())
        return 1;
    return enforce && misses > 0 ? 1 : 0;
}
