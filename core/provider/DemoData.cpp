#include "DemoData.h"

#include "otp/VirtualAuthenticator.h"
#include "otp/WebAuthnAssertion.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace mwauth::provider {

namespace {

QStringList carolRecoveryCodes()
{
    QStringList codes;
    for (int i = 1; i <= 10; ++i)
        codes.append(u"CAROL-DEMO-RC-"_s + QString::number(i).rightJustified(2, u'0'));
    return codes;
}

// The demo security keys: fixed ES256 keys and credential ids, so that every run (also on an
// existing database) can print the same private credentials. They are demo secrets, public
// on purpose; never use them for anything else.
struct DemoKey
{
    const char *user;
    const char *credentialId; // base64url
    const char *userHandle; // base64url
    const char *d;
    const char *x;
    const char *y;
};

constexpr DemoKey kDemoKeys[] = {
    {"Carol", "8C9JrrK67-9pz7KlWx6yks712HFj98VzgtJqC1Wwd4M", "ZGVtby1jYXJvbA", // "demo-carol"
     "Go4a9a5WoHTnplFF73x_bWPnWrpbP3gVwjGZaHUy-ng", "zzl7ag-GIZYj8PoQ9GAkBmKFvXpY9tfV4aGG5JXICeA",
     "2XRmbfxLIqg_jKW-qdzG80DC3xKax2fa6N8E_K_Qyek"},
    {"Dave", "P4eFhR98q5JoNyS-0uqmQ6MepM4Y9Az6bnnE89wcZZU", "ZGVtby1kYXZl", // "demo-dave"
     "Uf2qDCdWDptbGKB1ITZx7jeEiLlNtyJo_stpWetdJrM", "eti5ciP_El6-ypA2Dd3D2U9_mGJywRRx5NY3nvI10nI",
     "MCyg-mHtJWx87dQ5gJIQ4PIYix30LjVxFK5g4u0tmSo"},
};

// The demo key of `user` for `rpId` at `signCount`, as a VirtualAuthenticator.
Result<otp::VirtualAuthenticator> demoKey(const QString &user, const QString &rpId, quint32 signCount)
{
    for (const DemoKey &key : kDemoKeys) {
        if (user != QLatin1String(key.user))
            continue;
        const QJsonObject jwk {{u"kty"_s, u"EC"_s},
                               {u"crv"_s, u"P-256"_s},
                               {u"d"_s, QLatin1String(key.d)},
                               {u"x"_s, QLatin1String(key.x)},
                               {u"y"_s, QLatin1String(key.y)}};
        const QJsonObject json {{u"credentialId"_s, QLatin1String(key.credentialId)},
                                {u"rpId"_s, rpId},
                                {u"userHandle"_s, QLatin1String(key.userHandle)},
                                {u"signCount"_s, qint64(signCount)},
                                {u"privateKey"_s, jwk}};
        return otp::VirtualAuthenticator::fromJson(QJsonDocument(json).toJson(QJsonDocument::Compact));
    }
    return fail(ErrorCode::NotFound, u"There is no demo security key for %1."_s.arg(user));
}

// For an account that existed already: its demo key at the counter the provider stored, if
// the user still has that key registered (else nothing is printed).
void recallDemoKey(UserStore &users, const QString &rpId, const User &user, DemoAccount &account)
{
    if (!account.modules.contains(u"webauthn"_s))
        return;
    Result<otp::VirtualAuthenticator> key = demoKey(account.name, rpId, 0);
    const Result<QList<TwoFactorRecord>> records = users.twoFactorRecords(user.id, u"webauthn"_s);
    if (!key || !records)
        return;
    for (const TwoFactorRecord &record : *records) {
        const Result<otp::WebAuthnPublicCredential> stored
            = otp::WebAuthnPublicCredential::fromJson(record.data.value(u"credential"_s).toObject());
        if (!stored || stored->credentialId != key->credentialId() || stored->rpId != rpId)
            continue;
        const auto count = quint32(record.data.value(u"signCount"_s).toInteger());
        if (Result<otp::VirtualAuthenticator> atCount = demoKey(account.name, rpId, count))
            account.webAuthnCredential = atCount->toJson();
        return;
    }
}

QJsonObject totpRecord(const QString &secret)
{
    return {{u"secret"_s, secret}, {u"digits"_s, 6}, {u"period"_s, 30}, {u"algorithm"_s, u"SHA1"_s}};
}

// Adds the account's second factors to the new user `user`; fills in the WebAuthn credential.
Result<void> addSecondFactors(UserStore &users, const QString &rpId, const User &user, DemoAccount &account)
{
    if (account.modules.contains(u"totp"_s)) {
        const Result<TwoFactorRecord> record
            = users.addTwoFactor(user.id, u"totp"_s, totpRecord(account.totpSecret));
        if (!record)
            return record.error();
    }
    if (account.modules.contains(u"webauthn"_s)) {
        Result<otp::VirtualAuthenticator> authenticator = demoKey(account.name, rpId, 0);
        if (!authenticator)
            return authenticator.error();
        const QJsonObject publicCredential
            = QJsonDocument::fromJson(authenticator->publicCredentialJson()).object();
        const QJsonObject data {
            {u"friendlyName"_s, u"Demo key"_s}, {u"credential"_s, publicCredential}, {u"signCount"_s, 0}};
        const Result<TwoFactorRecord> record = users.addTwoFactor(user.id, u"webauthn"_s, data);
        if (!record)
            return record.error();
        account.webAuthnCredential = authenticator->toJson();
    }
    if (account.modules.contains(u"recoverycodes"_s)) {
        const QJsonObject data {{u"recoverycodes"_s, QJsonArray::fromStringList(account.recoveryCodes)}};
        const Result<TwoFactorRecord> record = users.addTwoFactor(user.id, u"recoverycodes"_s, data);
        if (!record)
            return record.error();
    }
    return {};
}

} // namespace

QList<DemoAccount> DemoData::accounts()
{
    QList<DemoAccount> list;
    DemoAccount alice;
    alice.name = u"Alice"_s;
    alice.password = u"Alice-pass-demo"_s;
    list.append(alice);

    DemoAccount bob;
    bob.name = u"Bob"_s;
    bob.password = u"Bob-pass-demo"_s;
    bob.modules = {u"totp"_s};
    bob.totpSecret = u"BOBBOBDEMOTOTPSECRETBOBBOBDEMO22"_s;
    list.append(bob);

    DemoAccount carol;
    carol.name = u"Carol"_s;
    carol.password = u"Carol-pass-demo"_s;
    carol.modules = {u"totp"_s, u"webauthn"_s, u"recoverycodes"_s};
    carol.totpSecret = u"CAROLDEMOTOTPSECRETCAROLDEMO2345"_s;
    carol.recoveryCodes = carolRecoveryCodes();
    list.append(carol);

    DemoAccount dave;
    dave.name = u"Dave"_s;
    dave.password = u"Dave-pass-demo"_s;
    dave.modules = {u"webauthn"_s};
    list.append(dave);

    DemoAccount admin;
    admin.name = u"Admin"_s;
    admin.password = u"Admin-pass-demo"_s;
    admin.groups = {u"bureaucrat"_s, u"sysop"_s};
    admin.modules = {u"totp"_s};
    admin.totpSecret = u"ADMINDEMOTOTPSECRETADMINDEMO2345"_s;
    list.append(admin);
    return list;
}

Result<QList<DemoAccount>> DemoData::seed(UserStore &users, const QString &rpId)
{
    QList<DemoAccount> list = accounts();
    for (DemoAccount &account : list) {
        const Result<User> existing = users.findUser(account.name);
        if (existing) {
            recallDemoKey(users, rpId, *existing, account);
            continue;
        }
        if (existing.error().code() != ErrorCode::NotFound)
            return existing.error();

        const Result<User> user
            = users.createUser(account.name, account.password, account.name.toLower() + u"@demo.invalid"_s);
        if (!user)
            return user.error();
        for (const QString &group : std::as_const(account.groups)) {
            const Result<void> added = users.addToGroup(user->id, group);
            if (!added)
                return added.error();
        }
        const Result<void> factors = addSecondFactors(users, rpId, *user, account);
        if (!factors)
            return factors.error();
        account.created = true;
    }
    return list;
}

QJsonArray DemoData::toJson(const QList<DemoAccount> &accounts)
{
    QJsonArray array;
    for (const DemoAccount &account : accounts) {
        QJsonObject object {{u"name"_s, account.name},
                            {u"password"_s, account.password},
                            {u"groups"_s, QJsonArray::fromStringList(account.groups)},
                            {u"modules"_s, QJsonArray::fromStringList(account.modules)}};
        if (!account.totpSecret.isEmpty())
            object.insert(u"totp_secret"_s, account.totpSecret);
        if (!account.recoveryCodes.isEmpty())
            object.insert(u"recovery_codes"_s, QJsonArray::fromStringList(account.recoveryCodes));
        if (!account.webAuthnCredential.isEmpty())
            object.insert(u"webauthn_credential"_s,
                          QJsonDocument::fromJson(account.webAuthnCredential).object());
        array.append(object);
    }
    return array;
}

namespace {

struct DemoClientDefinition
{
    const char *name;
    int oauthVersion;
    bool confidential;
    bool ownerOnly;
    bool approved;
    const char *redirectUri;
    QStringList grantTypes;
};

// A loopback callback the console listens on for its demo flows.
constexpr const char *kDemoCallback = "http://127.0.0.1:53682/callback";

QList<DemoClientDefinition> demoClientDefinitions()
{
    const QString code = u"authorization_code"_s;
    const QString refresh = u"refresh_token"_s;
    const QString machine = u"client_credentials"_s;
    return {
        {"Demo web app", 2, true, false, true, kDemoCallback, {code, refresh}},
        {"Demo bot", 2, true, false, true, kDemoCallback, {machine}},
        {"Demo public app", 2, false, false, true, kDemoCallback, {code, refresh}},
        {"Demo OAuth 1 tool", 1, true, false, true, "http://127.0.0.1:53682/oauth1/callback", {}},
        {"Demo owner-only script", 1, true, true, true, "", {}},
        {"Demo proposed app", 2, true, false, false, kDemoCallback, {code, refresh}},
    };
}

DemoClient demoClientOf(const ClientStore &clients, const OAuthClient &client)
{
    DemoClient demo;
    demo.name = client.name;
    demo.clientId = client.consumerKey;
    demo.oauthVersion = client.oauthVersion;
    demo.confidential = client.isConfidential();
    demo.ownerOnly = client.ownerOnly;
    demo.approved = client.stage == ClientStage::Approved;
    demo.redirectUri = client.callbackUrl;
    demo.grantTypes = client.oauth2GrantTypes;
    demo.grants = client.grants;
    if (demo.confidential)
        demo.clientSecret = QString::fromLatin1(clients.clientSecret(client));
    return demo;
}

} // namespace

Result<QList<DemoClient>> DemoData::seedClients(ClientStore &clients, UserStore &users)
{
    const Result<User> admin = users.findUser(u"Admin"_s);
    if (!admin)
        return admin.error();
    const Result<QList<OAuthClient>> existing = clients.listByOwner(admin->id);
    if (!existing)
        return existing.error();
    QList<DemoClient> list;
    for (const DemoClientDefinition &definition : demoClientDefinitions()) {
        const QString name = QString::fromLatin1(definition.name);
        const auto found = std::find_if(existing->cbegin(), existing->cend(),
                                        [&name](const OAuthClient &client) { return client.name == name; });
        if (found != existing->cend()) {
            list.append(demoClientOf(clients, *found));
            continue;
        }
        ClientRegistration registration;
        registration.name = name;
        registration.oauthVersion = definition.oauthVersion;
        registration.callbackUrl = QString::fromLatin1(definition.redirectUri);
        registration.description = u"A demo client of the local provider."_s;
        registration.email = u"admin@demo.invalid"_s;
        registration.ownerId = admin->id;
        registration.ownerOnly = definition.ownerOnly;
        registration.oauth2IsConfidential = definition.confidential;
        registration.oauth2GrantTypes = definition.grantTypes;
        registration.grants = {u"basic"_s, u"editpage"_s};
        registration.approved = definition.approved;
        const Result<IssuedClientCredentials> issued = clients.registerClient(registration, u"Admin"_s);
        if (!issued)
            return issued.error().prefixed(u"The demo client '%1' could not be registered"_s.arg(name));
        DemoClient demo = demoClientOf(clients, issued->client);
        demo.accessToken = QString::fromLatin1(issued->accessToken);
        demo.accessSecret = QString::fromLatin1(issued->accessSecret);
        demo.created = true;
        list.append(demo);
    }
    return list;
}

QJsonArray DemoData::toJson(const QList<DemoClient> &clients)
{
    QJsonArray array;
    for (const DemoClient &client : clients) {
        QJsonObject object {{u"name"_s, client.name},
                            {u"client_id"_s, client.clientId},
                            {u"oauth_version"_s, client.oauthVersion},
                            {u"confidential"_s, client.confidential},
                            {u"owner_only"_s, client.ownerOnly},
                            {u"approved"_s, client.approved},
                            {u"redirect_uri"_s, client.redirectUri},
                            {u"grant_types"_s, QJsonArray::fromStringList(client.grantTypes)},
                            {u"grants"_s, QJsonArray::fromStringList(client.grants)}};
        if (!client.clientSecret.isEmpty())
            object.insert(u"client_secret"_s, client.clientSecret);
        if (!client.accessToken.isEmpty())
            object.insert(u"access_token"_s, client.accessToken);
        if (!client.accessSecret.isEmpty())
            object.insert(u"access_secret"_s, client.accessSecret);
        array.append(object);
    }
    return array;
}

} // namespace mwauth::provider
