// POST rest.php/oauth2/access_token with client_credentials on a whole LocalProvider over real
// HTTP: MediaWiki 1.39's success and error answers (reference/mediawiki-oauth.md section 1.2),
// the token verified through the provider's own JWKS, also across a key rotation.

#include "../server/ProviderTestSupport.h"
#include "common/Clock.h"
#include "common/Random.h"
#include "jose/Jwks.h"
#include "jose/Jws.h"
#include "jose/Jwt.h"
#include "provider/LocalProvider.h"

#include <QJsonArray>
#include <QTest>

using namespace mwauth;
using namespace mwauth::provider;
using namespace mwauth::provider::testing;

class TestTokenApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void clientCredentialsToken_data();
    void clientCredentialsToken();
    void refused_data();
    void refused();
    void tokensVerifyAcrossARotation();
    void discoveryNamesWhatWorks();
    void configuredLifetime();

private:
    struct Client
    {
        QString id;
        QString secret;
    };
    Client registerClient(const QString &name, const QStringList &grantTypes, bool confidential = true);
    Reply token(const QByteArray &body, const QList<std::pair<QByteArray, QByteArray>> &headers = {},
                const QByteArray &contentType = "application/x-www-form-urlencoded");
    jose::Jwks publishedKeys();

    FixedClock m_clock {1763868000};
    SystemRandom m_random;
    std::unique_ptr<LocalProvider> m_provider;
    std::unique_ptr<TestHttpClient> m_http;
    Client m_machine; // confidential, client_credentials, grants basic + editpage
    Client m_webApp; // confidential, authorization_code only
    Client m_public; // public
    Client m_disabled;
};

TestTokenApi::Client TestTokenApi::registerClient(const QString &name, const QStringList &grantTypes,
                                                  bool confidential)
{
    ClientRegistration registration;
    registration.name = name;
    registration.callbackUrl = QStringLiteral("https://app.example/callback");
    registration.description = QStringLiteral("A test client");
    registration.email = QStringLiteral("dev@example.org");
    registration.oauth2GrantTypes = grantTypes;
    registration.oauth2IsConfidential = confidential;
    registration.grants = {QStringLiteral("basic"), QStringLiteral("editpage")};
    registration.approved = true;
    registration.ownerId = m_provider->users()->findUser(QStringLiteral("Admin"))->id;
    const auto issued = m_provider->clients()->registerClient(registration, QStringLiteral("Admin"));
    if (!issued) {
        qWarning() << issued.error().toString();
        return {};
    }
    return {issued->client.consumerKey, QString::fromLatin1(issued->secret)};
}

void TestTokenApi::initTestCase()
{
    m_provider = std::make_unique<LocalProvider>(m_clock, m_random);
    LocalProviderOptions options;
    options.demo = true; // Admin owns the clients
    options.passwordIterations = 1000;
    const Result<void> started = m_provider->start(options);
    QVERIFY2(started.ok(), started.ok() ? "" : qPrintable(started.error().toString()));
    m_machine = registerClient(QStringLiteral("Machine"), {QStringLiteral("client_credentials")});
    m_webApp = registerClient(QStringLiteral("Web app"), {QStringLiteral("authorization_code")});
    m_public = registerClient(QStringLiteral("Public app"), {QStringLiteral("authorization_code")}, false);
    m_disabled = registerClient(QStringLiteral("Disabled"), {QStringLiteral("client_credentials")});
    QVERIFY(!m_machine.id.isEmpty() && !m_webApp.id.isEmpty() && !m_public.id.isEmpty()
            && !m_disabled.id.isEmpty());
    const auto disabled = m_provider->clients()->findByKey(m_disabled.id);
    QVERIFY(disabled.ok());
    QVERIFY(m_provider->clients()
                ->setStage(disabled->id, ClientStore::StageAction::Disable, QStringLiteral("test"),
                           QStringLiteral("Admin"))
                .ok());
    m_http = std::make_unique<TestHttpClient>();
}

void TestTokenApi::cleanupTestCase()
{
    m_http.reset();
    m_provider.reset();
}

Reply TestTokenApi::token(const QByteArray &body, const QList<std::pair<QByteArray, QByteArray>> &headers,
                          const QByteArray &contentType)
{
    return m_http->send("POST", QUrl(m_provider->restUrl().toString() + u"/oauth2/access_token"), body,
                        contentType, headers);
}

jose::Jwks TestTokenApi::publishedKeys()
{
    const Reply reply = m_http->send("GET", QUrl(m_provider->restUrl().toString() + u"/oauth2/jwks"));
    const auto keys = jose::Jwks::fromJson(reply.body);
    return keys ? *keys : jose::Jwks();
}

void TestTokenApi::clientCredentialsToken_data()
{
    QTest::addColumn<bool>("basic");
    QTest::addColumn<QString>("scope"); // empty: none sent
    QTest::addColumn<QStringList>("scopes");
    QTest::newRow("secret in the body, all grants")
        << false << QString() << QStringList {QStringLiteral("basic"), QStringLiteral("editpage")};
    QTest::newRow("HTTP Basic") << true << QString()
                                << QStringList {QStringLiteral("basic"), QStringLiteral("editpage")};
    QTest::newRow("one scope") << false << QStringLiteral("editpage")
                               << QStringList {QStringLiteral("editpage")};
    QTest::newRow("a grant the client lacks is dropped")
        << false << QStringLiteral("editpage rollback") << QStringList {QStringLiteral("editpage")};
}

void TestTokenApi::clientCredentialsToken()
{
    QFETCH(bool, basic);
    QFETCH(QString, scope);
    QFETCH(QStringList, scopes);
    QByteArray body = "grant_type=client_credentials";
    QList<std::pair<QByteArray, QByteArray>> headers;
    if (basic)
        headers.append(
            {"Authorization", "Basic " + (m_machine.id + u':' + m_machine.secret).toLatin1().toBase64()});
    else
        body += "&client_id=" + m_machine.id.toLatin1() + "&client_secret=" + m_machine.secret.toLatin1();
    if (!scope.isEmpty())
        body += "&scope=" + QUrl::toPercentEncoding(scope);
    const Reply reply = token(body, headers);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("Cache-Control"), QByteArray("no-store"));
    QCOMPARE(reply.header("Pragma"), QByteArray("no-cache"));
    const QJsonObject json = reply.json();
    QCOMPARE(json.keys(),
             (QStringList {QStringLiteral("access_token"), QStringLiteral("expires_in"),
                           QStringLiteral("token_type")})); // no refresh_token, no scope
    QCOMPARE(json[u"token_type"].toString(), QStringLiteral("Bearer"));
    QCOMPARE(json[u"expires_in"].toInt(), 3600);

    const QByteArray jwt = json[u"access_token"].toString().toLatin1();
    const auto parts = jose::Jws::parse(jwt);
    QVERIFY(parts.ok());
    const auto verified = jose::Jws::verify(*parts, publishedKeys());
    QVERIFY2(verified.ok(), verified.ok() ? "" : qPrintable(verified.error().message()));
    const auto decoded = jose::Jwt::decode(jwt);
    QCOMPARE(decoded->claims()[u"aud"].toString(), m_machine.id);
    QCOMPARE(decoded->claims()[u"sub"].toString(), QString()); // no user, as MediaWiki 1.39
    QCOMPARE(decoded->claims()[u"iss"].toString(), m_provider->issuer().toString());
    QCOMPARE(decoded->claims()[u"scopes"].toArray(), QJsonArray::fromStringList(scopes));
}

void TestTokenApi::refused_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("body"); // %ID% / %SECRET% are the machine client's
    QTest::addColumn<QByteArray>("authorization");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");
    QTest::addColumn<QString>("hint");
    const QByteArray form = "application/x-www-form-urlencoded";
    const QByteArray ok = "client_id=%ID%&client_secret=%SECRET%";
    QTest::newRow("no grant_type") << QByteArray("POST") << ok << QByteArray() << form << 400
                                   << QStringLiteral("invalid_request")
                                   << QStringLiteral("Check the `grant_type` parameter");
    QTest::newRow("JSON body") << QByteArray("POST") << QByteArray(R"({"grant_type":"client_credentials"})")
                               << QByteArray() << QByteArray("application/json") << 400
                               << QStringLiteral("invalid_request")
                               << QStringLiteral("Check the `grant_type` parameter");
    QTest::newRow("password grant") << QByteArray("POST") << ("grant_type=password&" + ok) << QByteArray()
                                    << form << 400 << QStringLiteral("unsupported_grant_type")
                                    << QStringLiteral(
                                           "Check that all required parameters have been provided");
    QTest::newRow("no client_id") << QByteArray("POST") << QByteArray("grant_type=client_credentials")
                                  << QByteArray() << form << 400 << QStringLiteral("invalid_request")
                                  << QStringLiteral("Check the `client_id` parameter");
    QTest::newRow("unknown client")
        << QByteArray("POST")
        << QByteArray("grant_type=client_credentials&client_id=0123456789abcdef0123456789abcdef"
                      "&client_secret=x")
        << QByteArray() << form << 401 << QStringLiteral("invalid_client") << QString();
    QTest::newRow("wrong secret") << QByteArray(
        "POST") << QByteArray("grant_type=client_credentials&client_id=%ID%&client_secret=nope")
                                  << QByteArray() << form << 401 << QStringLiteral("invalid_client")
                                  << QString();
    QTest::newRow("no secret") << QByteArray("POST")
                               << QByteArray("grant_type=client_credentials&client_id=%ID%") << QByteArray()
                               << form << 401 << QStringLiteral("invalid_client") << QString();
    QTest::newRow("wrong secret over Basic")
        << QByteArray("POST") << QByteArray("grant_type=client_credentials") << QByteArray("Basic %BADBASIC%")
        << form << 401 << QStringLiteral("invalid_client") << QString();
    QTest::newRow("grant type the client may not use")
        << QByteArray("POST")
        << QByteArray("grant_type=client_credentials&client_id=%WEBID%&client_secret=%WEBSECRET%")
        << QByteArray() << form << 401 << QStringLiteral("invalid_client") << QString();
    QTest::newRow("public client") << QByteArray("POST")
                                   << QByteArray("grant_type=client_credentials&client_id=%PUBID%")
                                   << QByteArray() << form << 401 << QStringLiteral("invalid_client")
                                   << QString();
    QTest::newRow("disabled client") << QByteArray(
        "POST") << QByteArray("grant_type=client_credentials&client_id=%DISID%&client_secret=%DISSECRET%")
                                     << QByteArray() << form << 401 << QStringLiteral("invalid_client")
                                     << QString();
    QTest::newRow("unknown scope") << QByteArray("POST")
                                   << ("grant_type=client_credentials&scope=nosuchscope&" + ok)
                                   << QByteArray() << form << 400 << QStringLiteral("invalid_scope")
                                   << QStringLiteral("Check the `nosuchscope` scope");
    QTest::newRow("GET") << QByteArray("GET") << QByteArray() << QByteArray() << form << 405 << QString()
                         << QString();
}

void TestTokenApi::refused()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, authorization);
    QFETCH(QByteArray, contentType);
    QFETCH(int, status);
    QFETCH(QString, error);
    QFETCH(QString, hint);
    const auto fill = [this](QByteArray text) {
        const auto disabled = m_disabled;
        text.replace("%ID%", m_machine.id.toLatin1()).replace("%SECRET%", m_machine.secret.toLatin1());
        text.replace("%WEBID%", m_webApp.id.toLatin1()).replace("%WEBSECRET%", m_webApp.secret.toLatin1());
        text.replace("%PUBID%", m_public.id.toLatin1());
        text.replace("%DISID%", disabled.id.toLatin1()).replace("%DISSECRET%", disabled.secret.toLatin1());
        text.replace("%BADBASIC%", (m_machine.id + u":wrong").toLatin1().toBase64());
        return text;
    };
    QList<std::pair<QByteArray, QByteArray>> headers;
    if (!authorization.isEmpty())
        headers.append({"Authorization", fill(authorization)});
    const Reply reply = method == "GET"
        ? m_http->send("GET", QUrl(m_provider->restUrl().toString() + u"/oauth2/access_token"))
        : token(fill(body), headers, contentType);
    QCOMPARE(reply.status, status);
    if (error.isEmpty())
        return;
    const QJsonObject json = reply.json();
    QCOMPARE(json[u"error"].toString(), error);
    QVERIFY(!json[u"error_description"].toString().isEmpty());
    QCOMPARE(json[u"message"].toString(), json[u"error_description"].toString());
    QCOMPARE(json[u"hint"].toString(), hint);
    QCOMPARE(reply.header("Cache-Control"), QByteArray("no-store"));
    QCOMPARE(reply.header("WWW-Authenticate").isEmpty(), authorization.isEmpty());
    QVERIFY(!reply.body.contains(m_machine.secret.toLatin1()));
}

void TestTokenApi::tokensVerifyAcrossARotation()
{
    const QByteArray body = "grant_type=client_credentials&client_id=" + m_machine.id.toLatin1()
        + "&client_secret=" + m_machine.secret.toLatin1();
    const QByteArray before = token(body).json()[u"access_token"].toString().toLatin1();
    const auto rotated = m_provider->keys()->rotate(QStringLiteral("test"));
    QVERIFY2(rotated.ok(), rotated.ok() ? "" : qPrintable(rotated.error().message()));
    const QByteArray after = token(body).json()[u"access_token"].toString().toLatin1();
    const auto oldParts = jose::Jws::parse(before);
    const auto newParts = jose::Jws::parse(after);
    QVERIFY(oldParts.ok() && newParts.ok());
    QVERIFY(oldParts->header[u"kid"] != newParts->header[u"kid"]);
    QCOMPARE(newParts->header[u"kid"].toString(), rotated->current);
    const jose::Jwks keys = publishedKeys();
    QVERIFY(jose::Jws::verify(*oldParts, keys).ok()); // the retiring key is still published
    QVERIFY(jose::Jws::verify(*newParts, keys).ok());
    m_clock.advance(3601); // every token the old key signed has expired
    const auto stale = jose::Jws::verify(*oldParts, publishedKeys());
    QVERIFY(!stale.ok());
    QCOMPARE(stale.error().code(), ErrorCode::NoMatchingKey);
}

// RFC 8414 metadata at the server's root: its endpoints answer, and a client that discovers
// them gets a token and verifies it.
void TestTokenApi::discoveryNamesWhatWorks()
{
    const Reply reply = m_http->send(
        "GET", QUrl(m_provider->baseUrl().toString() + u"/.well-known/oauth-authorization-server"));
    QCOMPARE(reply.status, 200);
    const QJsonObject metadata = reply.json();
    QCOMPARE(metadata[u"issuer"].toString(), m_provider->issuer().toString());
    QCOMPARE(metadata[u"grant_types_supported"].toArray(),
             (QJsonArray {QStringLiteral("authorization_code"), QStringLiteral("refresh_token"),
                          QStringLiteral("client_credentials")}));
    QVERIFY(metadata[u"scopes_supported"].toArray().contains(QStringLiteral("editpage")));
    QVERIFY(metadata[u"scopes_supported"].toArray().contains(QStringLiteral("mwoauth-authonly")));
    // The authorization endpoint answers (without parameters: MediaWiki's HTML error page).
    const Reply authorize = m_http->send("GET", QUrl(metadata[u"authorization_endpoint"].toString()));
    QCOMPARE(authorize.status, 200);
    QVERIFY(authorize.body.contains("Application Connection Error"));
    QVERIFY(!metadata.contains(u"registration_endpoint")); // dynamic registration is off by default
    const QUrl tokenEndpoint(metadata[u"token_endpoint"].toString());
    const Reply issued = m_http->send("POST", tokenEndpoint,
                                      "grant_type=client_credentials&client_id=" + m_machine.id.toLatin1()
                                          + "&client_secret=" + m_machine.secret.toLatin1());
    QCOMPARE(issued.status, 200);
    const Reply jwks = m_http->send("GET", QUrl(metadata[u"jwks_uri"].toString()));
    const auto keys = jose::Jwks::fromJson(jwks.body);
    QVERIFY(keys.ok());
    const auto parts = jose::Jws::parse(issued.json()[u"access_token"].toString().toLatin1());
    QVERIFY(parts.ok());
    QVERIFY(jose::Jws::verify(*parts, *keys).ok());
    QVERIFY(metadata[u"x-mwauth-access-token-signing-alg-values"].toArray().contains(
        parts->header[u"alg"].toString()));
}

// OAuth2Options::accessTokenLifetime applies to client_credentials tokens too.
void TestTokenApi::configuredLifetime()
{
    LocalProvider provider(m_clock, m_random);
    LocalProviderOptions options;
    options.demo = true;
    options.passwordIterations = 1000;
    options.oauth2.accessTokenLifetime = 600;
    const Result<void> started = provider.start(options);
    QVERIFY2(started.ok(), started.ok() ? "" : qPrintable(started.error().toString()));
    ClientRegistration registration;
    registration.name = QStringLiteral("Short-lived");
    registration.callbackUrl = QStringLiteral("https://app.example/callback");
    registration.description = QStringLiteral("A test client");
    registration.email = QStringLiteral("dev@example.org");
    registration.oauth2GrantTypes = {QStringLiteral("client_credentials")};
    registration.grants = {QStringLiteral("basic")};
    registration.approved = true;
    registration.ownerId = provider.users()->findUser(QStringLiteral("Admin"))->id;
    const auto issued = provider.clients()->registerClient(registration, QStringLiteral("Admin"));
    QVERIFY(issued.ok());
    const Reply reply
        = m_http->send("POST", QUrl(provider.restUrl().toString() + u"/oauth2/access_token"),
                       "grant_type=client_credentials&client_id=" + issued->client.consumerKey.toLatin1()
                           + "&client_secret=" + issued->secret);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json()[u"expires_in"].toInt(), 600);
    const auto jwt = jose::Jwt::decode(reply.json()[u"access_token"].toString().toLatin1());
    QVERIFY(jwt.ok());
    QCOMPARE(qRound(jwt->claims()[u"exp"].toDouble() - jwt->claims()[u"iat"].toDouble()), 600);
}

QTEST_GUILESS_MAIN(TestTokenApi)
#include "TestTokenApi.moc"
