#include "UserGrants.h"

#include "provider/accounts/UserStore.h"
#include "provider/clients/AcceptanceStore.h"
#include "provider/clients/Grants.h"
#include "provider/clients/SqlTransaction.h"
#include "provider/db/ProviderDatabase.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QSqlQuery>

#include <cmath>

namespace mwauth::provider {

namespace {

QString mediaWikiTimestamp(double seconds)
{
    return QDateTime::fromSecsSinceEpoch(qint64(std::floor(seconds)), Qt::UTC)
        .toString(QStringLiteral("yyyyMMddHHmmss"));
}

// The refresh tokens in the cache, by the approval they were issued under: key -> acceptance.
struct RefreshEntry
{
    QString key;
    qint64 acceptanceId = 0;
    bool spent = false; // rotated (kept only for its grace period)
};

Result<QList<RefreshEntry>> refreshEntries(ProviderDatabase &db, qint64 now)
{
    QSqlQuery query(db.database());
    if (!ProviderDatabase::run(query,
                               QStringLiteral("SELECT oc_key, oc_value FROM oauth_cache WHERE oc_key LIKE "
                                              "'RefreshToken:%' AND oc_expires > ?"),
                               {now}))
        return ProviderDatabase::sqlError(QStringLiteral("The refresh tokens could not be read."),
                                          query.lastError());
    QList<RefreshEntry> entries;
    while (query.next()) {
        const QJsonObject value = QJsonDocument::fromJson(query.value(1).toString().toUtf8()).object();
        entries.append({query.value(0).toString(), value.value(u"acceptance_id").toInteger(),
                        value.value(u"revoked").toBool()});
    }
    return entries;
}

const QString kSelect = QStringLiteral(
    ", c.oarc_consumer_key, c.oarc_name, c.oarc_version, c.oarc_description, o.user_name, u.user_name"
    " FROM oauth_accepted_consumer a"
    " JOIN oauth_registered_consumer c ON c.oarc_id = a.oaac_consumer_id"
    " LEFT JOIN \"user\" o ON o.user_id = c.oarc_user_id"
    " LEFT JOIN \"user\" u ON u.user_id = a.oaac_user_id");

} // namespace

UserGrants::UserGrants(ProviderDatabase &db, const Clock &clock)
    : m_db(db)
    , m_clock(clock)
{ }

Result<QList<GrantSummary>> UserGrants::select(const QString &condition, const QVariantList &values) const
{
    QString columns = AcceptanceStore::columns();
    columns.replace(QStringLiteral("oaac_"), QStringLiteral("a.oaac_"));
    QSqlQuery query(m_db.database());
    if (!ProviderDatabase::run(query,
                               u"SELECT " % columns % kSelect % u" WHERE " % condition
                                   % u" ORDER BY a.oaac_accepted DESC, a.oaac_id DESC",
                               values))
        return ProviderDatabase::sqlError(QStringLiteral("The approvals could not be read."),
                                          query.lastError());
    QList<GrantSummary> grants;
    while (query.next()) {
        const ClientAcceptance acceptance = AcceptanceStore::fromRow(query);
        GrantSummary g;
        g.id = acceptance.id;
        g.userId = acceptance.userId;
        g.consumerRowId = acceptance.clientId;
        g.wiki = acceptance.wiki;
        g.grants = acceptance.grants;
        g.accepted = acceptance.accepted;
        g.oauthVersion = acceptance.oauthVersion;
        g.consumerKey = query.value(8).toString();
        g.consumerName = query.value(9).toString();
        g.consumerVersion = query.value(10).toString();
        g.description = query.value(11).toString();
        g.publisher = query.value(12).toString();
        g.userName = query.value(13).toString();
        grants.append(g);
    }
    query.finish();
    if (grants.isEmpty())
        return grants;

    // Token counts: OAuth 2 access tokens still usable, refresh tokens not yet spent.
    const double now = m_clock.nowSeconds();
    QHash<qint64, int> access;
    QSqlQuery tokens(m_db.database());
    if (!ProviderDatabase::run(tokens,
                               QStringLiteral("SELECT oaat_acceptance_id, COUNT(*) FROM oauth2_access_tokens "
                                              "WHERE oaat_revoked = 0 AND oaat_expires >= ? GROUP BY "
                                              "oaat_acceptance_id"),
                               {mediaWikiTimestamp(now)}))
        return ProviderDatabase::sqlError(QStringLiteral("The access tokens could not be counted."),
                                          tokens.lastError());
    while (tokens.next())
        access.insert(tokens.value(0).toLongLong(), tokens.value(1).toInt());
    const Result<QList<RefreshEntry>> refresh = refreshEntries(m_db, qint64(std::floor(now)));
    if (!refresh)
        return refresh.error();
    QHash<qint64, int> refreshCounts;
    for (const RefreshEntry &entry : *refresh) {
        if (!entry.spent)
            ++refreshCounts[entry.acceptanceId];
    }
    for (GrantSummary &g : grants) {
        // An OAuth 1 approval is its access token.
        g.accessTokens = g.oauthVersion == 1 ? 1 : access.value(g.id);
        g.refreshTokens = refreshCounts.value(g.id);
    }
    return grants;
}

Result<QList<GrantSummary>> UserGrants::list(qint64 userId) const
{
    if (userId == 0)
        return select(QStringLiteral("1 = 1"), {});
    return select(QStringLiteral("a.oaac_user_id = ?"), {userId});
}

Result<GrantSummary> UserGrants::find(qint64 acceptanceId, qint64 userId) const
{
    const Result<QList<GrantSummary>> found = userId == 0
        ? select(QStringLiteral("a.oaac_id = ?"), {acceptanceId})
        : select(QStringLiteral("a.oaac_id = ? AND a.oaac_user_id = ?"), {acceptanceId, userId});
    if (!found)
        return found.error();
    if (found->isEmpty())
        return fail(ErrorCode::NotFound,
                    QStringLiteral("There is no approval with the id %1.").arg(acceptanceId));
    return found->first();
}

Result<GrantSummary> UserGrants::updateGrants(qint64 acceptanceId, qint64 userId, const QStringList &grants)
{
    if (const Result<GrantSummary> found = find(acceptanceId, userId); !found)
        return found.error();
    QJsonArray stored;
    for (const QString &grant : grants)
        stored.append(Grants::toDatabaseName(grant));
    QSqlQuery query(m_db.database());
    if (!ProviderDatabase::run(
            query, QStringLiteral("UPDATE oauth_accepted_consumer SET oaac_grants = ? WHERE oaac_id = ?"),
            {QString::fromUtf8(QJsonDocument(stored).toJson(QJsonDocument::Compact)), acceptanceId}))
        return ProviderDatabase::sqlError(QStringLiteral("The grants could not be updated."),
                                          query.lastError());
    return find(acceptanceId, userId);
}

Result<RevokedGrants> UserGrants::revoke(qint64 acceptanceId, qint64 userId)
{
    SqlTransaction transaction(m_db.database());
    if (!transaction.started())
        return ProviderDatabase::sqlError(QStringLiteral("The revocation could not start."),
                                          m_db.database().lastError());
    const Result<GrantSummary> found = find(acceptanceId, userId);
    if (!found)
        return found.error();
    Result<RevokedGrants> revoked = revokeRows({*found});
    if (!revoked)
        return revoked;
    if (const Result<void> committed
        = transaction.commit(QStringLiteral("The revocation could not be saved."));
        !committed)
        return committed.error();
    return revoked;
}

Result<RevokedGrants> UserGrants::revokeAll(qint64 userId)
{
    SqlTransaction transaction(m_db.database());
    if (!transaction.started())
        return ProviderDatabase::sqlError(QStringLiteral("The revocation could not start."),
                                          m_db.database().lastError());
    Result<RevokedGrants> revoked = revokeAllInTransaction(userId);
    if (!revoked)
        return revoked;
    if (const Result<void> committed
        = transaction.commit(QStringLiteral("The revocation could not be saved."));
        !committed)
        return committed.error();
    return revoked;
}

Result<RevokedGrants> UserGrants::changePassword(UserStore &users, qint64 userId, const QString &password)
{
    SqlTransaction transaction(m_db.database());
    if (!transaction.started())
        return ProviderDatabase::sqlError(QStringLiteral("The password change could not start."),
                                          m_db.database().lastError());
    if (const Result<void> set = users.setPassword(userId, password); !set)
        return set.error();
    Result<RevokedGrants> revoked = revokeAllInTransaction(userId);
    if (!revoked)
        return revoked;
    if (const Result<void> committed
        = transaction.commit(QStringLiteral("The password change could not be saved."));
        !committed)
        return committed.error();
    return revoked;
}

Result<RevokedGrants> UserGrants::revokeAllInTransaction(qint64 userId)
{
    if (userId <= 0)
        return fail(ErrorCode::InvalidInput, QStringLiteral("Revoking all grants needs a user."));
    const Result<QList<GrantSummary>> grants = list(userId);
    if (!grants)
        return grants.error();
    return revokeRows(*grants);
}

Result<RevokedGrants> UserGrants::revokeRows(const QList<GrantSummary> &grants)
{
    RevokedGrants revoked;
    if (grants.isEmpty())
        return revoked;
    QSet<qint64> ids;
    for (const GrantSummary &g : grants)
        ids.insert(g.id);
    // 1. The approvals: OAuth 1 access tokens are these rows.
    for (const GrantSummary &g : grants) {
        QSqlQuery query(m_db.database());
        if (!ProviderDatabase::run(
                query, QStringLiteral("DELETE FROM oauth_accepted_consumer WHERE oaac_id = ?"), {g.id}))
            return ProviderDatabase::sqlError(
                QStringLiteral("The approval of '%1' could not be revoked.").arg(g.consumerName),
                query.lastError());
        if (query.numRowsAffected() == 1)
            revoked.grants.append(g);
    }
    // 2. OAuth 2 access tokens issued under them.
    for (const GrantSummary &g : grants) {
        QSqlQuery query(m_db.database());
        if (!ProviderDatabase::run(query,
                                   QStringLiteral("UPDATE oauth2_access_tokens SET oaat_revoked = 1 WHERE "
                                                  "oaat_revoked = 0 AND oaat_acceptance_id = ?"),
                                   {g.id}))
            return ProviderDatabase::sqlError(QStringLiteral("Access tokens could not be revoked."),
                                              query.lastError());
        revoked.accessTokens += query.numRowsAffected();
    }
    // 3. Their refresh tokens in the cache (spent ones too: their grace period ends now).
    const Result<QList<RefreshEntry>> refresh
        = refreshEntries(m_db, qint64(std::floor(m_clock.nowSeconds())));
    if (!refresh)
        return refresh.error();
    for (const RefreshEntry &entry : *refresh) {
        if (!ids.contains(entry.acceptanceId))
            continue;
        QSqlQuery query(m_db.database());
        if (!ProviderDatabase::run(query, QStringLiteral("DELETE FROM oauth_cache WHERE oc_key = ?"),
                                   {entry.key}))
            return ProviderDatabase::sqlError(QStringLiteral("Refresh tokens could not be revoked."),
                                              query.lastError());
        if (!entry.spent)
            revoked.refreshTokens += query.numRowsAffected();
    }
    return revoked;
}

} // namespace mwauth::provider
