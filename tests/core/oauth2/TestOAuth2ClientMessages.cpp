// The client side's OAuth 2 messages: discovery documents (ProviderMetadata), the
// authorization request URL, token responses (strict parsing), error responses with
// MediaWiki's hint/message, and replies that are not JSON at all.

#include "oauth2/AuthorizationRequest.h"
#include "oauth2/ErrorResponse.h"
#include "oauth2/ProviderMetadata.h"
#include "oauth2/TokenResponse.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace mwauth;
using namespace mwauth::oauth2;

namespace {

const QUrl kIssuer(QStringLiteral("http://127.0.0.1:8080"));

QByteArray discovery(QJsonObject changes = {})
{
    QJsonObject document {
        {QStringLiteral("issuer"), QStringLiteral("http://127.0.0.1:8080")},
        {QStringLiteral("authorization_endpoint"),
         QStringLiteral("http://127.0.0.1:8080/w/rest.php/oauth2/authorize")},
        {QStringLiteral("token_endpoint"),
         QStringLiteral("http://127.0.0.1:8080/w/rest.php/oauth2/access_token")},
        {QStringLiteral("jwks_uri"), QStringLiteral("http://127.0.0.1:8080/w/rest.php/oauth2/jwks")},
        {QStringLiteral("code_challenge_methods_supported"), QJsonArray {QStringLiteral("S256")}},
        {QStringLiteral("id_token_signing_alg_values_supported"), QJsonArray {QStringLiteral("RS256")}},
    };
    for (auto it = changes.begin(); it != changes.end(); ++it) {
        if (it.value().isNull())
            document.remove(it.key());
        else
            document.insert(it.key(), it.value());
    }
    return QJsonDocument(document).toJson(QJsonDocument::Compact);
}

} // namespace

class TestOAuth2ClientMessages : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void wellKnownUrls()
    {
        const QList<QUrl> plain = ProviderMetadata::wellKnownUrls(kIssuer);
        QCOMPARE(plain.size(), 2);
        QCOMPARE(plain[0].toString(), u"http://127.0.0.1:8080/.well-known/openid-configuration"_qs);
        QCOMPARE(plain[1].toString(), u"http://127.0.0.1:8080/.well-known/oauth-authorization-server"_qs);
        // RFC 8414 section 3.1 inserts the well-known part before the issuer's path.
        const QList<QUrl> withPath
            = ProviderMetadata::wellKnownUrls(QUrl(u"https://auth.example/tenant/"_qs));
        QCOMPARE(withPath[0].toString(), u"https://auth.example/tenant/.well-known/openid-configuration"_qs);
        QCOMPARE(withPath[1].toString(),
                 u"https://auth.example/.well-known/oauth-authorization-server/tenant"_qs);
    }

    void discoveryParsed()
    {
        const Result<ProviderMetadata> metadata = ProviderMetadata::fromJson(discovery(), kIssuer);
        QVERIFY2(metadata.ok(), qPrintable(metadata.error().message()));
        QVERIFY(metadata->fromDiscovery);
        QCOMPARE(metadata->tokenEndpoint.toString(),
                 u"http://127.0.0.1:8080/w/rest.php/oauth2/access_token"_qs);
        QCOMPARE(metadata->jwksUri.path(), u"/w/rest.php/oauth2/jwks"_qs);
        QVERIFY(metadata->revocationEndpoint.isEmpty());
        QVERIFY(metadata->supportsCodeChallengeMethod(u"S256"_qs));
        QVERIFY(!metadata->supportsCodeChallengeMethod(u"plain"_qs));
        QVERIFY(metadata->supportsTokenEndpointAuthMethod(u"client_secret_basic"_qs)); // not said: allowed
        QCOMPARE(metadata->idTokenSigningAlgs, QStringList {u"RS256"_qs});
    }

    void badDiscovery_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<ErrorCode>("code");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("not json") << QByteArray("<html>") << ErrorCode::MalformedJson << u"discovery"_qs;
        QTest::newRow("array") << QByteArray("[]") << ErrorCode::MalformedJson << u"discovery"_qs;
        QTest::newRow("other issuer") << discovery({{u"issuer"_qs, u"https://evil.example"_qs}})
                                      << ErrorCode::WrongIssuer << u"evil"_qs;
        QTest::newRow("issuer with slash") << discovery({{u"issuer"_qs, u"http://127.0.0.1:8080/"_qs}})
                                           << ErrorCode::WrongIssuer << u"issuer"_qs;
        QTest::newRow("no token endpoint") << discovery({{u"token_endpoint"_qs, QJsonValue::Null}})
                                           << ErrorCode::MalformedJson << u"token_endpoint"_qs;
        QTest::newRow("relative endpoint") << discovery({{u"authorization_endpoint"_qs, u"/authorize"_qs}})
                                           << ErrorCode::MalformedUrl << u"authorization_endpoint"_qs;
        QTest::newRow("javascript endpoint")
            << discovery({{u"userinfo_endpoint"_qs, u"javascript:alert(1)"_qs}}) << ErrorCode::MalformedUrl
            << u"userinfo_endpoint"_qs;
        QTest::newRow("number endpoint")
            << discovery({{u"jwks_uri"_qs, 5}}) << ErrorCode::MalformedJson << u"jwks_uri"_qs;
        QTest::newRow("list of numbers")
            << discovery({{u"code_challenge_methods_supported"_qs, QJsonArray {1}}})
            << ErrorCode::MalformedJson << u"code_challenge_methods_supported"_qs;
        QTest::newRow("duplicate member")
            << QByteArray("{\"issuer\":\"http://127.0.0.1:8080\",\"issuer\":\"https://evil.example\"}")
            << ErrorCode::MalformedJson << u"issuer"_qs;
    }

    void badDiscovery()
    {
        QFETCH(QByteArray, json);
        QFETCH(ErrorCode, code);
        QFETCH(QString, mentions);
        const Result<ProviderMetadata> metadata = ProviderMetadata::fromJson(json, kIssuer);
        QVERIFY(!metadata.ok());
        QCOMPARE(metadata.error().code(), code);
        QVERIFY2(metadata.error().message().contains(mentions), qPrintable(metadata.error().message()));
    }

    void mediaWikiEndpoints()
    {
        const Result<ProviderMetadata> metadata = ProviderMetadata::forMediaWiki(
            QUrl(u"https://wiki.example/w/rest.php"_qs), QUrl(u"https://wiki.example/w/index.php"_qs));
        QVERIFY(metadata.ok());
        QVERIFY(!metadata->fromDiscovery);
        QCOMPARE(metadata->authorizationEndpoint.toString(),
                 u"https://wiki.example/w/rest.php/oauth2/authorize"_qs);
        QCOMPARE(metadata->tokenEndpoint.toString(),
                 u"https://wiki.example/w/rest.php/oauth2/access_token"_qs);
        QCOMPARE(metadata->userinfoEndpoint.toString(),
                 u"https://wiki.example/w/rest.php/oauth2/resource/profile"_qs);
        QVERIFY(metadata->jwksUri.isEmpty()); // MediaWiki publishes no JWKS
        QCOMPARE(metadata->indexPhp.toString(), u"https://wiki.example/w/index.php"_qs);
        QVERIFY(!ProviderMetadata::forMediaWiki(QUrl(u"rest.php"_qs)).ok());
        QCOMPARE(ProviderMetadata::forMediaWiki(QUrl(u"ftp://wiki.example/rest.php"_qs)).error().code(),
                 ErrorCode::MalformedUrl);
    }

    void authorizationUrl()
    {
        AuthorizationRequest request;
        request.endpoint = QUrl(u"https://wiki.example/w/rest.php/oauth2/authorize?x=1"_qs);
        request.clientId = u"abc"_qs;
        request.redirectUri = u"http://127.0.0.1:5000/callback"_qs;
        request.scopes = {u"openid"_qs, u"basic"_qs};
        request.state = "st&te";
        request.nonce = "n0nce";
        request.pkce = *Pkce::fromVerifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        const QUrl url = request.toUrl();
        const QUrlQuery query(url);
        QCOMPARE(url.path(), u"/w/rest.php/oauth2/authorize"_qs);
        QCOMPARE(query.queryItemValue(u"x"_qs), u"1"_qs);
        QCOMPARE(query.queryItemValue(u"response_type"_qs), u"code"_qs);
        QCOMPARE(query.queryItemValue(u"client_id"_qs), u"abc"_qs);
        QCOMPARE(query.queryItemValue(u"redirect_uri"_qs, QUrl::FullyDecoded),
                 u"http://127.0.0.1:5000/callback"_qs);
        QCOMPARE(query.queryItemValue(u"scope"_qs, QUrl::FullyDecoded), u"openid basic"_qs);
        QCOMPARE(query.queryItemValue(u"state"_qs, QUrl::FullyDecoded), u"st&te"_qs);
        QCOMPARE(query.queryItemValue(u"nonce"_qs), u"n0nce"_qs);
        QCOMPARE(query.queryItemValue(u"code_challenge"_qs),
                 u"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"_qs);
        QCOMPARE(query.queryItemValue(u"code_challenge_method"_qs), u"S256"_qs);
        QVERIFY(!url.toString(QUrl::FullyEncoded).contains(u' '));

        AuthorizationRequest bare;
        bare.endpoint = QUrl(u"https://wiki.example/authorize"_qs);
        bare.clientId = u"abc"_qs;
        const QUrlQuery bareQuery(bare.toUrl());
        QVERIFY(!bareQuery.hasQueryItem(u"redirect_uri"_qs));
        QVERIFY(!bareQuery.hasQueryItem(u"scope"_qs));
        QVERIFY(!bareQuery.hasQueryItem(u"code_challenge"_qs));
    }

    void tokenResponseParsed()
    {
        // The recorded MediaWiki 1.39 shape (reference section 1.2) and an OIDC one.
        const Result<TokenResponse> mw
            = TokenResponse::fromJson("{\"token_type\":\"Bearer\",\"expires_in\":3600,\"access_token\":\"eyJ."
                                      "a.b\",\"refresh_token\":\"def50200ab\"}");
        QVERIFY2(mw.ok(), qPrintable(mw.error().message()));
        QCOMPARE(mw->accessToken, QByteArray("eyJ.a.b"));
        QCOMPARE(mw->refreshToken, QByteArray("def50200ab"));
        QCOMPARE(mw->expiresIn, std::optional<qint64>(3600));
        QVERIFY(!mw->scope.has_value());
        QVERIFY(mw->idToken.isEmpty());
        QVERIFY(mw->isBearer());
        const Result<TokenResponse> oidc
            = TokenResponse::fromJson("{\"token_type\":\"bearer\",\"access_token\":\"x\",\"scope\":\"openid "
                                      "basic\",\"id_token\":\"h.p.s\"}");
        QVERIFY(oidc.ok());
        QVERIFY(oidc->isBearer());
        QCOMPARE(*oidc->scope, (QStringList {u"openid"_qs, u"basic"_qs}));
        QCOMPARE(oidc->idToken, QByteArray("h.p.s"));
        QVERIFY(!oidc->expiresIn.has_value());
    }

    void badTokenResponse_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("not json") << QByteArray("{") << u"token response"_qs;
        QTest::newRow("no access_token") << QByteArray("{\"token_type\":\"Bearer\"}") << u"access_token"_qs;
        QTest::newRow("empty access_token")
            << QByteArray("{\"token_type\":\"Bearer\",\"access_token\":\"\"}") << u"access_token"_qs;
        QTest::newRow("number access_token")
            << QByteArray("{\"token_type\":\"Bearer\",\"access_token\":5}") << u"access_token"_qs;
        QTest::newRow("no token_type") << QByteArray("{\"access_token\":\"x\"}") << u"token_type"_qs;
        QTest::newRow("string expires_in")
            << QByteArray("{\"access_token\":\"x\",\"token_type\":\"Bearer\",\"expires_in\":\"3600\"}")
            << u"expires_in"_qs;
        QTest::newRow("negative expires_in")
            << QByteArray("{\"access_token\":\"x\",\"token_type\":\"Bearer\",\"expires_in\":-1}")
            << u"expires_in"_qs;
        QTest::newRow("fractional expires_in")
            << QByteArray("{\"access_token\":\"x\",\"token_type\":\"Bearer\",\"expires_in\":1.5}")
            << u"expires_in"_qs;
        QTest::newRow("object refresh_token")
            << QByteArray("{\"access_token\":\"x\",\"token_type\":\"Bearer\",\"refresh_token\":{}}")
            << u"refresh_token"_qs;
        QTest::newRow("array scope") << QByteArray(
            "{\"access_token\":\"x\",\"token_type\":\"Bearer\",\"scope\":[\"a\"]}")
                                     << u"scope"_qs;
        QTest::newRow("duplicate access_token")
            << QByteArray("{\"access_token\":\"x\",\"token_type\":\"Bearer\",\"access_token\":\"y\"}")
            << u"access_token"_qs;
    }

    void badTokenResponse()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, mentions);
        const Result<TokenResponse> response = TokenResponse::fromJson(json);
        QVERIFY(!response.ok());
        QCOMPARE(response.error().code(), ErrorCode::MalformedJson);
        QVERIFY2(response.error().message().contains(mentions), qPrintable(response.error().message()));
    }

    void mediaWikiErrorBody()
    {
        // Observed on MediaWiki 1.39 (reference section 1.2).
        const QByteArray body
            = "{\"error\":\"invalid_request\",\"error_description\":\"The request is missing a required "
              "parameter.\",\"hint\":\"Check the `grant_type` parameter\",\"message\":\"The request is "
              "missing a required parameter.\"}";
        const Result<TokenResponse> reply = TokenResponse::fromReply(400, "application/json", body);
        QVERIFY(!reply.ok());
        QCOMPARE(reply.error().code(), ErrorCode::Server);
        QVERIFY(reply.error().message().contains(u"invalid_request"_qs));
        QVERIFY(reply.error().message().contains(u"Check the `grant_type` parameter"_qs));
        QVERIFY(reply.error().message().contains(u"HTTP 400"_qs));
        const std::optional<ErrorResponse> error = ErrorResponse::fromJson(body, 400);
        QVERIFY(error.has_value());
        QCOMPARE(error->hint, u"Check the `grant_type` parameter"_qs);
        QCOMPARE(error->message, u"The request is missing a required parameter."_qs);
    }

    void errorRedirectQuery()
    {
        // No state on MediaWiki's error redirects.
        const QUrlQuery query(u"error=unauthorized_client&error_description=User+has+rejected+the+request"
                              u"&message=User+has+rejected"_qs);
        const std::optional<ErrorResponse> error = ErrorResponse::fromQuery(query);
        QVERIFY(error.has_value());
        QCOMPARE(error->error, u"unauthorized_client"_qs);
        QCOMPARE(error->httpStatus, 0);
        QVERIFY(error->summary().startsWith(u"unauthorized_client: User"_qs));
        QVERIFY(!ErrorResponse::fromQuery(QUrlQuery(u"code=abc"_qs)).has_value());
        QVERIFY(!ErrorResponse::fromJson("{\"error\":5}", 400).has_value());
        QVERIFY(!ErrorResponse::fromJson("oops", 400).has_value());
    }

    void htmlWhereJsonWasExpected()
    {
        const Result<TokenResponse> page = TokenResponse::fromReply(
            502, "text/html; charset=utf-8", "<html><title>Bad Gateway</title></html>");
        QVERIFY(!page.ok());
        QCOMPARE(page.error().code(), ErrorCode::Protocol);
        QVERIFY2(page.error().message().contains(u"HTTP 502 with text/html (an error page?)"_qs),
                 qPrintable(page.error().message()));
        const Result<TokenResponse> empty = TokenResponse::fromReply(200, {}, {});
        QVERIFY(!empty.ok());
        QVERIFY(empty.error().message().contains(u"empty body"_qs));
        const Result<TokenResponse> html200 = TokenResponse::fromReply(200, "text/html", "<p>hi</p>");
        QCOMPARE(html200.error().code(), ErrorCode::Protocol);
        const Result<TokenResponse> brokenJson = TokenResponse::fromReply(200, "application/json", "{\"a\":");
        QCOMPARE(brokenJson.error().code(), ErrorCode::MalformedJson);
    }
};

QTEST_GUILESS_MAIN(TestOAuth2ClientMessages)
#include "TestOAuth2ClientMessages.moc"
