#pragma once

#include <QString>
#include <QStringList>

namespace mwauth::provider {

// A consumer's stage (oarc_stage), with MediaWiki's numbers. Transitions an admin makes
// (ConsumerSubmitControl; ClientStore::setStage):
//
//   proposed(0) --approve--> approved(1) --disable--> disabled(4) --reenable--> approved(1)
//   proposed(0) --reject---> rejected(2) --approve--> approved(1)
//   expired(3)  --approve--> approved(1)
//
// expired is what MediaWiki sets on proposals left idle for $wgMWOAuthRequestExpirationAge
// (30 days; Utils::runAutoMaintenance, run now and then from the consumer pages). Here
// OAuthClient::stageAt() treats such a proposal as expired at once, and
// ClientStore::expireIdleProposals() writes the stage.
enum class ClientStage : int {
    Proposed = 0,
    Approved = 1,
    Rejected = 2,
    Expired = 3,
    Disabled = 4,
};

// "proposed", "approved", "rejected", "expired", "disabled" (MediaWiki's names, as in
// Special:OAuthManageConsumers/<stage>); "stage N" for a number MediaWiki does not use.
QString clientStageName(ClientStage stage);
// The stage named `name` (case-insensitive); false when there is none.
bool clientStageFromName(const QString &name, ClientStage &stage);

// An OAuth consumer / OAuth 2 client: a row of oauth_registered_consumer with the fields of
// MediaWiki's Consumer::FIELD_* (reference/mediawiki-oauth.md section 4), plus `trusted`
// (oarc_trusted: an admin lets the client skip the consent page). Never holds the handed-out
// secret; `secretKey` is the stored random value the secret is derived from.
struct OAuthClient
{
    static constexpr int OAuthVersion1 = 1;
    static constexpr int OAuthVersion2 = 2;

    qint64 id = 0; // oarc_id
    QString consumerKey; // 32 hex: the OAuth 1 consumer key, the OAuth 2 client_id
    QString name;
    qint64 userId = 0; // the owner's (central) user id
    QString version; // the application's version, e.g. "1.0"
    QString callbackUrl;
    bool callbackIsPrefix = false;
    QString description;
    QString email;
    QString emailAuthenticated; // MediaWiki timestamp or empty
    int oauthVersion = OAuthVersion2;
    bool developerAgreement = false;
    bool ownerOnly = false;
    QString wiki; // "*" or a wiki id
    QStringList grants; // grant names (basic, not useoauth)
    QString registration; // MediaWiki timestamp
    QString secretKey; // the stored value (oarc_secret_key), never given out as such
    QString rsaKey; // PEM public key (OAuth 1 RSA-SHA1) or empty
    QString restrictions; // MWRestrictions JSON
    ClientStage stage = ClientStage::Proposed;
    QString stageTimestamp; // MediaWiki timestamp
    bool deleted = false; // suppressed
    bool oauth2IsConfidential = true;
    QStringList oauth2GrantTypes; // authorization_code, refresh_token, client_credentials
    bool trusted = false;

    // $wgMWOAuthRequestExpirationAge: a proposal whose stage has not changed for this long
    // is expired.
    static constexpr qint64 RequestExpirationAge = 30 * 24 * 3600;

    // The stage at `nowSeconds` (Unix time): `stage`, except that a proposal idle for
    // RequestExpirationAge or longer is Expired even before the row says so.
    ClientStage stageAt(qint64 nowSeconds) const;

    // THE rule "may this user use this consumer now" (Consumer::isUsableBy), for every
    // endpoint of both OAuth versions: approved and not owner-only -> anyone; proposed (and
    // not expired by age, see stageAt) or approved -> the owner only; rejected, expired,
    // disabled or suppressed (`deleted`) -> nobody. `userId` 0 is nobody (anonymous).
    // Owner-only clients pass for their owner: the OAuth 1 authorize endpoints refuse them
    // separately (mwoauthserver-consumer-owner-only), as MediaWiki does.
    bool isUsableBy(qint64 userId, qint64 nowSeconds) const;
    // Whether someone (at least the owner) may use the client now: for the checks made
    // before the user is known (client authentication, the login redirect).
    bool isUsableBySomeone(qint64 nowSeconds) const { return isUsableBy(userId, nowSeconds); }
    bool isConfidential() const { return oauthVersion == OAuthVersion1 || oauth2IsConfidential; }
};

} // namespace mwauth::provider
