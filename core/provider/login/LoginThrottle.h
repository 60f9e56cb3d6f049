#pragma once

#include "common/Result.h"

#include <QString>

#include <memory>

namespace mwauth::provider {

class ProviderDatabase;

// Counts failed attempts per key in a fixed time window, with MediaWiki's Throttler
// semantics: $wgPasswordAttemptThrottle (5 failed passwords per name in 300 s) and OATHAuth's
// "badoath" throttle (10 failed codes per user in 60 s). Times are Clock seconds.
//
//   no row --failure at t--> count 1, window [t, t + window)
//   count n --failure inside the window--> count n + 1
//   count n --failure at or after the window's end--> count 1, new window from then
//   isThrottled: count >= limit and the window has not ended
//
// So with limit 5 the fifth failure makes the sixth attempt refused until the window that
// the first failure opened is over; unlike a sliding window, the whole count then restarts.
//
// The counters live in the provider database's `throttle` table (th_key "<scope>:<key>",
// th_count, th_window_start in whole seconds; a window start is rounded down to the second,
// so a window may end up to one second early), so they survive restarts and are shared by
// every provider instance on one database. recordFailure() is one atomic UPSERT: concurrent
// failures from several connections are all counted. isThrottled() and recordFailure() are
// separate steps, so attempts already past the check when the limit is reached still run
// (at most one per concurrent request), as in MediaWiki.
//
// Database errors are logged under mwauth.provider.login and fail closed: isThrottled()
// answers true when it cannot read the counter, so an attacker cannot get unlimited guesses
// by making the database fail; a database that cannot be read cannot check passwords either,
// so this refuses nothing that could have succeeded. A failed recordFailure() or clear() is
// logged and otherwise ignored.
//
// Use a LoginThrottle on the thread of its ProviderDatabase (one connection per thread).
class LoginThrottle
{
public:
    // `db` must outlive the throttle. `scope` names the counter family ("password",
    // "badoath") and must not contain ':'.
    LoginThrottle(ProviderDatabase &db, QString scope, int limit, double windowSeconds);
    ~LoginThrottle();
    LoginThrottle(const LoginThrottle &) = delete;
    LoginThrottle &operator=(const LoginThrottle &) = delete;

    // True when `key` has `limit` or more failures in a window that has not ended at `now`:
    // the next attempt must be refused without being checked. True on a database error.
    bool isThrottled(const QString &key, double now);
    // Counts one failure for `key` at `now` (atomically; see above).
    void recordFailure(const QString &key, double now);
    // Forgets the key's failures (a successful login).
    void clear(const QString &key);
    // Deletes this scope's rows whose window has ended at `now` and returns how many.
    Result<int> purgeExpired(double now);

    QString scope() const { return m_scope; }
    int limit() const { return m_limit; }
    double windowSeconds() const { return m_window; }

private:
    QString storedKey(const QString &key) const;
    // Window starts at or before this second have ended at `now`.
    qint64 endedBefore(double now) const;

    ProviderDatabase *m_db;
    QString m_scope;
    int m_limit;
    double m_window;
};

} // namespace mwauth::provider
