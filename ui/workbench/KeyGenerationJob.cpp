#include "workbench/KeyGenerationJob.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QThreadPool>

namespace mwauth::ui {

KeyGenerationJob::KeyGenerationJob(jose::JwsAlgorithm alg, int rsaBits)
    : m_alg(alg)
    , m_bits(rsaBits)
{ }

QSharedPointer<KeyGenerationJob> KeyGenerationJob::create(jose::JwsAlgorithm alg, int rsaBits)
{
    return QSharedPointer<KeyGenerationJob>(new KeyGenerationJob(alg, rsaBits), &QObject::deleteLater);
}

void KeyGenerationJob::start()
{
    QSharedPointer<KeyGenerationJob> self = sharedFromThis();
    QThreadPool::globalInstance()->start([self] { self->run(); });
}

void KeyGenerationJob::run()
{
    QElapsedTimer timer;
    timer.start();
    Result<jose::Jwk> key = jose::KeyGenerator::generate(m_alg, m_bits);
    {
        const std::lock_guard lock(m_mutex);
        m_result.emplace(std::move(key));
        m_elapsedMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    }
    emit finished();
}

bool KeyGenerationJob::isFinished() const
{
    const std::lock_guard lock(m_mutex);
    return m_result.has_value();
}

Result<jose::Jwk> KeyGenerationJob::result() const
{
    const std::lock_guard lock(m_mutex);
    if (!m_result)
        return fail(ErrorCode::Internal,
                    QCoreApplication::translate("mwauth::ui::KeyGenerationJob", "The key is not ready yet."));
    return *m_result;
}

double KeyGenerationJob::elapsedMs() const
{
    const std::lock_guard lock(m_mutex);
    return m_elapsedMs;
}

} // namespace mwauth::ui
