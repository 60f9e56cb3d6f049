// OAuth 2 errors in Extension:OAuth 1.39's shape (texts as observed, reference/mediawiki-oauth.md
// section 1.2), and where a token request's client credentials come from (HTTP Basic or the
// form body; the body wins).

#include "provider/oauth2/OAuth2Error.h"

#include <QJsonDocument>
#include <QTest>

using namespace mwauth;
using namespace mwauth::provider;

class TestOAuth2Error : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void observedBodies();
    void responseHeaders();
    void credentials_data();
    void credentials();
};

void TestOAuth2Error::observedBodies()
{
    // Observed on MediaWiki 1.39 (the reference quotes them).
    QCOMPARE(OAuth2Error::invalidClient().json(),
             QJsonDocument::fromJson(
                 R"({"error":"invalid_client","error_description":"Client authentication failed",)"
                 R"("message":"Client authentication failed"})")
                 .object());
    const QJsonObject request = OAuth2Error::invalidRequest(QStringLiteral("grant_type")).json();
    QCOMPARE(request[u"error"].toString(), QStringLiteral("invalid_request"));
    QCOMPARE(request[u"error_description"].toString(),
             QStringLiteral(
                 "The request is missing a required parameter, includes an invalid parameter value, includes "
                 "a parameter more than once, or is otherwise malformed."));
    QCOMPARE(request[u"hint"].toString(), QStringLiteral("Check the `grant_type` parameter"));
    const QJsonObject refresh
        = OAuth2Error::invalidRefreshToken(QStringLiteral("Token has been revoked")).json();
    QCOMPARE(refresh[u"error_description"].toString(), QStringLiteral("The refresh token is invalid."));
    QCOMPARE(refresh[u"hint"].toString(), QStringLiteral("Token has been revoked"));
    QCOMPARE(OAuth2Error::invalidRefreshToken({}).status, 401);
    QCOMPARE(OAuth2Error::invalidScope(QStringLiteral("nosuchscope")).json()[u"hint"].toString(),
             QStringLiteral("Check the `nosuchscope` scope"));
    QVERIFY(!OAuth2Error::invalidGrant().json().contains(u"hint")); // no empty hint
    QCOMPARE(OAuth2Error::serverError(QStringLiteral("db")).status, 500);
    QCOMPARE(OAuth2Error::unsupportedGrantType().status, 400);
}

void TestOAuth2Error::responseHeaders()
{
    HttpRequest plain;
    RestResponse response = OAuth2Error::invalidClient().response(plain);
    QCOMPARE(response.status, 401);
    const auto header = [&response](const QByteArray &name) {
        for (const auto &[key, value] : response.headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        }
        return QByteArray();
    };
    QCOMPARE(header("Cache-Control"), QByteArray("no-store"));
    QVERIFY(header("WWW-Authenticate").isEmpty());
    HttpRequest withBasic;
    withBasic.headers.append(std::pair<QByteArray, QByteArray>("Authorization", "Basic Zm9vOmJhcg=="));
    response = OAuth2Error::invalidClient().response(withBasic);
    QCOMPARE(header("WWW-Authenticate"), QByteArray("Basic realm=\"OAuth\""));
    response = OAuth2Error::invalidGrant().response(withBasic);
    QVERIFY(header("WWW-Authenticate").isEmpty()); // only for invalid_client
}

void TestOAuth2Error::credentials_data()
{
    QTest::addColumn<QByteArray>("authorization");
    QTest::addColumn<QByteArray>("form"); // "id|secret", either may be empty
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("secret");
    QTest::addColumn<bool>("basic");
    QTest::addColumn<bool>("ok");
    const QByteArray basic = "Basic " + QByteArray("client:s3cr%3At").toBase64();
    QTest::newRow("basic") << basic << QByteArray("|") << "client"
                           << "s3cr:t" << true << true;
    QTest::newRow("basic, lower-case scheme")
        << ("basic " + QByteArray("c:s").toBase64()) << QByteArray("|") << "c"
        << "s" << true << true;
    QTest::newRow("body") << QByteArray() << QByteArray("client|secret") << "client"
                          << "secret" << false << true;
    QTest::newRow("public client, id only") << QByteArray() << QByteArray("client|") << "client"
                                            << "" << false << true;
    QTest::newRow("body wins over basic") << basic << QByteArray("other|pw") << "other"
                                          << "pw" << false << true;
    QTest::newRow("basic without colon")
        << ("Basic " + QByteArray("client").toBase64()) << QByteArray("|") << ""
        << "" << true << false;
    QTest::newRow("basic not base64") << QByteArray("Basic ***") << QByteArray("|") << ""
                                      << "" << true << false;
    QTest::newRow("no client at all") << QByteArray() << QByteArray("|") << ""
                                      << "" << false << false;
    QTest::newRow("bearer is not client auth") << QByteArray("Bearer abc") << QByteArray("|") << ""
                                               << "" << false << false;
}

void TestOAuth2Error::credentials()
{
    QFETCH(QByteArray, authorization);
    QFETCH(QByteArray, form);
    QFETCH(QString, id);
    QFETCH(QString, secret);
    QFETCH(bool, basic);
    QFETCH(bool, ok);
    HttpRequest request;
    if (!authorization.isEmpty())
        request.headers.append(std::pair<QByteArray, QByteArray>("Authorization", authorization));
    const QList<QByteArray> parts = form.split('|');
    if (!parts.at(0).isEmpty())
        request.form.append(std::pair<QByteArray, QByteArray>("client_id", parts.at(0)));
    if (!parts.at(1).isEmpty())
        request.form.append(std::pair<QByteArray, QByteArray>("client_secret", parts.at(1)));
    const auto credentials = clientCredentials(request);
    QCOMPARE(credentials.ok(), ok);
    if (!ok) {
        QCOMPARE(credentials.error().code(), ErrorCode::InvalidInput);
        QVERIFY(!credentials.error().message().isEmpty());
        return;
    }
    QCOMPARE(credentials->clientId, id);
    QCOMPARE(credentials->secret, secret);
    QCOMPARE(credentials->viaBasic, basic);
}

QTEST_GUILESS_MAIN(TestOAuth2Error)
#include "TestOAuth2Error.moc"
