#pragma once

#include "SecretStore.h"

namespace mwauth::secrets {

// Secrets in the OS keychain through QtKeychain: the Secret Service (GNOME Keyring, KeePassXC,
// KWallet) over D-Bus on Linux, Keychain on macOS, Credential Manager on Windows. Each
// secret is one keychain item of service `service` under SecretRef::key(). QtKeychain's
// insecure plain-text fallback is switched off.
//
// No usable keychain is reported per job with a specific SecretFailure and a message naming
// the cause and the fix (NoSessionBus, NoSecretService, Locked, Denied); QtKeychain 0.13 has
// no isAvailable(), so the cause is read from the job's error. checkAvailability() finds out
// up front by writing and removing a probe item.
class KeychainSecretStore final : public SecretStore
{
    Q_OBJECT
public:
    static constexpr QStringView defaultService = u"org.mwauth.Console";

    explicit KeychainSecretStore(QString service = defaultService.toString(), QObject *parent = nullptr);
    ~KeychainSecretStore() override;

    QString description() const override;
    bool isPersistent() const override { return true; }

    SecretJob *write(const SecretRef &ref, const QByteArray &secret) override;
    SecretJob *read(const SecretRef &ref) override;
    SecretJob *remove(const SecretRef &ref) override;

    // Writes and removes the item "mwauth:probe:password:availability"; the job fails with the
    // keychain's specific failure when it cannot be used.
    SecretJob *checkAvailability();

    // The failure and message for a QtKeychain error (`code` a QKeychain::Error) and its text.
    static SecretFailure classify(int code, const QString &errorString);
    static Error describe(SecretFailure failure, const SecretRef &ref, const QString &errorString);

private:
    SecretJob *start(SecretJob *job, const QByteArray &secret);

    QString m_service;
};

} // namespace mwauth::secrets
