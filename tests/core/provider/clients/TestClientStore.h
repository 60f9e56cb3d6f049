#pragma once

// TestClientStore in two files, one executable (one PostgreSQL start): registration, secrets
// and reads in TestClientStore.cpp, the changes (stages, trust, secret reset, removal) in
// TestClientStoreChanges.cpp.

#include "provider/accounts/PasswordHasher.h"
#include "provider/clients/ClientStore.h"

#include <QJsonObject>
#include <QObject>

#include "../TestDatabase.h"

#include <memory>

using namespace mwauth;
using namespace mwauth::provider;

namespace TestClientStoreSupport {

inline const QByteArray secretHex
    = QByteArrayLiteral("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");

// MediaWiki's derivation, computed with Qt: hex HMAC-SHA1(stored, $wgSecretKey).
QByteArray mediaWikiHmac(const QString &stored);

} // namespace TestClientStoreSupport

class TestClientStore : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();

    void registerProposed();
    void registerApprovedByAdmin();
    void secretVerification_data();
    void secretVerification();
    void ownerOnlyOAuth1();
    void ownerOnlyOAuth2();
    void registrationErrors();
    void findAndList();
    void readsMediaWikiRows();
    void stageTransitions_data();
    void stageTransitions();
    void stageReasonTooLong();
    void trusted();
    void resetSecret();
    void resetSecretOwnerOnly();
    void removeCascades();
    void foreignKeysCascade();
    void isUsableBy_data();
    void isUsableBy();
    void expireIdleProposals();

private:
    ClientRegistration registration(const QString &name = QStringLiteral("App")) const;
    IssuedClientCredentials registered(const ClientRegistration &r);
    int count(const QString &sql, const QVariantList &values = {});
    QList<QJsonObject> auditRows(const QString &action);
    void insertToken(const QString &jti, qint64 acceptanceId, const QVariant &clientId);

    FixedClock m_clock {1700000000}; // 2023-11-14 22:13:20 UTC
    SystemRandom m_random;
    PasswordHasher m_hasher {m_random, 1000};
    ProviderSecret m_secret = ProviderSecret::fromHex(TestClientStoreSupport::secretHex)
                                  .valueOr(ProviderSecret::generate(m_random));
    std::unique_ptr<ProviderDatabase> m_db;
    std::unique_ptr<ClientStore> m_store;
    qint64 m_owner = 0;
    qint64 m_other = 0;
    TestDatabase m_databases {QStringLiteral("clients")};
};
