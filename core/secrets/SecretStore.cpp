#include "SecretStore.h"

#include <QMetaObject>

namespace mwauth::secrets {

bool isKeychainUnavailable(SecretFailure failure)
{
    switch (failure) {
    case SecretFailure::NoSessionBus:
    case SecretFailure::NoSecretService:
    case SecretFailure::Locked:
    case SecretFailure::Denied:
        return true;
    case SecretFailure::None:
    case SecretFailure::NotFound:
    case SecretFailure::InvalidRef:
    case SecretFailure::Index:
    case SecretFailure::Backend:
        break;
    }
    return false;
}

SecretJob::SecretJob(Operation operation, SecretRef ref, QObject *parent)
    : QObject(parent)
    , m_operation(operation)
    , m_ref(std::move(ref))
{ }

SecretJob::~SecretJob()
{
    // Best effort: do not leave a read secret in freed memory.
    m_secret.fill('\0');
}

void SecretJob::succeed(QByteArray secret)
{
    if (m_done)
        return;
    m_secret = std::move(secret);
    finishLater();
}

void SecretJob::failWith(SecretFailure failure, Error error)
{
    if (m_done)
        return;
    m_failure = failure == SecretFailure::None ? SecretFailure::Backend : failure;
    m_error = std::move(error);
    finishLater();
}

void SecretJob::finishLater()
{
    m_done = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            Q_EMIT finished(this);
            deleteLater();
        },
        Qt::QueuedConnection);
}

SecretStore::~SecretStore() = default;

SecretJob *SecretStore::newJob(SecretJob::Operation operation, const SecretRef &ref, bool &valid)
{
    auto *job = new SecretJob(operation, ref, this);
    const Result<void> checked = ref.validate();
    valid = checked.ok();
    if (!valid)
        job->failWith(SecretFailure::InvalidRef, checked.error());
    return job;
}

} // namespace mwauth::secrets
