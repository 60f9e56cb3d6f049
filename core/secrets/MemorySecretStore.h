#pragma once

#include "SecretStore.h"

#include <QHash>

namespace mwauth::secrets {

// Secrets for this session only: kept in this process's memory, never written anywhere, gone
// when the store is destroyed. What the user may choose when there is no keychain (the
// console says so; it is never chosen silently). Same asynchronous contract as every store.
class MemorySecretStore final : public SecretStore
{
    Q_OBJECT
public:
    explicit MemorySecretStore(QObject *parent = nullptr);
    ~MemorySecretStore() override; // overwrites the values before freeing them

    QString description() const override;
    bool isPersistent() const override { return false; }

    SecretJob *write(const SecretRef &ref, const QByteArray &secret) override;
    SecretJob *read(const SecretRef &ref) override;
    SecretJob *remove(const SecretRef &ref) override;

    // How many secrets it holds (for tests and the "session-only" badge).
    qsizetype size() const { return m_secrets.size(); }

private:
    QHash<QString, QByteArray> m_secrets; // key() -> value
};

} // namespace mwauth::secrets
