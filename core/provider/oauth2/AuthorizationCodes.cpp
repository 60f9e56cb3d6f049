#include "AuthorizationCodes.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace mwauth::provider {

namespace {

QString cacheKey(const QString &id)
{
    return u"AuthCode:" % id;
}

QString usedKey(const QString &id)
{
    return u"UsedCode:" % id;
}

QJsonObject toJson(const AuthorizationCode &code)
{
    return QJsonObject {
        {QStringLiteral("client_id"), code.clientId},
        {QStringLiteral("user_id"), code.userId},
        {QStringLiteral("acceptance_id"), code.acceptanceId},
        {QStringLiteral("redirect_uri"), code.redirectUri},
        {QStringLiteral("redirect_uri_sent"), code.redirectUriSent},
        {QStringLiteral("scopes"), QJsonArray::fromStringList(code.scopes)},
        {QStringLiteral("code_challenge"), code.codeChallenge},
        {QStringLiteral("code_challenge_method"), code.codeChallengeMethod},
        {QStringLiteral("nonce"), code.nonce},
        {QStringLiteral("auth_time"), code.authTime},
        {QStringLiteral("expire_time"), code.expiresAt},
    };
}

AuthorizationCode fromJson(const QString &id, const QJsonObject &json)
{
    AuthorizationCode code;
    code.id = id;
    code.clientId = json[u"client_id"].toString();
    code.userId = json[u"user_id"].toInteger();
    code.acceptanceId = json[u"acceptance_id"].toInteger();
    code.redirectUri = json[u"redirect_uri"].toString();
    code.redirectUriSent = json[u"redirect_uri_sent"].toBool();
    const QJsonArray scopes = json[u"scopes"].toArray();
    for (const QJsonValue &scope : scopes)
        code.scopes.append(scope.toString());
    code.codeChallenge = json[u"code_challenge"].toString();
    code.codeChallengeMethod = json[u"code_challenge_method"].toString();
    code.nonce = json[u"nonce"].toString();
    code.authTime = json[u"auth_time"].toDouble();
    code.expiresAt = json[u"expire_time"].toDouble();
    return code;
}

} // namespace

AuthorizationCodes::AuthorizationCodes(OAuthCache &cache, const ProviderSecret &secret, const Clock &clock,
                                       Random &random, const OAuth2Options &options)
    : m_cache(cache)
    , m_secret(secret)
    , m_clock(clock)
    , m_random(random)
    , m_options(options)
{ }

Result<QByteArray> AuthorizationCodes::issue(AuthorizationCode &code)
{
    if (code.clientId.isEmpty() || code.userId <= 0)
        return fail(ErrorCode::InvalidInput,
                    QStringLiteral("An authorization code needs a client and a user."));
    code.id = QString::fromLatin1(m_random.bytes(20).toHex());
    code.expiresAt = m_clock.nowSeconds() + m_options.codeLifetime;
    if (const Result<void> stored = m_cache.put(cacheKey(code.id), toJson(code), m_options.codeLifetime);
        !stored)
        return stored.error();
    const QJsonObject sealed {{QStringLiteral("id"), code.id},
                              {QStringLiteral("client_id"), code.clientId},
                              {QStringLiteral("expire_time"), code.expiresAt}};
    return m_secret.seal(QJsonDocument(sealed).toJson(QJsonDocument::Compact), SealContext, m_random);
}

Result<std::optional<AuthorizationCode>> AuthorizationCodes::peek(const QByteArray &presented,
                                                                  const QString &clientId,
                                                                  CodeRedemption &status, QString &id) const
{
    status = CodeRedemption::Malformed;
    id.clear();
    const Result<QByteArray> opened = m_secret.open(presented, SealContext);
    if (!opened)
        return std::optional<AuthorizationCode>();
    const QJsonObject sealed = QJsonDocument::fromJson(*opened).object();
    id = sealed[u"id"].toString();
    if (id.isEmpty())
        return std::optional<AuthorizationCode>();
    if (sealed[u"client_id"].toString() != clientId) {
        status = CodeRedemption::WrongClient;
        return std::optional<AuthorizationCode>();
    }
    const Result<std::optional<QJsonObject>> used = m_cache.get(usedKey(id));
    if (!used)
        return used.error();
    if (used->has_value()) {
        status = CodeRedemption::Reused;
        return std::optional<AuthorizationCode>();
    }
    status = CodeRedemption::Expired;
    if (sealed[u"expire_time"].toDouble() < m_clock.nowSeconds())
        return std::optional<AuthorizationCode>();
    const Result<std::optional<QJsonObject>> stored = m_cache.get(cacheKey(id));
    if (!stored)
        return stored.error();
    if (!stored->has_value())
        return std::optional<AuthorizationCode>();
    status = CodeRedemption::Ok;
    return std::optional<AuthorizationCode>(fromJson(id, **stored));
}

Result<bool> AuthorizationCodes::consume(const QString &id)
{
    const Result<std::optional<QJsonObject>> taken = m_cache.take(cacheKey(id));
    if (!taken)
        return taken.error();
    const double keep = std::max(m_options.refreshTokenLifetime, m_options.codeLifetime);
    if (const Result<void> marked = m_cache.put(usedKey(id), QJsonObject {{QStringLiteral("id"), id}}, keep);
        !marked)
        return marked.error();
    return taken->has_value();
}

} // namespace mwauth::provider
