// RFC 7591 dynamic client registration at rest.php/oauth2/register on a whole LocalProvider
// over real HTTP: off by default (404 as an unknown path), and when enabled the metadata,
// the RFC's errors, and a registered client that gets a token.

#include "../server/ProviderTestSupport.h"
#include "common/Clock.h"
#include "common/Random.h"
#include "provider/LocalProvider.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QTest>

using namespace mwauth;
using namespace mwauth::provider;
using namespace mwauth::provider::testing;

class TestDynamicRegistration : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void offByDefault();
    void registers_data();
    void registers();
    void refused_data();
    void refused();
    void registeredClientGetsAToken();
    void discoveryNamesItWhenEnabled();

private:
    Reply post(LocalProvider &provider, const QByteArray &body, const QByteArray &type = "application/json");

    FixedClock m_clock {1763868000};
    SystemRandom m_random;
    std::unique_ptr<LocalProvider> m_disabled;
    std::unique_ptr<LocalProvider> m_enabled;
    std::unique_ptr<TestHttpClient> m_http;
};

void TestDynamicRegistration::initTestCase()
{
    LocalProviderOptions options;
    options.demo = true; // Admin owns anonymous registrations
    options.passwordIterations = 1000;
    m_disabled = std::make_unique<LocalProvider>(m_clock, m_random);
    const Result<void> first = m_disabled->start(options);
    QVERIFY2(first.ok(), first.ok() ? "" : qPrintable(first.error().toString()));
    options.oauth2.dynamicRegistration = true;
    m_enabled = std::make_unique<LocalProvider>(m_clock, m_random);
    const Result<void> second = m_enabled->start(options);
    QVERIFY2(second.ok(), second.ok() ? "" : qPrintable(second.error().toString()));
    m_http = std::make_unique<TestHttpClient>();
}

void TestDynamicRegistration::cleanupTestCase()
{
    m_http.reset();
    m_enabled.reset();
    m_disabled.reset();
}

Reply TestDynamicRegistration::post(LocalProvider &provider, const QByteArray &body, const QByteArray &type)
{
    return m_http->send("POST", QUrl(provider.restUrl().toString() + u"/oauth2/register"), body, type);
}

void TestDynamicRegistration::offByDefault()
{
    const Reply reply
        = post(*m_disabled, R"({"redirect_uris":["https://app.example/cb"],"client_name":"Off"})");
    QCOMPARE(reply.status, 404);
    // The same answer as a path nothing handles.
    const Reply unknown
        = m_http->send("POST", QUrl(m_disabled->restUrl().toString() + u"/oauth2/nothing"), "x");
    QCOMPARE(unknown.status, 404);
    QCOMPARE(reply.json()[u"messageTranslations"_qs][u"en"_qs].toString(),
             unknown.json()[u"messageTranslations"_qs][u"en"_qs].toString().replace(u"/oauth2/nothing"_qs,
                                                                                    u"/oauth2/register"_qs));
    QCOMPARE(m_disabled->clients()->listAll()->size(), m_disabled->demoClients().size());
}

void TestDynamicRegistration::registers_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("confidential");
    QTest::addColumn<QStringList>("grantTypes");
    QTest::addColumn<QStringList>("grants");
    QTest::newRow("defaults: confidential, code, basic")
        << QByteArray(R"({"redirect_uris":["https://app.example/cb"],"client_name":"Defaults"})") << true
        << QStringList {u"authorization_code"_qs} << QStringList {u"basic"_qs};
    QTest::newRow("public PKCE app") << QByteArray(
        R"({"redirect_uris":["http://127.0.0.1:8766/cb"],"client_name":"Native",)"
        R"("token_endpoint_auth_method":"none","grant_types":["authorization_code","refresh_token"],)"
        R"("scope":"editpage"})") << false
                                     << QStringList {u"authorization_code"_qs, u"refresh_token"_qs}
                                     << QStringList {u"basic"_qs, u"editpage"_qs};
    QTest::newRow("client_secret_post machine")
        << QByteArray(
               R"({"redirect_uris":["https://bot.example/cb"],"client_name":"Bot",)"
               R"("token_endpoint_auth_method":"client_secret_post","grant_types":["client_credentials"]})")
        << true << QStringList {u"client_credentials"_qs} << QStringList {u"basic"_qs};
}

void TestDynamicRegistration::registers()
{
    QFETCH(QByteArray, body);
    QFETCH(bool, confidential);
    QFETCH(QStringList, grantTypes);
    QFETCH(QStringList, grants);
    const Reply reply = post(*m_enabled, body);
    QCOMPARE(reply.status, 201);
    QCOMPARE(reply.header("Cache-Control"), QByteArray("no-store"));
    const QJsonObject json = reply.json();
    const QJsonObject sent = QJsonDocument::fromJson(body).object();
    QVERIFY(QRegularExpression(u"^[0-9a-f]{32}$"_qs).match(json[u"client_id"_qs].toString()).hasMatch());
    QCOMPARE(json[u"client_id_issued_at"_qs].toInteger(), qint64(m_clock.nowSeconds()));
    QCOMPARE(json[u"redirect_uris"_qs].toArray(), sent[u"redirect_uris"_qs].toArray());
    QCOMPARE(json[u"client_name"_qs].toString(), sent[u"client_name"_qs].toString());
    QCOMPARE(json[u"grant_types"_qs].toArray(), QJsonArray::fromStringList(grantTypes));
    QCOMPARE(json[u"scope"_qs].toString(), grants.join(u' '));
    QCOMPARE(json.contains(u"client_secret"_qs), confidential);
    const auto client = m_enabled->clients()->findByKey(json[u"client_id"_qs].toString());
    QVERIFY(client.ok());
    QCOMPARE(client->stage, ClientStage::Proposed); // waits for an admin (no auto-approve)
    QCOMPARE(client->userId, m_enabled->users()->findUser(u"Admin"_qs)->id);
    QCOMPARE(client->oauth2IsConfidential, confidential);
    QCOMPARE(client->oauth2GrantTypes, grantTypes);
    QCOMPARE(client->grants, grants);
    if (confidential) {
        QCOMPARE(json[u"client_secret_expires_at"_qs].toInt(-1), 0);
        QVERIFY(m_enabled->clients()->verifySecret(*client, json[u"client_secret"_qs].toString().toLatin1()));
    }
}

void TestDynamicRegistration::refused_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("type");
    QTest::addColumn<QString>("error");
    const QByteArray json = "application/json";
    QTest::newRow("no redirect_uris")
        << QByteArray(R"({"client_name":"X"})") << json << u"invalid_redirect_uri"_qs;
    QTest::newRow("two redirect_uris") << QByteArray(
        R"({"client_name":"X","redirect_uris":["https://a.example/cb","https://b.example/cb"]})")
                                       << json << u"invalid_redirect_uri"_qs;
    QTest::newRow("http off loopback")
        << QByteArray(R"({"client_name":"X","redirect_uris":["http://a.example/cb"]})") << json
        << u"invalid_redirect_uri"_qs;
    QTest::newRow("javascript: URI") << QByteArray(
        R"({"client_name":"X","redirect_uris":["javascript:void"]})")
                                     << json << u"invalid_redirect_uri"_qs;
    QTest::newRow("redirect_uris not an array")
        << QByteArray(R"({"client_name":"X","redirect_uris":"https://a.example/cb"})") << json
        << u"invalid_redirect_uri"_qs;
    QTest::newRow("no client_name") << QByteArray(R"({"redirect_uris":["https://a.example/cb"]})") << json
                                    << u"invalid_client_metadata"_qs;
    QTest::newRow("unknown grant type") << QByteArray(
        R"({"client_name":"X","redirect_uris":["https://a.example/cb"],"grant_types":["password"]})")
                                        << json << u"invalid_client_metadata"_qs;
    QTest::newRow("implicit response type") << QByteArray(
        R"({"client_name":"X","redirect_uris":["https://a.example/cb"],"response_types":["token"]})")
                                            << json << u"invalid_client_metadata"_qs;
    QTest::newRow("unknown auth method")
        << QByteArray(R"({"client_name":"X","redirect_uris":["https://a.example/cb"],)"
                      R"("token_endpoint_auth_method":"private_key_jwt"})")
        << json << u"invalid_client_metadata"_qs;
    QTest::newRow("unknown scope") << QByteArray(
        R"({"client_name":"X","redirect_uris":["https://a.example/cb"],"scope":"basic root"})")
                                   << json << u"invalid_client_metadata"_qs;
    QTest::newRow("public client with client_credentials")
        << QByteArray(R"({"client_name":"X","redirect_uris":["https://a.example/cb"],)"
                      R"("token_endpoint_auth_method":"none","grant_types":["client_credentials"]})")
        << json << u"invalid_client_metadata"_qs;
    QTest::newRow("a form body") << QByteArray("client_name=X&redirect_uris=https%3A%2F%2Fa.example%2Fcb")
                                 << QByteArray("application/x-www-form-urlencoded")
                                 << u"invalid_client_metadata"_qs;
    QTest::newRow("not JSON") << QByteArray("{") << json << u"invalid_client_metadata"_qs;
}

void TestDynamicRegistration::refused()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, type);
    QFETCH(QString, error);
    const qsizetype before = m_enabled->clients()->listAll()->size();
    const Reply reply = post(*m_enabled, body, type);
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.json()[u"error"_qs].toString(), error);
    QVERIFY(reply.json()[u"error_description"_qs].toString().size() > 10);
    QCOMPARE(m_enabled->clients()->listAll()->size(), before);
}

void TestDynamicRegistration::registeredClientGetsAToken()
{
    const Reply registered = post(*m_enabled,
                                  R"({"redirect_uris":["https://m.example/cb"],"client_name":"Machine",)"
                                  R"("grant_types":["client_credentials"],"scope":"editpage"})");
    QCOMPARE(registered.status, 201);
    const QByteArray body = "grant_type=client_credentials&client_id="
        + registered.json()[u"client_id"_qs].toString().toLatin1()
        + "&client_secret=" + registered.json()[u"client_secret"_qs].toString().toLatin1();
    const Reply token
        = m_http->send("POST", QUrl(m_enabled->restUrl().toString() + u"/oauth2/access_token"), body);
    QCOMPARE(token.status, 200);
    QCOMPARE(token.json()[u"token_type"_qs].toString(), u"Bearer"_qs);
}

// registration_endpoint is advertised exactly when the route answers.
void TestDynamicRegistration::discoveryNamesItWhenEnabled()
{
    for (LocalProvider *provider : {m_disabled.get(), m_enabled.get()}) {
        const Reply reply = m_http->send(
            "GET", QUrl(provider->baseUrl().toString() + u"/.well-known/openid-configuration"_qs));
        QCOMPARE(reply.status, 200);
        const QJsonObject metadata = reply.json();
        const bool enabled = provider == m_enabled.get();
        QCOMPARE(metadata.contains(u"registration_endpoint"_qs), enabled);
        if (enabled)
            QCOMPARE(metadata[u"registration_endpoint"_qs].toString(),
                     provider->restUrl().toString() + u"/oauth2/register"_qs);
    }
}
QTEST_GUILESS_MAIN(TestDynamicRegistration)
#include "TestDynamicRegistration.moc"
