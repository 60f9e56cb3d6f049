#include "MediaWikiErrors.h"

namespace mwauth::flows {

namespace {

bool has(const ErrorClues &clues, const char *fragment)
{
    return clues.text.contains(QLatin1String(fragment), Qt::CaseInsensitive);
}

MediaWikiExplanation explanation(MediaWikiProblem problem, const char *text)
{
    return {problem, QString::fromUtf8(text)};
}

} // namespace

std::optional<MediaWikiExplanation> explainMediaWikiError(const ErrorClues &clues)
{
    const QString &code = clues.code;
    if (code == u"mwoauthserver-bad-consumer" || has(clues, "is not approved as a Connected App")
        || has(clues, "Connected OAuth app not approved"))
        return explanation(
            MediaWikiProblem::UnapprovedConsumer,
            "MediaWiki (E005): the consumer is still proposed, not approved. A proposed consumer "
            "works only for the account that registered it; other users are refused until an "
            "OAuth administrator approves it on Special:OAuthManageConsumers/proposed. Test it "
            "logged in as its owner, or have it approved.");
    if (code == u"mwoauthserver-consumer-owner-only" || has(clues, "is an owner-only Connected App")
        || has(clues, "Consumer is owner-only"))
        return explanation(MediaWikiProblem::OwnerOnlyConsumer,
                           "MediaWiki (E010): the consumer is owner-only. Owner-only consumers never go "
                           "through the authorization step: use the access token and secret (OAuth 1.0a) or "
                           "the access token (OAuth 2) shown when the consumer was registered, or reset them "
                           "on Special:OAuthConsumerRegistration/update.");
    if (code == u"mwoauth-callback-not-oob-or-prefix" || code == u"mwoauth-callback-not-oob"
        || has(clues, "configured callback must be a prefix") || has(clues, "oauth_callback must be set"))
        return explanation(
            MediaWikiProblem::CallbackMismatch,
            "MediaWiki: the oauth_callback is not accepted. It must be \"oob\" (case-sensitive), "
            "or, only when the consumer was registered with \"Allow consumer to specify a "
            "callback\", a URL that starts with the registered callback (same scheme, host and "
            "port, path and query under the registered ones). Register the loopback URL as "
            "the callback prefix, or run the flow with oob.");
    if (code == u"mwoauth-invalid-authorization-wrong-wiki" || has(clues, "are not valid for")
        || has(clues, "can only be used on project"))
        return explanation(MediaWikiProblem::WrongWiki,
                           "MediaWiki: the consumer is registered for another wiki (its \"Applicable "
                           "project\" is one wiki id, not \"*\"), so this wiki refuses its tokens. Use the "
                           "wiki it was registered for or register it for \"*\".");
    if (code == u"mwoauthdatastore-bad-source-ip" || has(clues, "came from an invalid IP address"))
        return explanation(
            MediaWikiProblem::IpRestriction,
            "MediaWiki: the consumer's usage restrictions (its \"IPAddresses\" CIDR ranges) do "
            "not include the address this request came from. Run it from an allowed address "
            "or widen the restrictions (Special:OAuthConsumerRegistration/update).");
    if (has(clues, "PLAINTEXT") && (has(clues, "not supported") || has(clues, "signature method")))
        return explanation(MediaWikiProblem::PlaintextRefused,
                           "MediaWiki refuses PLAINTEXT signatures unless the wiki sets "
                           "$wgOAuthAllowInsecurePlaintextSignature (off by default). Sign with HMAC-SHA1 "
                           "(consumer secret) or RSA-SHA1 (registered public key).");
    if (clues.stage == ErrorStage::Refresh && clues.publicClient
        && (code == u"invalid_client" || code == u"invalid_grant" || code == u"unauthorized_client"
            || code == u"invalid_request"))
        return explanation(MediaWikiProblem::PublicClientRefresh,
                           "MediaWiki: this is a public (non-confidential) client. Extension:OAuth on newer "
                           "wikis (1.43) refuses refresh_token grants for public clients, and REL1_39 keeps "
                           "refresh tokens for a minute only ($wgOAuth2RefreshTokenTTL = PT1M). Run the "
                           "authorization code flow again (with PKCE) instead of refreshing.");
    if (clues.stage == ErrorStage::Authorize && code == u"invalid_client")
        return explanation(MediaWikiProblem::UnapprovedConsumer,
                           "MediaWiki answers invalid_client on the authorization step when the client id is "
                           "unknown, the client is still proposed and you are not its owner (a proposed "
                           "client is usable by its owner only), the client is owner-only (it has no "
                           "authorization step), it lacks the authorization_code grant type, or the "
                           "redirect_uri is not exactly the registered callback (REL1_39 compares byte for "
                           "byte, the port included).");
    return std::nullopt;
}

Error withMediaWikiExplanation(const Error &error, const ErrorClues &clues)
{
    const std::optional<MediaWikiExplanation> explained = explainMediaWikiError(clues);
    if (!explained)
        return error;
    QString detail = explained->text;
    if (!error.detail().isEmpty())
        detail += QStringLiteral(" (") + error.detail() + u')';
    return Error(error.code(), error.message(), detail);
}

} // namespace mwauth::flows
