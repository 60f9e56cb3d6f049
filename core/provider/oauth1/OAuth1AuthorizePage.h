#pragma once

#include "OAuth1Server.h"
#include "common/Random.h"
#include "provider/accounts/UserStore.h"
#include "provider/clients/AcceptanceStore.h"
#include "provider/server/ProviderRequest.h"
#include "provider/server/ProviderResponse.h"

namespace mwauth::provider {

// Special:OAuth/authorize and /authenticate (SpecialMWOAuth::handleAuthorizationForm, REL1_39):
//
//   not logged in      -> 302 Special:UserLogin&returnto=Special:OAuth/<subpage>&returntoquery=<query>
//   GET                -> the consent form, id "mw-mwoauth-authorize-form", POSTing hidden title,
//                         wpEditToken, wpaction=accept, wpconfirmUpdate, oauth_version=1,
//                         consumerKey, requestToken and the buttons accept / cancel
//   POST accept        -> the approval is recorded (oauth_accepted_consumer, the consumer's
//                         grants), the request token gets a verifier and the approval's access
//                         key -> 302 <callback>?oauth_verifier=<32 hex>&oauth_token=<request token>
//   POST cancel        -> a "cancelled" page, no redirect
//   authenticate with an approval of exactly the consumer's grants, all auth-only -> the 302 at once
//
// Parameters: requestToken (or oauth_token), consumerKey (or oauth_consumer_key; found from the
// request token when missing). Errors (HTML, status 200, OAuth1Error): unknown or deleted consumer
// E006, a consumer this user may not use (Consumer::isUsableBy: a proposed one is its owner's
// only) or of OAuth 2 E005, owner-only E010, a request from outside the consumer's IP ranges
// (beyond MediaWiki, which does not check the browser's address), a wrong edit token, an unknown
// or used request token (E004 / E009).
class OAuth1AuthorizePage
{
public:
    // Everything passed must outlive the page.
    OAuth1AuthorizePage(OAuth1Server &server, ClientStore &clients, AcceptanceStore &acceptances,
                        UserStore &users, Random &random);

    IndexResponse handle(const IndexRequest &request, bool authenticate);

private:
    IndexResponse form(const IndexRequest &request, const QString &title, const OAuthClient &client,
                       const QString &requestToken, bool update, const QString &error);
    IndexResponse approve(const IndexRequest &request, const OAuthClient &client, qint64 userId,
                          const QString &requestToken, const std::optional<ClientAcceptance> &existing);
    QString ownerName(const OAuthClient &client) const;

    OAuth1Server &m_server;
    ClientStore &m_clients;
    AcceptanceStore &m_acceptances;
    UserStore &m_users;
    Random &m_random;
};

} // namespace mwauth::provider
