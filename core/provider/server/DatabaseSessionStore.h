#pragma once

#include "SessionStore.h"
#include "common/Clock.h"

namespace mwauth::provider {

class ProviderDatabase;

// Sessions in the provider database's `provider_session` table, so they survive a restart
// of the provider and are shared by every provider instance on one PostgreSQL database
// (or one SQLite file).
//
// Row layout:
//   ps_id       the lowercase hex SHA-256 of the session id, never the id itself: the id is
//               the bearer secret of the `<wiki>_session` cookie and the database must not
//               hold secrets (a copy of the table does not let anyone take over a session)
//   ps_user     the data's "wsUserID" when it is a non-zero number, else NULL; the foreign
//               key drops the sessions of a deleted user (ON DELETE CASCADE)
//   ps_created  Clock seconds (rounded down) of the first save; kept by later saves
//   ps_expires  Clock seconds (rounded down) after which the session is gone: each save sets
//               it to now + idleSeconds, and a load slides it likewise (see below)
//   ps_elevated_until  not written here; a save over an expired row resets it to 0
//   ps_data     the SessionData as compact JSON (an object)
//
// Lifetime, like MediaWiki's session expiry ($wgObjectCacheSessionExpiry, 3600 s, renewed
// on use):
//
//   save(id) at t ------------> live until t + idle
//   load(id) at u, live ------> data; if the expiry would move by RefreshInterval (60 s) or
//                               more, it becomes u + idle (so at most one write per minute
//                               per session, not one per request)
//   load(id) at/after expiry -> std::nullopt, and the row is deleted
//   purgeExpired() ----------> deletes every expired row, returns how many
//
// A row that expired but was not purged yet counts as absent; saving over it starts a new
// session (ps_created = now).
//
// Values that survive the round trip through JSON (checked by save(), which refuses other
// types with ErrorCode::InvalidInput naming the key, instead of storing something that reads
// back differently):
//   QString                       -> QString
//   bool                          -> bool
//   int, uint, qint64, quint64    -> qint64, exactly over the whole qint64 range (Qt 6 keeps
//                                    JSON integers as 64-bit integers, so ids above 2^53 do
//                                    not lose precision); a quint64 above INT64_MAX is refused
//   double (finite)               -> double, exactly; a double with an integral value comes
//                                    back as qint64 (toDouble() gives the same number); NaN
//                                    and infinities are refused (JSON has no such numbers)
//   QVariantMap / QVariantList    -> the same, with their values checked the same way
// So toString(), toBool(), toLongLong() and toDouble() read back what was saved, but
// QVariant::typeId() may differ (int comes back as qint64). QByteArray, QDateTime, null and
// other types are refused.
//
// Errors: a failed statement is ErrorCode::Database (ProviderDatabase::sqlError, the driver's
// text in the detail); a row whose ps_data is not a JSON object is ErrorCode::MalformedJson
// (the row stays for inspection until it expires; an empty ps_data, the column default, reads
// as an empty session). Failing to slide the expiry or to delete an expired row on load is
// logged under mwauth.provider.server and does not fail the load. Messages never contain the
// session id.
//
// Threads: a QSqlDatabase works only on the thread that opened it, so use a
// DatabaseSessionStore on the thread of its ProviderDatabase; a server that runs on several
// threads gives each thread its own ProviderDatabase and DatabaseSessionStore (they share
// the sessions through the database). The store keeps no other state.
class DatabaseSessionStore final : public SessionStore
{
public:
    // MediaWiki's $wgObjectCacheSessionExpiry.
    static constexpr double DefaultIdleSeconds = 3600;
    // A load writes the sliding expiry only when it would move by at least this much.
    static constexpr double RefreshInterval = 60;

    // `db` and `clock` must outlive the store. `idleSeconds` must be positive.
    DatabaseSessionStore(ProviderDatabase &db, const Clock &clock, double idleSeconds = DefaultIdleSeconds);

    Result<std::optional<SessionData>> load(const QByteArray &id) override;
    Result<void> save(const QByteArray &id, const SessionData &data) override;
    Result<void> remove(const QByteArray &id) override;

    // Deletes every session that has expired by now; returns how many.
    Result<int> purgeExpired();

    double idleSeconds() const { return m_idle; }

    // What ps_id holds for session `id`: lowercase hex SHA-256 (for tests and admin tools).
    static QString storedId(const QByteArray &id);

private:
    // The expiry for a session used at `now` (Clock seconds): now + idle, rounded down.
    qint64 expiryFrom(double now) const;

    ProviderDatabase *m_db;
    const Clock *m_clock;
    double m_idle;
};

} // namespace mwauth::provider
