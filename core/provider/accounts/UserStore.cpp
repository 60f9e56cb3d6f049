#include "UserStore.h"

#include <QJsonDocument>
#include <QSqlQuery>
#include <QVariant>

namespace mwauth::provider {

namespace {

const QString userColumns
    = QStringLiteral("user_id, user_name, user_email, user_registration, user_editcount, user_touched");

User userFromRow(const QSqlQuery &query)
{
    User user;
    user.id = query.value(0).toLongLong();
    user.name = query.value(1).toString();
    user.email = query.value(2).toString();
    user.registration = query.value(3).toString();
    user.editCount = query.value(4).toInt();
    user.touched = query.value(5).toString();
    return user;
}

Error noSuchUser(qint64 id)
{
    return fail(ErrorCode::NotFound, QStringLiteral("There is no user with the id %1.").arg(id));
}

// How a record's data is stored: compact JSON, whose object keys QJsonDocument always
// writes in the same (sorted) order, so equal objects give equal text.
QString serializedData(const QJsonObject &data)
{
    return QString::fromUtf8(QJsonDocument(data).toJson(QJsonDocument::Compact));
}

Result<void> exec(QSqlQuery &query, const QString &what)
{
    if (!query.exec())
        return ProviderDatabase::sqlError(what, query.lastError());
    return {};
}

} // namespace

UserStore::UserStore(ProviderDatabase &db, const PasswordHasher &hasher, const Clock &clock)
    : m_db(db)
    , m_hasher(hasher)
    , m_clock(clock)
{ }

const QStringList &UserStore::knownModules()
{
    static const QStringList modules
        = {QStringLiteral("totp"), QStringLiteral("recoverycodes"), QStringLiteral("webauthn")};
    return modules;
}

Result<QString> UserStore::canonicalName(const QString &input)
{
    QString name = input;
    name.replace(QLatin1Char('_'), QLatin1Char(' '));
    name = name.trimmed();
    if (name.isEmpty())
        return fail(ErrorCode::InvalidInput, QStringLiteral("The user name is empty."));
    static const QString forbidden = QStringLiteral("#<>[]|{}/");
    for (const QChar c : std::as_const(name)) {
        if (forbidden.contains(c))
            return fail(ErrorCode::InvalidInput,
                        QStringLiteral("The user name '%1' contains '%2', which user names may not contain.")
                            .arg(name, c));
        if (c.category() == QChar::Other_Control)
            return fail(ErrorCode::InvalidInput,
                        QStringLiteral("The user name contains a control character."));
    }
    // Upper-case the first letter (a whole code point, which may be two UTF-16 units).
    const qsizetype firstLength = name.at(0).isHighSurrogate() && name.size() > 1 ? 2 : 1;
    name = name.left(firstLength).toUpper() + name.mid(firstLength);
    const qsizetype bytes = name.toUtf8().size();
    if (bytes > MaxNameBytes)
        return fail(ErrorCode::InvalidInput,
                    QStringLiteral("The user name is %1 bytes long; the limit is %2 bytes (UTF-8).")
                        .arg(bytes)
                        .arg(MaxNameBytes));
    return name;
}

QString UserStore::timestamp() const
{
    return QDateTime::fromSecsSinceEpoch(static_cast<qint64>(m_clock.nowSeconds()), Qt::UTC)
        .toString(QStringLiteral("yyyyMMddHHmmss"));
}

Result<User> UserStore::createUser(const QString &name, const QString &password, const QString &email)
{
    const Result<QString> canonical = canonicalName(name);
    if (!canonical)
        return canonical.error();
    if (password.isEmpty())
        return fail(ErrorCode::InvalidInput, QStringLiteral("The password is empty."));
    const Result<User> existing = findUser(*canonical);
    if (existing)
        return fail(ErrorCode::Conflict, QStringLiteral("A user named '%1' already exists.").arg(*canonical));
    const Result<QString> hash = m_hasher.hash(password);
    if (!hash)
        return hash.error();

    const QString now = timestamp();
    QSqlQuery query(m_db.database());
    query.prepare(
        QStringLiteral("INSERT INTO \"user\" (user_name, user_password, user_email, user_registration,"
                       " user_editcount, user_touched) VALUES (?, ?, ?, ?, 0, ?) RETURNING user_id"));
    query.addBindValue(*canonical);
    query.addBindValue(*hash);
    query.addBindValue(email.isNull() ? QStringLiteral("") : email); // a null QString would be SQL NULL
    query.addBindValue(now);
    query.addBindValue(now);
    if (!query.exec() || !query.next()) {
        // Another connection may have created the same name in between.
        const QSqlError error = query.lastError();
        query.finish();
        if (findUser(*canonical))
            return fail(ErrorCode::Conflict,
                        QStringLiteral("A user named '%1' already exists.").arg(*canonical));
        return ProviderDatabase::sqlError(
            QStringLiteral("The user '%1' could not be created.").arg(*canonical), error);
    }
    User user;
    user.id = query.value(0).toLongLong();
    user.name = *canonical;
    user.email = email.isNull() ? QStringLiteral("") : email;
    user.registration = now;
    user.touched = now;
    return user;
}

Result<User> UserStore::findUser(const QString &name) const
{
    const Result<QString> canonical = canonicalName(name);
    if (!canonical)
        return canonical.error();
    QSqlQuery query(m_db.database());
    query.prepare(QStringLiteral("SELECT ") + userColumns
                  + QStringLiteral(" FROM \"user\" WHERE user_name = ?"));
    query.addBindValue(*canonical);
    if (const Result<void> ok = exec(query, QStringLiteral("The user could not be looked up.")); !ok)
        return ok.error();
    if (!query.next())
        return fail(ErrorCode::NotFound, QStringLiteral("There is no user named '%1'.").arg(*canonical));
    return userFromRow(query);
}

Result<User> UserStore::userById(qint64 id) const
{
    QSqlQuery query(m_db.database());
    query.prepare(QStringLiteral("SELECT ") + userColumns
                  + QStringLiteral(" FROM \"user\" WHERE user_id = ?"));
    query.addBindValue(id);
    if (const Result<void> ok = exec(query, QStringLiteral("The user could not be looked up.")); !ok)
        return ok.error();
    if (!query.next())
        return noSuchUser(id);
    return userFromRow(query);
}

Result<void> UserStore::requireUser(qint64 userId) const
{
    const Result<User> user = userById(userId);
    if (!user)
        return user.error();
    return {};
}

Result<QList<User>> UserStore::listUsers() const
{
    QSqlQuery query(m_db.database());
    query.prepare(QStringLiteral("SELECT ") + userColumns
                  + QStringLiteral(" FROM \"user\" ORDER BY user_name"));
    if (const Result<void> ok = exec(query, QStringLiteral("The users could not be listed.")); !ok)
        return ok.error();
    QList<User> users;
    while (query.next())
        users << userFromRow(query);
    return users;
}

Result<void> UserStore::setPassword(qint64 userId, const QString &password)
{
    if (password.isEmpty())
        return fail(ErrorCode::InvalidInput, QStringLiteral("The password is empty."));
    const Result<QString> hash = m_hasher.hash(password);
    if (!hash)
        return hash.error();
    QSqlQuery query(m_db.database());
    query.prepare(
        QStringLiteral("UPDATE \"user\" SET user_password = ?, user_touched = ? WHERE user_id = ?"));
    query.addBindValue(*hash);
    query.addBindValue(timestamp());
    query.addBindValue(userId);
    if (const Result<void> ok = exec(query, QStringLiteral("The password could not be stored.")); !ok)
        return ok;
    if (query.numRowsAffected() != 1)
        return noSuchUser(userId);
    return {};
}

Result<PasswordCheck> UserStore::checkPassword(const QString &name, const QString &password)
{
    PasswordCheck check;
    QString storedHash;
    const Result<QString> canonical = canonicalName(name);
    if (canonical) {
        QSqlQuery query(m_db.database());
        query.prepare(QStringLiteral("SELECT ") + userColumns
                      + QStringLiteral(", user_password FROM \"user\" WHERE user_name = ?"));
        query.addBindValue(*canonical);
        if (const Result<void> ok = exec(query, QStringLiteral("The user could not be looked up.")); !ok)
            return ok.error();
        if (query.next()) {
            check.user = userFromRow(query);
            storedHash = query.value(6).toString();
        }
    }
    if (storedHash.isEmpty()) {
        // Unknown user (or one without a password): spend the same time on a dummy hash.
        if (m_dummyHash.isEmpty()) {
            const Result<QString> dummy = m_hasher.hash(QStringLiteral("dummy password"));
            if (!dummy)
                return dummy.error();
            m_dummyHash = *dummy;
        }
        const Result<bool> ignored = m_hasher.verify(password, m_dummyHash);
        Q_UNUSED(ignored);
        return PasswordCheck {};
    }
    const Result<bool> matches = m_hasher.verify(password, storedHash);
    if (!matches)
        return matches.error().prefixed(QStringLiteral("User '%1'").arg(check.user.name));
    if (!*matches)
        return PasswordCheck {};
    check.matches = true;
    if (m_hasher.needsRehash(storedHash)) {
        const Result<void> rehashed = setPassword(check.user.id, password);
        check.rehashed = rehashed.ok();
    }
    return check;
}

Result<void> UserStore::addToGroup(qint64 userId, const QString &group)
{
    if (group.trimmed().isEmpty() || group.size() > 255)
        return fail(ErrorCode::InvalidInput, QStringLiteral("A group name must have 1 to 255 characters."));
    if (const Result<void> ok = requireUser(userId); !ok)
        return ok;
    const Result<QStringList> current = groups(userId);
    if (!current)
        return current.error();
    if (current->contains(group))
        return {};
    QSqlQuery query(m_db.database());
    query.prepare(QStringLiteral("INSERT INTO user_groups (ug_user, ug_group) VALUES (?, ?)"));
    query.addBindValue(userId);
    query.addBindValue(group);
    return exec(query, QStringLiteral("The user could not be added to the group '%1'.").arg(group));
}

Result<void> UserStore::removeFromGroup(qint64 userId, const QString &group)
{
    QSqlQuery query(m_db.database());
    query.prepare(QStringLiteral("DELETE FROM user_groups WHERE ug_user = ? AND ug_group = ?"));
    query.addBindValue(userId);
    query.addBindValue(group);
    if (const Result<void> ok = exec(query, QStringLiteral("The group membership could not be removed."));
        !ok)
        return ok;
    if (query.numRowsAffected() != 1)
        return fail(ErrorCode::InvalidInput,
                    QStringLiteral("The user %1 is not in the group '%2'.").arg(userId).arg(group));
    return {};
}

Result<QStringList> UserStore::groups(qint64 userId) const
{
    QSqlQuery query(m_db.database());
    query.prepare(QStringLiteral("SELECT ug_group FROM user_groups WHERE ug_user = ? ORDER BY ug_group"));
    query.addBindValue(userId);
    if (const Result<void> ok = exec(query, QStringLiteral("The user's groups could not be read.")); !ok)
        return ok.error();
    QStringList result;
    while (query.next())
        result << query.value(0).toString();
    return result;
}

Result<TwoFactorRecord> UserStore::addTwoFactor(qint64 userId, const QString &module, const QJsonObject &data)
{
    if (!knownModules().contains(module))
        return fail(ErrorCode::InvalidInput,
                    QStringLiteral("'%1' is not a second-factor module; known are %2.")
                        .arg(module, knownModules().join(QStringLiteral(", "))));
    if (const Result<void> ok = requireUser(userId); !ok)
        return ok.error();
    TwoFactorRecord record;
    record.userId = userId;
    record.module = module;
    record.data = data;
    record.created = timestamp();
    QSqlQuery query(m_db.database());
    query.prepare(QStringLiteral("INSERT INTO oathauth_devices (oad_user, oad_module, oad_data, oad_created)"
                                 " VALUES (?, ?, ?, ?) RETURNING oad_id"));
    query.addBindValue(userId);
    query.addBindValue(module);
    query.addBindValue(serializedData(data));
    query.addBindValue(record.created);
    if (!query.exec() || !query.next())
        return ProviderDatabase::sqlError(QStringLiteral("The %1 record could not be stored.").arg(module),
                                          query.lastError());
    record.id = query.value(0).toLongLong();
    return record;
}

Result<QList<TwoFactorRecord>> UserStore::twoFactorRecords(qint64 userId, const QString &module) const
{
    QSqlQuery query(m_db.database());
    QString sql
        = QStringLiteral("SELECT oad_id, oad_user, oad_module, oad_data, oad_created FROM oathauth_devices"
                         " WHERE oad_user = ?");
    if (!module.isEmpty())
        sql += QStringLiteral(" AND oad_module = ?");
    query.prepare(sql + QStringLiteral(" ORDER BY oad_id"));
    query.addBindValue(userId);
    if (!module.isEmpty())
        query.addBindValue(module);
    if (const Result<void> ok = exec(query, QStringLiteral("The second-factor records could not be read."));
        !ok)
        return ok.error();
    QList<TwoFactorRecord> records;
    while (query.next()) {
        TwoFactorRecord record;
        record.id = query.value(0).toLongLong();
        record.userId = query.value(1).toLongLong();
        record.module = query.value(2).toString();
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(query.value(3).toString().toUtf8(), &parseError);
        if (!doc.isObject())
            return fail(ErrorCode::MalformedJson,
                        QStringLiteral("The stored %1 record %2 is not a JSON object.")
                            .arg(record.module)
                            .arg(record.id),
                        parseError.errorString());
        record.data = doc.object();
        record.created = query.value(4).toString();
        records << record;
    }
    return records;
}

Result<void> UserStore::removeTwoFactor(qint64 userId, qint64 recordId)
{
    QSqlQuery query(m_db.database());
    query.prepare(QStringLiteral("DELETE FROM oathauth_devices WHERE oad_id = ? AND oad_user = ?"));
    query.addBindValue(recordId);
    query.addBindValue(userId);
    if (const Result<void> ok = exec(query, QStringLiteral("The second-factor record could not be removed."));
        !ok)
        return ok;
    if (query.numRowsAffected() != 1)
        return fail(ErrorCode::InvalidInput,
                    QStringLiteral("The user %1 has no second-factor record %2.").arg(userId).arg(recordId));
    return {};
}

Result<void> UserStore::updateTwoFactor(qint64 userId, qint64 recordId, const QJsonObject &expected,
                                        const QJsonObject &data)
{
    QSqlQuery query(m_db.database());
    query.prepare(QStringLiteral("UPDATE oathauth_devices SET oad_data = ?"
                                 " WHERE oad_id = ? AND oad_user = ? AND oad_data = ?"));
    query.addBindValue(serializedData(data));
    query.addBindValue(recordId);
    query.addBindValue(userId);
    query.addBindValue(serializedData(expected));
    if (const Result<void> ok = exec(query, QStringLiteral("The second-factor record could not be updated."));
        !ok)
        return ok;
    if (query.numRowsAffected() == 1)
        return {};
    query.finish();

    // Nothing was updated: either the record is not there (or not the user's), or another
    // caller changed it since it was read.
    QSqlQuery lookup(m_db.database());
    lookup.prepare(
        QStringLiteral("SELECT oad_module FROM oathauth_devices WHERE oad_id = ? AND oad_user = ?"));
    lookup.addBindValue(recordId);
    lookup.addBindValue(userId);
    if (const Result<void> ok = exec(lookup, QStringLiteral("The second-factor record could not be read."));
        !ok)
        return ok;
    if (!lookup.next())
        return fail(ErrorCode::NotFound,
                    QStringLiteral("The user %1 has no second-factor record %2.").arg(userId).arg(recordId));
    return fail(ErrorCode::Conflict,
                QStringLiteral("The %1 record %2 was changed by someone else after it was read; "
                               "read it again and retry.")
                    .arg(lookup.value(0).toString())
                    .arg(recordId));
}

} // namespace mwauth::provider
