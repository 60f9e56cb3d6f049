#pragma once

// Shared by the bearer-token tests: a whole LocalProvider over real HTTP with a FixedClock,
// clients registered through the ClientStore, and tokens for users issued directly with
// AccessTokens under an approval row (what the authorization code flow does).

#include "../server/ProviderTestSupport.h"
#include "common/Clock.h"
#include "common/Random.h"
#include "jose/Base64Url.h"
#include "jose/Jws.h"
#include "provider/LocalProvider.h"

#include <QSqlQuery>
#include <QTest>

namespace mwauth::provider::testing {

struct TestClient
{
    QString id;
    QString secret;
    qint64 rowId = 0;
};

class BearerFixture
{
public:
    FixedClock clock {1763868000};
    SystemRandom random;
    std::unique_ptr<LocalProvider> provider;
    std::unique_ptr<TestHttpClient> http;

    bool start()
    {
        provider = std::make_unique<LocalProvider>(clock, random);
        LocalProviderOptions options;
        options.demo = true;
        options.passwordIterations = 1000;
        if (const Result<void> started = provider->start(options); !started) {
            qWarning() << started.error().toString();
            return false;
        }
        http = std::make_unique<TestHttpClient>();
        return true;
    }
    void stop()
    {
        http.reset();
        provider.reset();
    }

    TestClient registerClient(const QString &name, const QStringList &grants, bool confidential = true,
                              const QStringList &grantTypes
                              = {QStringLiteral("client_credentials"), QStringLiteral("authorization_code")})
    {
        ClientRegistration registration;
        registration.name = name;
        registration.callbackUrl = QStringLiteral("https://app.example/callback");
        registration.description = QStringLiteral("A test client");
        registration.email = QStringLiteral("dev@example.org");
        registration.oauth2GrantTypes = grantTypes;
        registration.oauth2IsConfidential = confidential;
        registration.grants = grants;
        registration.approved = true;
        registration.ownerId = provider->users()->findUser(QStringLiteral("Admin"))->id;
        const auto issued = provider->clients()->registerClient(registration, QStringLiteral("Admin"));
        if (!issued) {
            qWarning() << issued.error().toString();
            return {};
        }
        return {issued->client.consumerKey, QString::fromLatin1(issued->secret), issued->client.id};
    }

    // An approval row of `userId` for the client, as the consent page writes it.
    qint64 approve(const TestClient &client, qint64 userId, const QStringList &grants)
    {
        QSqlQuery query(provider->database()->database());
        // One approval per user and client (as MediaWiki's unique key): reuse it.
        query.prepare(QStringLiteral("SELECT oaac_id FROM oauth_accepted_consumer WHERE oaac_user_id = ? AND "
                                     "oaac_consumer_id = ?"));
        query.addBindValue(userId);
        query.addBindValue(client.rowId);
        if (query.exec() && query.next())
            return query.value(0).toLongLong();
        query.finish();
        query.prepare(QStringLiteral("INSERT INTO oauth_accepted_consumer (oaac_wiki, oaac_user_id, "
                                     "oaac_consumer_id, oaac_access_token, "
                                     "oaac_access_secret, oaac_grants, oaac_accepted, oaac_oauth_version) "
                                     "VALUES ('*', ?, ?, ?, '', ?, "
                                     "'20251123000000', 2)"));
        query.addBindValue(userId);
        query.addBindValue(client.rowId);
        query.addBindValue(QString::fromLatin1(random.bytes(16).toHex()));
        query.addBindValue(QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(grants)).toJson()));
        if (!query.exec()) {
            qWarning() << query.lastError().text();
            return 0;
        }
        return query.lastInsertId().toLongLong();
    }

    // A token for `userId` (0: a client_credentials token) signed with the current key.
    IssuedAccessToken userToken(const TestClient &client, qint64 userId, const QStringList &scopes,
                                double lifetime = 3600)
    {
        AccessTokenGrant grant;
        grant.clientId = client.id;
        grant.clientRowId = client.rowId;
        grant.scopes = scopes;
        grant.lifetimeSeconds = lifetime;
        if (userId != 0) {
            grant.subject = QString::number(userId);
            grant.acceptanceId = approve(client, userId, scopes);
        }
        const Result<jose::Jwk> key = provider->keys()->currentKey();
        if (!key)
            return {};
        const auto issued = provider->stack()->accessTokens()->issue(*key, grant);
        return issued ? *issued : IssuedAccessToken();
    }

    qint64 userId(const QString &name) { return provider->users()->findUser(name)->id; }

    QUrl rest(const QString &path) const { return QUrl(provider->restUrl().toString() + path); }

    Reply get(const QString &path, const QByteArray &token)
    {
        QList<std::pair<QByteArray, QByteArray>> headers;
        if (!token.isNull())
            headers.append({"Authorization", "Bearer " + token});
        return http->send("GET", rest(path), {}, "application/x-www-form-urlencoded", headers);
    }

    Reply post(const QString &path, const QByteArray &body,
               const QList<std::pair<QByteArray, QByteArray>> &headers = {})
    {
        return http->send("POST", rest(path), body, "application/x-www-form-urlencoded", headers);
    }
};

// A compact JWS with any header and payload, signed (or not) by hand.
inline QByteArray compactJws(const QJsonObject &header, const QJsonObject &payload,
                             const QByteArray &signature)
{
    return jose::Base64Url::encode(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.'
        + jose::Base64Url::encode(QJsonDocument(payload).toJson(QJsonDocument::Compact)) + '.'
        + jose::Base64Url::encode(signature);
}

inline QJsonObject jwtPart(const QByteArray &jwt, int index)
{
    const auto decoded = jose::Base64Url::decode(jwt.split('.').value(index));
    return decoded ? QJsonDocument::fromJson(*decoded).object() : QJsonObject();
}

} // namespace mwauth::provider::testing
