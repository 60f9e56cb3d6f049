#pragma once

#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QUrl>

namespace mwauth::flows {

// What a flow asks of the user through Flow::needsInput. The CLI prompts on the terminal,
// the GUI shows a field; both answer with Flow::provideInput(InputAnswer{request.id, value}).
struct InputRequest
{
    enum class Kind {
        Text, // a plain text field (a user name, an e-mail address, an unknown module's field)
        Secret, // hidden input (a password, a field MediaWiki marks sensitive)
        TotpCode, // a 6-digit TOTP code
        RecoveryCode, // a single-use recovery (scratch) code
        ModuleChoice, // pick one of `choices` (a second-factor module: totp, webauthn, ...)
        WebAuthnAssertion, // a WebAuthn assertion (credential JSON) answering `data`'s auth_info
        OpenBrowser, // open `url` in the browser; the answer is empty (or a pasted callback URL)
    };

    struct Choice
    {
        QString value; // what to answer ("totp")
        QString label; // what to show ("Authenticator app (TOTP)")
    };

    Kind kind = Kind::Text;
    QString id; // the answer must carry it: the field or request name ("OATHToken", "newModule")
    QString label; // short, for a prompt
    QString help; // longer explanation (the server's text), may be empty
    bool optional = false;
    QList<Choice> choices; // ModuleChoice (and Text fields with a fixed set of values)
    QUrl url; // OpenBrowser
    QJsonObject data; // kind-specific extra data (WebAuthnAssertion: {"auth_info": ...})
};

struct InputAnswer
{
    QString id; // InputRequest::id of the request it answers
    QString value;
};

} // namespace mwauth::flows

Q_DECLARE_METATYPE(mwauth::flows::InputRequest)
