#pragma once

#include "common/Error.h"

#include <QString>

#include <optional>

namespace mwauth::flows {

// The MediaWiki situations behind some OAuth failures that the raw error does not make plain
// (Extension:OAuth, reference/mediawiki-oauth.md sections 1-3 and its i18n texts):
enum class MediaWikiProblem {
    UnapprovedConsumer, // E005: a proposed (not yet approved) consumer, usable by its owner only
    OwnerOnlyConsumer, // E010: an owner-only consumer sent through the authorization step
    CallbackMismatch, // the callback is neither "oob" nor under the registered prefix, or
                      // the OAuth 2 redirect_uri is not exactly the registered one
    PublicClientRefresh, // a public (non-confidential) client's refresh refused
    WrongWiki, // the consumer is registered for another wiki
    IpRestriction, // the consumer's restrictions do not allow this source address
    PlaintextRefused, // PLAINTEXT signatures ($wgOAuthAllowInsecurePlaintextSignature off)
};

// Where in a flow the error came back.
enum class ErrorStage {
    Authorize, // the browser's authorization step (OAuth 2 authorize, Special:OAuth/authorize)
    CodeExchange, // the token endpoint, authorization_code grant
    Refresh, // the token endpoint, refresh_token grant
    ClientCredentials,
    OAuth1, // Special:OAuth/initiate, token, identify
    Api, // a call to api.php / rest.php with the token
};

// What is known of a failure: the error key or OAuth 2 error ("mwoauthserver-bad-consumer",
// "invalid_client", "mwoauth-invalid-authorization-wrong-wiki"), and the texts that came with
// it (message, description, hint, an HTML page's text), joined.
struct ErrorClues
{
    QString code;
    QString text;
    ErrorStage stage = ErrorStage::Api;
    bool publicClient = false;
};

struct MediaWikiExplanation
{
    MediaWikiProblem problem;
    QString text; // what it means and what to do, in MediaWiki's terms
};

// The explanation when the clues show one of the problems above; nullopt otherwise.
std::optional<MediaWikiExplanation> explainMediaWikiError(const ErrorClues &clues);

// `error` with the explanation (if any) as its detail (an existing detail is kept after it).
Error withMediaWikiExplanation(const Error &error, const ErrorClues &clues);

} // namespace mwauth::flows
