#include "IndexedSecretStore.h"

#include <QMetaObject>

namespace mwauth::secrets {

IndexedSecretStore::IndexedSecretStore(SecretStore &backend, SecretIndex &index, QObject *parent)
    : SecretStore(parent)
    , m_backend(backend)
    , m_index(index)
{ }

SecretJob *IndexedSecretStore::write(const SecretRef &ref, const QByteArray &secret)
{
    bool valid = false;
    SecretJob *job = newJob(SecretJob::Operation::Write, ref, valid);
    if (!valid)
        return job;
    if (const Result<void> indexed = m_index.add(ref); !indexed) {
        job->failWith(SecretFailure::Index, indexed.error());
        return job;
    }
    SecretJob *inner = m_backend.write(ref, secret);
    connect(inner, &SecretJob::finished, job, [this, job](SecretJob *done) {
        if (done->ok()) {
            job->succeed();
            return;
        }
        (void)m_index.remove(done->ref()); // nothing was written under it
        job->failWith(done->failure(), done->error());
    });
    return job;
}

SecretJob *IndexedSecretStore::read(const SecretRef &ref)
{
    bool valid = false;
    SecretJob *job = newJob(SecretJob::Operation::Read, ref, valid);
    if (!valid)
        return job;
    SecretJob *inner = m_backend.read(ref);
    connect(inner, &SecretJob::finished, job, [job](SecretJob *done) {
        if (done->ok())
            job->succeed(done->secret());
        else
            job->failWith(done->failure(), done->error());
    });
    return job;
}

SecretJob *IndexedSecretStore::remove(const SecretRef &ref)
{
    bool valid = false;
    SecretJob *job = newJob(SecretJob::Operation::Remove, ref, valid);
    if (!valid)
        return job;
    SecretJob *inner = m_backend.remove(ref);
    connect(inner, &SecretJob::finished, job, [this, job](SecretJob *done) {
        if (done->ok() || done->failure() == SecretFailure::NotFound) {
            if (const Result<void> unindexed = m_index.remove(done->ref()); !unindexed) {
                job->failWith(SecretFailure::Index, unindexed.error());
                return;
            }
        }
        if (done->ok())
            job->succeed();
        else
            job->failWith(done->failure(), done->error());
    });
    return job;
}

ProfileForgetJob *IndexedSecretStore::forgetProfile(const QString &profileId)
{
    auto *job = new ProfileForgetJob(this);
    const Result<QList<SecretRef>> refs = m_index.refs(profileId);
    if (!refs) {
        job->m_result.indexError = refs.error();
        forgetNext(job, {}, 0);
    } else {
        forgetNext(job, *refs, int(refs->size()));
    }
    return job;
}

void IndexedSecretStore::forgetNext(ProfileForgetJob *job, QList<SecretRef> pending, int total)
{
    if (pending.isEmpty()) {
        QMetaObject::invokeMethod(
            job,
            [job] {
                Q_EMIT job->finished(job->m_result);
                job->deleteLater();
            },
            Qt::QueuedConnection);
        return;
    }
    const SecretRef ref = pending.takeFirst();
    SecretJob *removal = remove(ref);
    connect(removal, &SecretJob::finished, job, [this, job, pending, total](SecretJob *done) {
        if (done->ok() || done->failure() == SecretFailure::NotFound)
            job->m_result.removed << done->ref();
        else
            job->m_result.failed << qMakePair(done->ref(), done->error());
        Q_EMIT job->progress(total - int(pending.size()), total);
        forgetNext(job, pending, total);
    });
}

} // namespace mwauth::secrets
