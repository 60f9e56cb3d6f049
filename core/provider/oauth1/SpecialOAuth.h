#pragma once

#include "OAuth1AuthorizePage.h"
#include "OAuth1Server.h"
#include "common/Clock.h"
#include "common/Random.h"
#include "provider/accounts/UserStore.h"
#include "provider/clients/AcceptanceStore.h"
#include "provider/server/ProviderServer.h"

#include <memory>

namespace mwauth::provider {

// Extension:OAuth's Special:OAuth for OAuth 1.0a (SpecialMWOAuth, REL1_39;
// reference/mediawiki-oauth.md section 2), on index.php?title=Special:OAuth/<subpage>:
//
//   initiate      signed by the consumer ->
//   oauth_token=..&oauth_token_secret=..&oauth_callback_confirmed=true authorize     the consent page (see
//   OAuth1AuthorizePage) authenticate  the same, skipped for an identical earlier approval of auth-only
//   grants token         signed with the approved request token + oauth_verifier -> the access token identify
//   signed with the access token -> the HS256 JWT about the user (consumer secret) verified      HTML page
//   showing oauth_verifier and oauth_token (for "oob" applications) grants        302 to Special:ListGrants
//   (none)        a short explanation; any other subpage: E002
//
// format=raw (default) | json | html as MediaWiki; every answer is HTTP 200, errors as
// OAuth1Error. The approve and rest_redirect subpages (OAuth 2) are pages::ApprovePage's.
class SpecialOAuth
{
public:
    static const QString Title; // "Special:OAuth"

    // Everything passed must outlive the page. `issuer` is MediaWiki's $wgCanonicalServer
    // (the identify JWT's iss); `wikiId` the wiki approvals name ("*" matches any).
    SpecialOAuth(OAuth1Server &server, ClientStore &clients, AcceptanceStore &acceptances, UserStore &users,
                 const Clock &clock, Random &random, QString issuer, QString wikiId);
    ~SpecialOAuth();

    void install(ProviderServer &server);
    IndexResponse handle(const IndexRequest &request);

    // The identify JWT's claims (UserStatementProvider::getUserStatement + nonce) for `user`
    // approving `client` with `grants`, issued at `now`.
    static QJsonObject identifyClaims(const User &user, const QStringList &ownGroups,
                                      const OAuthClient &client, const QStringList &grants,
                                      const QString &issuer, qint64 now, const QString &nonce);

private:
    IndexResponse initiate(const IndexRequest &request, const QString &format);
    IndexResponse token(const IndexRequest &request, const QString &format);
    IndexResponse identify(const IndexRequest &request);
    IndexResponse verified(const IndexRequest &request);

    std::unique_ptr<OAuth1AuthorizePage> m_authorizePage;
    OAuth1Server &m_server;
    ClientStore &m_clients;
    AcceptanceStore &m_acceptances;
    UserStore &m_users;
    const Clock &m_clock;
    Random &m_random;
    QString m_issuer;
    QString m_wikiId;
};

} // namespace mwauth::provider
