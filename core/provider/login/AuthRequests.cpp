#include "AuthRequests.h"

#include <QJsonArray>

namespace mwauth::provider {

namespace authrequests {

AuthRequestInfo password()
{
    return AuthRequestInfo {
        QStringLiteral("MediaWiki\\Auth\\PasswordAuthenticationRequest"),
        QStringLiteral("primary-required"),
        QStringLiteral("Password-based authentication"),
        QString(),
        {
            AuthField {QStringLiteral("username"), QStringLiteral("string"), QStringLiteral("Username"),
                       QStringLiteral("Username for authentication."), false, false, std::nullopt},
            AuthField {QStringLiteral("password"), QStringLiteral("password"), QStringLiteral("Password"),
                       QStringLiteral("Password for authentication."), false, true, std::nullopt},
        },
    };
}

AuthRequestInfo rememberMe()
{
    const QString id = QStringLiteral("MediaWiki\\Auth\\RememberMeAuthenticationRequest");
    return AuthRequestInfo {
        id,
        QStringLiteral("optional"),
        id,
        id,
        {
            AuthField {QStringLiteral("rememberMe"), QStringLiteral("checkbox"),
                       QStringLiteral("Keep me logged in"),
                       QStringLiteral("Whether the password should be remembered for longer than the length "
                                      "of the session."),
                       true, false, std::nullopt},
        },
    };
}

AuthRequestInfo totp(const QString &account)
{
    return AuthRequestInfo {
        QStringLiteral("MediaWiki\\Extension\\OATHAuth\\Auth\\TOTPAuthenticationRequest"),
        QStringLiteral("required"),
        QStringLiteral("Two-factor authentication (OATH)."),
        account,
        {
            AuthField {QStringLiteral("OATHToken"), QStringLiteral("string"),
                       QStringLiteral("Two-factor token or recovery code"),
                       QStringLiteral("The one-time password used as the second factor of two-factor "
                                      "authentication."),
                       false, false, std::nullopt},
        },
    };
}

AuthRequestInfo recoveryCodes(const QString &account)
{
    return AuthRequestInfo {
        QStringLiteral("MediaWiki\\Extension\\OATHAuth\\Auth\\RecoveryCodesAuthenticationRequest"),
        QStringLiteral("required"),
        QStringLiteral("Two-factor authentication (OATH)."),
        account,
        {
            AuthField {QStringLiteral("RecoveryCode"), QStringLiteral("string"),
                       QStringLiteral("Recovery code"),
                       QStringLiteral("One of the recovery codes you saved when you enabled two-factor "
                                      "authentication. Each code works once."),
                       false, false, std::nullopt},
        },
    };
}

AuthRequestInfo moduleSelect(const QString &account)
{
    return AuthRequestInfo {
        QStringLiteral("MediaWiki\\Extension\\OATHAuth\\Auth\\TwoFactorModuleSelectAuthenticationRequest"),
        QStringLiteral("optional"),
        QStringLiteral("Two-factor authentication (OATH)."),
        account,
        {
            AuthField {QStringLiteral("newModule"), QStringLiteral("select"),
                       QStringLiteral("Use another verification method"),
                       QStringLiteral("The two-factor module to switch to; empty keeps the current one."),
                       true, false, std::nullopt},
        },
    };
}

AuthRequestInfo webAuthn(const QString &account, const QString &authInfo)
{
    AuthField info {QStringLiteral("auth_info"),
                    QStringLiteral("hidden"),
                    QStringLiteral("Authentication information"),
                    QStringLiteral("The options for the security key (PublicKeyCredentialRequestOptions)."),
                    false,
                    false,
                    authInfo};
    AuthField credential {QStringLiteral("credential"),
                          QStringLiteral("hidden"),
                          QStringLiteral("Credential"),
                          QStringLiteral("The security key's answer (the assertion as JSON)."),
                          false,
                          false,
                          QString()};
    return AuthRequestInfo {
        QStringLiteral("MediaWiki\\Extension\\WebAuthn\\Auth\\WebAuthnAuthenticationRequest"),
        QStringLiteral("required"),
        QStringLiteral("Two-factor authentication (OATH)."),
        account,
        {info, credential},
    };
}

AuthRequestInfo forModule(const QString &module, const QString &account, const QString &authInfo)
{
    if (module == u"recoverycodes")
        return recoveryCodes(account);
    if (module == u"webauthn")
        return webAuthn(account, authInfo);
    return totp(account);
}

QString moduleDescription(const QString &module)
{
    if (module == u"totp")
        return QStringLiteral("Authenticator app (time-based one-time code)");
    if (module == u"recoverycodes")
        return QStringLiteral("Recovery code");
    if (module == u"webauthn")
        return QStringLiteral("Security key (WebAuthn)");
    return module;
}

QJsonObject moduleSelectJson(const QString &account, const QString &currentModule,
                             const QStringList &allowedModules, ApiFormatVersion version)
{
    QJsonObject json = requestJson(moduleSelect(account), version);
    QJsonObject descriptions;
    QJsonObject options {{QString(), QStringLiteral("Keep the current method")}};
    for (const QString &module : allowedModules) {
        descriptions.insert(module, moduleDescription(module));
        options.insert(module, moduleDescription(module));
    }
    json.insert(QStringLiteral("metadata"),
                QJsonObject {{QStringLiteral("currentModule"), currentModule},
                             {QStringLiteral("allowedModules"), QJsonArray::fromStringList(allowedModules)},
                             {QStringLiteral("moduleDescriptions"), descriptions}});
    QJsonObject fields = json.value(QStringLiteral("fields")).toObject();
    QJsonObject field = fields.value(QStringLiteral("newModule")).toObject();
    field.insert(QStringLiteral("options"), options);
    fields.insert(QStringLiteral("newModule"), field);
    json.insert(QStringLiteral("fields"), fields);
    return json;
}

} // namespace authrequests

void putApiBool(QJsonObject &object, const QString &key, bool value, ApiFormatVersion version)
{
    if (version == ApiFormatVersion::V2)
        object.insert(key, value);
    else if (value)
        object.insert(key, QString());
}

QJsonObject fieldsJson(const QList<AuthField> &fields, ApiFormatVersion version)
{
    QJsonObject result;
    for (const AuthField &field : fields) {
        QJsonObject json {
            {QStringLiteral("type"), field.type},
            {QStringLiteral("label"), field.label},
            {QStringLiteral("help"), field.help},
        };
        if (field.value)
            json.insert(QStringLiteral("value"), *field.value);
        putApiBool(json, QStringLiteral("optional"), field.optional, version);
        putApiBool(json, QStringLiteral("sensitive"), field.sensitive, version);
        result.insert(field.name, json);
    }
    return result;
}

QJsonObject requestJson(const AuthRequestInfo &request, ApiFormatVersion version, bool withFields)
{
    QJsonObject json {
        {QStringLiteral("id"), request.id},
        {QStringLiteral("metadata"), QJsonObject()},
        {QStringLiteral("required"), request.required},
        {QStringLiteral("provider"), request.provider},
        {QStringLiteral("account"), request.account},
    };
    if (withFields)
        json.insert(QStringLiteral("fields"), fieldsJson(request.fields, version));
    return json;
}

QJsonObject apiWarnings(const QString &module, const QString &text, ApiFormatVersion version)
{
    const QString key = version == ApiFormatVersion::V2 ? QStringLiteral("warnings") : QStringLiteral("*");
    return QJsonObject {{module, QJsonObject {{key, text}}}};
}

QString unrecognizedParametersText(const QStringList &names)
{
    if (names.size() == 1)
        return QStringLiteral("Unrecognized parameter: %1.").arg(names.first());
    return QStringLiteral("Unrecognized parameters: %1.").arg(names.join(QStringLiteral(", ")));
}

} // namespace mwauth::provider
