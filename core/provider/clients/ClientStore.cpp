#include "ClientStore.h"

#include "AcceptanceStore.h"
#include "common/ConstantTime.h"
#include "provider/clients/Grants.h"
#include "provider/clients/SqlTransaction.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <QVariant>

namespace mwauth::provider {

namespace {

const QString clientColumns = QStringLiteral(
    "oarc_id, oarc_consumer_key, oarc_name, oarc_user_id, oarc_version, oarc_callback_url,"
    " oarc_callback_is_prefix, oarc_description, oarc_email, oarc_email_authenticated,"
    " oarc_developer_agreement, oarc_owner_only, oarc_wiki, oarc_grants, oarc_registration,"
    " oarc_secret_key, oarc_rsa_key, oarc_restrictions, oarc_stage, oarc_stage_timestamp, oarc_deleted,"
    " oarc_oauth_version, oarc_oauth2_allowed_grants, oarc_oauth2_is_confidential, oarc_trusted");

// A JSON list of strings as MediaWiki writes it; also reads the {"0": ..., "2": ...} objects
// that PHP makes of lists with gaps.
QStringList jsonList(const QString &text)
{
    const QJsonDocument json = QJsonDocument::fromJson(text.toUtf8());
    QStringList list;
    if (json.isArray()) {
        for (const QJsonValue &value : json.array())
            list << value.toString();
    } else if (json.isObject()) {
        const QJsonObject object = json.object();
        for (auto it = object.begin(); it != object.end(); ++it)
            list << it.value().toString();
    }
    return list;
}

QString jsonText(const QStringList &list)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(list)).toJson(QJsonDocument::Compact));
}

QStringList grantsFromDatabase(const QString &text)
{
    QStringList grants = jsonList(text);
    for (QString &grant : grants)
        grant = Grants::fromDatabaseName(grant);
    return grants;
}

QString grantsToDatabase(const QStringList &grants)
{
    QStringList stored;
    for (const QString &grant : grants)
        stored << Grants::toDatabaseName(grant);
    return jsonText(stored);
}

OAuthClient clientFromRow(const QSqlQuery &q)
{
    OAuthClient c;
    c.id = q.value(0).toLongLong();
    c.consumerKey = q.value(1).toString();
    c.name = q.value(2).toString();
    c.userId = q.value(3).toLongLong();
    c.version = q.value(4).toString();
    c.callbackUrl = q.value(5).toString();
    c.callbackIsPrefix = q.value(6).toString() == u"1";
    c.description = q.value(7).toString();
    c.email = q.value(8).toString();
    c.emailAuthenticated = q.value(9).toString();
    c.developerAgreement = q.value(10).toInt() != 0;
    c.ownerOnly = q.value(11).toInt() != 0;
    c.wiki = q.value(12).toString();
    c.grants = grantsFromDatabase(q.value(13).toString());
    c.registration = q.value(14).toString();
    c.secretKey = q.value(15).toString();
    c.rsaKey = q.value(16).toString();
    c.restrictions = q.value(17).toString();
    c.stage = static_cast<ClientStage>(q.value(18).toInt());
    c.stageTimestamp = q.value(19).toString();
    c.deleted = q.value(20).toInt() != 0;
    c.oauthVersion = q.value(21).toInt();
    c.oauth2GrantTypes = jsonList(q.value(22).toString());
    c.oauth2IsConfidential = q.value(23).toInt() != 0;
    c.trusted = q.value(24).toInt() != 0;
    return c;
}

Error noSuchClient(const QString &what)
{
    return fail(ErrorCode::NotFound, QStringLiteral("There is no OAuth client %1.").arg(what));
}

// A null QString binds as SQL NULL; NOT NULL text columns get "" instead.
QVariant text(const QString &value)
{
    return value.isNull() ? QVariant(QStringLiteral("")) : QVariant(value);
}

} // namespace

ClientStore::ClientStore(ProviderDatabase &db, const ProviderSecret &secret, const Clock &clock,
                         Random &random, ClientStoreOptions options)
    : m_db(db)
    , m_secret(secret)
    , m_clock(clock)
    , m_random(random)
    , m_options(std::move(options))
{ }

QString ClientStore::actionName(StageAction action)
{
    switch (action) {
    case StageAction::Approve:
        return QStringLiteral("approve");
    case StageAction::Reject:
        return QStringLiteral("reject");
    case StageAction::Disable:
        return QStringLiteral("disable");
    case StageAction::Reenable:
        return QStringLiteral("reenable");
    }
    return QStringLiteral("unknown");
}

QString ClientStore::timestamp() const
{
    return QDateTime::fromSecsSinceEpoch(static_cast<qint64>(m_clock.nowSeconds()), Qt::UTC)
        .toString(QStringLiteral("yyyyMMddHHmmss"));
}

QString ClientStore::randomHex(int bytes) const
{
    return QString::fromLatin1(m_random.bytes(bytes).toHex());
}

Result<void> ClientStore::audit(const QString &action, const OAuthClient &client, const QString &reason,
                                const QString &actor)
{
    QJsonObject detail {{QStringLiteral("consumer"), client.consumerKey},
                        {QStringLiteral("id"), client.id},
                        {QStringLiteral("name"), client.name},
                        {QStringLiteral("stage"), clientStageName(client.stage)}};
    if (!reason.isEmpty())
        detail.insert(QStringLiteral("reason"), reason);
    QSqlQuery query(m_db.database());
    if (!ProviderDatabase::run(
            query,
            QStringLiteral("INSERT INTO audit_log (al_timestamp, al_actor, al_action, al_detail)"
                           " VALUES (?, ?, ?, ?)"),
            {timestamp(), text(actor), QString(QStringLiteral("mwoauthconsumer/") + action),
             QString::fromUtf8(QJsonDocument(detail).toJson(QJsonDocument::Compact))}))
        return ProviderDatabase::sqlError(QStringLiteral("The audit log entry could not be written."),
                                          query.lastError());
    return {};
}

Result<IssuedClientCredentials> ClientStore::registerClient(const ClientRegistration &registration,
                                                            const QString &actor)
{
    if (const Result<void> valid = registration.validate(m_options.wikiId); !valid)
        return valid.error();
    QSqlQuery query(m_db.database());
    if (!ProviderDatabase::run(query, QStringLiteral("SELECT 1 FROM \"user\" WHERE user_id = ?"),
                               {registration.ownerId}))
        return ProviderDatabase::sqlError(QStringLiteral("The owner could not be looked up."),
                                          query.lastError());
    if (!query.next())
        return fail(
            ErrorCode::NotFound,
            QStringLiteral("There is no user with the id %1 to own the client.").arg(registration.ownerId));
    query.finish();
    // MediaWiki's UNIQUE (oarc_name, oarc_user_id, oarc_version), as a sentence.
    const auto nameTaken = [&]() -> Result<bool> {
        QSqlQuery check(m_db.database());
        if (!ProviderDatabase::run(
                check,
                QStringLiteral("SELECT 1 FROM oauth_registered_consumer WHERE oarc_name = ?"
                               " AND oarc_user_id = ? AND oarc_version = ?"),
                {registration.name, registration.ownerId, registration.version}))
            return ProviderDatabase::sqlError(QStringLiteral("The clients could not be read."),
                                              check.lastError());
        return check.next();
    };
    const Error taken = fail(ErrorCode::Conflict,
                             QStringLiteral("The owner already has a client named '%1' with version %2; "
                                            "register a new version or another name.")
                                 .arg(registration.name, registration.version));
    const Result<bool> before = nameTaken();
    if (!before)
        return before.error();
    if (*before)
        return taken;

    const QString what = QStringLiteral("The client could not be registered.");
    Result<IssuedClientCredentials> issued = fail(ErrorCode::Internal, what);
    {
        SqlTransaction transaction(m_db.database());
        if (!transaction.started())
            return ProviderDatabase::sqlError(what, m_db.database().lastError());
        issued = insertClient(registration, actor);
        if (issued) {
            if (const Result<void> committed = transaction.commit(what); !committed)
                return committed.error();
            return issued;
        }
    } // rolled back
    // Another connection may have registered the same name and version in between.
    if (issued.error().code() == ErrorCode::Database && nameTaken().valueOr(false))
        return taken;
    return issued;
}

Result<IssuedClientCredentials> ClientStore::insertClient(const ClientRegistration &r, const QString &actor)
{
    const QString now = timestamp();
    OAuthClient c;
    c.consumerKey = randomHex(16);
    c.name = r.name;
    c.userId = r.ownerId;
    c.version = r.version;
    c.callbackUrl = r.ownerOnly ? m_options.ownerOnlyCallback : r.callbackUrl;
    c.callbackIsPrefix = !r.ownerOnly && r.callbackIsPrefix;
    c.description = r.description;
    c.email = r.email;
    c.emailAuthenticated = now;
    c.oauthVersion = r.oauthVersion;
    c.developerAgreement = true;
    c.ownerOnly = r.ownerOnly;
    c.wiki = r.wiki;
    c.grants = Grants::normalizedForClient(r.grants);
    c.registration = now;
    c.secretKey = randomHex(16);
    c.rsaKey = r.rsaKey.trimmed();
    c.restrictions = r.restrictions.isEmpty() ? ClientRegistration::defaultRestrictions() : r.restrictions;
    c.stage = r.ownerOnly || r.approved ? ClientStage::Approved : ClientStage::Proposed;
    c.stageTimestamp = now;
    c.oauth2IsConfidential = r.oauthVersion == OAuthClient::OAuthVersion1 || r.oauth2IsConfidential;
    if (r.oauthVersion == OAuthClient::OAuthVersion2)
        c.oauth2GrantTypes = r.oauth2GrantTypes;
    c.oauth2GrantTypes.removeDuplicates();
    c.trusted = r.trusted;

    QSqlQuery query(m_db.database());
    const bool inserted = ProviderDatabase::run(
        query,
        QStringLiteral(
            "INSERT INTO oauth_registered_consumer (oarc_consumer_key, oarc_name, oarc_user_id,"
            " oarc_version, oarc_callback_url, oarc_callback_is_prefix, oarc_description, oarc_email,"
            " oarc_email_authenticated, oarc_developer_agreement, oarc_owner_only, oarc_wiki,"
            " oarc_grants, oarc_registration, oarc_secret_key, oarc_rsa_key, oarc_restrictions,"
            " oarc_stage, oarc_stage_timestamp, oarc_deleted, oarc_oauth_version,"
            " oarc_oauth2_allowed_grants, oarc_oauth2_is_confidential, oarc_trusted)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)"
            " RETURNING oarc_id"),
        {c.consumerKey,
         c.name,
         c.userId,
         c.version,
         c.callbackUrl,
         c.callbackIsPrefix ? QStringLiteral("1") : QStringLiteral("0"),
         text(c.description),
         c.email,
         c.emailAuthenticated,
         1,
         c.ownerOnly ? 1 : 0,
         c.wiki,
         grantsToDatabase(c.grants),
         c.registration,
         c.secretKey,
         c.rsaKey.isEmpty() ? QVariant() : QVariant(c.rsaKey),
         c.restrictions,
         static_cast<int>(c.stage),
         c.stageTimestamp,
         c.oauthVersion,
         c.oauthVersion == OAuthClient::OAuthVersion2 ? QVariant(jsonText(c.oauth2GrantTypes)) : QVariant(),
         c.oauth2IsConfidential ? 1 : 0,
         c.trusted ? 1 : 0});
    if (!inserted || !query.next())
        return ProviderDatabase::sqlError(
            QStringLiteral("The client '%1' could not be registered.").arg(c.name), query.lastError());
    c.id = query.value(0).toLongLong();
    query.finish();

    IssuedClientCredentials issued;
    if (c.ownerOnly) {
        // Accepted for the owner at once, with every grant of the client.
        const QString accessToken = randomHex(16);
        const QString accessSecret = randomHex(16);
        if (!ProviderDatabase::run(
                query,
                QStringLiteral("INSERT INTO oauth_accepted_consumer (oaac_wiki, oaac_user_id,"
                               " oaac_consumer_id, oaac_access_token, oaac_access_secret,"
                               " oaac_grants, oaac_accepted, oaac_oauth_version)"
                               " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING oaac_id"),
                {c.wiki, c.userId, c.id, accessToken, accessSecret, grantsToDatabase(c.grants), now,
                 c.oauthVersion})
            || !query.next())
            return ProviderDatabase::sqlError(QStringLiteral("The owner's approval could not be recorded."),
                                              query.lastError());
        issued.acceptanceId = query.value(0).toLongLong();
        query.finish();
        if (c.oauthVersion == OAuthClient::OAuthVersion1) {
            issued.accessToken = accessToken.toLatin1();
            issued.accessSecret = m_secret.derive(accessSecret.toLatin1());
        }
    }
    const QString action = c.ownerOnly ? QStringLiteral("create-owner-only")
        : r.approved                   ? QStringLiteral("propose-autoapproved")
                                       : QStringLiteral("propose");
    if (const Result<void> logged = audit(action, c, QString(), actor); !logged)
        return logged.error();
    issued.client = c;
    issued.secret = clientSecret(c);
    return issued;
}

Result<QList<OAuthClient>> ClientStore::select(const QString &where, const QVariantList &values,
                                               const QString &order) const
{
    // Prepared once per connection (the token endpoint reads a client per request); the
    // statement is finished when `statement` goes, so no read snapshot outlives this call.
    ProviderDatabase::Statement statement
        = m_db.exec(QStringLiteral("SELECT ") + clientColumns
                        + QStringLiteral(" FROM oauth_registered_consumer") + where + order,
                    values);
    if (!statement.ok())
        return ProviderDatabase::sqlError(QStringLiteral("The OAuth clients could not be read."),
                                          statement.lastError());
    QList<OAuthClient> clients;
    while (statement.query().next())
        clients << clientFromRow(statement.query());
    return clients;
}

Result<OAuthClient> ClientStore::findByKey(const QString &consumerKey) const
{
    const auto found = select(QStringLiteral(" WHERE oarc_consumer_key = ?"), {consumerKey}, QString());
    if (!found)
        return found.error();
    if (found->isEmpty())
        return noSuchClient(QStringLiteral("with the key '%1'").arg(consumerKey));
    return found->first();
}

Result<OAuthClient> ClientStore::findById(qint64 id) const
{
    const auto found = select(QStringLiteral(" WHERE oarc_id = ?"), {id}, QString());
    if (!found)
        return found.error();
    if (found->isEmpty())
        return noSuchClient(QStringLiteral("with the id %1").arg(id));
    return found->first();
}

Result<QList<OAuthClient>> ClientStore::listByOwner(qint64 userId) const
{
    return select(QStringLiteral(" WHERE oarc_user_id = ?"), {userId},
                  QStringLiteral(" ORDER BY oarc_registration DESC, oarc_id DESC"));
}

Result<QList<OAuthClient>> ClientStore::listAll(std::optional<ClientStage> stage) const
{
    if (stage)
        return select(QStringLiteral(" WHERE oarc_stage = ?"), {static_cast<int>(*stage)},
                      QStringLiteral(" ORDER BY oarc_id"));
    return select(QString(), {}, QStringLiteral(" ORDER BY oarc_id"));
}

Result<QList<ClientAcceptance>> ClientStore::acceptances(qint64 clientId) const
{
    QSqlQuery query(m_db.database());
    if (!ProviderDatabase::run(
            query,
            u"SELECT " % AcceptanceStore::columns()
                % u" FROM oauth_accepted_consumer WHERE oaac_consumer_id = ? ORDER BY oaac_id",
            {clientId}))
        return ProviderDatabase::sqlError(QStringLiteral("The client's approvals could not be read."),
                                          query.lastError());
    QList<ClientAcceptance> list;
    while (query.next())
        list << AcceptanceStore::fromRow(query);
    return list;
}

bool ClientStore::isUsableBy(const OAuthClient &client, qint64 userId) const
{
    return client.isUsableBy(userId, static_cast<qint64>(m_clock.nowSeconds()));
}

bool ClientStore::isUsableBySomeone(const OAuthClient &client) const
{
    return client.isUsableBySomeone(static_cast<qint64>(m_clock.nowSeconds()));
}

Result<int> ClientStore::expireIdleProposals()
{
    const qint64 cutoff = static_cast<qint64>(m_clock.nowSeconds()) - OAuthClient::RequestExpirationAge;
    // MediaWiki timestamps compare as text; "<=" matches stageAt(), which expires at the age.
    const QString before
        = QDateTime::fromSecsSinceEpoch(cutoff, Qt::UTC).toString(QStringLiteral("yyyyMMddHHmmss"));
    QSqlQuery query(m_db.database());
    if (!ProviderDatabase::run(query,
                               QStringLiteral("UPDATE oauth_registered_consumer SET oarc_stage = ?,"
                                              " oarc_stage_timestamp = ? WHERE oarc_stage = ?"
                                              " AND oarc_stage_timestamp <= ?"),
                               {static_cast<int>(ClientStage::Expired), timestamp(),
                                static_cast<int>(ClientStage::Proposed), before}))
        return ProviderDatabase::sqlError(QStringLiteral("Idle proposals could not be expired."),
                                          query.lastError());
    return query.numRowsAffected();
}

QByteArray ClientStore::clientSecret(const OAuthClient &client) const
{
    if (client.secretKey.isEmpty())
        return {};
    return m_secret.derive(client.secretKey.toLatin1());
}

bool ClientStore::verifySecret(const OAuthClient &client, QByteArrayView presented) const
{
    if (client.secretKey.isEmpty())
        return false;
    return constantTimeEquals(clientSecret(client), presented);
}

} // namespace mwauth::provider
