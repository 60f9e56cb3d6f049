// ClientStore: the changes to an existing client (stage, trust, secret, removal). The
// registration and the reads are in ClientStore.cpp.

#include "ClientStore.h"

#include "provider/clients/SqlTransaction.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <QVariant>

namespace mwauth::provider {

namespace {

struct Transition
{
    ClientStore::StageAction action;
    QList<ClientStage> from;
    ClientStage to;
};

// ConsumerSubmitControl's approve / reject / disable / reenable.
const Transition &transitionOf(ClientStore::StageAction action)
{
    static const QList<Transition> transitions = {
        {ClientStore::StageAction::Approve,
         {ClientStage::Proposed, ClientStage::Expired, ClientStage::Rejected},
         ClientStage::Approved},
        {ClientStore::StageAction::Reject, {ClientStage::Proposed}, ClientStage::Rejected},
        {ClientStore::StageAction::Disable, {ClientStage::Approved}, ClientStage::Disabled},
        {ClientStore::StageAction::Reenable, {ClientStage::Disabled}, ClientStage::Approved},
    };
    for (const Transition &transition : transitions) {
        if (transition.action == action)
            return transition;
    }
    return transitions.first();
}

Result<void> checkReason(const QString &reason)
{
    if (reason.size() > ClientStore::MaxReasonLength)
        return fail(ErrorCode::InvalidInput,
                    QStringLiteral("The reason is %1 characters long; the limit is %2.")
                        .arg(reason.size())
                        .arg(ClientStore::MaxReasonLength));
    return {};
}

Result<int> execCount(QSqlQuery &query, const QString &sql, const QVariantList &values, const QString &what)
{
    if (!ProviderDatabase::run(query, sql, values))
        return ProviderDatabase::sqlError(what, query.lastError());
    if (query.isSelect()) {
        const int count = query.next() ? query.value(0).toInt() : 0;
        query.finish();
        return count;
    }
    return query.numRowsAffected();
}

} // namespace

Result<OAuthClient> ClientStore::setStage(qint64 id, StageAction action, const QString &reason,
                                          const QString &actor, bool suppress)
{
    if (suppress && action != StageAction::Reject && action != StageAction::Disable)
        return fail(ErrorCode::InvalidInput,
                    QStringLiteral("Only a reject or disable can suppress a client."));
    if (const Result<void> ok = checkReason(reason); !ok)
        return ok.error();
    Result<OAuthClient> client = findById(id);
    if (!client)
        return client;
    const Transition &transition = transitionOf(action);
    if (!transition.from.contains(client->stage)) {
        QStringList from;
        for (const ClientStage stage : transition.from)
            from << clientStageName(stage);
        return fail(
            ErrorCode::Conflict,
            QStringLiteral("The client '%1' is %2; only a client that is %3 can be %4d.")
                .arg(client->name, clientStageName(client->stage), from.join(QStringLiteral(" or ")),
                     actionName(action) == u"reenable" ? QStringLiteral("re-enable") : actionName(action)));
    }
    const QString now = timestamp();
    QSqlQuery query(m_db.database());
    // The stage is part of the WHERE clause, so two admins acting at once cannot both succeed.
    const Result<int> updated = execCount(
        query,
        QStringLiteral("UPDATE oauth_registered_consumer SET oarc_stage = ?, oarc_stage_timestamp = ?,"
                       " oarc_deleted = ? WHERE oarc_id = ? AND oarc_stage = ?"),
        {static_cast<int>(transition.to), now, suppress ? 1 : 0, id, static_cast<int>(client->stage)},
        QStringLiteral("The client's stage could not be changed."));
    if (!updated)
        return updated.error();
    if (*updated != 1)
        return fail(ErrorCode::Conflict,
                    QStringLiteral("The client '%1' was changed by someone else meanwhile; look again.")
                        .arg(client->name));
    client->stage = transition.to;
    client->stageTimestamp = now;
    client->deleted = suppress;
    if (const Result<void> logged = audit(actionName(action), *client, reason, actor); !logged)
        return logged.error();
    return client;
}

Result<OAuthClient> ClientStore::updateDetails(qint64 id, const QString &restrictions, const QString &rsaKey,
                                               const QString &reason, const QString &actor)
{
    if (const Result<void> ok = checkReason(reason); !ok)
        return ok.error();
    Result<OAuthClient> client = findById(id);
    if (!client)
        return client;
    if (client->stage != ClientStage::Approved && client->stage != ClientStage::Proposed)
        return fail(
            ErrorCode::Conflict,
            QStringLiteral("The client '%1' is %2; only a proposed or approved client can be updated.")
                .arg(client->name, clientStageName(client->stage)));
    // The registration's own checks of the two fields, on the client as it is.
    ClientRegistration check;
    check.name = client->name;
    check.version = client->version;
    check.oauthVersion = client->oauthVersion;
    check.callbackUrl = client->callbackUrl;
    check.callbackIsPrefix = client->callbackIsPrefix;
    check.email = client->email;
    check.wiki = client->wiki;
    check.ownerOnly = client->ownerOnly;
    check.oauth2IsConfidential = client->oauth2IsConfidential;
    check.oauth2GrantTypes = client->oauth2GrantTypes;
    check.grants = client->grants;
    check.restrictions = restrictions;
    check.rsaKey = rsaKey;
    if (const Result<void> valid = check.validate(m_options.wikiId); !valid)
        return valid.error();
    client->restrictions = restrictions.isEmpty() ? ClientRegistration::defaultRestrictions() : restrictions;
    client->rsaKey = rsaKey.trimmed();
    const QString what = QStringLiteral("The client could not be updated.");
    SqlTransaction transaction(m_db.database());
    if (!transaction.started())
        return ProviderDatabase::sqlError(what, m_db.database().lastError());
    QSqlQuery query(m_db.database());
    const Result<int> updated = execCount(
        query,
        QStringLiteral("UPDATE oauth_registered_consumer SET oarc_restrictions = ?, oarc_rsa_key = ?"
                       " WHERE oarc_id = ?"),
        {client->restrictions, client->rsaKey.isEmpty() ? QVariant() : QVariant(client->rsaKey), id}, what);
    if (!updated)
        return updated.error();
    if (const Result<void> logged = audit(QStringLiteral("update"), *client, reason, actor); !logged)
        return logged.error();
    if (const Result<void> committed = transaction.commit(what); !committed)
        return committed.error();
    return client;
}

Result<QList<ConsumerLogEntry>> ClientStore::logEntries(int limit) const
{
    QSqlQuery query(m_db.database());
    if (!ProviderDatabase::run(query,
                               QStringLiteral("SELECT al_id, al_timestamp, al_actor, al_action, al_detail"
                                              " FROM audit_log WHERE al_action LIKE 'mwoauthconsumer/%'"
                                              " ORDER BY al_id DESC LIMIT ?"),
                               {limit}))
        return ProviderDatabase::sqlError(QStringLiteral("The consumer log could not be read."),
                                          query.lastError());
    QList<ConsumerLogEntry> entries;
    while (query.next()) {
        ConsumerLogEntry entry;
        entry.id = query.value(0).toLongLong();
        entry.timestamp = query.value(1).toString();
        entry.actor = query.value(2).toString();
        entry.action = query.value(3).toString().mid(int(sizeof("mwoauthconsumer/")) - 1);
        const QJsonObject detail = QJsonDocument::fromJson(query.value(4).toString().toUtf8()).object();
        entry.consumerKey = detail.value(QStringLiteral("consumer")).toString();
        entry.name = detail.value(QStringLiteral("name")).toString();
        entry.reason = detail.value(QStringLiteral("reason")).toString();
        entries << entry;
    }
    return entries;
}

Result<OAuthClient> ClientStore::setTrusted(qint64 id, bool trusted, const QString &actor)
{
    Result<OAuthClient> client = findById(id);
    if (!client)
        return client;
    QSqlQuery query(m_db.database());
    const Result<int> updated = execCount(
        query, QStringLiteral("UPDATE oauth_registered_consumer SET oarc_trusted = ? WHERE oarc_id = ?"),
        {trusted ? 1 : 0, id}, QStringLiteral("The client could not be changed."));
    if (!updated)
        return updated.error();
    client->trusted = trusted;
    if (const Result<void> logged
        = audit(trusted ? QStringLiteral("trust") : QStringLiteral("untrust"), *client, QString(), actor);
        !logged)
        return logged.error();
    return client;
}

Result<IssuedClientCredentials> ClientStore::resetSecret(qint64 id, const QString &reason,
                                                         const QString &actor)
{
    if (const Result<void> ok = checkReason(reason); !ok)
        return ok.error();
    Result<OAuthClient> client = findById(id);
    if (!client)
        return client.error();
    if (client->stage != ClientStage::Approved && client->stage != ClientStage::Proposed)
        return fail(ErrorCode::Conflict,
                    QStringLiteral("The client '%1' is %2; only a proposed or approved "
                                   "client gets a new secret.")
                        .arg(client->name, clientStageName(client->stage)));
    const QString what = QStringLiteral("The client's secret could not be reset.");
    SqlTransaction transaction(m_db.database());
    if (!transaction.started())
        return ProviderDatabase::sqlError(what, m_db.database().lastError());
    IssuedClientCredentials issued;
    client->secretKey = randomHex(16);
    QSqlQuery query(m_db.database());
    if (const Result<int> updated = execCount(
            query,
            QStringLiteral("UPDATE oauth_registered_consumer SET oarc_secret_key = ? WHERE oarc_id = ?"),
            {client->secretKey, id}, what);
        !updated)
        return updated.error();
    if (client->ownerOnly) {
        const Result<QList<ClientAcceptance>> approvals = acceptances(id);
        if (!approvals)
            return approvals.error();
        for (const ClientAcceptance &approval : *approvals) {
            if (approval.userId != client->userId)
                continue;
            issued.acceptanceId = approval.id;
            if (client->oauthVersion == OAuthClient::OAuthVersion1) {
                const QString token = randomHex(16);
                const QString secret = randomHex(16);
                const Result<int> changed = execCount(
                    query,
                    QStringLiteral(
                        "UPDATE oauth_accepted_consumer SET oaac_access_token = ?, oaac_access_secret = ?"
                        " WHERE oaac_id = ?"),
                    {token, secret, approval.id}, what);
                if (!changed)
                    return changed.error();
                issued.accessToken = token.toLatin1();
                issued.accessSecret = m_secret.derive(secret.toLatin1());
            } else {
                const Result<int> deleted = execCount(
                    query, QStringLiteral("DELETE FROM oauth2_access_tokens WHERE oaat_acceptance_id = ?"),
                    {approval.id}, what);
                if (!deleted)
                    return deleted.error();
            }
        }
    }
    if (const Result<void> logged = audit(QStringLiteral("update"), *client, reason, actor); !logged)
        return logged.error();
    if (const Result<void> committed = transaction.commit(what); !committed)
        return committed.error();
    issued.client = *client;
    issued.secret = clientSecret(*client);
    return issued;
}

Result<ClientRemoval> ClientStore::remove(qint64 id, const QString &actor)
{
    const Result<OAuthClient> client = findById(id);
    if (!client)
        return client.error();
    const QString what = QStringLiteral("The client '%1' could not be removed.").arg(client->name);
    SqlTransaction transaction(m_db.database());
    if (!transaction.started())
        return ProviderDatabase::sqlError(what, m_db.database().lastError());
    ClientRemoval removal;
    removal.client = *client;
    QSqlQuery query(m_db.database());
    const QString ofApprovals
        = QStringLiteral("SELECT oaac_id FROM oauth_accepted_consumer WHERE oaac_consumer_id = ?");
    const Result<int> approvals = execCount(
        query, QStringLiteral("SELECT COUNT(*) FROM oauth_accepted_consumer WHERE oaac_consumer_id = ?"),
        {id}, what);
    if (!approvals)
        return approvals.error();
    const Result<int> tokens = execCount(query,
                                         QStringLiteral("SELECT COUNT(*) FROM oauth2_access_tokens WHERE"
                                                        " oaat_client_id = ? OR oaat_acceptance_id IN (")
                                             + ofApprovals + QStringLiteral(")"),
                                         {id, id}, what);
    if (!tokens)
        return tokens.error();
    // Tokens recorded under one of the approvals but without oaat_client_id have no foreign
    // key to cascade along; everything else goes with the consumer row.
    const Result<int> orphans
        = execCount(query,
                    QStringLiteral("DELETE FROM oauth2_access_tokens WHERE oaat_client_id IS NULL"
                                   " AND oaat_acceptance_id IN (")
                        + ofApprovals + QStringLiteral(")"),
                    {id}, what);
    if (!orphans)
        return orphans.error();
    const Result<int> deleted = execCount(
        query, QStringLiteral("DELETE FROM oauth_registered_consumer WHERE oarc_id = ?"), {id}, what);
    if (!deleted)
        return deleted.error();
    if (*deleted != 1)
        return fail(
            ErrorCode::Conflict,
            QStringLiteral("The client '%1' was removed by someone else meanwhile.").arg(client->name));
    removal.approvals = *approvals;
    removal.accessTokens = *tokens;
    if (const Result<void> logged = audit(QStringLiteral("delete"), *client,
                                          QStringLiteral("removed with %1 approval(s) and %2 access token(s)")
                                              .arg(removal.approvals)
                                              .arg(removal.accessTokens),
                                          actor);
        !logged)
        return logged.error();
    if (const Result<void> committed = transaction.commit(what); !committed)
        return committed.error();
    return removal;
}

} // namespace mwauth::provider
