#pragma once

#include "common/Result.h"

#include <QString>
#include <QStringList>

namespace mwauth::provider {

// What a new consumer / OAuth 2 client is registered with: the fields of MediaWiki's
// ConsumerSubmitControl `propose` (reference/mediawiki-oauth.md sections 1.5 and 4) plus
// ours (`approved`, `trusted`). ClientStore::registerClient checks it with validate().
struct ClientRegistration
{
    QString name; // 1-128 bytes (UTF-8), no control characters
    QString version = QStringLiteral("1.0"); // the application's version, Composer-style
    int oauthVersion = 2; // 1 or 2
    QString callbackUrl; // ignored (replaced) for owner-only clients
    bool callbackIsPrefix = false;
    QString description; // under 64 KiB
    QString email; // a valid address (MediaWiki requires the owner's confirmed one)
    QString wiki = QStringLiteral("*"); // "*" or the provider's wiki id
    qint64 ownerId = 0; // the owner's user id
    bool ownerOnly = false;
    bool oauth2IsConfidential = true;
    QStringList oauth2GrantTypes; // OAuth 2: authorization_code, refresh_token, client_credentials
    QStringList grants; // grant names (Grants); basic is added, auth-only grants stand alone
    QString rsaKey; // OAuth 1: empty or an RSA public key in PEM
    QString restrictions; // MWRestrictions JSON; empty for the default (any address)
    bool developerAgreement = true; // MediaWiki's `agreement`: must be true
    bool approved = false; // an admin registers it: approved at once (owner-only always is)
    bool trusted = false; // oarc_trusted: users are not asked for consent

    static constexpr int MaxNameBytes = 128;
    static constexpr int MaxVersionBytes = 32;
    static constexpr int MaxCallbackBytes = 2000;
    static constexpr int MaxBlobBytes = 65535;

    static const QStringList &oauth2GrantTypeNames(); // the three grant types, in that order
    // MWRestrictions::newDefault() as JSON.
    static QString defaultRestrictions();
    // MWRestrictions JSON allowing only `ranges` (CIDR, IPv4 or IPv6, e.g. 192.0.2.0/24,
    // 2001:db8::/32); "" (the default: any address) for an empty list. InvalidInput naming the
    // first entry that is not a range with a prefix length.
    static Result<QString> restrictionsForIpRanges(const QStringList &ranges);

    // The checks of ConsumerSubmitControl `propose`, each failing with InvalidInput and a
    // message that names the field (name, version, oauthVersion, callbackUrl, description,
    // email, wiki, oauth2GrantTypes, grants, rsaKey, restrictions, agreement). `wikiId` is the
    // one wiki id accepted besides "*". Beyond MediaWiki: OAuth 2 callbacks may carry no user
    // name, password or fragment (RFC 6749 section 3.1.2); javascript:, data:, file: and
    // similar schemes are refused; a public client cannot have client_credentials, and an
    // owner-only client must be confidential (client_credentials needs the secret); rsaKey
    // must not be a private key.
    Result<void> validate(const QString &wikiId) const;
};

} // namespace mwauth::provider
