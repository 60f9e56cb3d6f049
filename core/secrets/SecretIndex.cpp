#include "SecretIndex.h"

#include <QDateTime>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace mwauth::secrets {

namespace {

Error databaseError(const QSqlQuery &query)
{
    return fail(ErrorCode::Database, u"The index of secrets in the app database could not be used."_s,
                query.lastError().text());
}

Result<QList<SecretRef>> readRefs(QSqlQuery &query)
{
    if (!query.exec())
        return databaseError(query);
    QList<SecretRef> refs;
    while (query.next()) {
        const std::optional<SecretKind> kind = secretKindFromName(query.value(1).toString());
        if (!kind)
            continue; // a kind a newer program wrote: not ours to touch
        refs << SecretRef {query.value(0).toString(), *kind, query.value(2).toString()};
    }
    return refs;
}

} // namespace

SecretIndex::SecretIndex(QString connectionName)
    : m_connectionName(std::move(connectionName))
{ }

Result<void> SecretIndex::add(const SecretRef &ref)
{
    if (const Result<void> valid = ref.validate(); !valid)
        return valid.error();
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(u"INSERT OR IGNORE INTO secret_index (profile_id, kind, secret_id, created_at) "
                  "VALUES (?, ?, ?, ?)"_s);
    query.addBindValue(ref.profileId);
    query.addBindValue(secretKindName(ref.kind));
    query.addBindValue(ref.id);
    query.addBindValue(QDateTime::currentSecsSinceEpoch());
    if (!query.exec())
        return databaseError(query);
    return {};
}

Result<void> SecretIndex::remove(const SecretRef &ref)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(u"DELETE FROM secret_index WHERE profile_id = ? AND kind = ? AND secret_id = ?"_s);
    query.addBindValue(ref.profileId);
    query.addBindValue(secretKindName(ref.kind));
    query.addBindValue(ref.id);
    if (!query.exec())
        return databaseError(query);
    return {};
}

Result<QList<SecretRef>> SecretIndex::refs(const QString &profileId) const
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(u"SELECT profile_id, kind, secret_id FROM secret_index WHERE profile_id = ? "
                  "ORDER BY kind, secret_id"_s);
    query.addBindValue(profileId);
    return readRefs(query);
}

Result<QList<SecretRef>> SecretIndex::all() const
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(
        u"SELECT profile_id, kind, secret_id FROM secret_index ORDER BY profile_id, kind, secret_id"_s);
    return readRefs(query);
}

} // namespace mwauth::secrets
