#pragma once

#include "jose/KeyGenerator.h"

#include <QObject>
#include <QSharedPointer>

#include <mutex>
#include <optional>

namespace mwauth::ui {

// Generates one key off the GUI thread (QThreadPool::globalInstance(), which the
// application waits for on exit) and emits finished() exactly once, from the worker.
//
//   m_job = KeyGenerationJob::create(JwsAlgorithm::RS256, 4096);
//   connect(m_job.data(), &KeyGenerationJob::finished, this, &Page::onKeyGenerated);
//   m_job->start();   // connect first: a 256-bit secret is ready in microseconds
//
// Do not capture the shared pointer in the slot: the connection would keep the job alive.
//
// Connect with a context object: the connection goes away with the receiver, so a page
// that is closed while RSA-4096 is still running is never called back. The job itself
// lives as long as someone holds the shared pointer (the worker holds one until it is
// done) and is deleted with deleteLater() in its own (the GUI) thread.
class KeyGenerationJob : public QObject, public QEnableSharedFromThis<KeyGenerationJob>
{
    Q_OBJECT
public:
    static QSharedPointer<KeyGenerationJob> create(jose::JwsAlgorithm alg, int rsaBits);
    // Queues the work; call once.
    void start();

    jose::JwsAlgorithm algorithm() const { return m_alg; }
    int rsaBits() const { return m_bits; }
    bool isFinished() const;
    // Valid once finished() was emitted.
    Result<jose::Jwk> result() const;
    // Wall time the generation took, in milliseconds.
    double elapsedMs() const;

signals:
    void finished();

private:
    KeyGenerationJob(jose::JwsAlgorithm alg, int rsaBits);
    void run();

    const jose::JwsAlgorithm m_alg;
    const int m_bits;
    mutable std::mutex m_mutex;
    std::optional<Result<jose::Jwk>> m_result;
    double m_elapsedMs = 0;
};

} // namespace mwauth::ui
