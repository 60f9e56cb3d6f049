#include "Logging.h"

namespace mwauth::log {
Q_LOGGING_CATEGORY(common, "mwauth.core.common", QtInfoMsg)
Q_LOGGING_CATEGORY(jose, "mwauth.core.jose", QtInfoMsg)
Q_LOGGING_CATEGORY(oauth1, "mwauth.core.oauth1", QtInfoMsg)
Q_LOGGING_CATEGORY(oauth2, "mwauth.core.oauth2", QtInfoMsg)
Q_LOGGING_CATEGORY(otp, "mwauth.core.otp", QtInfoMsg)
Q_LOGGING_CATEGORY(providerServer, "mwauth.provider.server", QtInfoMsg)
Q_LOGGING_CATEGORY(providerLogin, "mwauth.provider.login", QtInfoMsg)
Q_LOGGING_CATEGORY(cli, "mwauth.app.cli", QtInfoMsg)
Q_LOGGING_CATEGORY(ui, "mwauth.ui", QtInfoMsg)
} // namespace mwauth::log
