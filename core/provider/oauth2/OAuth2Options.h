#pragma once

namespace mwauth::provider {

// The knobs of the local provider's OAuth 2 / OpenID Connect services. The defaults are what
// Extension:OAuth REL1_39 does (reference/mediawiki-oauth.md sections 1.2 and 3) unless a
// field says otherwise; `mwauth provider serve` exposes them as options.
struct OAuth2Options
{
    // Lifetime of an access token and of an id_token ($wgOAuth2GrantExpirationInterval, PT1H).
    double accessTokenLifetime = 3600;
    // Lifetime of a refresh token ($wgOAuth2RefreshTokenTTL; master's P1M = 30 days).
    double refreshTokenLifetime = 30.0 * 24 * 3600;
    // After a refresh token has been rotated, the old one is still accepted for this many
    // seconds (a client retrying a lost response). 0 = REL1_39: reuse fails at once.
    double refreshGraceSeconds = 0;
    // Lifetime of an authorization code (league/oauth2-server's PT10M).
    double codeLifetime = 600;
    // RFC 7591 dynamic client registration; off by default (MediaWiki has none).
    bool dynamicRegistration = false;
};

} // namespace mwauth::provider
