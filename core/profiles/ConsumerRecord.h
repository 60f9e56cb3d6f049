#pragma once

#include <QString>
#include <QStringList>

namespace mwauth::profiles {

// A consumer (OAuth 1.0a) or client (OAuth 2) known for a profile: only its non-secret parts.
// Its secret, RSA key and tokens live in the SecretStore under
// SecretRef{profileId, <kind>, clientId}.
struct ConsumerRecord
{
    QString profileId;
    QString clientId; // the consumer key / client_id
    QString name;
    int oauthVersion = 2; // 1 or 2
    bool confidential = true;
    bool ownerOnly = false;
    QString redirectUri;
    QStringList grants;

    bool operator==(const ConsumerRecord &other) const = default;
};

} // namespace mwauth::profiles
