#pragma once

#include "provider/server/ProviderResponse.h"

#include <QString>

namespace mwauth::provider {

// An error of Special:OAuth (OAuth 1.0a) as Extension:OAuth REL1_39 answers it
// (SpecialMWOAuth::showError, reference/mediawiki-oauth.md section 2): MediaWiki's message key
// and the English text of that message with its parameters, help links (E001...E011) as the
// HTML anchors Linker::makeExternalLink writes.
//
// Answers, all HTTP 200 with no caching:
//   format=raw (default)  text/plain         Error: <the text, HTML-escaped>
//   format=json           application/json   {"error":"<key>","message":"<the text>"}
//   format=html           the "Application Connection Error" page with the text
struct OAuth1Error
{
    QString key;
    QString message;

    // mwoauth-oauth-exception: "An error occurred in the OAuth protocol: <detail>", what the
    // OAuth library's own exceptions become ("Invalid signature", "Nonce already used: ...").
    static OAuth1Error protocol(const QString &detail);
    // A message with a help link as its last parameter, e.g. ("mwoauthserver-bad-consumer-key",
    // "Sorry, ... Unknown OAuth key, %1", "E006").
    static OAuth1Error withHelp(const QString &key, const QString &text, const QString &errorCode);
    static OAuth1Error plain(const QString &key, const QString &text);

    // The anchor MediaWiki puts for "Help:OAuth/Errors#<code>".
    static QString helpLink(const QString &errorCode);

    // The answer in `format` ("raw", "json" or "html"; anything else is treated as raw, as
    // MediaWiki prints nothing for an unknown format and we prefer an answer).
    ProviderResponse response(const QString &format) const;

    // Messages MediaWiki uses more than once.
    static OAuth1Error badConsumerKey(); // mwoauthserver-bad-consumer-key (E006)
    static OAuth1Error badConsumer(const QString &consumerName, const QString &ownerTalkUrl); // (E005)
    static OAuth1Error ownerOnly(const QString &consumerName, const QString &updateTitle); // (E010)
    static OAuth1Error badSourceIp(); // mwoauthdatastore-bad-source-ip
    static OAuth1Error requestTokenNotFound(); // (E004)
    static OAuth1Error requestTokenUsed(); // (E009)
    static OAuth1Error accessTokenNotFound();
    static OAuth1Error unsupportedVersion(const QString &version);
};

// The headers and body of a raw/json answer of Special:OAuth (SpecialMWOAuth::showResponse):
// no caching, Content-Type text/plain or application/json.
ProviderResponse oauth1Answer(const QByteArray &body, bool json);

} // namespace mwauth::provider
