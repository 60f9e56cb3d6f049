#include "LoginThrottle.h"

namespace mwauth::provider {

void LoginThrottle::prune(const QString &key, double now)
{
    auto it = m_failures.find(key);
    if (it == m_failures.end())
        return;
    it->removeIf([&](double at) { return at <= now - m_window; });
    if (it->isEmpty())
        m_failures.erase(it);
}

bool LoginThrottle::isThrottled(const QString &key, double now)
{
    prune(key, now);
    return m_failures.value(key).size() >= m_limit;
}

void LoginThrottle::recordFailure(const QString &key, double now)
{
    prune(key, now);
    m_failures[key].append(now);
}

} // namespace mwauth::provider
