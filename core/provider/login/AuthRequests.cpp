#include "AuthRequests.h"

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
                       QStringLiteral("Username for authentication."), false, false},
            AuthField {QStringLiteral("password"), QStringLiteral("password"), QStringLiteral("Password"),
                       QStringLiteral("Password for authentication."), false, true},
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
                       true, false},
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
                       false, false},
        },
    };
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

QString unrecognizedParametersText(QStringList names)
{
    names.sort();
    if (names.size() == 1)
        return QStringLiteral("Unrecognized parameter: %1.").arg(names.first());
    return QStringLiteral("Unrecognized parameters: %1.").arg(names.join(QStringLiteral(", ")));
}

} // namespace mwauth::provider
