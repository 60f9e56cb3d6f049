// Password hash cost: mwauth::provider::PasswordHasher::hash / ::verify at the default
// iteration count (PBKDF2-HMAC-SHA256, 210000 iterations) against bare OpenSSL
// PKCS5_PBKDF2_HMAC with the same parameters. A login costs one verify(); this is the
// number to weigh against the login throttle and the CPU of the provider's host.
//
//   bench_password [--quick] [Google Benchmark flags...]
//
// --quick   short runs (the ctest `bench` label uses it)
//
// At the end one line gives the milliseconds per hash, CPU and wall clock (medians of a few).

#include "common/Random.h"
#include "provider/accounts/PasswordHasher.h"

#include "BenchSupport.h"

#include <benchmark/benchmark.h>

#include <openssl/evp.h>

#include <QElapsedTimer>

#include <cstdio>
#include <string>
#include <vector>

using namespace mwauth;
using namespace mwauth::provider;
using namespace mwauth::bench;

namespace {

const QString password = QStringLiteral("correct horse battery staple");

void BM_PasswordHasher_hash(benchmark::State &state)
{
    SystemRandom random;
    const PasswordHasher hasher(random);
    for (auto _ : state) {
        Result<QString> hash = hasher.hash(password);
        if (!hash) {
            state.SkipWithError("hash() failed");
            break;
        }
        benchmark::DoNotOptimize(hash);
    }
}
BENCHMARK(BM_PasswordHasher_hash)->Unit(benchmark::kMillisecond);

void BM_PasswordHasher_verify(benchmark::State &state)
{
    SystemRandom random;
    const PasswordHasher hasher(random);
    const Result<QString> hash = hasher.hash(password);
    if (!hash) {
        state.SkipWithError("hash() failed");
        return;
    }
    for (auto _ : state) {
        Result<bool> ok = hasher.verify(password, *hash);
        if (!ok || !*ok) {
            state.SkipWithError("verify() did not match");
            break;
        }
        benchmark::DoNotOptimize(ok);
    }
}
BENCHMARK(BM_PasswordHasher_verify)->Unit(benchmark::kMillisecond);

void BM_Bare_PKCS5_PBKDF2_HMAC(benchmark::State &state)
{
    const QByteArray utf8 = password.toUtf8();
    const QByteArray salt(PasswordHasher::SaltBytes, 'S');
    unsigned char out[PasswordHasher::HashBytes];
    for (auto _ : state) {
        const int ok = PKCS5_PBKDF2_HMAC(utf8.constData(), static_cast<int>(utf8.size()),
                                         reinterpret_cast<const unsigned char *>(salt.constData()),
                                         static_cast<int>(salt.size()), PasswordHasher::DefaultIterations,
                                         EVP_sha256(), sizeof out, out);
        if (ok != 1) {
            state.SkipWithError("PKCS5_PBKDF2_HMAC failed");
            break;
        }
        benchmark::DoNotOptimize(out);
    }
}
BENCHMARK(BM_Bare_PKCS5_PBKDF2_HMAC)->Unit(benchmark::kMillisecond);

struct Cost
{
    double wallMs = -1;
    double cpuMs = -1;
};

// Medians over `rounds` hashes; wall clock suffers on a busy machine, CPU time less so.
Cost medianCostPerHash(int rounds)
{
    SystemRandom random;
    const PasswordHasher hasher(random);
    std::vector<double> wall;
    std::vector<double> cpu;
    for (int i = 0; i < rounds; ++i) {
        QElapsedTimer timer;
        timer.start();
        const double cpuStart = cpuMilliseconds(CLOCK_THREAD_CPUTIME_ID);
        const Result<QString> hash = hasher.hash(password);
        cpu.push_back(cpuMilliseconds(CLOCK_THREAD_CPUTIME_ID) - cpuStart);
        wall.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e6);
        if (!hash)
            return {};
    }
    return {median(wall), median(cpu)};
}

} // namespace

int main(int argc, char **argv)
{
    BenchCommandLine cl(argc, argv, {"--quick"});
    const bool quick = cl.isSet("--quick");
    if (!cl.initialize({quick ? "--benchmark_min_time=0.01" : "--benchmark_min_time=1",
                        quick ? "--benchmark_repetitions=1" : "--benchmark_repetitions=3"}))
        return 2;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();

    const Cost cost = medianCostPerHash(quick ? 3 : 9);
    if (cost.wallMs < 0) {
        std::fprintf(stderr, "error: PasswordHasher::hash failed\n");
        return 1;
    }
    std::printf("\nPassword hash cost: PBKDF2-HMAC-SHA256, %d iterations, %d-byte hash: %.1f ms CPU per hash "
                "(%.1f ms wall clock; medians)\n",
                PasswordHasher::DefaultIterations, PasswordHasher::HashBytes, cost.cpuMs, cost.wallMs);
    return 0;
}
