#include "MemorySecretStore.h"

using namespace Qt::StringLiterals;

namespace mwauth::secrets {

namespace {

Error notFound(const SecretRef &ref)
{
    return fail(
        ErrorCode::NotFound,
        u"There is no %1 for \"%2\" in this session's memory."_s.arg(secretKindName(ref.kind), ref.id));
}

} // namespace

MemorySecretStore::MemorySecretStore(QObject *parent)
    : SecretStore(parent)
{ }

MemorySecretStore::~MemorySecretStore()
{
    for (auto it = m_secrets.begin(); it != m_secrets.end(); ++it)
        it->fill('\0');
}

QString MemorySecretStore::description() const
{
    return tr("this session's memory (forgotten when the program exits)");
}

SecretJob *MemorySecretStore::write(const SecretRef &ref, const QByteArray &secret)
{
    bool valid = false;
    SecretJob *job = newJob(SecretJob::Operation::Write, ref, valid);
    if (!valid)
        return job;
    QByteArray &slot = m_secrets[ref.key()];
    slot.fill('\0');
    slot = secret;
    slot.detach();
    job->succeed();
    return job;
}

SecretJob *MemorySecretStore::read(const SecretRef &ref)
{
    bool valid = false;
    SecretJob *job = newJob(SecretJob::Operation::Read, ref, valid);
    if (!valid)
        return job;
    const auto it = m_secrets.constFind(ref.key());
    if (it == m_secrets.constEnd())
        job->failWith(SecretFailure::NotFound, notFound(ref));
    else
        job->succeed(*it);
    return job;
}

SecretJob *MemorySecretStore::remove(const SecretRef &ref)
{
    bool valid = false;
    SecretJob *job = newJob(SecretJob::Operation::Remove, ref, valid);
    if (!valid)
        return job;
    const auto it = m_secrets.find(ref.key());
    if (it != m_secrets.end()) {
        it->fill('\0');
        m_secrets.erase(it);
    }
    job->succeed();
    return job;
}

} // namespace mwauth::secrets
