#include "DemoData.h"

#include "otp/VirtualAuthenticator.h"

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

QJsonObject totpRecord(const QString &secret)
{
    return {{u"secret"_s, secret}, {u"digits"_s, 6}, {u"period"_s, 30}, {u"algorithm"_s, u"SHA1"_s}};
}

// Adds the account's second factors to the new user `user`; fills in the WebAuthn credential.
Result<void> addSecondFactors(UserStore &users, Random &random, const QString &rpId, const User &user,
                              DemoAccount &account)
{
    if (account.modules.contains(u"totp"_s)) {
        const Result<TwoFactorRecord> record
            = users.addTwoFactor(user.id, u"totp"_s, totpRecord(account.totpSecret));
        if (!record)
            return record.error();
    }
    if (account.modules.contains(u"webauthn"_s)) {
        Result<otp::VirtualAuthenticator> authenticator
            = otp::VirtualAuthenticator::create(random, rpId, QByteArray::number(user.id));
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

Result<QList<DemoAccount>> DemoData::seed(UserStore &users, Random &random, const QString &rpId)
{
    QList<DemoAccount> list = accounts();
    for (DemoAccount &account : list) {
        const Result<User> existing = users.findUser(account.name);
        if (existing)
            continue;
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
        const Result<void> factors = addSecondFactors(users, random, rpId, *user, account);
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

} // namespace mwauth::provider
