#pragma once

#include "common/Clock.h"
#include "common/Random.h"
#include "provider/accounts/UserStore.h"
#include "provider/clients/ClientStore.h"
#include "provider/server/ProviderServer.h"

namespace mwauth::provider::pages {

// Extension:OAuth's consumer pages (reference/mediawiki-oauth.md section 4), small and
// server-rendered; every form POSTs with wpEditToken (the session's edit token), every printed
// value is HTML-escaped. Anonymous visitors of the pages that need an account get
// 302 Special:UserLogin&returnto=<the page>.
//
//   Special:OAuthConsumerRegistration            links to the pages below
//     /propose/oauth1a, /propose/oauth2          the proposal form (ConsumerSubmitControl
//                                                `propose`); POST: a validation error is shown
//                                                next to its field (400, the form keeps what was
//                                                typed); success: the key and secret (and the
//                                                owner-only access token) shown once
//     /list                                      the user's own consumers
//     /update/<key>                              owner only: new IP ranges / RSA key, reason,
//                                                resetSecret (the new secret shown once)
//   Special:OAuthManageConsumers                 right "mwoauthmanageconsumer" (group sysop)
//     /<proposed|rejected|expired|approved|disabled>   the queue (oldest first)
//     /<stage>/<key>                              the consumer and the actions of its stage
//                                                (approve, reject, disable, reenable) with a
//                                                reason; a changeToken (40 hex of the stage
//                                                and its timestamp) refuses a stale form;
//                                                reject/disable may also suppress (wpsuppress=1,
//                                                group suppress only); suppressed consumers
//                                                are seen and changed only by that group
//   Special:OAuthListConsumers[/list]            public directory, filters name, publisher, stage
//     /view/<key>                                one consumer's public details
//   Special:Log/mwoauthconsumer                  the audit_log rows of consumers, newest first
//
// Idle proposals are expired (ClientStore::expireIdleProposals) whenever a list or queue is
// shown; MediaWiki does it on one view in 30 at random.
class ConsumerPages
{
public:
    static const QString RegistrationTitle; // "Special:OAuthConsumerRegistration"
    static const QString ManageTitle; // "Special:OAuthManageConsumers"
    static const QString ListTitle; // "Special:OAuthListConsumers"
    static const QString LogTitle; // "Special:Log"
    static const QString AdminGroup; // "sysop": holds mwoauthmanageconsumer
    static const QString SuppressGroup; // "suppress": holds mwoauthsuppress (hide a consumer)

    // All must outlive the pages.
    ConsumerPages(ClientStore &clients, UserStore &users, const Clock &clock, Random &random);

    void install(ProviderServer &server);

    IndexResponse registration(const IndexRequest &request);
    IndexResponse manage(const IndexRequest &request);
    IndexResponse list(const IndexRequest &request);
    IndexResponse log(const IndexRequest &request);

    // The change token of a consumer as its stage stands: SHA-1 hex of id, stage and stage
    // timestamp (MediaWiki's Consumer::getChangeToken also keys it to the session).
    static QString changeToken(const OAuthClient &client, const QByteArray &sessionId);

private:
    // What one page request works with: the request, its session (tokens may be added), the user.
    struct Context
    {
        const IndexRequest &request;
        SessionData session;
        User user; // id 0: anonymous
    };
    struct ProposalForm; // what was typed into the proposal form
    IndexResponse propose(Context &context, int oauthVersion);
    IndexResponse proposalForm(Context &context, const ProposalForm &form, int status, const QString &field,
                               const QString &error);
    IndexResponse ownList(Context &context);
    IndexResponse update(Context &context, const QString &key);
    IndexResponse manageOne(Context &context, ClientStage queue, const QString &key);
    IndexResponse view(const QString &key);
    IndexResponse finish(Context &context, class HtmlPage &page, int status);
    QString tokenField(Context &context);
    bool isAdmin(qint64 userId) const;
    bool isSuppressor(qint64 userId) const;
    QString ownerName(qint64 userId) const;

    ClientStore &m_clients;
    UserStore &m_users;
    const Clock &m_clock;
    Random &m_random;
};

} // namespace mwauth::provider::pages
