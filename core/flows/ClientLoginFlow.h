#pragma once

#include "flows/Flow.h"
#include "mediawiki/ActionApi.h"
#include "mediawiki/AuthManager.h"

#include "common/Clock.h"

#include <QUrl>
#include <optional>

namespace mwauth::flows {

struct ClientLoginOptions
{
    QUrl apiUrl; // .../api.php
    QString username;
    QString password; // empty: asked (Secret "password")
    QByteArray totpSecret; // base32 seed: the flow computes the codes; empty: asked (TotpCode)
    QString recoveryCode; // used for the first RecoveryCode field; empty: asked
    QString module; // switch to this 2FA module ("totp", "webauthn", "recoverycodes", ...)
    QByteArray webAuthnCredential; // otp::VirtualAuthenticator JSON; empty: an assertion is asked
    // The session (the HttpClient's cookies) is logged in already: check that, then log in
    // again as the same user (MediaWiki's reauthentication).
    bool reauthenticate = false;
    bool rememberMe = false;
    QUrl returnUrl; // loginreturnurl; empty: the wiki's origin + "/"
    QString securityOperation = QStringLiteral("ChangeCredentials"); // asked after PASS
};

// MediaWiki's action=clientlogin (reference/oathauth-clientlogin.md):
//
//   [session: meta=userinfo, only for a reauthentication]
//   tokens ──> clientlogin ──PASS──> authmanagerinfo ──> finished(ok)
//                  │  └──FAIL / RESTART──> finished(error: the wiki's message, code)
//                  │  └──REDIRECT──> needsInput(OpenBrowser) ──> continue
//                  └──UI──> [switch module] ──> fields (computed or needsInput) ──> continue ─┐
//                            ^──────────────────────── UI again (wrong code, next module) ───┘
//
// UI requests are rendered generically from their fields, so unknown modules still work:
// each field without a preset value is asked (Secret for password/sensitive fields, a choice
// for selects, Text otherwise). Known fields are answered by the flow when it can:
// OATHToken from the TOTP seed (a refused computed code is retried once in the next time
// step, then asked), RecoveryCode from the options, WebAuthn's credential from the virtual
// authenticator answering the hidden auth_info (origin: the API URL's scheme, host, port).
// A throttle message (…-throttled) ends the flow with that message.
//
// The outcome's values: "username", "module" (the last 2FA module used, if any),
// "reauthenticated", "securitysensitiveoperationstatus" and, when the server gives them
// (our provider: x-mwauth-elevatedsecurityexpiry), "elevatedSecurityExpiry" (QDateTime, UTC)
// and "elevatedSecurityRemaining" (seconds).
//
// Every secret sent or received (password, codes, the credential, the login token) is added
// to the trace's Redactor.
class ClientLoginFlow : public Flow
{
    Q_OBJECT

public:
    ClientLoginFlow(http::HttpClient *http, ClientLoginOptions options, const Clock &clock,
                    QObject *parent = nullptr);

    QString name() const override { return QStringLiteral("clientlogin"); }

    // The virtual authenticator after the login (its counter went up): write it back where
    // it came from. Empty when no authenticator was used.
    QByteArray updatedWebAuthnCredential() const { return m_updatedCredential; }
    // The last clientlogin answer (for the inspector).
    const std::optional<mediawiki::ClientLoginResponse> &lastResponse() const { return m_last; }

protected:
    void run() override;
    void inputProvided(const InputRequest &request, const QString &answer) override;

private:
    struct PendingField
    {
        mediawiki::AuthField field;
        mediawiki::AuthRequest request;
    };

    void checkSession();
    void fetchToken();
    void sendLogin();
    void sendContinue(const http::FormFields &fields);
    void handleAnswer(const Result<http::HttpResponse> &response);
    void handleUi(const mediawiki::ClientLoginResponse &response);
    void nextField();
    void queryAuthManagerInfo(const QString &username);
    void fillTotp(const PendingField &pending);
    void secret(const QString &value);
    QString origin() const;
    QString moduleOf(const mediawiki::AuthRequest &request) const;

    ClientLoginOptions m_options;
    const Clock &m_clock;
    mediawiki::ActionApi m_api;
    QString m_token;
    std::optional<mediawiki::ClientLoginResponse> m_last;
    QList<PendingField> m_queue;
    http::FormFields m_answers;
    QString m_message; // the server's message of the current UI answer
    bool m_switchTried = false;
    bool m_recoveryCodeUsed = false;
    bool m_computedTotpSent = false;
    int m_computedTotpRetries = 0;
    quint64 m_computedStep = 0;
    QString m_module;
    QByteArray m_updatedCredential;
    QByteArray m_credential; // the current authenticator state
};

} // namespace mwauth::flows
