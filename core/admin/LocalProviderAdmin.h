#pragma once

#include "AdminClient.h"
#include "provider/ProviderHost.h"

namespace mwauth::admin {

// The admin client of the console's embedded provider: each operation runs on the provider's
// thread with that thread's stores (ProviderHost::call), so the GUI never waits for the
// database or for RSA key generation. `actor` names who acts in the provider's audit log.
class LocalProviderAdmin final : public AdminClient
{
public:
    LocalProviderAdmin(provider::ProviderHost &host, QString actor);

    QString displayName() const override;
    void signingKeys(QObject *context, Done<KeyRing> done) override;
    void rotateSigningKeys(QObject *context, Done<provider::SigningKeyRotation> done) override;
    void generateSigningKey(jose::JwsAlgorithm alg, QObject *context,
                            Done<provider::SigningKeyInfo> done) override;
    void retireSigningKey(const QString &kid, QObject *context, Done<provider::SigningKeyInfo> done) override;

private:
    provider::ProviderHost &m_host;
    QString m_actor;
};

} // namespace mwauth::admin
