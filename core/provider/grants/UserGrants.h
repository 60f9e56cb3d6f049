#pragma once

#include "common/Clock.h"
#include "common/Result.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace mwauth::provider {

class ProviderDatabase;
class UserStore;

// One approval (a row of oauth_accepted_consumer) with what a user needs to judge it: the
// consumer's name, publisher and version, the grants, when it was accepted, the protocol
// and how many live tokens hang on it.
struct GrantSummary
{
    qint64 id = 0; // oaac_id
    qint64 userId = 0; // oaac_user_id
    QString userName;
    qint64 consumerRowId = 0; // oarc_id
    QString consumerKey;
    QString consumerName;
    QString consumerVersion;
    QString publisher; // the consumer owner's user name
    QString description;
    QString wiki; // oaac_wiki
    QStringList grants;
    QString accepted; // MediaWiki timestamp
    int oauthVersion = 1;
    int accessTokens
        = 0; // OAuth 2: unrevoked, unexpired oauth2_access_tokens rows; OAuth 1: 1 (the row's token)
    int refreshTokens = 0; // OAuth 2: live refresh tokens in the OAuthCache
};

// What a revocation took away.
struct RevokedGrants
{
    QList<GrantSummary> grants; // the approvals deleted (OAuth 1 access tokens go with them)
    int accessTokens = 0; // OAuth 2 access tokens marked revoked
    int refreshTokens = 0; // OAuth 2 refresh tokens deleted from the cache
};

// The user's side of grants (Special:OAuthManageMyGrants, the grants REST API, `mwauth
// provider grants`): list a user's approvals, revoke one, revoke all.
//
// Revoking an approval deletes its oauth_accepted_consumer row (so its OAuth 1 access token
// and secret are gone, as MediaWiki's renounce does), marks every OAuth 2 access token issued
// under it revoked (BearerTokens refuses them) and deletes its refresh tokens ("RefreshToken:*"
// entries of OAuthCache with its acceptance_id), all in one transaction: a failure anywhere
// rolls everything back and nothing is half-revoked.
//
// Use on the thread of its ProviderDatabase.
class UserGrants
{
public:
    // Both must outlive the object.
    UserGrants(ProviderDatabase &db, const Clock &clock);

    // The approvals of `userId` (0: every user's), newest first.
    Result<QList<GrantSummary>> list(qint64 userId) const;
    // One approval; NotFound when there is none with that id (or it is not `userId`'s, unless
    // `userId` is 0).
    Result<GrantSummary> find(qint64 acceptanceId, qint64 userId = 0) const;
    // Replaces the grants of an approval (REL1_39's "update"); NotFound as find().
    Result<GrantSummary> updateGrants(qint64 acceptanceId, qint64 userId, const QStringList &grants);

    // Revokes one approval (NotFound as find()), in a transaction of its own.
    Result<RevokedGrants> revoke(qint64 acceptanceId, qint64 userId = 0);
    // Revokes every approval of the user and every token issued under them, in a transaction
    // of its own. A user without approvals gets an empty result.
    Result<RevokedGrants> revokeAll(qint64 userId);
    // The same inside a transaction the caller opened and commits (a password change).
    Result<RevokedGrants> revokeAllInTransaction(qint64 userId);

    // A password change: sets the new password and revokes every approval and token of the
    // user (both protocols) in one transaction; errors of UserStore::setPassword (nothing
    // changed then).
    Result<RevokedGrants> changePassword(UserStore &users, qint64 userId, const QString &password);

private:
    Result<QList<GrantSummary>> select(const QString &condition, const QVariantList &values) const;
    Result<RevokedGrants> revokeRows(const QList<GrantSummary> &grants);

    ProviderDatabase &m_db;
    const Clock &m_clock;
};

} // namespace mwauth::provider
