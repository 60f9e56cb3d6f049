#include "AcceptanceStore.h"

#include "provider/clients/Grants.h"
#include "provider/db/ProviderDatabase.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>

namespace mwauth::provider {

namespace {

QString grantsText(const QStringList &grants)
{
    QJsonArray stored;
    for (const QString &grant : grants)
        stored.append(Grants::toDatabaseName(grant));
    return QString::fromUtf8(QJsonDocument(stored).toJson(QJsonDocument::Compact));
}

// oaac_grants may be a list or (PHP's array_unique) an object with numeric keys.
QStringList grantsFromText(const QString &text)
{
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8());
    QStringList grants;
    const auto add = [&grants](const QJsonValue &value) {
        const QString name = Grants::fromDatabaseName(value.toString());
        if (!name.isEmpty() && !grants.contains(name))
            grants.append(name);
    };
    if (document.isArray()) {
        const QJsonArray array = document.array();
        for (const QJsonValue &value : array)
            add(value);
    } else if (document.isObject()) {
        const QJsonObject object = document.object();
        for (auto it = object.begin(); it != object.end(); ++it)
            add(it.value());
    }
    return grants;
}

const QString kColumns
    = QStringLiteral("oaac_id, oaac_wiki, oaac_user_id, oaac_consumer_id, oaac_access_token,"
                     " oaac_grants, oaac_accepted, oaac_oauth_version");

ClientAcceptance rowToAcceptance(const QSqlQuery &query)
{
    ClientAcceptance a;
    a.id = query.value(0).toLongLong();
    a.wiki = query.value(1).toString();
    a.userId = query.value(2).toLongLong();
    a.clientId = query.value(3).toLongLong();
    a.accessToken = query.value(4).toString();
    a.grants = grantsFromText(query.value(5).toString());
    a.accepted = query.value(6).toString();
    a.oauthVersion = query.value(7).toInt();
    return a;
}

} // namespace

const QString &AcceptanceStore::columns()
{
    return kColumns;
}

ClientAcceptance AcceptanceStore::fromRow(const QSqlQuery &query)
{
    return rowToAcceptance(query);
}

AcceptanceStore::AcceptanceStore(ProviderDatabase &db, const Clock &clock, Random &random)
    : m_db(db)
    , m_clock(clock)
    , m_random(random)
{ }

Result<ClientAcceptance> AcceptanceStore::accept(qint64 userId, const OAuthClient &client,
                                                 const QStringList &grants)
{
    if (userId <= 0 || client.id <= 0)
        return fail(ErrorCode::InvalidInput,
                    QStringLiteral("An approval needs a logged-in user and a registered client."));
    const QString now = QDateTime::fromSecsSinceEpoch(static_cast<qint64>(m_clock.nowSeconds()), Qt::UTC)
                            .toString(QStringLiteral("yyyyMMddHHmmss"));
    QSqlQuery query(m_db.database());
    const bool stored = ProviderDatabase::run(
        query,
        QStringLiteral(
            "INSERT INTO oauth_accepted_consumer (oaac_wiki, oaac_user_id, oaac_consumer_id,"
            " oaac_access_token, oaac_access_secret, oaac_grants, oaac_accepted, oaac_oauth_version)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (oaac_user_id, oaac_consumer_id, oaac_wiki) DO UPDATE SET"
            " oaac_grants = excluded.oaac_grants, oaac_accepted = excluded.oaac_accepted,"
            " oaac_oauth_version = excluded.oaac_oauth_version RETURNING ")
            + kColumns,
        {client.wiki, userId, client.id, QString::fromLatin1(m_random.bytes(16).toHex()),
         QString::fromLatin1(m_random.bytes(16).toHex()), grantsText(grants), now, client.oauthVersion});
    if (!stored || !query.next())
        return ProviderDatabase::sqlError(
            QStringLiteral("The approval of the client '%1' could not be recorded.").arg(client.name),
            query.lastError());
    return AcceptanceStore::fromRow(query);
}

Result<std::optional<ClientAcceptance>> AcceptanceStore::find(qint64 userId, const OAuthClient &client) const
{
    QSqlQuery query(m_db.database());
    if (!ProviderDatabase::run(query,
                               u"SELECT " % kColumns
                                   % u" FROM oauth_accepted_consumer WHERE oaac_user_id = ?"
                                     u" AND oaac_consumer_id = ? AND oaac_wiki = ?",
                               {userId, client.id, client.wiki}))
        return ProviderDatabase::sqlError(QStringLiteral("The user's approvals could not be read."),
                                          query.lastError());
    if (!query.next())
        return std::optional<ClientAcceptance>();
    return std::optional<ClientAcceptance>(AcceptanceStore::fromRow(query));
}

Result<std::optional<ClientAcceptance>> AcceptanceStore::findById(qint64 acceptanceId) const
{
    QSqlQuery query(m_db.database());
    if (!ProviderDatabase::run(query,
                               u"SELECT " % kColumns % u" FROM oauth_accepted_consumer WHERE oaac_id = ?",
                               {acceptanceId}))
        return ProviderDatabase::sqlError(QStringLiteral("The approval could not be read."),
                                          query.lastError());
    if (!query.next())
        return std::optional<ClientAcceptance>();
    return std::optional<ClientAcceptance>(AcceptanceStore::fromRow(query));
}

bool AcceptanceStore::approvalCovers(const ClientAcceptance &existing, const QStringList &grants)
{
    for (const QString &grant : grants) {
        if (!existing.grants.contains(grant))
            return false;
    }
    return true;
}

bool AcceptanceStore::approvalCoversAuthOnly(const ClientAcceptance &existing, const OAuthClient &client,
                                             const QStringList &grants)
{
    if (!client.isConfidential() || grants.isEmpty())
        return false;
    for (const QString &grant : grants) {
        if (grant != Grants::AuthOnly && grant != Grants::AuthOnlyPrivate)
            return false;
    }
    QStringList have = existing.grants;
    QStringList want = grants;
    have.sort();
    have.removeDuplicates();
    want.sort();
    want.removeDuplicates();
    return have == want;
}

} // namespace mwauth::provider
