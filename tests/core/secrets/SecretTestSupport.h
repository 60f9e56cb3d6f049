#pragma once

#include "secrets/IndexedSecretStore.h"
#include "secrets/SecretStore.h"

#include <QPointer>
#include <QSignalSpy>
#include <QTest>

namespace mwauth::secrets::test {

// What a finished SecretJob reported (the job itself is gone by the time a caller looks).
struct Outcome
{
    bool finished = false;
    bool ok = false;
    SecretFailure failure = SecretFailure::None;
    Error error;
    QByteArray secret;
    int emissions = 0;
};

// Waits for `job`'s finished() (QSignalSpy, no sleeps) and returns what it said.
inline Outcome waitFor(SecretJob *job, int timeoutMs = 20000)
{
    Outcome outcome;
    QObject::connect(job, &SecretJob::finished, [&outcome](SecretJob *done) {
        ++outcome.emissions;
        outcome.finished = true;
        outcome.ok = done->ok();
        outcome.failure = done->failure();
        outcome.error = done->error();
        outcome.secret = done->secret();
    });
    QPointer<SecretJob> guard(job);
    if (!QTest::qWaitFor([&] { return outcome.finished; }, timeoutMs))
        QTest::qFail("the SecretJob did not finish in time", __FILE__, __LINE__);
    // The job deletes itself after finished(), and emits it once only.
    else if (!QTest::qWaitFor([&] { return guard.isNull(); }, 5000))
        QTest::qFail("the SecretJob was not deleted after finished()", __FILE__, __LINE__);
    return outcome;
}

inline ForgetResult waitFor(ProfileForgetJob *job, int timeoutMs = 60000)
{
    ForgetResult result;
    bool finished = false;
    QObject::connect(job, &ProfileForgetJob::finished, [&](const ForgetResult &r) {
        result = r;
        finished = true;
    });
    if (!QTest::qWaitFor([&] { return finished; }, timeoutMs)) {
        QTest::qFail("forgetting the profile did not finish in time", __FILE__, __LINE__);
        result.indexError = Error(ErrorCode::Timeout, QStringLiteral("timed out"));
    }
    return result;
}

// A value per kind with bytes that are not text (NUL, high bytes) and a marker to grep for.
inline QByteArray sampleSecret(const QString &profile, SecretKind kind)
{
    return "MWSECRET-" + profile.toLatin1() + '-' + secretKindName(kind).toLatin1()
        + QByteArray("\x00\xff\x01", 3) + "-end";
}

} // namespace mwauth::secrets::test
