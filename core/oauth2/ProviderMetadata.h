#pragma once

#include "common/Result.h"

#include <QList>
#include <QStringList>
#include <QUrl>

namespace mwauth::oauth2 {

// Where an OAuth 2 / OpenID Connect server's endpoints are and what it supports.
//
// Two sources:
//  - a discovery document, RFC 8414 (/.well-known/oauth-authorization-server) or OpenID
//    Connect Discovery 1.0 (/.well-known/openid-configuration): fromJson();
//  - MediaWiki's Extension:OAuth, which publishes none (reference/mediawiki-oauth.md
//    section 0): forMediaWiki() derives the endpoints from rest.php and index.php.
struct ProviderMetadata
{
    QUrl issuer; // empty for MediaWiki (its tokens name $wgCanonicalServer)
    QUrl authorizationEndpoint;
    QUrl tokenEndpoint;
    QUrl userinfoEndpoint; // OIDC userinfo, or MediaWiki's rest.php/oauth2/resource/profile
    QUrl jwksUri;
    QUrl revocationEndpoint;
    QUrl introspectionEndpoint;
    QUrl indexPhp; // MediaWiki's index.php (Special:OAuth for OAuth 1.0a); may be empty
    QStringList codeChallengeMethods; // empty: not advertised
    QStringList tokenEndpointAuthMethods;
    QStringList idTokenSigningAlgs;
    QStringList grantTypes;
    QStringList scopes;
    bool fromDiscovery = false;

    // The two well-known addresses for `issuer`, OIDC's first: issuer + "/.well-known/
    // openid-configuration", then RFC 8414's "/.well-known/oauth-authorization-server" inserted
    // before the issuer's path (section 3.1).
    static QList<QUrl> wellKnownUrls(const QUrl &issuer);

    // Parses a discovery document. Strict: a JSON object without duplicate members;
    // "issuer" must equal `expectedIssuer` exactly (RFC 8414 section 3.3, OIDC Discovery 4.3:
    // a mismatch is a document for another server: WrongIssuer); "authorization_endpoint"
    // and "token_endpoint" are required absolute http(s) URLs; the other endpoints, when
    // present, must be too; the list members must be arrays of strings. MalformedJson for
    // a wrong shape, MalformedUrl for a bad URL.
    static Result<ProviderMetadata> fromJson(QByteArrayView json, const QUrl &expectedIssuer);

    // MediaWiki: `rest` is the wiki's rest.php URL (".../w/rest.php"), `index` its index.php
    // (may be empty). authorize, access_token and resource/profile under rest.php; PKCE
    // S256 and plain, client_secret_post/basic/none, the three grant types (section 3).
    // MalformedUrl when `rest` is not an absolute http(s) URL.
    static Result<ProviderMetadata> forMediaWiki(const QUrl &rest, const QUrl &index = {});

    // Whether `method` ("S256", "client_secret_basic", ...) is advertised; an absent list
    // counts as "not said" (true).
    bool supportsCodeChallengeMethod(const QString &method) const;
    bool supportsTokenEndpointAuthMethod(const QString &method) const;
};

// An absolute http or https URL without user info or fragment.
bool isUsableEndpoint(const QUrl &url);

} // namespace mwauth::oauth2
