#pragma once

#include <QHash>
#include <QList>
#include <QString>

namespace mwauth::provider {

// Counts failures per key in a sliding time window, like MediaWiki's Throttler:
// $wgPasswordAttemptThrottle (5 failed passwords per name in 300 s) and OATHAuth's
// "badoath" throttle (10 failed codes per user in 60 s). Times are Clock seconds.
class LoginThrottle
{
public:
    LoginThrottle(int limit, double windowSeconds)
        : m_limit(limit)
        , m_window(windowSeconds)
    { }

    // True when `key` already has `limit` or more failures in the window ending at `now`:
    // the next attempt must be refused without being checked.
    bool isThrottled(const QString &key, double now);
    void recordFailure(const QString &key, double now);
    // Forgets the key's failures (a successful login).
    void clear(const QString &key) { m_failures.remove(key); }

private:
    void prune(const QString &key, double now);

    int m_limit;
    double m_window;
    QHash<QString, QList<double>> m_failures;
};

} // namespace mwauth::provider
