#pragma once

#include <QJsonValue>
#include <QString>

namespace mwauth::ui {

// Says in one line what a registered JWT claim or JOSE header parameter means, with its
// value read for people: times as dates in UTC and local time plus "in 59 min" /
// "expired 3 h ago" relative to a reference moment (now, or the "verify at" time).
//
// Covers RFC 7519 (iss, sub, aud, exp, nbf, iat, jti), OpenID Connect (nonce, auth_time,
// azp, at_hash, ...), OAuth (scope, client_id) and MediaWiki's own claims (scopes in
// access tokens; grants, groups, rights, editcount, ... in the OAuth 1.0a identify JWT).
// Unknown names give an empty string.
class ClaimExplainer
{
public:
    explicit ClaimExplainer(double referenceSeconds)
        : m_reference(referenceSeconds)
    { }

    QString explainClaim(const QString &name, const QJsonValue &value) const;
    QString explainHeader(const QString &name, const QJsonValue &value) const;

private:
    QString describeTime(const QString &label, const QJsonValue &value, const QString &future,
                         const QString &past) const;

    double m_reference;
};

} // namespace mwauth::ui
