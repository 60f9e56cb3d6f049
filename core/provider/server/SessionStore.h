#pragma once

#include "ProviderRequest.h"
#include "common/Random.h"
#include "common/Result.h"

#include <QByteArray>
#include <QHash>
#include <QMutex>
#include <optional>

namespace mwauth::provider {

// Where the provider keeps sessions between requests, keyed by the id in the
// `<wiki>_session` cookie. The in-memory store serves tests and the first provider; a
// database-backed one (sessions table) implements the same interface later.
class SessionStore
{
public:
    virtual ~SessionStore() = default;

    // The data of session `id`, or std::nullopt if there is no such session.
    virtual Result<std::optional<SessionData>> load(const QByteArray &id) = 0;
    // Creates or replaces session `id`.
    virtual Result<void> save(const QByteArray &id, const SessionData &data) = 0;
    // Forgets session `id` (no error if it does not exist).
    virtual Result<void> remove(const QByteArray &id) = 0;
};

// A thread-safe map in memory.
class InMemorySessionStore final : public SessionStore
{
public:
    Result<std::optional<SessionData>> load(const QByteArray &id) override;
    Result<void> save(const QByteArray &id, const SessionData &data) override;
    Result<void> remove(const QByteArray &id) override;
    qsizetype size() const;

private:
    mutable QMutex m_mutex;
    QHash<QByteArray, SessionData> m_sessions;
};

// A new session id shaped like MediaWiki's (SessionManager: 160 random bits written as 32
// base-32 digits, "0-9a-v"), e.g. "o19ur30uchujm2chpd2r7trcmc4l5n2s".
QByteArray newSessionId(Random &random);
// True for exactly 32 characters from [0-9a-v].
bool isWellFormedSessionId(QByteArrayView id);

} // namespace mwauth::provider
