#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QUrl>

namespace mwauth::profiles {

// One server the console talks to (DESIGN.md section 2): a MediaWiki (its api.php, rest.php and
// index.php, discovered from action=query&meta=siteinfo), a plain OAuth 2 / OpenID Connect
// issuer (discovered from /.well-known/openid-configuration), or the built-in local provider
// (its URLs are known once it runs). Nothing in a Profile is secret.
struct Profile
{
    enum class Kind { MediaWiki, OidcIssuer, LocalProvider };

    QString id; // stable, [A-Za-z0-9._-]{1,64}: part of the keychain keys of its secrets
    QString name; // what the user calls it (--profile NAME), unique
    Kind kind = Kind::MediaWiki;
    QUrl baseUrl; // what the user gave
    QUrl apiUrl; // MediaWiki: .../api.php
    QUrl restUrl; // MediaWiki: .../rest.php
    QUrl indexUrl; // MediaWiki: .../index.php
    QUrl issuer; // OIDC: the issuer; MediaWiki: the server's origin
    QString siteName; // MediaWiki: sitename; OIDC: empty
    QString generator; // MediaWiki: "MediaWiki 1.39.17"
    QJsonObject metadata; // OIDC: the discovery document; empty otherwise

    static constexpr QStringView localProviderId = u"local";

    // The built-in profile of the local test provider.
    static Profile localProvider();
    bool isBuiltIn() const { return kind == Kind::LocalProvider && id == localProviderId; }
};

QString profileKindName(Profile::Kind kind); // "mediawiki", "oidc", "local-provider"
bool profileKindFromName(const QString &name, Profile::Kind &kind);

} // namespace mwauth::profiles
