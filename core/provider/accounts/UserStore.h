#pragma once

#include "common/Clock.h"
#include "common/Result.h"
#include "provider/accounts/PasswordHasher.h"
#include "provider/db/ProviderDatabase.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace mwauth::provider {

// A row of the `user` table, without the password hash.
struct User
{
    qint64 id = 0;
    QString name; // canonical (see UserStore::canonicalName)
    QString email;
    QString registration; // MediaWiki timestamp "YYYYMMDDHHMMSS"
    int editCount = 0;
    QString touched; // MediaWiki timestamp
};

// A second-factor record of one module ("totp", "recoverycodes", "webauthn"), like a row of
// OATHAuth's oathauth_devices. `data` is the module's own JSON (a TOTP seed, recovery codes,
// a WebAuthn credential): the provider needs these secrets to verify codes, as MediaWiki does.
struct TwoFactorRecord
{
    qint64 id = 0;
    qint64 userId = 0;
    QString module;
    QJsonObject data;
    QString created; // MediaWiki timestamp
};

// The outcome of a password check. `user` is set only when `matches`.
struct PasswordCheck
{
    bool matches = false;
    User user;
    bool rehashed = false; // the stored hash was weaker than the current one and was replaced
};

// Users of the local provider over a ProviderDatabase: accounts, passwords, groups and
// second factors. Timestamps come from the Clock. Errors: InvalidInput for names, passwords,
// modules and duplicates the caller can fix; Database when the database fails.
class UserStore
{
public:
    static constexpr int MaxNameBytes = 255;
    // `db`, `hasher` and `clock` must outlive the store.
    UserStore(ProviderDatabase &db, const PasswordHasher &hasher, const Clock &clock);

    // MediaWiki's user name rules: underscores become spaces, surrounding white space goes,
    // the first letter is upper-cased; empty names, names over 255 UTF-8 bytes and names
    // with any of # < > [ ] | { } / or a control character are refused.
    static Result<QString> canonicalName(const QString &name);
    static const QStringList &knownModules();

    // A new user; the name is canonicalised first. A name that exists is refused.
    Result<User> createUser(const QString &name, const QString &password, const QString &email = {});
    Result<User> findUser(const QString &name) const;
    Result<User> userById(qint64 id) const;
    Result<QList<User>> listUsers() const; // by name

    // Replaces the user's password (refused when empty) and touches the user.
    Result<void> setPassword(qint64 userId, const QString &password);
    // Checks a login. An unknown name and a wrong password give the same answer and take
    // the same time (a dummy hash is checked for unknown names). A matching password whose
    // hash needsRehash() is re-hashed with the current settings.
    Result<PasswordCheck> checkPassword(const QString &name, const QString &password);

    Result<void> addToGroup(qint64 userId, const QString &group); // adding twice is fine
    Result<void> removeFromGroup(qint64 userId, const QString &group);
    Result<QStringList> groups(qint64 userId) const; // sorted

    // Second factors. `module` must be one of knownModules().
    Result<TwoFactorRecord> addTwoFactor(qint64 userId, const QString &module, const QJsonObject &data);
    // The user's records of `module`, or of every module when `module` is empty; oldest first.
    Result<QList<TwoFactorRecord>> twoFactorRecords(qint64 userId, const QString &module = {}) const;
    // Removes one record of the user; a record that is not the user's is an error.
    Result<void> removeTwoFactor(qint64 userId, qint64 recordId);
    // Replaces the data of one record of the user, atomically, only if the record still holds
    // `expected` (compare-and-swap: one UPDATE whose WHERE compares the stored JSON text with
    // `expected` serialized the way addTwoFactor() stores it). Two callers that read the same
    // record and both update it (two logins using one recovery code) cannot both succeed:
    // the second gets Conflict and must read the record again. Errors: NotFound when the
    // record does not exist or is not the user's, Conflict when its data changed in
    // between, Database when the statement fails.
    Result<void> updateTwoFactor(qint64 userId, qint64 recordId, const QJsonObject &expected,
                                 const QJsonObject &data);

private:
    QString timestamp() const;
    Result<void> requireUser(qint64 userId) const;

    ProviderDatabase &m_db;
    const PasswordHasher &m_hasher;
    const Clock &m_clock;
    mutable QString m_dummyHash; // made on the first check of an unknown name
};

} // namespace mwauth::provider
