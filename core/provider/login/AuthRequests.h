#pragma once

#include "provider/server/ApiErrors.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>

namespace mwauth::provider {

// MediaWiki's AuthenticationRequest descriptions as the Action API prints them
// (ApiAuthManagerHelper::formatRequests; fixtures authmanagerinfo-login*.json and
// clientlogin-bob-step1-ui.json):
//
//   {"id": class, "metadata": {}, "required": "required"|"primary-required"|"optional",
//    "provider": text, "account": text,
//    "fields": {name: {"type", "label", "help", "optional"?, "sensitive"?}}}
//
// formatversion 1 writes a true flag as "" and leaves a false one out; formatversion 2
// writes both flags of every field as booleans.
struct AuthField
{
    QString name;
    QString type; // "string", "password", "checkbox", ...
    QString label;
    QString help;
    bool optional = false;
    bool sensitive = false;
    std::optional<QString> value; // printed only when set (the hidden auth_info of WebAuthn)
};

struct AuthRequestInfo
{
    QString id;
    QString required;
    QString provider;
    QString account;
    QList<AuthField> fields;
};

// The requests of the local provider's login, in MediaWiki's English wording.
namespace authrequests {
AuthRequestInfo password(); // MediaWiki\Auth\PasswordAuthenticationRequest
AuthRequestInfo rememberMe(); // MediaWiki\Auth\RememberMeAuthenticationRequest
AuthRequestInfo totp(const QString &account); // OATHAuth's TOTPAuthenticationRequest
// OATHAuth's RecoveryCodesAuthenticationRequest (field "RecoveryCode"). OATHAuth's English
// i18n text was not at hand: label and help are our own plain wording.
AuthRequestInfo recoveryCodes(const QString &account);
// OATHAuth's TwoFactorModuleSelectAuthenticationRequest (field "newModule", a select; ""
// keeps the current module). The caller adds the metadata and options (moduleSelectJson).
AuthRequestInfo moduleSelect(const QString &account);
// OATHAuth's WebAuthnAuthenticationRequest: the hidden "auth_info" field carries `authInfo`
// (PublicKeyCredentialRequestOptions JSON), the client answers in the hidden "credential".
AuthRequestInfo webAuthn(const QString &account, const QString &authInfo);
// The request that asks for `module`'s answer ("totp", "recoverycodes", "webauthn").
AuthRequestInfo forModule(const QString &module, const QString &account, const QString &authInfo = {});
// A readable name of a 2FA module ("totp", "recoverycodes"); the module itself if unknown.
QString moduleDescription(const QString &module);
// The module-select request as the API prints it: metadata {currentModule, allowedModules,
// moduleDescriptions} and the select's "options" {module: description} (with "" = keep).
QJsonObject moduleSelectJson(const QString &account, const QString &currentModule,
                             const QStringList &allowedModules, ApiFormatVersion version);
} // namespace authrequests

// A boolean in the Action API's output: version 2 writes true/false; version 1 writes ""
// for true and leaves false out (unless `keepFalseInV1`, never needed so far).
void putApiBool(QJsonObject &object, const QString &key, bool value, ApiFormatVersion version);

QJsonObject fieldsJson(const QList<AuthField> &fields, ApiFormatVersion version);
// One request; `withFields` false for the merged form (amimergerequestfields=1), where
// the caller puts every field into one top-level "fields" object.
QJsonObject requestJson(const AuthRequestInfo &request, ApiFormatVersion version, bool withFields = true);

// {"main": {"*": text}} (version 1) or {"main": {"warnings": text}} (version 2), the value
// of a response's top-level "warnings" for module `module`.
QJsonObject apiWarnings(const QString &module, const QString &text, ApiFormatVersion version);
// "Unrecognized parameter: a." / "Unrecognized parameters: a, b." (names in the given order;
// MediaWiki lists them as the request sent them, POST body first).
QString unrecognizedParametersText(const QStringList &names);

} // namespace mwauth::provider
