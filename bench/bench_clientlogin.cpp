// The Action API login round trip over real loopback HTTP: a client with a fresh
// QNetworkAccessManager (its own cookie jar and connection) per login asks for a login token
// and logs in with action=clientlogin against an in-process LocalProvider with the demo
// accounts. The server and the client code share the main thread and a local event loop
// (QNetworkAccessManager does its HTTP I/O on a thread of its own), so the figures are the
// whole cost of a login, client included.
//
//   bench_clientlogin [--quick] [Google Benchmark flags...]
//
// --quick   short runs (the ctest `bench` label uses it)
//
// Cases:
//   password/default-iterations  Alice (password only), PBKDF2 at the default iteration count:
//                                what a login costs the provider's host
//   password/1-iteration         the same with 1 iteration: the HTTP + API protocol alone
//   totp/1-iteration             Bob: password, UI, logincontinue with his TOTP code. The
//                                provider's clock is a FixedClock moved 30 s per login, so every
//                                code is a new time step and passes the replay guard honestly.
//
// At the end a table gives the median milliseconds per login, wall clock and CPU time of the
// whole process (every thread: server, client, QNetworkAccessManager's), and logins/s from
// the wall clock.

#include "common/Clock.h"
#include "common/Random.h"
#include "otp/Base32.h"
#include "otp/Otp.h"
#include "provider/LocalProvider.h"

#include "BenchSupport.h"

#include <benchmark/benchmark.h>

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkCookieJar>
#include <QNetworkReply>
#include <QTimer>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

using namespace mwauth;
using namespace mwauth::bench;
using namespace mwauth::provider;

namespace {

constexpr int kReplyTimeoutMs = 30000;

enum class Case { PasswordDefault, PasswordOne, Totp };

struct CaseInfo
{
    Case kind;
    const char *name;
    int iterations;
};

const CaseInfo kCases[] = {
    {Case::PasswordDefault, "password/default-iterations", PasswordHasher::DefaultIterations},
    {Case::PasswordOne, "password/1-iteration", 1},
    {Case::Totp, "totp/1-iteration", 1},
};

// One provider with the demo accounts, and logins against it.
class LoginBench
{
public:
    explicit LoginBench(const CaseInfo &info)
        : m_info(info)
        , m_clock(double(QDateTime::currentSecsSinceEpoch()))
        , m_provider(m_clock, m_random)
    { }

    // An error text, or empty.
    QString start()
    {
        LocalProviderOptions options;
        options.demo = true;
        options.passwordIterations = m_info.iterations;
        const Result<void> started = m_provider.start(options);
        if (!started)
            return started.error().toString();
        for (const DemoAccount &account : m_provider.demoAccounts()) {
            if (account.name == QStringLiteral("Alice"))
                m_alice = account;
            else if (account.name == QStringLiteral("Bob"))
                m_bob = account;
        }
        if (m_alice.password.isEmpty() || m_bob.totpSecret.isEmpty())
            return QStringLiteral("The demo accounts Alice and Bob are missing.");
        return {};
    }

    // One whole login of the case's user with a new client; an error text, or empty.
    QString login()
    {
        QNetworkAccessManager nam;
        nam.setCookieJar(new QNetworkCookieJar(&nam));
        const QJsonObject tokens
            = call(nam, QStringLiteral("action=query&meta=tokens&type=login&format=json"), QByteArray());
        const QString token
            = tokens.value(u"query").toObject().value(u"tokens").toObject().value(u"logintoken").toString();
        if (token.isEmpty())
            return QStringLiteral("No login token.");
        const bool totp = m_info.kind == Case::Totp;
        const DemoAccount &account = totp ? m_bob : m_alice;
        const QByteArray tokenParam = "&logintoken=" + QUrl::toPercentEncoding(token);
        QString status = clientLoginStatus(
            call(nam, QString(),
                 "action=clientlogin&format=json&username=" + QUrl::toPercentEncoding(account.name)
                     + "&password=" + QUrl::toPercentEncoding(account.password) + "&loginreturnurl="
                     + QUrl::toPercentEncoding(m_provider.apiUrl().toString()) + tokenParam));
        if (totp) {
            if (status != QStringLiteral("UI"))
                return QStringLiteral("Bob's password step answered %1, not UI.").arg(status);
            m_clock.advance(30); // a new time step: the replay guard accepts the code
            status = clientLoginStatus(
                call(nam, QString(),
                     "action=clientlogin&format=json&logincontinue=1&OATHToken=" + code() + tokenParam));
        }
        if (status != QStringLiteral("PASS"))
            return QStringLiteral("The login answered %1, not PASS.").arg(status);
        return {};
    }

private:
    QByteArray code() const
    {
        otp::TotpParameters params;
        const Result<QByteArray> secret = otp::Base32::decode(m_bob.totpSecret.toLatin1());
        if (secret)
            params.secret = *secret;
        const Result<QString> code = otp::totp(params, m_clock.nowSeconds());
        return code ? code->toLatin1() : QByteArray(); // no code: the login fails and says so
    }

    static QString clientLoginStatus(const QJsonObject &answer)
    {
        const QJsonObject login = answer.value(u"clientlogin").toObject();
        if (login.isEmpty())
            return QStringLiteral("error ") + answer.value(u"error").toObject().value(u"code").toString();
        return login.value(u"status").toString();
    }

    // A GET with `query`, or a form POST of `body` when the query is empty; the JSON answer.
    QJsonObject call(QNetworkAccessManager &nam, const QString &query, const QByteArray &body)
    {
        QUrl url = m_provider.apiUrl();
        QNetworkReply *reply = nullptr;
        if (!query.isEmpty()) {
            url.setQuery(query);
            reply = nam.get(QNetworkRequest(url));
        } else {
            QNetworkRequest request(url);
            request.setHeader(QNetworkRequest::ContentTypeHeader, "application/x-www-form-urlencoded");
            reply = nam.post(request, body);
        }
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(kReplyTimeoutMs, &loop, &QEventLoop::quit);
        if (!reply->isFinished())
            loop.exec();
        const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
        delete reply;
        return answer;
    }

    const CaseInfo m_info;
    FixedClock m_clock;
    SystemRandom m_random;
    LocalProvider m_provider;
    DemoAccount m_alice;
    DemoAccount m_bob;
};

void BM_ClientLogin(benchmark::State &state, const CaseInfo &info)
{
    LoginBench bench(info);
    if (const QString error = bench.start(); !error.isEmpty()) {
        state.SkipWithError(qPrintable(error));
        return;
    }
    for (auto _ : state) {
        if (const QString error = bench.login(); !error.isEmpty()) {
            state.SkipWithError(qPrintable(error));
            break;
        }
    }
}

struct Cost
{
    double wallMs = -1;
    double cpuMs = -1;
    QString error;
};

// Medians over `rounds` logins (after one warm-up login).
Cost medianCost(const CaseInfo &info, int rounds)
{
    LoginBench bench(info);
    if (const QString error = bench.start(); !error.isEmpty())
        return {-1, -1, error};
    if (const QString error = bench.login(); !error.isEmpty())
        return {-1, -1, error};
    std::vector<double> wall;
    std::vector<double> cpu;
    for (int i = 0; i < rounds; ++i) {
        QElapsedTimer timer;
        timer.start();
        const double cpuStart = cpuMilliseconds(CLOCK_PROCESS_CPUTIME_ID);
        if (const QString error = bench.login(); !error.isEmpty())
            return {-1, -1, error};
        cpu.push_back(cpuMilliseconds(CLOCK_PROCESS_CPUTIME_ID) - cpuStart);
        wall.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    return {median(wall), median(cpu), {}};
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    BenchCommandLine cl(argc, argv, {"--quick"});
    const bool quick = cl.isSet("--quick");
    if (!cl.initialize({quick ? "--benchmark_min_time=0.05" : "--benchmark_min_time=1",
                        quick ? "--benchmark_repetitions=1" : "--benchmark_repetitions=3"}))
        return 2;
    for (const CaseInfo &info : kCases) {
        benchmark::RegisterBenchmark((std::string("BM_ClientLogin/") + info.name).c_str(), BM_ClientLogin,
                                     info)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();

    std::printf("\nclientlogin over loopback HTTP against LocalProvider (a fresh client per login)\n");
    std::printf(
        "medians per login: wall clock, CPU time of the whole process; logins/s from the wall clock\n\n");
    std::printf("  %-28s %10s %9s %9s %9s\n", "case", "PBKDF2 it.", "wall ms", "CPU ms", "logins/s");
    int failures = 0;
    for (const CaseInfo &info : kCases) {
        const Cost cost
            = medianCost(info, info.kind == Case::PasswordDefault ? (quick ? 5 : 21) : (quick ? 21 : 201));
        if (cost.wallMs < 0) {
            std::fprintf(stderr, "error: %s: %s\n", info.name, qPrintable(cost.error));
            ++failures;
            continue;
        }
        std::printf("  %-28s %10d %9.2f %9.2f %9.0f\n", info.name, info.iterations, cost.wallMs, cost.cpuMs,
                    1000.0 / cost.wallMs);
    }
    return failures == 0 ? 0 : 1;
}
