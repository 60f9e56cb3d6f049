#include "SessionStore.h"

#include <QMutexLocker>

namespace mwauth::provider {

namespace {
constexpr char kBase32Digits[] = "0123456789abcdefghijklmnopqrstuv";
constexpr int kSessionIdLength = 32;
} // namespace

Result<std::optional<SessionData>> InMemorySessionStore::load(const QByteArray &id)
{
    const QMutexLocker locker(&m_mutex);
    const auto it = m_sessions.constFind(id);
    if (it == m_sessions.cend())
        return std::optional<SessionData>();
    return std::optional<SessionData>(*it);
}

Result<void> InMemorySessionStore::save(const QByteArray &id, const SessionData &data)
{
    if (id.isEmpty())
        return fail(ErrorCode::InvalidInput, QStringLiteral("A session cannot be saved without an id."));
    const QMutexLocker locker(&m_mutex);
    m_sessions.insert(id, data);
    return {};
}

Result<void> InMemorySessionStore::remove(const QByteArray &id)
{
    const QMutexLocker locker(&m_mutex);
    m_sessions.remove(id);
    return {};
}

qsizetype InMemorySessionStore::size() const
{
    const QMutexLocker locker(&m_mutex);
    return m_sessions.size();
}

QByteArray newSessionId(Random &random)
{
    // 20 bytes = 160 bits = 32 groups of 5 bits, most significant first.
    const QByteArray bytes = random.bytes(20);
    QByteArray id;
    id.reserve(kSessionIdLength);
    quint32 buffer = 0;
    int bits = 0;
    for (char byte : bytes) {
        buffer = (buffer << 8) | static_cast<quint8>(byte);
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            id.append(kBase32Digits[(buffer >> bits) & 0x1f]);
        }
    }
    return id;
}

bool isWellFormedSessionId(QByteArrayView id)
{
    if (id.size() != kSessionIdLength)
        return false;
    for (char c : id) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'v')))
            return false;
    }
    return true;
}

} // namespace mwauth::provider
