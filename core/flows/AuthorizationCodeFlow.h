#pragma once

#include "common/Clock.h"
#include "common/Random.h"
#include "flows/BrowserLauncher.h"
#include "flows/LoopbackRedirectListener.h"
#include "flows/OAuth2Flow.h"
#include "jose/Jwt.h"

namespace mwauth::flows {

// The authorization code flow of a native app (RFC 6749 4.1, RFC 7636, RFC 8252, OIDC Core
// 3.1) through the system browser:
//
//   discovery? ─> listen (127.0.0.1:port) ─> browser (authorize URL: state, nonce, PKCE)
//      ─> callback (state checked by the listener) ─> token (code + verifier + client auth)
//      ─> jwks + id_token (when one came) ─> userinfo/profile ─> finished
//
// state (16 bytes), nonce (16 bytes) and the PKCE verifier (32 bytes) come from `random`
// (SystemRandom: a CSPRNG). With "openid" among the scopes an id_token is required and
// validated (IdTokenValidator: JWKS signature, iss, aud, exp, iat, nonce, at_hash). The
// userinfo call uses the discovery document's userinfo_endpoint or MediaWiki's
// oauth2/resource/profile. An error redirect (MediaWiki sends it without state) fails the
// flow with the server's error, explained in MediaWiki's terms; a forged state is refused
// by the listener and the flow keeps waiting for the real callback until the browser step
// times out.
class AuthorizationCodeFlow : public OAuth2Flow
{
    Q_OBJECT

public:
    struct Options
    {
        quint16 port = 0; // 0: any free port
        QString callbackPath = QStringLiteral("/callback");
        bool usePkce = true;
        oauth2::PkceMethod pkceMethod = oauth2::PkceMethod::S256;
        bool fetchUserInfo = true;
        int browserTimeoutMs = 300000; // how long to wait for the callback
        QString prompt; // OIDC prompt, empty: not sent
    };

    // `browser`, `clock` and `random` must outlive the flow.
    AuthorizationCodeFlow(http::HttpClient *http, BrowserLauncher &browser, const Clock &clock,
                          Random &random, OAuth2Settings settings, Options options,
                          QObject *parent = nullptr);

    QString name() const override { return QStringLiteral("authorization_code"); }

    // Known once the listener runs (step "browser").
    QString redirectUri() const { return m_listener.redirectUri(); }
    QUrl authorizationUrl() const { return m_authorizationUrl; }
    // The validated id_token's claims (when one came).
    const std::optional<jose::Jwt> &idToken() const { return m_idToken; }
    const QJsonObject &userInfo() const { return m_userInfo; }

protected:
    void run() override;
    void inputProvided(const InputRequest &, const QString &) override { }
    void finishing() override;

private:
    void openBrowser();
    void onCallback(const QUrlQuery &query, const trace::Exchange &exchange);
    void recordHop(const trace::Exchange &exchange);
    void exchangeCode(const QByteArray &code);
    void validateIdToken();
    void fetchUserInfo();
    void done();

    BrowserLauncher &m_browser;
    const Clock &m_clock;
    Random &m_random;
    Options m_options;
    LoopbackRedirectListener m_listener;
    QByteArray m_state;
    QByteArray m_nonce;
    std::optional<oauth2::Pkce> m_pkce;
    QUrl m_authorizationUrl;
    std::optional<jose::Jwt> m_idToken;
    QJsonObject m_userInfo;
};

} // namespace mwauth::flows
