#pragma once

#include "common/Clock.h"
#include "common/Random.h"
#include "common/Result.h"
#include "provider/clients/ClientRegistration.h"
#include "provider/clients/OAuthClient.h"
#include "provider/db/ProviderDatabase.h"
#include "provider/secret/ProviderSecret.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace mwauth::provider {

struct ClientStoreOptions
{
    // The wiki id accepted for a client's `wiki` besides "*". (An approval's oaac_wiki is the
    // client's wiki, "*" included, as ConsumerSubmitControl writes it.)
    QString wikiId = QStringLiteral("mwauth");
    // What MediaWiki stores as the callback of owner-only consumers (Special:OAuth/verified).
    QString ownerOnlyCallback = QStringLiteral("/w/index.php?title=Special:OAuth/verified");
};

// A row of oauth_accepted_consumer: a user's approval of a client (both OAuth versions).
struct ClientAcceptance
{
    qint64 id = 0; // oaac_id
    QString wiki;
    qint64 userId = 0;
    qint64 clientId = 0; // oaac_consumer_id
    QString accessToken; // OAuth 1 access token key (random for OAuth 2 rows)
    QStringList grants;
    QString accepted; // MediaWiki timestamp
    int oauthVersion = 1;
};

// What registerClient() and resetSecret() hand out, once. Nothing here is stored as such.
struct IssuedClientCredentials
{
    OAuthClient client;
    QByteArray secret; // the client / consumer secret: derive(oarc_secret_key), 40 hex
    // Owner-only clients: the owner's approval row. OAuth 1 also gets its access token
    // (key) and secret (derive(oaac_access_secret)) here; for OAuth 2 the token service
    // issues the access token for `acceptanceId`.
    qint64 acceptanceId = 0;
    QByteArray accessToken;
    QByteArray accessSecret;
};

// A row of the audit log about a consumer (al_action "mwoauthconsumer/<action>").
struct ConsumerLogEntry
{
    qint64 id = 0;
    QString timestamp; // MediaWiki timestamp
    QString actor;
    QString action; // "propose", "approve", "reject", "disable", "reenable", "update", ...
    QString consumerKey;
    QString name; // the consumer's name then
    QString reason;
};

// What remove() deleted.
struct ClientRemoval
{
    OAuthClient client;
    int approvals = 0; // oauth_accepted_consumer rows
    int accessTokens = 0; // oauth2_access_tokens rows
};

// The provider's OAuth consumers / OAuth 2 clients in oauth_registered_consumer, with
// MediaWiki's semantics (reference/mediawiki-oauth.md sections 4 and 5):
//
//  - registerClient(): validates as ConsumerSubmitControl `propose` (ClientRegistration),
//    makes a 32-hex consumer key and a random stored secret key; the secret given out is
//    ProviderSecret::derive(stored). Stage: approved for owner-only clients and when
//    `approved` is set (an admin registers it), proposed otherwise. Owner-only clients are
//    also accepted for their owner at once (an oauth_accepted_consumer row).
//  - setStage(): approve (from proposed, rejected, expired), reject (from proposed), disable
//    (from approved), reenable (from disabled); anything else is a Conflict naming the stage.
//  - every change writes an audit_log row (al_action "mwoauthconsumer/<action>", al_detail a
//    JSON object with the consumer key, id and reason; never a secret).
//
// Errors: InvalidInput (the registration, a reason over 255 characters), NotFound (no such
// client or owner), Conflict (a name + version the owner registered already, a stage change
// that does not apply), Database.
class ClientStore
{
public:
    enum class StageAction { Approve, Reject, Disable, Reenable };
    static constexpr int MaxReasonLength = 255;

    // Everything passed must outlive the store.
    ClientStore(ProviderDatabase &db, const ProviderSecret &secret, const Clock &clock, Random &random,
                ClientStoreOptions options = {});

    const ClientStoreOptions &options() const { return m_options; }

    // `actor` (a user name) goes to the audit log.
    Result<IssuedClientCredentials> registerClient(const ClientRegistration &registration,
                                                   const QString &actor);

    Result<OAuthClient> findByKey(const QString &consumerKey) const;
    Result<OAuthClient> findById(qint64 id) const;
    // Newest first, as ListClients.
    Result<QList<OAuthClient>> listByOwner(qint64 userId) const;
    // Every client (of one stage when given), oldest first.
    Result<QList<OAuthClient>> listAll(std::optional<ClientStage> stage = std::nullopt) const;
    // The approvals of a client, oldest first.
    Result<QList<ClientAcceptance>> acceptances(qint64 clientId) const;

    // The client's secret as handed out (for OAuth 1 signatures, which need the secret
    // itself). Never log or print it.
    QByteArray clientSecret(const OAuthClient &client) const;
    // Compares `presented` with the client's secret in constant time. False for a client
    // without a stored secret key.
    bool verifySecret(const OAuthClient &client, QByteArrayView presented) const;
    // ConsumerSubmitControl `update` with resetSecret: a new stored secret key (the old
    // secret stops working). Owner-only clients also get new access credentials: OAuth 1 a
    // new token and secret on the owner's approval; OAuth 2 loses the approval's access
    // tokens (the token service issues a new one). Only for proposed or approved clients.
    Result<IssuedClientCredentials> resetSecret(qint64 id, const QString &reason, const QString &actor);

    // ConsumerSubmitControl `update` without the secret: new restrictions (MWRestrictions JSON,
    // empty for the default) and RSA key, checked as at registration; audited as "update"
    // with the reason. Only for proposed or approved clients.
    Result<OAuthClient> updateDetails(qint64 id, const QString &restrictions, const QString &rsaKey,
                                      const QString &reason, const QString &actor);
    // The consumer entries of the audit log, newest first (at most `limit`).
    Result<QList<ConsumerLogEntry>> logEntries(int limit = 500) const;

    // `suppress` (reject and disable only, ConsumerSubmitControl's `suppress`): the client is
    // also hidden (oarc_deleted = 1) from the public lists and usable by nobody; approve and
    // reenable clear it. The caller checks the mwoauthsuppress right.
    Result<OAuthClient> setStage(qint64 id, StageAction action, const QString &reason, const QString &actor,
                                 bool suppress = false);
    Result<OAuthClient> setTrusted(qint64 id, bool trusted, const QString &actor);
    // Deletes the client; its approvals and its access tokens go with it (foreign keys with
    // ON DELETE CASCADE, plus the tokens recorded only under one of its approvals).
    Result<ClientRemoval> remove(qint64 id, const QString &actor);

    // "May this user use this consumer now": OAuthClient::isUsableBy at the store's clock.
    // Every endpoint of both OAuth versions asks this (or OAuthClient::isUsableBy with its own
    // clock); `userId` 0 is anonymous.
    bool isUsableBy(const OAuthClient &client, qint64 userId) const;
    // Whether at least the owner may use it now (client authentication, before the user is known).
    bool isUsableBySomeone(const OAuthClient &client) const;

    // Utils::runAutoMaintenance: proposals whose stage is older than
    // OAuthClient::RequestExpirationAge become expired (stage timestamp = now). MediaWiki logs
    // nothing for this, neither does the store. Returns how many expired.
    Result<int> expireIdleProposals();

    static QString actionName(StageAction action); // "approve", "reject", "disable", "reenable"

private:
    QString timestamp() const;
    QString randomHex(int bytes) const;
    Result<void> audit(const QString &action, const OAuthClient &client, const QString &reason,
                       const QString &actor);
    Result<QList<OAuthClient>> select(const QString &where, const QVariantList &values,
                                      const QString &order) const;
    Result<IssuedClientCredentials> insertClient(const ClientRegistration &registration,
                                                 const QString &actor);

    ProviderDatabase &m_db;
    const ProviderSecret &m_secret;
    const Clock &m_clock;
    Random &m_random;
    ClientStoreOptions m_options;
};

} // namespace mwauth::provider
