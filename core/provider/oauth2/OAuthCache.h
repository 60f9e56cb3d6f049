#pragma once

#include "common/Clock.h"
#include "common/Result.h"

#include <QJsonObject>
#include <QString>
#include <optional>

namespace mwauth::provider {

class ProviderDatabase;

// What MediaWiki keeps in its object cache for OAuth (reference/mediawiki-oauth.md section 5):
// authorization codes, refresh tokens, OAuth 1 request tokens and nonces, each a JSON object
// under a key ("AuthCode:<id>", "RefreshToken:<id>", ...) with an expiry. Kept in the
// provider database's `oauth_cache` table, so they hold across restarts and providers that
// share the database.
//
// take() reads and deletes in one statement (DELETE ... RETURNING): of two requests that
// redeem one authorization code at the same time, exactly one gets it. Expired entries are
// never returned; purgeExpired() deletes them.
//
// Use an OAuthCache on the thread of its ProviderDatabase.
class OAuthCache
{
public:
    // `db` and `clock` must outlive the cache.
    OAuthCache(ProviderDatabase &db, const Clock &clock)
        : m_db(db)
        , m_clock(clock)
    { }

    // Stores `value` under `key` for `ttlSeconds` (> 0), replacing what was there.
    Result<void> put(const QString &key, const QJsonObject &value, double ttlSeconds);
    // Like put, but only when nothing live is stored under `key`; false when something was
    // (a nonce seen before). Atomic across connections.
    Result<bool> add(const QString &key, const QJsonObject &value, double ttlSeconds);
    // The live value under `key`, or nullopt. MalformedJson if the stored text is not an object.
    Result<std::optional<QJsonObject>> get(const QString &key) const;
    // Removes the live value under `key` and returns it (nullopt if there was none).
    Result<std::optional<QJsonObject>> take(const QString &key);
    Result<void> remove(const QString &key);
    Result<int> purgeExpired();

private:
    Result<bool> store(const QString &key, const QJsonObject &value, double ttlSeconds, bool onlyOverExpired);

    ProviderDatabase &m_db;
    const Clock &m_clock;
};

} // namespace mwauth::provider
