#include "AuthorizationCodeFlow.h"

#include "jose/Jwks.h"
#include "oauth2/AuthorizationRequest.h"
#include "oauth2/ErrorResponse.h"
#include "oauth2/IdTokenValidator.h"

namespace mwauth::flows {

AuthorizationCodeFlow::AuthorizationCodeFlow(http::HttpClient *http, BrowserLauncher &browser,
                                             const Clock &clock, Random &random, OAuth2Settings settings,
                                             Options options, QObject *parent)
    : OAuth2Flow(http, std::move(settings), parent)
    , m_browser(browser)
    , m_clock(clock)
    , m_random(random)
    , m_options(std::move(options))
{
    connect(&m_listener, &LoopbackRedirectListener::callbackReceived, this,
            &AuthorizationCodeFlow::onCallback);
    connect(&m_listener, &LoopbackRedirectListener::callbackRejected, this,
            [this](const QString &, const trace::Exchange &exchange) { recordHop(exchange); });
}

void AuthorizationCodeFlow::run()
{
    resolveEndpoints([this] { openBrowser(); });
}

void AuthorizationCodeFlow::finishing()
{
    m_listener.close();
}

void AuthorizationCodeFlow::openBrowser()
{
    step(QStringLiteral("listen"), tr("Listening for the redirect on 127.0.0.1"));
    const Result<void> listening = m_listener.listen(m_options.port, m_options.callbackPath);
    if (!listening) {
        fail(listening.error());
        return;
    }
    m_state = m_random.token(16);
    m_listener.expectParameter(QByteArrayLiteral("state"), m_state);
    oauth2::AuthorizationRequest request;
    request.endpoint = m_metadata->authorizationEndpoint;
    request.clientId = m_settings.clientId;
    request.redirectUri = m_listener.redirectUri();
    request.scopes = m_settings.scopes;
    request.state = m_state;
    request.prompt = m_options.prompt;
    if (m_settings.scopes.contains(QStringLiteral("openid"))) {
        m_nonce = m_random.token(16);
        request.nonce = m_nonce;
    }
    if (m_options.usePkce) {
        if (!m_metadata->supportsCodeChallengeMethod(oauth2::pkceMethodName(m_options.pkceMethod))) {
            fail(Error(ErrorCode::InvalidInput,
                       tr("The provider does not offer PKCE %1 (it offers %2).")
                           .arg(oauth2::pkceMethodName(m_options.pkceMethod),
                                m_metadata->codeChallengeMethods.join(QStringLiteral(", ")))));
            return;
        }
        m_pkce = oauth2::Pkce::generate(m_random, m_options.pkceMethod);
        request.pkce = m_pkce;
        addSecret(m_pkce->verifier());
    }
    m_authorizationUrl = request.toUrl();
    step(QStringLiteral("browser"),
         tr("Waiting for the browser to come back to %1").arg(m_listener.redirectUri()),
         m_options.browserTimeoutMs);
    const Result<void> opened = m_browser.open(m_authorizationUrl);
    if (!opened)
        fail(opened.error());
}

void AuthorizationCodeFlow::recordHop(const trace::Exchange &exchange)
{
    if (isFinished())
        return;
    trace::Exchange hop = exchange;
    if (http()->trace())
        hop.id = http()->trace()->append(hop);
    Q_EMIT exchangeRecorded(hop);
}

void AuthorizationCodeFlow::onCallback(const QUrlQuery &query, const trace::Exchange &exchange)
{
    if (isFinished())
        return;
    const QByteArray code = query.queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded).toUtf8();
    addSecret(code);
    recordHop(exchange);
    if (const std::optional<oauth2::ErrorResponse> error = oauth2::ErrorResponse::fromQuery(query)) {
        ErrorClues clues;
        clues.stage = ErrorStage::Authorize;
        clues.code = error->error;
        clues.text = error->summary();
        clues.publicClient = m_settings.publicClient();
        fail(withMediaWikiExplanation(error->toError(tr("The authorization was refused")), clues));
        return;
    }
    if (code.isEmpty()) {
        fail(Error(ErrorCode::Protocol, tr("The callback carries neither a code nor an error.")));
        return;
    }
    exchangeCode(code);
}

void AuthorizationCodeFlow::exchangeCode(const QByteArray &code)
{
    http::FormFields fields {{QByteArrayLiteral("grant_type"), QByteArrayLiteral("authorization_code")},
                             {QByteArrayLiteral("code"), code},
                             {QByteArrayLiteral("redirect_uri"), m_listener.redirectUri().toUtf8()}};
    if (m_pkce)
        fields.append({QByteArrayLiteral("code_verifier"), m_pkce->verifier()});
    requestToken(QStringLiteral("token"), fields, ErrorStage::CodeExchange,
                 [this](const oauth2::TokenResponse &) { validateIdToken(); });
}

void AuthorizationCodeFlow::validateIdToken()
{
    if (m_tokens->idToken.isEmpty()) {
        if (!m_nonce.isEmpty()) {
            fail(Error(
                ErrorCode::MissingClaim,
                tr("The scope \"openid\" was asked for, but the token response has no id_token (MediaWiki's "
                   "Extension:OAuth does not implement OpenID Connect; leave out \"openid\" there).")));
            return;
        }
        fetchUserInfo();
        return;
    }
    if (m_metadata->jwksUri.isEmpty()) {
        fail(Error(ErrorCode::NoMatchingKey,
                   tr("An id_token came, but the provider names no jwks_uri to verify it.")));
        return;
    }
    step(QStringLiteral("jwks"), tr("Fetching the provider's keys"));
    send(http::HttpRequest::get(m_metadata->jwksUri), [this](Result<http::HttpResponse> reply) {
        if (!reply) {
            fail(reply.error().prefixed(tr("The JWKS")));
            return;
        }
        if (reply->status != 200) {
            fail(oauth2::unexpectedBody(tr("The JWKS endpoint"), reply->status, reply->header("Content-Type"),
                                        reply->body));
            return;
        }
        const Result<jose::Jwks> keys = jose::Jwks::fromJson(reply->body);
        if (!keys) {
            fail(keys.error().prefixed(tr("The JWKS")));
            return;
        }
        oauth2::IdTokenValidator::Expectations expected;
        expected.issuer = m_metadata->issuer.toString(QUrl::FullyEncoded);
        expected.clientId = m_settings.clientId;
        expected.nonce = QString::fromLatin1(m_nonce);
        expected.accessToken = m_tokens->accessToken;
        expected.allowedAlgs = m_metadata->idTokenSigningAlgs;
        expected.now = m_clock.nowSeconds();
        Result<jose::Jwt> idToken = oauth2::IdTokenValidator::validate(m_tokens->idToken, *keys, expected);
        if (!idToken) {
            fail(idToken.error());
            return;
        }
        m_idToken = *idToken;
        if (http()->trace() && reply->exchangeId > 0)
            http()->trace()->setNote(reply->exchangeId, tr("id_token verified with this key set"));
        fetchUserInfo();
    });
}

void AuthorizationCodeFlow::fetchUserInfo()
{
    if (!m_options.fetchUserInfo || m_metadata->userinfoEndpoint.isEmpty()) {
        done();
        return;
    }
    getWithBearer(QStringLiteral("userinfo"), m_metadata->userinfoEndpoint, m_tokens->accessToken,
                  [this](const QJsonObject &info) {
                      m_userInfo = info;
                      if (m_idToken) {
                          const QString sub = m_idToken->claims().value(QStringLiteral("sub")).toString();
                          if (info.value(QStringLiteral("sub")).toString() != sub) {
                              fail(Error(ErrorCode::WrongAudience,
                                         tr("The userinfo answer is about another subject than the id_token "
                                            "(OIDC Core 5.3.2).")));
                              return;
                          }
                      }
                      done();
                  });
}

void AuthorizationCodeFlow::done()
{
    FlowOutcome outcome;
    describeTokens(*m_tokens, outcome.values);
    outcome.values.insert(QStringLiteral("redirect_uri"), m_listener.redirectUri());
    outcome.values.insert(QStringLiteral("pkce"),
                          m_pkce ? oauth2::pkceMethodName(m_pkce->method()) : QString());
    if (m_idToken) {
        outcome.values.insert(QStringLiteral("id_token_verified"), true);
        outcome.values.insert(QStringLiteral("sub"),
                              m_idToken->claims().value(QStringLiteral("sub")).toString());
    }
    QString user = m_userInfo.value(QStringLiteral("username")).toString();
    if (user.isEmpty())
        user = m_userInfo.value(QStringLiteral("preferred_username")).toString();
    if (!user.isEmpty())
        outcome.values.insert(QStringLiteral("username"), user);
    if (!m_userInfo.isEmpty() && !outcome.values.contains(QStringLiteral("sub")))
        outcome.values.insert(QStringLiteral("sub"), m_userInfo.value(QStringLiteral("sub")).toVariant());
    outcome.summary = user.isEmpty() ? tr("Authorized; tokens received") : tr("Authorized as %1").arg(user);
    succeed(outcome);
}

} // namespace mwauth::flows
