#pragma once

#include "common/Result.h"
#include "jose/JwsAlgorithm.h"
#include "provider/keys/SigningKeyStore.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>

#include <functional>

namespace mwauth::admin {

// How an admin operation answers: once, on the caller's thread, and never after the
// `context` object passed with the request is gone.
template<typename T>
using Done = std::function<void(Result<T>)>;

// A provider's signing keys as an admin sees them, with what is needed to draw their
// schedule: the longest token lifetime (how long a retiring key stays published) and the
// provider's clock at the time of reading.
struct KeyRing
{
    QList<provider::SigningKeyInfo> keys; // oldest first, retired ones included
    qint64 maxTokenLifetime = 0; // seconds
    qint64 now = 0; // Unix seconds, the provider's clock
    QJsonObject jwks; // the published JWKS document
};

// One admin client for the local provider and (later) remote wikis (DESIGN.md section 3,
// "Admin action": UI or CLI -> AdminClient -> the in-process provider's services, or a wiki
// over HTTP). Every operation is asynchronous. This first part covers the signing keys; a
// remote MediaWiki has one configured key and answers these with ErrorCode::Unsupported.
class AdminClient
{
public:
    virtual ~AdminClient() = default;

    // What the client talks to, for messages ("the local provider", a wiki's name).
    virtual QString displayName() const = 0;

    virtual void signingKeys(QObject *context, Done<KeyRing> done) = 0;
    // Next becomes current, current becomes retiring, a new next key is made (see
    // SigningKeyStore::rotate); audited under the client's actor.
    virtual void rotateSigningKeys(QObject *context, Done<provider::SigningKeyRotation> done) = 0;
    // A new next key of `alg` (replacing an existing next key, which never signed).
    virtual void generateSigningKey(jose::JwsAlgorithm alg, QObject *context,
                                    Done<provider::SigningKeyInfo> done)
        = 0;
    // Retires a next or retiring key now (tokens it signed stop verifying).
    virtual void retireSigningKey(const QString &kid, QObject *context, Done<provider::SigningKeyInfo> done)
        = 0;
};

} // namespace mwauth::admin
