#pragma once

#include "common/Clock.h"
#include "common/Random.h"
#include "common/Result.h"
#include "provider/clients/ClientStore.h"
#include "provider/clients/OAuthClient.h"

#include <QStringList>
#include <optional>

class QSqlQuery;

namespace mwauth::provider {

class ProviderDatabase;

// A user's OAuth 2 approvals of clients: rows of oauth_accepted_consumer as
// ConsumerAcceptanceSubmitControl `accept` writes them for the OAuth 2 consent page
// (Special:OAuth/approve, reference/mediawiki-oauth.md sections 1.1 and 4):
//
//   oaac_wiki           the client's wiki ("*" included), as ClientStore does for owner-only
//   oaac_user_id        the approving user
//   oaac_consumer_id    the client's oarc_id
//   oaac_access_token   32 random hex (OAuth 1's access token key; unused for OAuth 2)
//   oaac_access_secret  32 random hex (likewise)
//   oaac_grants         the approved grants, JSON, with MediaWiki's back-compat names
//   oaac_accepted       MediaWiki timestamp of the (last) approval
//   oaac_oauth_version  2
//
// One row per user x client x wiki: accepting again replaces the grants and the time and keeps
// the row's id (so tokens recorded under it stay attached to it).
//
// Use on the thread of its ProviderDatabase.
class AcceptanceStore
{
public:
    // All must outlive the store.
    AcceptanceStore(ProviderDatabase &db, const Clock &clock, Random &random);

    // Records (or updates) `userId`'s approval of `client` with `grants`; returns the row.
    // InvalidInput for user 0 or a client without an id; Database otherwise.
    Result<ClientAcceptance> accept(qint64 userId, const OAuthClient &client, const QStringList &grants);
    // The user's approval of the client, if any.
    Result<std::optional<ClientAcceptance>> find(qint64 userId, const OAuthClient &client) const;
    Result<std::optional<ClientAcceptance>> findById(qint64 acceptanceId) const;

    // The columns of an oauth_accepted_consumer row in the order fromRow() reads them, for
    // every SELECT of approvals (also ClientStore's).
    static const QString &columns();
    // An approval from a row selected with columns(). Grants in MediaWiki's stored forms (a
    // list, or an object with numeric keys; back-compat names) come back as grant names.
    static ClientAcceptance fromRow(const QSqlQuery &query);

    // Extension:OAuth's rule for skipping the consent page (Authorize / AuthorizationCodeAuthorization::
    // needsUserApproval on REL1_39): an existing approval with exactly these grants, every
    // grant auth-only (mwoauth-authonly / mwoauth-authonlyprivate), for a confidential client.
    static bool approvalCoversAuthOnly(const ClientAcceptance &existing, const OAuthClient &client,
                                       const QStringList &grants);
    // True when every one of `grants` is in the approval.
    static bool approvalCovers(const ClientAcceptance &existing, const QStringList &grants);

private:
    ProviderDatabase &m_db;
    const Clock &m_clock;
    Random &m_random;
};

} // namespace mwauth::provider
