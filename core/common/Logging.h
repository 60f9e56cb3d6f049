#pragma once

#include <QLoggingCategory>

// One category per module, in a hierarchy: mwauth.<layer>.<module>.
// Default threshold Info; switch on more with QT_LOGGING_RULES="mwauth.*.debug=true".
// Never log a secret, a code, a token or a raw callback URL: pass it through Redactor.
namespace mwauth::log {
Q_DECLARE_LOGGING_CATEGORY(common)
Q_DECLARE_LOGGING_CATEGORY(jose)
Q_DECLARE_LOGGING_CATEGORY(oauth1)
Q_DECLARE_LOGGING_CATEGORY(oauth2)
Q_DECLARE_LOGGING_CATEGORY(otp)
Q_DECLARE_LOGGING_CATEGORY(providerServer)
Q_DECLARE_LOGGING_CATEGORY(providerLogin)
Q_DECLARE_LOGGING_CATEGORY(cli)
Q_DECLARE_LOGGING_CATEGORY(ui)
} // namespace mwauth::log
