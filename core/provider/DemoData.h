#pragma once

#include "provider/clients/ClientStore.h"

#include "common/Random.h"
#include "common/Result.h"
#include "provider/accounts/UserStore.h"

#include <QByteArray>
#include <QJsonArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace mwauth::provider {

// One demo account of the local provider and its secrets. Demo data exists to be shown:
// the CLI prints these secrets and the console puts them into its demo profile.
struct DemoAccount
{
    QString name;
    QString password;
    QStringList groups;
    QStringList modules; // second-factor modules, in UserStore::knownModules() names
    QString totpSecret; // base32, empty without "totp"
    QStringList recoveryCodes; // empty without "recoverycodes"
    // The whole VirtualAuthenticator JSON (private key included) of a "webauthn" account: a
    // fixed demo key, so it is known also for an account that existed already (then at the
    // signature counter the provider stored; empty if that key is no longer registered).
    QByteArray webAuthnCredential;
    bool created = false; // made by this seeding (false: the user existed and was left alone)
};

// One demo OAuth client and what a demo needs to use it (the `clients` of `serve --json`).
struct DemoClient
{
    QString name;
    QString clientId; // consumer key
    QString clientSecret; // empty for public clients; derived again on every run
    int oauthVersion = 2;
    bool confidential = true;
    bool ownerOnly = false;
    bool approved = true; // false: left proposed, for demos of the approval queue
    QString redirectUri;
    QStringList grantTypes; // OAuth 2
    QStringList grants;
    QString accessToken; // owner-only OAuth 1: known only in the run that registered it
    QString accessSecret;
    bool created = false;
};

// The fixed demo accounts (DESIGN.md section 5, "Demo data"). Passwords, TOTP seeds and
// recovery codes are constants, documented here and in `mwauth provider serve --help`:
//
//   Alice  Alice-pass-demo  password only
//   Bob    Bob-pass-demo    TOTP   BOBBOBDEMOTOTPSECRETBOBBOBDEMO22
//   Carol  Carol-pass-demo  TOTP   CAROLDEMOTOTPSECRETCAROLDEMO2345, WebAuthn, recovery codes
//                           CAROL-DEMO-RC-01 ... CAROL-DEMO-RC-10
//   Dave   Dave-pass-demo   WebAuthn only
//   Admin  Admin-pass-demo  TOTP   ADMINDEMOTOTPSECRETADMINDEMO2345; groups sysop, bureaucrat
//
// TOTP: SHA1, 6 digits, 30 s (OATHAuth's settings). WebAuthn: Carol and Dave each have a
// fixed ES256 demo key (DemoData.cpp, public on purpose) registered for the provider's rpId
// ("127.0.0.1"), used through otp::VirtualAuthenticator.
//
// What the 2FA records hold (TwoFactorRecord::data):
//   totp           {"secret": base32, "digits": 6, "period": 30, "algorithm": "SHA1"}
//   recoverycodes  {"recoverycodes": [code, ...]}
//   webauthn       {"friendlyName": "Demo key", "credential": WebAuthnPublicCredential JSON,
//                   "signCount": 0}
class DemoData
{
public:
    static constexpr const char *RpId = "127.0.0.1";

    // The fixed definitions, without WebAuthn credentials, in the order above.
    static QList<DemoAccount> accounts();

    // Creates every demo account that does not exist yet (an existing user of the same name
    // is skipped with its records untouched, so seeding twice is harmless). Returns every
    // account, created or not. Errors of the store are passed on.
    static Result<QList<DemoAccount>> seed(UserStore &users, const QString &rpId = QString::fromLatin1(RpId));

    // [{"name", "password", "groups", "modules", "totp_secret"?, "recovery_codes"?,
    //   "webauthn_credential"? (the VirtualAuthenticator JSON as an object)}]
    static QJsonArray toJson(const QList<DemoAccount> &accounts);

    // The demo clients, owned by Admin (which must exist: seed() first), registered when
    // missing (by name): a confidential OAuth 2 web app, a client_credentials bot, a public
    // PKCE app, an OAuth 1.0a tool, an owner-only OAuth 1.0a script and a proposed (not yet
    // approved) app. Secrets are MediaWiki's derived ones, so every run can print them again
    // (as long as the provider secret stays).
    static Result<QList<DemoClient>> seedClients(ClientStore &clients, UserStore &users);
    // [{"name", "client_id", "client_secret"?, "oauth_version", "confidential", "owner_only",
    //   "approved", "redirect_uri", "grant_types", "grants", "access_token"?, "access_secret"?}]
    static QJsonArray toJson(const QList<DemoClient> &clients);
};

} // namespace mwauth::provider
