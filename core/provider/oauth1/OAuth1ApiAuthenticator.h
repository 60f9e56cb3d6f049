#pragma once

#include "OAuth1Server.h"
#include "provider/accounts/UserStore.h"
#include "provider/server/ProviderServer.h"

namespace mwauth::provider {

// api.php under "Authorization: OAuth ..." signed with an OAuth 1.0a access token, as
// Extension:OAuth's SessionProvider (REL1_39): OAuth1Server::verifyRequest, then the approval's
// user must exist and the consumer be usable by them (a proposed consumer: its owner only).
// The request then runs as that user restricted to the approval's grants (the session gets
// wsUserID, wsUserName and BearerTokens::GrantedRightsKey = the user's rights the grants give);
// nothing is saved and no cookie is sent.
//
// Failures are MediaWiki's API errors with the MediaWiki-API-Error header, HTTP 200:
//   mwoauth-invalid-authorization          "The authorization headers in your request are not
//                                           valid: <the OAuth error's text>" (bad signature, old
//                                           timestamp, used nonce, unknown token, wrong IP, ...)
//   mwoauth-invalid-authorization-invalid-user, -wrong-wiki, -not-approved
// Requests without an OAuth header are left alone (the caller tries Bearer tokens next).
class OAuth1ApiAuthenticator
{
public:
    // Everything passed must outlive the object.
    OAuth1ApiAuthenticator(OAuth1Server &server, UserStore &users, QString wikiId);

    ProviderServer::ApiAuthentication authenticate(ApiRequest &request) const;

private:
    OAuth1Server &m_server;
    UserStore &m_users;
    QString m_wikiId;
};

} // namespace mwauth::provider
