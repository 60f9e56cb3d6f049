#pragma once

#include "provider/accounts/UserStore.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace mwauth::provider {

// What the provider says about a user: MediaWiki's groups and rights (for
// rest.php/oauth2/resource/profile and api.php meta=userinfo under a bearer token) and the
// OpenID Connect claims (for id_tokens and rest.php/oauth2/userinfo).
//
// Groups: the user's own groups, then the implicit "*", "user" and "autoconfirmed" (the
// order MediaWiki's profile shows; $wgAutoConfirmAge and $wgAutoConfirmCount are 0 by
// default, so every account is autoconfirmed). Anonymous: just "*".
// Rights: MediaWiki 1.39's default $wgGroupPermissions for those groups (the local provider
// has no per-wiki permission configuration).
//
// OIDC claims by scope (OpenID Connect Core 1.0 section 5.4), always with "sub" (the user id
// as text):
//   profile  preferred_username (the user name), name (the user name: the provider keeps no
//            real names), updated_at (the user's touched time, seconds)
//   email    email, email_verified -- only together with a private-information grant
//            (mwoauth-authonlyprivate, or a grant that gives viewmyprivateinfo), as
//            MediaWiki shows e-mail addresses only then; an account with an e-mail address
//            counts as verified (the provider has no e-mail confirmation)
//   groups   groups (as above)
class OidcClaims
{
public:
    // "openid", "profile", "email", "groups".
    static QStringList scopes();
    // Every claim name claims() can give (for discovery's claims_supported).
    static QStringList supportedClaims();
    // True if `grants` lets a client see private information (e-mail, real name).
    static bool allowsPrivateInfo(const QStringList &grants);

    static QStringList effectiveGroups(const QStringList &ownGroups, bool registered = true);
    // The rights of the groups under MediaWiki's default $wgGroupPermissions, each once.
    static QStringList groupRights(const QStringList &groups);
    // The rights a request under `grants` has: `userRights` that the grants give (MediaWiki
    // restricts an OAuth session to its grants' rights), in the order of `userRights`.
    static QStringList grantedRights(const QStringList &userRights, const QStringList &grants);

    // The OIDC claims of `user` (with its effective `groups`) for `scopes`.
    static QJsonObject claims(const User &user, const QStringList &groups, const QStringList &scopes);
};

} // namespace mwauth::provider
