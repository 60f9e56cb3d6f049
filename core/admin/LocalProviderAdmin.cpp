#include "LocalProviderAdmin.h"

#include <QCoreApplication>

namespace mwauth::admin {

using provider::LocalProvider;
using provider::SigningKeyInfo;
using provider::SigningKeyRotation;

LocalProviderAdmin::LocalProviderAdmin(provider::ProviderHost &host, QString actor)
    : m_host(host)
    , m_actor(std::move(actor))
{ }

QString LocalProviderAdmin::displayName() const
{
    return QCoreApplication::translate("LocalProviderAdmin", "the local provider");
}

void LocalProviderAdmin::signingKeys(QObject *context, Done<KeyRing> done)
{
    m_host.call<KeyRing>(
        context,
        [](LocalProvider &provider) -> Result<KeyRing> {
            provider::SigningKeyStore &store = *provider.keys();
            KeyRing ring;
            Result<QList<SigningKeyInfo>> keys = store.list();
            if (!keys)
                return keys.error();
            Result<QJsonObject> jwks = store.publishedJwks();
            if (!jwks)
                return jwks.error();
            ring.keys = std::move(*keys);
            ring.jwks = std::move(*jwks);
            ring.maxTokenLifetime = store.maxTokenLifetime();
            ring.now = static_cast<qint64>(provider.clock().nowSeconds());
            return ring;
        },
        std::move(done));
}

void LocalProviderAdmin::rotateSigningKeys(QObject *context, Done<SigningKeyRotation> done)
{
    m_host.call<SigningKeyRotation>(
        context, [actor = m_actor](LocalProvider &provider) { return provider.keys()->rotate(actor); },
        std::move(done));
}

void LocalProviderAdmin::generateSigningKey(jose::JwsAlgorithm alg, QObject *context,
                                            Done<SigningKeyInfo> done)
{
    m_host.call<SigningKeyInfo>(
        context,
        [alg, actor = m_actor](LocalProvider &provider) -> Result<SigningKeyInfo> {
            if (const Result<void> supported = provider::SigningKeyStore::checkSupported(alg); !supported)
                return supported.error();
            return provider.keys()->generate(alg, actor);
        },
        std::move(done));
}

void LocalProviderAdmin::retireSigningKey(const QString &kid, QObject *context, Done<SigningKeyInfo> done)
{
    m_host.call<SigningKeyInfo>(
        context,
        [kid, actor = m_actor](LocalProvider &provider) { return provider.keys()->retire(kid, actor); },
        std::move(done));
}

} // namespace mwauth::admin
