#pragma once

#include "common/Result.h"

#include <QtGlobal>

#include <optional>

namespace mwauth::provider {

class ProviderDatabase;

// OATHAuth's TOTP replay guard: the last time step accepted for each user, kept in the
// provider database (table oathauth_used_step, schema version 2), so a code is accepted once
// even across restarts and provider instances that share one database.
//
// The login verifies a code with lastStep() as the floor (only newer steps match), then
// claims the matched step with advance(); only a true answer lets the login pass. advance()
// is a single conditional UPSERT, so of two logins that race with the same code (on any
// connections) exactly one gets true. lastStep() is only the floor for verification: when it
// cannot be read the verification runs without one and advance() still decides.
//
// Use a ReplayGuard on the thread of its ProviderDatabase (one connection per thread).
class ReplayGuard
{
public:
    // `db` must outlive the guard.
    explicit ReplayGuard(ProviderDatabase &db)
        : m_db(db)
    { }

    // Stores `step` for `userId` if it is greater than the stored step (or none is stored)
    // and answers whether it did. False means the step (or a newer one) was used already.
    // Errors: InvalidInput for a step beyond the database's signed 64-bit range, Database
    // when the statement fails (an unknown user id is one: the row references "user").
    Result<bool> advance(qint64 userId, quint64 step);

    // The last step accepted for `userId`; nullopt when there is none or it cannot be read
    // (logged under mwauth.provider.login).
    std::optional<quint64> lastStep(qint64 userId) const;

private:
    ProviderDatabase &m_db;
};

} // namespace mwauth::provider
