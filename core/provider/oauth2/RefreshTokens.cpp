#include "RefreshTokens.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace mwauth::provider {

namespace {

QString tokenKey(const QString &id)
{
    return u"RefreshToken:" % id;
}

QString familyKey(const QString &family)
{
    return u"TokenFamily:" % family;
}

QJsonObject toJson(const RefreshTokenData &data)
{
    return QJsonObject {
        {QStringLiteral("identifier"), data.id},
        {QStringLiteral("client_id"), data.clientId},
        {QStringLiteral("user_id"), data.userId},
        {QStringLiteral("acceptance_id"), data.acceptanceId},
        {QStringLiteral("scopes"), QJsonArray::fromStringList(data.scopes)},
        {QStringLiteral("accessToken"), data.accessTokenId},
        {QStringLiteral("family"), data.family},
        {QStringLiteral("auth_time"), data.authTime},
        {QStringLiteral("expires"), data.expiresAt},
    };
}

RefreshTokenData fromJson(const QJsonObject &json)
{
    RefreshTokenData data;
    data.id = json[u"identifier"].toString();
    data.clientId = json[u"client_id"].toString();
    data.userId = json[u"user_id"].toInteger();
    data.acceptanceId = json[u"acceptance_id"].toInteger();
    const QJsonArray scopes = json[u"scopes"].toArray();
    for (const QJsonValue &scope : scopes)
        data.scopes.append(scope.toString());
    data.accessTokenId = json[u"accessToken"].toString();
    data.family = json[u"family"].toString();
    data.authTime = json[u"auth_time"].toDouble();
    data.expiresAt = json[u"expires"].toDouble();
    return data;
}

} // namespace

RefreshTokens::RefreshTokens(OAuthCache &cache, AccessTokens &accessTokens, const ProviderSecret &secret,
                             const Clock &clock, Random &random, const OAuth2Options &options)
    : m_cache(cache)
    , m_accessTokens(accessTokens)
    , m_secret(secret)
    , m_clock(clock)
    , m_random(random)
    , m_options(options)
{ }

QString RefreshTokens::refusalHint(RefreshRefusal refusal)
{
    switch (refusal) {
    case RefreshRefusal::Malformed:
        return QStringLiteral("Cannot decrypt the refresh token");
    case RefreshRefusal::WrongClient:
        return QStringLiteral("Token is not linked to client");
    case RefreshRefusal::Expired:
        return QStringLiteral("Token has expired");
    case RefreshRefusal::ScopeBeyondGrant:
    case RefreshRefusal::Revoked:
    case RefreshRefusal::None:
        break;
    }
    return QStringLiteral("Token has been revoked");
}

Result<QByteArray> RefreshTokens::issue(RefreshTokenData &data)
{
    if (data.clientId.isEmpty() || data.family.isEmpty())
        return fail(ErrorCode::InvalidInput,
                    QStringLiteral("A refresh token needs a client and a code it comes from."));
    data.id = QString::fromLatin1(m_random.bytes(20).toHex());
    const double now = m_clock.nowSeconds();
    data.expiresAt = now + m_options.refreshTokenLifetime;
    if (const Result<void> stored
        = m_cache.put(tokenKey(data.id), toJson(data), m_options.refreshTokenLifetime);
        !stored)
        return stored.error();
    if (const Result<void> stored = remember(data.family, data.accessTokenId, data.id); !stored)
        return stored.error();
    const QJsonObject sealed {{QStringLiteral("id"), data.id},
                              {QStringLiteral("client_id"), data.clientId},
                              {QStringLiteral("expire_time"), data.expiresAt}};
    return m_secret.seal(QJsonDocument(sealed).toJson(QJsonDocument::Compact), SealContext, m_random);
}

Result<void> RefreshTokens::remember(const QString &family, const QString &accessTokenId,
                                     const QString &refreshTokenId)
{
    // The family's newest tokens, so a reused code can revoke them.
    const QJsonObject entry {{QStringLiteral("accessToken"), accessTokenId},
                             {QStringLiteral("refreshToken"), refreshTokenId}};
    return m_cache.put(familyKey(family), entry, m_options.refreshTokenLifetime);
}

Result<std::optional<RefreshTokenData>>
RefreshTokens::redeem(const QByteArray &presented, const QString &clientId, RefreshRefusal &refusal,
                      const QStringList &requestedScopes, QString *offendingScope)
{
    refusal = RefreshRefusal::Malformed;
    const Result<QByteArray> opened = m_secret.open(presented, SealContext);
    if (!opened)
        return std::optional<RefreshTokenData>();
    const QJsonObject sealed = QJsonDocument::fromJson(*opened).object();
    const QString id = sealed[u"id"].toString();
    if (id.isEmpty())
        return std::optional<RefreshTokenData>();
    if (sealed[u"client_id"].toString() != clientId) {
        refusal = RefreshRefusal::WrongClient;
        return std::optional<RefreshTokenData>();
    }
    const double now = m_clock.nowSeconds();
    if (sealed[u"expire_time"].toDouble() < now) {
        refusal = RefreshRefusal::Expired;
        return std::optional<RefreshTokenData>();
    }
    refusal = RefreshRefusal::Revoked;
    const Result<std::optional<QJsonObject>> stored = m_cache.get(tokenKey(id));
    if (!stored)
        return stored.error();
    if (!stored->has_value())
        return std::optional<RefreshTokenData>();
    QJsonObject entry = **stored;
    const RefreshTokenData data = fromJson(entry);
    const Result<std::optional<QJsonObject>> family = m_cache.get(familyKey(data.family));
    if (!family)
        return family.error();
    if (!family->has_value() || (*family)->value(u"revoked").toBool())
        return std::optional<RefreshTokenData>();
    // league's RefreshTokenGrant: a narrower request only, checked before the token is spent.
    for (const QString &scope : requestedScopes) {
        if (!data.scopes.contains(scope)) {
            refusal = RefreshRefusal::ScopeBeyondGrant;
            if (offendingScope)
                *offendingScope = scope;
            return std::optional<RefreshTokenData>();
        }
    }
    if (entry[u"revoked"].toBool()) {
        if (entry[u"graceExpires"].toDouble() <= now)
            return std::optional<RefreshTokenData>();
    } else {
        // Rotation: this token is spent (usable again only within the grace period) and the
        // access token issued with it is revoked.
        entry.insert(QStringLiteral("revoked"), true);
        entry.insert(QStringLiteral("graceExpires"), now + m_options.refreshGraceSeconds);
        const double remaining = data.expiresAt - now;
        if (remaining > 0) {
            if (const Result<void> updated = m_cache.put(tokenKey(id), entry, remaining); !updated)
                return updated.error();
        }
    }
    if (!data.accessTokenId.isEmpty()) {
        if (const Result<bool> revoked = m_accessTokens.revoke(data.accessTokenId); !revoked)
            return revoked.error();
    }
    refusal = RefreshRefusal::None;
    return std::optional<RefreshTokenData>(data);
}

Result<int> RefreshTokens::revokeFamily(const QString &family)
{
    const Result<std::optional<QJsonObject>> stored = m_cache.get(familyKey(family));
    if (!stored)
        return stored.error();
    QJsonObject entry = stored->value_or(QJsonObject());
    int revoked = 0;
    const QString accessToken = entry[u"accessToken"].toString();
    if (!accessToken.isEmpty()) {
        const Result<bool> done = m_accessTokens.revoke(accessToken);
        if (!done)
            return done.error();
        revoked += *done ? 1 : 0;
    }
    const QString refreshToken = entry[u"refreshToken"].toString();
    if (!refreshToken.isEmpty()) {
        if (const Result<void> removed = m_cache.remove(tokenKey(refreshToken)); !removed)
            return removed.error();
    }
    entry.insert(QStringLiteral("revoked"), true);
    if (const Result<void> marked = m_cache.put(familyKey(family), entry, m_options.refreshTokenLifetime);
        !marked)
        return marked.error();
    return revoked;
}

} // namespace mwauth::provider
