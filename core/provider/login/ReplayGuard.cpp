#include "ReplayGuard.h"

#include "common/Logging.h"
#include "provider/db/ProviderDatabase.h"

#include <QSqlQuery>

#include <limits>

namespace mwauth::provider {

Result<bool> ReplayGuard::advance(qint64 userId, quint64 step)
{
    if (step > static_cast<quint64>(std::numeric_limits<qint64>::max()))
        return fail(ErrorCode::InvalidInput,
                    QStringLiteral("The TOTP time step %1 is too large to be stored.").arg(step));
    // Inserts the first step; otherwise updates only when the new step is greater. Both
    // SQLite and PostgreSQL report one changed row when it was stored and none when the
    // condition kept the old row, and both serialize the two writers of one user.
    QSqlQuery query(m_db.database());
    const QString sql = QStringLiteral("INSERT INTO oathauth_used_step (ous_user, ous_step) VALUES (?, ?)"
                                       " ON CONFLICT (ous_user) DO UPDATE SET ous_step = excluded.ous_step"
                                       " WHERE oathauth_used_step.ous_step < excluded.ous_step");
    if (!ProviderDatabase::run(query, sql, {userId, static_cast<qint64>(step)}))
        return ProviderDatabase::sqlError(
            QStringLiteral("The used TOTP step of user %1 could not be stored.").arg(userId),
            query.lastError());
    return query.numRowsAffected() == 1;
}

std::optional<quint64> ReplayGuard::lastStep(qint64 userId) const
{
    QSqlQuery query(m_db.database());
    if (!ProviderDatabase::run(
            query, QStringLiteral("SELECT ous_step FROM oathauth_used_step WHERE ous_user = ?"), {userId})) {
        qCWarning(log::providerLogin).noquote()
            << QStringLiteral("The last used TOTP step of user %1 could not be read:").arg(userId)
            << query.lastError().text();
        return std::nullopt;
    }
    if (!query.next())
        return std::nullopt;
    return static_cast<quint64>(query.value(0).toLongLong());
}

} // namespace mwauth::provider
