// /.well-known/openid-configuration and /.well-known/oauth-authorization-server over real
// HTTP: one document, the members OpenID Connect Discovery 1.0 section 3 requires, and every
// endpoint it names answers on this provider (none of them 404).

#include "BearerTestSupport.h"
#include "provider/clients/Grants.h"

#include <QJsonArray>

using namespace mwauth;
using namespace mwauth::provider;
using namespace mwauth::provider::testing;

class TestDiscoveryOidc : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void sameDocumentAtBothNames();
    void members_data();
    void members();
    void endpointsAnswer_data();
    void endpointsAnswer();
    void followsTheSigningKeys();

private:
    QJsonObject document(const QString &name);

    BearerFixture f;
    QJsonObject m_metadata;
};

QJsonObject TestDiscoveryOidc::document(const QString &name)
{
    const Reply reply
        = f.http->send("GET", QUrl(f.provider->baseUrl().toString() + u"/.well-known/"_qs + name));
    if (reply.status != 200)
        return {};
    return reply.json();
}

void TestDiscoveryOidc::initTestCase()
{
    QVERIFY(f.start());
    m_metadata = document(u"openid-configuration"_qs);
    QVERIFY(!m_metadata.isEmpty());
}

void TestDiscoveryOidc::cleanupTestCase()
{
    f.stop();
}

void TestDiscoveryOidc::sameDocumentAtBothNames()
{
    QCOMPARE(document(u"oauth-authorization-server"_qs), m_metadata);
    // OIDC Discovery section 4.3: issuer equals the URL the document was fetched under.
    QCOMPARE(m_metadata[u"issuer"].toString(), f.provider->issuer().toString());
}

void TestDiscoveryOidc::members_data()
{
    QTest::addColumn<QString>("member");
    QTest::addColumn<QJsonValue>("expected"); // Undefined: only present and non-empty
    const auto list = [](std::initializer_list<const char *> values) {
        QJsonArray array;
        for (const char *v : values)
            array.append(QString::fromLatin1(v));
        return QJsonValue(array);
    };
    QTest::newRow("response_types_supported") << u"response_types_supported"_qs << list({"code"});
    QTest::newRow("response_modes_supported") << u"response_modes_supported"_qs << list({"query"});
    QTest::newRow("subject_types_supported") << u"subject_types_supported"_qs << list({"public"});
    QTest::newRow("grant_types_supported")
        << u"grant_types_supported"_qs << list({"authorization_code", "refresh_token", "client_credentials"});
    QTest::newRow("token_endpoint_auth_methods_supported")
        << u"token_endpoint_auth_methods_supported"_qs
        << list({"client_secret_basic", "client_secret_post", "none"});
    QTest::newRow("code_challenge_methods_supported")
        << u"code_challenge_methods_supported"_qs << list({"S256", "plain"});
    QTest::newRow("request_parameter_supported") << u"request_parameter_supported"_qs << QJsonValue(false);
    QTest::newRow("request_uri_parameter_supported")
        << u"request_uri_parameter_supported"_qs << QJsonValue(false);
    QTest::newRow("id_token_signing_alg_values_supported")
        << u"id_token_signing_alg_values_supported"_qs << QJsonValue(QJsonValue::Undefined);
    QTest::newRow("claims_supported") << u"claims_supported"_qs << QJsonValue(QJsonValue::Undefined);
}

void TestDiscoveryOidc::members()
{
    QFETCH(QString, member);
    QFETCH(QJsonValue, expected);
    QVERIFY2(m_metadata.contains(member), qPrintable(member));
    if (expected.isUndefined())
        QVERIFY(!m_metadata[member].toArray().isEmpty());
    else
        QCOMPARE(m_metadata[member], expected);
}

void TestDiscoveryOidc::endpointsAnswer_data()
{
    QTest::addColumn<QString>("member");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<int>("status"); // what an unauthenticated, parameterless request gets; 0: any but 404
    // The authorization endpoint's answer to no parameters is its own (an HTML error page).
    QTest::newRow("authorization_endpoint") << u"authorization_endpoint"_qs << QByteArray("GET") << 0;
    QTest::newRow("token_endpoint") << u"token_endpoint"_qs << QByteArray("POST") << 400;
    QTest::newRow("userinfo_endpoint") << u"userinfo_endpoint"_qs << QByteArray("GET") << 401;
    QTest::newRow("jwks_uri") << u"jwks_uri"_qs << QByteArray("GET") << 200;
    QTest::newRow("revocation_endpoint") << u"revocation_endpoint"_qs << QByteArray("POST") << 400;
    QTest::newRow("introspection_endpoint") << u"introspection_endpoint"_qs << QByteArray("POST") << 400;
}

void TestDiscoveryOidc::endpointsAnswer()
{
    QFETCH(QString, member);
    QFETCH(QByteArray, method);
    QFETCH(int, status);
    const QUrl url(m_metadata[member].toString());
    QVERIFY2(url.isValid() && url.toString().startsWith(f.provider->baseUrl().toString()),
             qPrintable(member));
    const Reply reply = f.http->send(method, url, method == "POST" ? QByteArray("x=1") : QByteArray());
    QVERIFY(reply.status != 0 && reply.status != 404);
    if (status != 0)
        QCOMPARE(reply.status, status);
}

// The document is kept between requests, but a new key's algorithm shows in the next one.
void TestDiscoveryOidc::followsTheSigningKeys()
{
    const QUrl url(f.provider->baseUrl().toString() + u"/.well-known/openid-configuration"_qs);
    const auto algs = [&] {
        const Reply reply = f.http->send("GET", url);
        return reply.json()[u"id_token_signing_alg_values_supported"_qs].toArray();
    };
    QCOMPARE(algs(), QJsonArray {u"RS256"_qs});
    QCOMPARE(algs(), QJsonArray {u"RS256"_qs}); // served again from the kept document
    const auto next = f.provider->keys()->generate(jose::JwsAlgorithm::ES256, u"test"_qs);
    QVERIFY2(next.ok(), next.ok() ? "" : qPrintable(next.error().toString()));
    QCOMPARE(algs(), (QJsonArray {u"RS256"_qs, u"ES256"_qs})); // current, then next
}

QTEST_GUILESS_MAIN(TestDiscoveryOidc)
#include "TestDiscoveryOidc.moc"
