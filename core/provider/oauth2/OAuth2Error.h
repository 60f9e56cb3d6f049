#pragma once

#include "common/Result.h"
#include "provider/server/ProviderRequest.h"
#include "provider/server/ProviderResponse.h"

#include <QJsonObject>
#include <QString>

namespace mwauth::provider {

// An OAuth 2 error as Extension:OAuth 1.39 answers it (league/oauth2-server's
// OAuthServerException; reference/mediawiki-oauth.md section 1.2): JSON
//   {"error": type, "error_description": text[, "hint": text], "message": text}
// with the type's status, Content-Type application/json, Cache-Control no-store. For
// invalid_client a `WWW-Authenticate: Basic realm="OAuth"` is added when the request carried
// an Authorization header (RFC 6749 section 5.2).
struct OAuth2Error
{
    QString error;
    QString description;
    QString hint;
    int status = 400;

    static OAuth2Error invalidClient();
    // `parameter` fills league's hint "Check the `<parameter>` parameter"; `hint` replaces it.
    static OAuth2Error invalidRequest(const QString &parameter, const QString &hint = {});
    static OAuth2Error invalidGrant(const QString &hint = {});
    static OAuth2Error invalidScope(const QString &scope);
    static OAuth2Error unsupportedGrantType();
    static OAuth2Error accessDenied(const QString &hint = {});
    static OAuth2Error serverError(const QString &hint);
    // A refresh token that is unknown, expired or revoked (observed: 401 invalid_request).
    static OAuth2Error invalidRefreshToken(const QString &hint);

    QJsonObject json() const;
    RestResponse response(const HttpRequest &request) const;
};

// The client credentials of a token request: client_id/client_secret in the form body, or
// HTTP Basic (base64 of "id:secret", both parts URL-decoded as RFC 6749 section 2.3.1 says);
// the body wins, as in league's AbstractGrant::getClientCredentials.
struct ClientCredentials
{
    QString clientId;
    QString secret; // empty when none was sent (a public client)
    bool viaBasic = false;
};

// InvalidInput (with a sentence naming what is wrong) for a malformed Basic header or a
// missing client_id; the caller answers OAuth2Error::invalidClient() or invalidRequest.
Result<ClientCredentials> clientCredentials(const HttpRequest &request);

} // namespace mwauth::provider
