// The OAuth 2 flows end to end against a whole LocalProvider with its demo data over real
// HTTP on 127.0.0.1: the authorization code flow through a scripted browser (login and
// consent forms) and the loopback listener, with discovery + OIDC id_token validation and
// with MediaWiki's endpoints + PKCE for a public client; client credentials; refresh
// rotation; introspection and revocation; a forged state; a wrong client secret; and the
// MediaWiki explanations of errors. Every flow finishes exactly once.

#include "ScriptedBrowser.h"
#include "common/Clock.h"
#include "common/Random.h"
#include "flows/AuthorizationCodeFlow.h"
#include "flows/MediaWikiErrors.h"
#include "flows/TokenFlows.h"
#include "provider/LocalProvider.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using namespace mwauth;
using namespace mwauth::flows;
using namespace mwauth::flows::testing;
using namespace mwauth::provider;

class TestOAuth2Flows : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void clientCredentials();
    void wrongClientSecretIsExplained();
    void authorizationCodeWithOidcRefreshIntrospectRevoke();
    void authorizationCodeMediaWikiPublicPkce();
    void forgedStateIsRefusedAndFinishesOnce();
    void deniedConsentErrorWithoutState();
    void mediaWikiExplanations_data();
    void mediaWikiExplanations();

private:
    struct Client
    {
        QString id;
        QByteArray secret;
    };
    Client registerClient(const QString &name, bool confidential, const QStringList &grantTypes);
    // Runs `flow` to its end; checks it finished exactly once.
    FlowResult run(Flow &flow);
    OAuth2Settings settings(const Client &client) const;

    SystemClock m_clock;
    SystemRandom m_random;
    std::unique_ptr<LocalProvider> m_provider;
    QNetworkAccessManager m_nam;
    quint16 m_port = 0;
    Client m_web;
    Client m_public;
    Client m_bot;
};

TestOAuth2Flows::Client TestOAuth2Flows::registerClient(const QString &name, bool confidential,
                                                        const QStringList &grantTypes)
{
    ClientRegistration registration;
    registration.name = name;
    registration.callbackUrl = u"http://127.0.0.1:%1/callback"_qs.arg(m_port);
    registration.description = u"A flow test client"_qs;
    registration.email = u"dev@example.org"_qs;
    registration.oauth2GrantTypes = grantTypes;
    registration.oauth2IsConfidential = confidential;
    registration.grants = {u"basic"_qs, u"editpage"_qs};
    registration.approved = true;
    registration.ownerId = m_provider->users()->findUser(u"Admin"_qs)->id;
    const auto issued = m_provider->clients()->registerClient(registration, u"Admin"_qs);
    if (!issued) {
        qWarning() << issued.error().toString();
        return {};
    }
    return {issued->client.consumerKey, issued->secret};
}

void TestOAuth2Flows::initTestCase()
{
    QTcpServer probe; // a free loopback port for the registered callback
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    m_port = probe.serverPort();
    probe.close();
    m_provider = std::make_unique<LocalProvider>(m_clock, m_random);
    LocalProviderOptions options;
    options.demo = true;
    options.passwordIterations = 1000;
    const Result<void> started = m_provider->start(options);
    QVERIFY2(started.ok(), qPrintable(started.error().toString()));
    m_web = registerClient(u"Flow web app"_qs, true, {u"authorization_code"_qs, u"refresh_token"_qs});
    m_public = registerClient(u"Flow public app"_qs, false, {u"authorization_code"_qs, u"refresh_token"_qs});
    m_bot = registerClient(u"Flow bot"_qs, true, {u"client_credentials"_qs});
    QVERIFY(!m_web.id.isEmpty() && !m_public.id.isEmpty() && !m_bot.id.isEmpty());
}

void TestOAuth2Flows::cleanupTestCase()
{
    m_provider.reset();
}

OAuth2Settings TestOAuth2Flows::settings(const Client &client) const
{
    OAuth2Settings s;
    s.issuer = m_provider->issuer();
    s.clientId = client.id;
    s.clientSecret = client.secret;
    return s;
}

FlowResult TestOAuth2Flows::run(Flow &flow)
{
    QSignalSpy finished(&flow, &Flow::finished);
    flow.start();
    [&] { QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000); }();
    QTest::qWait(50); // anything late would show here
    [&] { QCOMPARE(finished.count(), 1); }();
    return finished.isEmpty() ? FlowResult(Error(ErrorCode::Internal, u"did not finish"_qs))
                              : finished.first().first().value<FlowResult>();
}

void TestOAuth2Flows::clientCredentials()
{
    trace::Trace trace;
    http::HttpClient http(&m_nam, &trace);
    OAuth2Settings s = settings(m_bot);
    s.authMethod = ClientAuthMethod::SecretBasic;
    ClientCredentialsFlow flow(&http, s);
    const FlowResult result = run(flow);
    QVERIFY2(result.ok(), qPrintable(result.error().toString()));
    QCOMPARE(result->values.value(u"token_type"_qs).toString(), u"Bearer"_qs);
    QVERIFY(flow.tokens() && !flow.tokens()->accessToken.isEmpty());
    QCOMPARE(result->values.value(u"has_refresh_token"_qs).toBool(), false);
    // Discovery then the token call, each recorded; the secret is known to the redactor.
    QVERIFY(trace.size() >= 2);
    QVERIFY(trace.exchanges().last().requestHeader("Authorization").startsWith("Basic "));
}

void TestOAuth2Flows::wrongClientSecretIsExplained()
{
    http::HttpClient http(&m_nam, nullptr);
    OAuth2Settings s = settings(m_bot);
    s.clientSecret = "0000000000000000000000000000000000000000";
    ClientCredentialsFlow flow(&http, s);
    const FlowResult result = run(flow);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code(), ErrorCode::Server);
    QVERIFY2(result.error().message().contains(u"invalid_client"_qs), qPrintable(result.error().message()));
    QVERIFY(result.error().message().contains(u"HTTP 401"_qs));
}

void TestOAuth2Flows::authorizationCodeWithOidcRefreshIntrospectRevoke()
{
    trace::Trace trace;
    http::HttpClient http(&m_nam, &trace);
    ScriptedBrowser browser(u"Alice"_qs, u"Alice-pass-demo"_qs);
    OAuth2Settings s = settings(m_web);
    s.scopes = {u"openid"_qs, u"basic"_qs};
    s.authMethod = ClientAuthMethod::SecretBasic;
    AuthorizationCodeFlow::Options options;
    options.port = m_port;
    AuthorizationCodeFlow flow(&http, browser, m_clock, m_random, s, options);
    const FlowResult result = run(flow);
    QVERIFY2(result.ok(), qPrintable(result.error().toString() + browser.failure));
    QCOMPARE(browser.callbackStatuses, QList<int> {200});
    QCOMPARE(result->values.value(u"username"_qs).toString(), u"Alice"_qs);
    QCOMPARE(result->values.value(u"id_token_verified"_qs).toBool(), true);
    QCOMPARE(result->values.value(u"pkce"_qs).toString(), u"S256"_qs);
    QVERIFY(flow.idToken().has_value());
    const QUrlQuery asked(flow.authorizationUrl());
    QCOMPARE(asked.queryItemValue(u"code_challenge_method"_qs), u"S256"_qs);
    QCOMPARE(asked.queryItemValue(u"state"_qs).size(), 22); // 16 random bytes, base64url
    QCOMPARE(asked.queryItemValue(u"nonce"_qs), flow.idToken()->claims().value(u"nonce"_qs).toString());
    // The callback hop is in the trace, with the code redacted by the trace's redactor.
    const auto hop = std::find_if(trace.exchanges().cbegin(), trace.exchanges().cend(),
                                  [](const trace::Exchange &e) { return e.step == u"callback"; });
    QVERIFY(hop != trace.exchanges().cend());
    QCOMPARE(hop->status, 200);
    const QString code = QUrlQuery(hop->url).queryItemValue(u"code"_qs, QUrl::FullyDecoded);
    QVERIFY(!code.isEmpty());
    QVERIFY(!trace.redactor().text(hop->url.toString()).contains(code));

    const QByteArray access = flow.tokens()->accessToken;
    const QByteArray refresh = flow.tokens()->refreshToken;
    QVERIFY(!refresh.isEmpty());

    RefreshFlow refreshing(&http, settings(m_web), refresh);
    const FlowResult refreshed = run(refreshing);
    QVERIFY2(refreshed.ok(), qPrintable(refreshed.error().toString()));
    QCOMPARE(refreshed->values.value(u"refresh_token_rotated"_qs).toBool(), true);
    QVERIFY(refreshing.currentRefreshToken() != refresh);
    // The old refresh token is dead now (MediaWiki 1.39: revoked at once).
    RefreshFlow reuse(&http, settings(m_web), refresh);
    const FlowResult reused = run(reuse);
    QVERIFY(!reused.ok());
    QVERIFY(reused.error().message().contains(u"invalid_request"_qs)
            || reused.error().message().contains(u"invalid_grant"_qs));

    const QByteArray newAccess = refreshing.tokens()->accessToken;
    IntrospectionFlow introspect(&http, settings(m_web), newAccess);
    const FlowResult active = run(introspect);
    QVERIFY2(active.ok(), qPrintable(active.error().toString()));
    QCOMPARE(active->values.value(u"active"_qs).toBool(), true);
    QCOMPARE(active->values.value(u"username"_qs).toString(), u"Alice"_qs);
    IntrospectionFlow introspectOld(&http, settings(m_web), access);
    QCOMPARE(run(introspectOld)->values.value(u"active"_qs).toBool(), false); // rotated away

    RevocationFlow revoke(&http, settings(m_web), newAccess, u"access_token"_qs);
    const FlowResult revoked = run(revoke);
    QVERIFY2(revoked.ok(), qPrintable(revoked.error().toString()));
    IntrospectionFlow after(&http, settings(m_web), newAccess);
    QCOMPARE(run(after)->values.value(u"active"_qs).toBool(), false);
}

void TestOAuth2Flows::authorizationCodeMediaWikiPublicPkce()
{
    http::HttpClient http(&m_nam, nullptr);
    ScriptedBrowser browser(u"Alice"_qs, u"Alice-pass-demo"_qs);
    OAuth2Settings s;
    s.rest = m_provider->restUrl();
    s.index = m_provider->indexUrl();
    s.clientId = m_public.id; // no secret: a public client, PKCE mandatory
    AuthorizationCodeFlow::Options options;
    options.port = m_port;
    options.pkceMethod = oauth2::PkceMethod::Plain;
    AuthorizationCodeFlow flow(&http, browser, m_clock, m_random, s, options);
    const FlowResult result = run(flow);
    QVERIFY2(result.ok(), qPrintable(result.error().toString() + browser.failure));
    QCOMPARE(result->values.value(u"pkce"_qs).toString(), u"plain"_qs);
    QCOMPARE(flow.userInfo().value(u"username"_qs).toString(),
             u"Alice"_qs); // rest.php/oauth2/resource/profile
    QVERIFY(!flow.idToken().has_value());
    QVERIFY(!QUrlQuery(flow.authorizationUrl()).hasQueryItem(u"nonce"_qs));
}

void TestOAuth2Flows::forgedStateIsRefusedAndFinishesOnce()
{
    http::HttpClient http(&m_nam, nullptr);
    ScriptedBrowser browser(u"Alice"_qs, u"Alice-pass-demo"_qs);
    browser.tamper = [](QUrl url) {
        QUrlQuery query(url);
        query.removeAllQueryItems(u"state"_qs);
        query.addQueryItem(u"state"_qs, u"forged"_qs);
        url.setQuery(query);
        return url;
    };
    OAuth2Settings s = settings(m_web);
    AuthorizationCodeFlow::Options options;
    options.port = m_port;
    options.browserTimeoutMs = 3000;
    AuthorizationCodeFlow flow(&http, browser, m_clock, m_random, s, options);
    QSignalSpy hops(&flow, &Flow::exchangeRecorded);
    const FlowResult result = run(flow);
    QVERIFY2(browser.failure.isEmpty(), qPrintable(browser.failure));
    QCOMPARE(browser.callbackStatuses, QList<int> {400}); // the listener refused it
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code(), ErrorCode::Timeout); // the code was never exchanged
    QVERIFY(!flow.tokens().has_value());
    bool rejectedHop = false;
    for (const QList<QVariant> &args : hops)
        rejectedHop |= args.first().value<trace::Exchange>().status == 400;
    QVERIFY(rejectedHop);
}

void TestOAuth2Flows::deniedConsentErrorWithoutState()
{
    // An unknown scope: MediaWiki redirects with error=invalid_scope and without state.
    http::HttpClient http(&m_nam, nullptr);
    ScriptedBrowser browser(u"Alice"_qs, u"Alice-pass-demo"_qs);
    OAuth2Settings s = settings(m_web);
    s.scopes = {u"nosuchscope"_qs};
    AuthorizationCodeFlow::Options options;
    options.port = m_port;
    AuthorizationCodeFlow flow(&http, browser, m_clock, m_random, s, options);
    const FlowResult result = run(flow);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code(), ErrorCode::Server);
    QVERIFY2(result.error().message().contains(u"invalid_scope"_qs), qPrintable(result.error().message()));
    QCOMPARE(browser.callbackStatuses, QList<int> {200});
}

void TestOAuth2Flows::mediaWikiExplanations_data()
{
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("stage");
    QTest::addColumn<bool>("publicClient");
    QTest::addColumn<int>("problem"); // -1: no explanation
    const auto row = [](const char *name, const char *code, const char *text, ErrorStage stage,
                        bool publicClient, int problem) {
        QTest::newRow(name) << QString::fromUtf8(code) << QString::fromUtf8(text) << int(stage)
                            << publicClient << problem;
    };
    row("E005 key", "mwoauthserver-bad-consumer", "", ErrorStage::OAuth1, false,
        int(MediaWikiProblem::UnapprovedConsumer));
    row("E005 text", "mwoauth-oauth-exception", "\"Tool\" is not approved as a Connected App.",
        ErrorStage::OAuth1, false, int(MediaWikiProblem::UnapprovedConsumer));
    row("OAuth 2 authorize invalid_client", "invalid_client", "Client authentication failed",
        ErrorStage::Authorize, false, int(MediaWikiProblem::UnapprovedConsumer));
    row("E010", "mwoauthserver-consumer-owner-only", "", ErrorStage::Authorize, false,
        int(MediaWikiProblem::OwnerOnlyConsumer));
    row("callback prefix", "mwoauth-callback-not-oob-or-prefix", "", ErrorStage::OAuth1, false,
        int(MediaWikiProblem::CallbackMismatch));
    row("public refresh", "invalid_client", "Client authentication failed", ErrorStage::Refresh, true,
        int(MediaWikiProblem::PublicClientRefresh));
    row("confidential refresh", "invalid_client", "Client authentication failed", ErrorStage::Refresh, false,
        -1);
    row("wrong wiki", "mwoauth-invalid-authorization-wrong-wiki", "", ErrorStage::Api, false,
        int(MediaWikiProblem::WrongWiki));
    row("IP", "mwoauthdatastore-bad-source-ip", "The request came from an invalid IP address.",
        ErrorStage::OAuth1, false, int(MediaWikiProblem::IpRestriction));
    row("PLAINTEXT", "mwoauth-oauth-exception",
        "An error occurred in the OAuth protocol: Signature method 'PLAINTEXT' not supported",
        ErrorStage::OAuth1, false, int(MediaWikiProblem::PlaintextRefused));
    row("unrelated", "invalid_scope", "The requested scope is invalid", ErrorStage::Authorize, false, -1);
}

void TestOAuth2Flows::mediaWikiExplanations()
{
    QFETCH(QString, code);
    QFETCH(QString, text);
    QFETCH(int, stage);
    QFETCH(bool, publicClient);
    QFETCH(int, problem);
    const ErrorClues clues {code, text, ErrorStage(stage), publicClient};
    const std::optional<MediaWikiExplanation> explained = explainMediaWikiError(clues);
    const Error error = withMediaWikiExplanation(Error(ErrorCode::Server, u"refused"_qs), clues);
    if (problem < 0) {
        QVERIFY(!explained.has_value());
        QVERIFY(error.detail().isEmpty());
        return;
    }
    QVERIFY(explained.has_value());
    QCOMPARE(int(explained->problem), problem);
    QVERIFY(explained->text.contains(u"MediaWiki"_qs));
    QCOMPARE(error.detail(), explained->text);
}

QTEST_GUILESS_MAIN(TestOAuth2Flows)
#include "TestOAuth2Flows.moc"
