#include "Profile.h"

using namespace Qt::StringLiterals;

namespace mwauth::profiles {

Profile Profile::localProvider()
{
    Profile profile;
    profile.id = localProviderId.toString();
    profile.name = u"Local provider"_s;
    profile.kind = Kind::LocalProvider;
    profile.siteName = u"MWAuth Console local provider"_s;
    return profile;
}

QString profileKindName(Profile::Kind kind)
{
    switch (kind) {
    case Profile::Kind::MediaWiki:
        return u"mediawiki"_s;
    case Profile::Kind::OidcIssuer:
        return u"oidc"_s;
    case Profile::Kind::LocalProvider:
        return u"local-provider"_s;
    }
    return QString();
}

bool profileKindFromName(const QString &name, Profile::Kind &kind)
{
    for (const Profile::Kind candidate :
         {Profile::Kind::MediaWiki, Profile::Kind::OidcIssuer, Profile::Kind::LocalProvider}) {
        if (profileKindName(candidate) == name) {
            kind = candidate;
            return true;
        }
    }
    return false;
}

} // namespace mwauth::profiles
