#pragma once

#include "common/Result.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>

namespace mwauth::mediawiki {

// MediaWiki's AuthManager as the Action API shows it (action=clientlogin, meta=authmanagerinfo):
// requests (AuthenticationRequest subclasses, by PHP class name) with their fields.

struct AuthField
{
    QString name; // "OATHToken", "password", "newModule", "credential"
    QString type; // "string", "password", "select", "multiselect", "checkbox", "button",
                  // "hidden", "null"
    QString label;
    QString help;
    bool optional = false;
    bool sensitive = false; // MediaWiki 1.39 fv2 prints "sensitive"
    std::optional<QString> value; // a preset value (the hidden auth_info of WebAuthn)
    QList<QPair<QString, QString>> options; // select: value → label, in the server's order

    bool isSecret() const { return type == u"password" || sensitive; }
};

struct AuthRequest
{
    QString id; // PHP class name, e.g. MediaWiki\Extension\OATHAuth\Auth\TOTPAuthenticationRequest
    QString required; // "required", "optional", "primary-required"
    QString provider;
    QString account;
    QJsonObject metadata;
    QList<AuthField> fields;

    // The class name without its namespace ("TOTPAuthenticationRequest").
    QString shortName() const;
    const AuthField *field(const QString &name) const;
    bool isModuleSelect() const { return shortName() == u"TwoFactorModuleSelectAuthenticationRequest"; }
};

// One answer of action=clientlogin.
struct ClientLoginResponse
{
    enum class Status { Pass, Fail, Ui, Redirect, Restart };

    Status status = Status::Fail;
    QString statusName; // as sent: "PASS", "UI", ...
    QString username; // PASS
    QString message; // FAIL, UI, RESTART
    QString messageCode;
    QString redirectTarget; // REDIRECT
    QList<AuthRequest> requests; // UI, REDIRECT

    // From the "clientlogin" member of an api.php answer (formatversion 1 or 2).
    // MalformedJson when it is missing or not an object, Protocol for an unknown status.
    static Result<ClientLoginResponse> fromApi(const QJsonObject &answer);

    // The OATHAuth module-select request, or nullptr.
    const AuthRequest *moduleSelect() const;
};

// Fields and requests from their JSON (formatversion 1 or 2).
AuthField authFieldFromJson(const QString &name, const QJsonObject &json);
AuthRequest authRequestFromJson(const QJsonObject &json);

} // namespace mwauth::mediawiki
