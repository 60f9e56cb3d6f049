#pragma once

#include "AppDatabase.h"
#include "ConsumerRecord.h"
#include "Profile.h"
#include "common/Random.h"
#include "common/Result.h"

#include <QByteArray>
#include <QList>

namespace mwauth::profiles {

// The profiles and their consumers in the AppDatabase. The built-in "Local provider" profile
// is always listed first and cannot be added, renamed or removed. Removing a profile removes
// its consumer records; its secrets are the caller's to forget first
// (IndexedSecretStore::forgetProfile), since that is asynchronous.
class ProfileStore
{
public:
    ProfileStore(AppDatabase &database, Random &random);

    // Stores a new profile; an empty id is made here (16 random hex digits). Errors:
    // InvalidInput (empty name, a name over 100 characters or with control characters, a
    // kind of LocalProvider, a bad id), Conflict (the name or id is taken), Database.
    Result<Profile> add(Profile profile);
    // The built-in one first, then the stored ones by name.
    Result<QList<Profile>> list() const;
    // By name, else by id. Errors: NotFound, Database.
    Result<Profile> find(const QString &nameOrId) const;
    // Errors: InvalidInput for the built-in profile, NotFound, Database.
    Result<void> remove(const QString &id);

    // Adds or replaces a consumer record. Errors: NotFound (no such profile), InvalidInput
    // (empty client id, oauthVersion not 1 or 2), Database.
    Result<void> saveConsumer(const ConsumerRecord &consumer);
    Result<QList<ConsumerRecord>> consumers(const QString &profileId) const;

    // Profiles (not the built-in one) and their consumers as JSON, without any secret:
    // {"format": "mwauth-profiles", "version": 1, "profiles": [{..., "consumers": [...]}]}.
    Result<QByteArray> exportJson(const QStringList &profileIds = {}) const;
    // Adds every profile of an exported document, with new ids, in one transaction: either all
    // of them are added or nothing changes. Errors: MalformedJson (not JSON, wrong format or
    // version, a missing or mistyped field, a bad URL), Conflict (a name already taken, or
    // twice in the file), Database. Returns the added profiles.
    Result<QList<Profile>> importJson(const QByteArray &json);

    static Result<void> validateName(const QString &name);

private:
    Result<void> insert(const Profile &profile);
    Result<void> insertConsumer(const ConsumerRecord &consumer);

    AppDatabase &m_database;
    Random &m_random;
};

} // namespace mwauth::profiles
