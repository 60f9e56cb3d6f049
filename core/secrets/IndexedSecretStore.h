#pragma once

#include "SecretIndex.h"
#include "SecretStore.h"

#include <QList>

namespace mwauth::secrets {

// The outcome of forgetting a profile's secrets: emitted once by ProfileForgetJob::finished.
struct ForgetResult
{
    QList<SecretRef> removed; // gone from the store (or already gone) and from the index
    QList<QPair<SecretRef, Error>> failed; // still indexed: the store refused to remove them
    Error indexError; // set (code != Internal or message) when the index could not be read
    bool ok() const { return failed.isEmpty() && indexError.message().isEmpty(); }
};

// Forgets every indexed secret of one profile, one removal after another; emits finished()
// once with the result, then deletes itself.
class ProfileForgetJob : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    const ForgetResult &result() const { return m_result; }

Q_SIGNALS:
    void progress(int done, int total);
    void finished(const mwauth::secrets::ForgetResult &result);

private:
    friend class IndexedSecretStore;
    ForgetResult m_result;
};

// A SecretStore that records every secret it writes in a SecretIndex, so that a profile's
// secrets can all be forgotten (forgetProfile) and none is left behind in the keychain.
// Write: the ref is indexed first, then the backend writes (a failed write takes the ref out
// again), so a crash in between leaves at most an index entry whose removal finds nothing.
// Remove: the backend removes, then the ref leaves the index (also when the backend had
// nothing under it).
class IndexedSecretStore final : public SecretStore
{
    Q_OBJECT
public:
    // `backend` and `index` must outlive this store.
    IndexedSecretStore(SecretStore &backend, SecretIndex &index, QObject *parent = nullptr);

    QString description() const override { return m_backend.description(); }
    bool isPersistent() const override { return m_backend.isPersistent(); }

    SecretJob *write(const SecretRef &ref, const QByteArray &secret) override;
    SecretJob *read(const SecretRef &ref) override;
    SecretJob *remove(const SecretRef &ref) override;

    // Removes every secret the index lists for `profileId`; secrets of other profiles are
    // not touched.
    ProfileForgetJob *forgetProfile(const QString &profileId);

private:
    void forgetNext(ProfileForgetJob *job, QList<SecretRef> pending, int total);

    SecretStore &m_backend;
    SecretIndex &m_index;
};

} // namespace mwauth::secrets
