#include "Migrations.h"

#include "ProviderDatabase.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>

namespace mwauth::provider {

namespace {

// Version 1: what the login issue needs. Names follow MediaWiki (user, user_groups,
// oathauth_devices); "user" is quoted because it is a reserved word in PostgreSQL.
// Timestamps are MediaWiki's 14-character "YYYYMMDDHHMMSS" strings; expiry columns
// are integer seconds since the epoch.
Migration version1()
{
    Migration m;
    m.version = 1;
    m.description = QStringLiteral("users, groups, 2FA devices, sessions, throttle, audit log");
    m.statements = {
        QStringLiteral("CREATE TABLE \"user\" ("
                       " user_id {serial},"
                       " user_name TEXT NOT NULL UNIQUE,"
                       " user_password TEXT NOT NULL DEFAULT '',"
                       " user_email TEXT NOT NULL DEFAULT '',"
                       " user_registration TEXT,"
                       " user_editcount INTEGER NOT NULL DEFAULT 0,"
                       " user_touched TEXT NOT NULL)"),
        QStringLiteral("CREATE TABLE user_groups ("
                       " ug_user BIGINT NOT NULL REFERENCES \"user\" (user_id) ON DELETE CASCADE,"
                       " ug_group TEXT NOT NULL,"
                       " PRIMARY KEY (ug_user, ug_group))"),
        QStringLiteral("CREATE TABLE oathauth_devices ("
                       " oad_id {serial},"
                       " oad_user BIGINT NOT NULL REFERENCES \"user\" (user_id) ON DELETE CASCADE,"
                       " oad_module TEXT NOT NULL,"
                       " oad_data TEXT NOT NULL,"
                       " oad_created TEXT NOT NULL)"),
        QStringLiteral("CREATE INDEX oad_user_module ON oathauth_devices (oad_user, oad_module)"),
        QStringLiteral("CREATE TABLE provider_session ("
                       " ps_id TEXT NOT NULL PRIMARY KEY,"
                       " ps_user BIGINT REFERENCES \"user\" (user_id) ON DELETE CASCADE,"
                       " ps_created BIGINT NOT NULL,"
                       " ps_expires BIGINT NOT NULL,"
                       " ps_elevated_until BIGINT NOT NULL DEFAULT 0,"
                       " ps_data TEXT NOT NULL DEFAULT '')"),
        QStringLiteral("CREATE INDEX ps_expires ON provider_session (ps_expires)"),
        QStringLiteral("CREATE TABLE throttle ("
                       " th_key TEXT NOT NULL PRIMARY KEY,"
                       " th_count INTEGER NOT NULL,"
                       " th_window_start BIGINT NOT NULL)"),
        QStringLiteral("CREATE TABLE audit_log ("
                       " al_id {serial},"
                       " al_timestamp TEXT NOT NULL,"
                       " al_actor TEXT NOT NULL,"
                       " al_action TEXT NOT NULL,"
                       " al_detail TEXT NOT NULL DEFAULT '')"),
        QStringLiteral("CREATE INDEX al_timestamp ON audit_log (al_timestamp)"),
    };
    return m;
}

// Version 2: the last TOTP time step accepted per user (OATHAuth's replay guard), so a code
// is accepted once even across restarts and provider instances sharing the database.
Migration version2()
{
    Migration m;
    m.version = 2;
    m.description = QStringLiteral("last accepted TOTP step per user");
    m.statements = {
        QStringLiteral(
            "CREATE TABLE oathauth_used_step ("
            " ous_user BIGINT NOT NULL PRIMARY KEY REFERENCES \"user\" (user_id) ON DELETE CASCADE,"
            " ous_step BIGINT NOT NULL)"),
    };
    return m;
}

// Version 3: OAuth. MediaWiki's three tables with their column names
// (reference/mediawiki-oauth.md section 5; MediaWiki timestamps as TEXT "YYYYMMDDHHMMSS"),
// two columns of ours (oarc_trusted: an admin skips consent for the client; oaat_client_id:
// which client a token went to, also for client_credentials tokens, whose acceptance id is 0),
// oauth_cache for what MediaWiki keeps in its object cache (authorization codes, refresh
// tokens, OAuth 1 request tokens and nonces; each with an expiry), and the provider's
// signing keys with their rotation state (DESIGN.md section 5, "Keys"; the private key is
// sealed with the provider secret, never stored in the clear).
Migration version3()
{
    Migration m;
    m.version = 3;
    m.description = QStringLiteral("OAuth consumers, approvals, access tokens, cache, signing keys");
    m.statements = {
        QStringLiteral("CREATE TABLE oauth_registered_consumer ("
                       " oarc_id {serial},"
                       " oarc_consumer_key TEXT NOT NULL UNIQUE,"
                       " oarc_name TEXT NOT NULL,"
                       " oarc_user_id BIGINT NOT NULL,"
                       " oarc_version TEXT NOT NULL,"
                       " oarc_callback_url TEXT NOT NULL,"
                       " oarc_callback_is_prefix TEXT,"
                       " oarc_description TEXT NOT NULL,"
                       " oarc_email TEXT NOT NULL,"
                       " oarc_email_authenticated TEXT,"
                       " oarc_developer_agreement INTEGER NOT NULL DEFAULT 0,"
                       " oarc_owner_only INTEGER NOT NULL DEFAULT 0,"
                       " oarc_wiki TEXT NOT NULL,"
                       " oarc_grants TEXT NOT NULL,"
                       " oarc_registration TEXT NOT NULL,"
                       " oarc_secret_key TEXT,"
                       " oarc_rsa_key TEXT,"
                       " oarc_restrictions TEXT NOT NULL,"
                       " oarc_stage INTEGER NOT NULL DEFAULT 0,"
                       " oarc_stage_timestamp TEXT NOT NULL,"
                       " oarc_deleted INTEGER NOT NULL DEFAULT 0,"
                       " oarc_oauth_version INTEGER NOT NULL DEFAULT 1,"
                       " oarc_oauth2_allowed_grants TEXT,"
                       " oarc_oauth2_is_confidential INTEGER NOT NULL DEFAULT 1,"
                       " oarc_trusted INTEGER NOT NULL DEFAULT 0,"
                       " UNIQUE (oarc_name, oarc_user_id, oarc_version))"),
        QStringLiteral("CREATE INDEX oarc_user_id ON oauth_registered_consumer (oarc_user_id)"),
        QStringLiteral(
            "CREATE INDEX oarc_stage ON oauth_registered_consumer (oarc_stage, oarc_stage_timestamp)"),
        QStringLiteral("CREATE TABLE oauth_accepted_consumer ("
                       " oaac_id {serial},"
                       " oaac_wiki TEXT NOT NULL,"
                       " oaac_user_id BIGINT NOT NULL,"
                       " oaac_consumer_id BIGINT NOT NULL"
                       "  REFERENCES oauth_registered_consumer (oarc_id) ON DELETE CASCADE,"
                       " oaac_access_token TEXT NOT NULL UNIQUE,"
                       " oaac_access_secret TEXT NOT NULL,"
                       " oaac_grants TEXT NOT NULL,"
                       " oaac_accepted TEXT NOT NULL,"
                       " oaac_oauth_version INTEGER NOT NULL DEFAULT 1,"
                       " UNIQUE (oaac_user_id, oaac_consumer_id, oaac_wiki))"),
        QStringLiteral(
            "CREATE INDEX oaac_consumer_user ON oauth_accepted_consumer (oaac_consumer_id, oaac_user_id)"),
        QStringLiteral("CREATE INDEX oaac_user_id ON oauth_accepted_consumer (oaac_user_id, oaac_id)"),
        QStringLiteral("CREATE TABLE oauth2_access_tokens ("
                       " oaat_id {serial},"
                       " oaat_identifier TEXT NOT NULL UNIQUE,"
                       " oaat_expires TEXT NOT NULL,"
                       " oaat_acceptance_id BIGINT NOT NULL,"
                       " oaat_revoked INTEGER NOT NULL DEFAULT 0,"
                       " oaat_client_id BIGINT"
                       "  REFERENCES oauth_registered_consumer (oarc_id) ON DELETE CASCADE)"),
        QStringLiteral("CREATE INDEX oaat_acceptance_id ON oauth2_access_tokens (oaat_acceptance_id)"),
        QStringLiteral("CREATE TABLE oauth_cache ("
                       " oc_key TEXT NOT NULL PRIMARY KEY,"
                       " oc_value TEXT NOT NULL,"
                       " oc_expires BIGINT NOT NULL)"),
        QStringLiteral("CREATE INDEX oc_expires ON oauth_cache (oc_expires)"),
        QStringLiteral("CREATE TABLE signing_key ("
                       " sk_id {serial},"
                       " sk_kid TEXT NOT NULL UNIQUE,"
                       " sk_alg TEXT NOT NULL,"
                       " sk_state TEXT NOT NULL,"
                       " sk_public_jwk TEXT NOT NULL,"
                       " sk_private_sealed TEXT NOT NULL,"
                       " sk_created BIGINT NOT NULL,"
                       " sk_activated BIGINT,"
                       " sk_retiring_since BIGINT,"
                       " sk_retire_after BIGINT,"
                       " sk_retired BIGINT)"),
        QStringLiteral("CREATE INDEX sk_state ON signing_key (sk_state)"),
    };
    return m;
}

} // namespace

Migrations::Migrations(QList<Migration> migrations)
    : m_migrations(std::move(migrations))
{ }

Migrations Migrations::standard()
{
    return Migrations({version1(), version2(), version3()});
}

int Migrations::latestVersion() const
{
    return m_migrations.isEmpty() ? 0 : m_migrations.constLast().version;
}

QString Migrations::render(const QString &statement, SqlDialect dialect)
{
    QString sql = statement;
    if (dialect == SqlDialect::Sqlite) {
        sql.replace(QLatin1StringView("{serial}"), QLatin1StringView("INTEGER PRIMARY KEY AUTOINCREMENT"));
        sql.replace(QLatin1StringView("{blob}"), QLatin1StringView("BLOB"));
    } else {
        sql.replace(QLatin1StringView("{serial}"),
                    QLatin1StringView("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"));
        sql.replace(QLatin1StringView("{blob}"), QLatin1StringView("BYTEA"));
    }
    return sql;
}

Result<int> Migrations::currentVersion(const QSqlDatabase &db)
{
    if (!db.tables().contains(QStringLiteral("schema_version")))
        return 0;
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("SELECT MAX(version) FROM schema_version")))
        return ProviderDatabase::sqlError(QStringLiteral("The database's schema version could not be read."),
                                          query.lastError());
    if (!query.next() || query.value(0).isNull())
        return 0;
    return query.value(0).toInt();
}

Result<int> Migrations::apply(QSqlDatabase &db, SqlDialect dialect) const
{
    for (qsizetype i = 0; i < m_migrations.size(); ++i) {
        if (m_migrations.at(i).version != i + 1)
            return fail(ErrorCode::Internal,
                        QStringLiteral("The schema migrations are misnumbered: entry %1 has version %2.")
                            .arg(i + 1)
                            .arg(m_migrations.at(i).version));
    }
    const int latest = latestVersion();
    const auto tooNew = [latest](int version) {
        return fail(ErrorCode::InvalidInput,
                    QStringLiteral("The database has schema version %1, newer than the latest this program "
                                   "knows (%2). Use a newer version of the program or another database.")
                        .arg(version)
                        .arg(latest));
    };

    // Fast path without locking: refuse a newer database, do nothing at the latest version.
    const Result<int> before = currentVersion(db);
    if (!before)
        return before.error();
    if (*before > latest)
        return tooNew(*before);
    if (*before == latest)
        return latest;

    // Several provider instances may open the same database at once: every change takes
    // the database's write lock first (SQLite BEGIN IMMEDIATE; a PostgreSQL advisory lock held
    // until the end of the transaction) and re-reads the version under it, so a step that
    // another instance applied meanwhile is skipped instead of failing.
    const auto execute = [&db](const QString &sql) -> QSqlError {
        QSqlQuery query(db);
        if (!query.exec(sql))
            return query.lastError();
        return {};
    };
    const auto rollback = [&execute]() { execute(QStringLiteral("ROLLBACK")); };
    const auto beginLocked = [&execute, &rollback, dialect]() -> QSqlError {
        QSqlError error = execute(dialect == SqlDialect::Sqlite ? QStringLiteral("BEGIN IMMEDIATE")
                                                                : QStringLiteral("BEGIN"));
        if (error.isValid() || dialect == SqlDialect::Sqlite)
            return error;
        // The key is arbitrary but fixed: "mwauth" in ASCII.
        error = execute(QStringLiteral("SELECT pg_advisory_xact_lock(120110097117116104)"));
        if (error.isValid())
            rollback();
        return error;
    };

    const QString noTable = QStringLiteral("The schema_version table could not be created.");
    QSqlError error = beginLocked();
    if (error.isValid())
        return ProviderDatabase::sqlError(noTable, error);
    error = execute(QStringLiteral("CREATE TABLE IF NOT EXISTS schema_version ("
                                   " version INTEGER NOT NULL PRIMARY KEY,"
                                   " applied TEXT NOT NULL)"));
    if (!error.isValid())
        error = execute(QStringLiteral("COMMIT"));
    if (error.isValid()) {
        rollback();
        return ProviderDatabase::sqlError(noTable, error);
    }

    for (const Migration &migration : m_migrations) {
        if (migration.version <= *before)
            continue;
        const QString failedMessage
            = QStringLiteral("Schema migration to version %1 (%2) failed and was rolled "
                             "back; the database stays at version %3.")
                  .arg(migration.version)
                  .arg(migration.description)
                  .arg(migration.version - 1);
        error = beginLocked();
        if (error.isValid())
            return ProviderDatabase::sqlError(failedMessage, error);
        const Result<int> now = currentVersion(db);
        if (!now) {
            rollback();
            return now.error();
        }
        if (*now > latest) {
            rollback();
            return tooNew(*now);
        }
        if (*now >= migration.version) {
            rollback(); // another instance applied it
            continue;
        }
        for (const QString &statement : migration.statements) {
            error = execute(render(statement, dialect));
            if (error.isValid()) {
                rollback();
                return ProviderDatabase::sqlError(failedMessage, error);
            }
        }
        QSqlQuery record(db);
        record.prepare(QStringLiteral("INSERT INTO schema_version (version, applied) VALUES (?, ?)"));
        record.addBindValue(migration.version);
        record.addBindValue(QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMddHHmmss")));
        if (!record.exec()) {
            error = record.lastError();
            record.finish();
            rollback();
            return ProviderDatabase::sqlError(failedMessage, error);
        }
        record.finish();
        error = execute(QStringLiteral("COMMIT"));
        if (error.isValid()) {
            rollback();
            return ProviderDatabase::sqlError(failedMessage, error);
        }
    }
    return latest;
}

} // namespace mwauth::provider
