#pragma once

#include "oauth2/Pkce.h"

#include <QList>
#include <QStringList>
#include <QUrl>

#include <optional>
#include <utility>

namespace mwauth::oauth2 {

// The authorization request of the code flow (RFC 6749 section 4.1.1, RFC 7636 section 4.3,
// OIDC Core 3.1.2.1) as the URL the browser opens.
//
//   AuthorizationRequest request;
//   request.endpoint = metadata.authorizationEndpoint;
//   request.clientId = id; request.redirectUri = listener.redirectUri();
//   request.scopes = {"openid", "basic"}; request.state = state; request.pkce = pkce;
//   QUrl url = request.toUrl();
struct AuthorizationRequest
{
    QUrl endpoint; // its own query (if any) is kept in front of ours
    QString clientId;
    QString redirectUri; // empty: not sent (MediaWiki then uses the registered callback)
    QStringList scopes; // empty: not sent (MediaWiki then grants all of the client's grants)
    QByteArray state;
    QByteArray nonce; // empty: not sent
    std::optional<Pkce> pkce;
    QString prompt; // OIDC "prompt", empty: not sent
    QList<std::pair<QString, QString>> extra; // further parameters, in order

    // response_type=code, client_id, redirect_uri, scope (space-separated), state,
    // nonce, code_challenge + code_challenge_method, prompt, then `extra`; every value
    // percent-encoded (a space as %20).
    QUrl toUrl() const;
};

} // namespace mwauth::oauth2
