#pragma once

namespace mwauth::provider {

// The knobs of the provider's OAuth 1.0a side (Special:OAuth). The defaults are Extension:OAuth
// REL1_39's (reference/mediawiki-oauth.md section 2); `mwauth provider serve` exposes
// allowPlaintext as --allow-plaintext.
struct OAuth1Options
{
    // Accept oauth_signature_method=PLAINTEXT ($wgOAuthAllowInsecurePlaintextSignature; off).
    bool allowPlaintext = false;
    // How far oauth_timestamp may be from the provider's clock (OAuthServer::$timestamp_threshold).
    double timestampWindow = 300;
    // How long a request token (and its callback) lives before it is exchanged (600 s).
    double requestTokenLifetime = 600;
};

} // namespace mwauth::provider
