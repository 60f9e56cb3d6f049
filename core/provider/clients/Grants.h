#pragma once

#include "common/Result.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace mwauth::provider {

// One of MediaWiki's grants ($wgGrantPermissions of MediaWiki 1.39 with Extension:OAuth;
// reference/mediawiki-oauth.md section 6). `group` is the $wgGrantPermissionGroups entry
// (empty for editmywatchlist, which 1.39 puts in no group); `rights` lists the user rights
// the grant gives, "(editpage rights)" already expanded, in MediaWiki's order.
struct GrantInfo
{
    QString name;
    QString group;
    QString description; // English, the message grant-<name>
    QStringList rights;
};

// MediaWiki's grants as the provider knows them: the normal grants, the two special
// grants of Extension:OAuth (mwoauth-authonly, mwoauth-authonlyprivate, which give no rights
// but identity), the names older databases use, and checks of grant lists.
//
// Grant names are the OAuth 2 scopes (reference section 3). `basic` is hidden and always
// implied: a client's grants include it unless it is auth-only.
class Grants
{
public:
    static const QString Basic; // "basic"
    static const QString AuthOnly; // "mwoauth-authonly"
    static const QString AuthOnlyPrivate; // "mwoauth-authonlyprivate"

    // The normal grants in MediaWiki's order (basic first).
    static const QList<GrantInfo> &all();
    // The normal grant named `name`, or null.
    static const GrantInfo *find(const QString &name);
    // Every grant name a client may hold: the normal ones and the two special ones.
    static QStringList names();
    static bool isSpecial(const QString &name); // mwoauth-authonly or mwoauth-authonlyprivate
    static bool isKnown(const QString &name); // normal or special
    // The English description of a normal or special grant; empty for an unknown name.
    static QString description(const QString &name);
    // The title of a grant group ("page-interaction" -> "Interact with pages"); empty if unknown.
    static QString groupTitle(const QString &group);

    // Consumer::$mapBackCompatGrants: what MediaWiki writes to oarc_grants/oaac_grants for a
    // grant (basic -> useoauth, mwoauth-authonly -> authonly, mwoauth-authonlyprivate ->
    // authonlyprivate; others unchanged) and the way back when reading.
    static QString toDatabaseName(const QString &name);
    static QString fromDatabaseName(const QString &stored);

    // Checks a grant list: every name known (normal or special). InvalidInput naming the
    // first unknown grant otherwise. Duplicates are fine.
    static Result<void> validate(const QStringList &grants);
    // The user rights a set of grants gives (the union, each right once, in the order first
    // met). The special and unknown grants give none.
    static QStringList rights(const QStringList &grants);
    // The grants of a client as MediaWiki's ConsumerSubmitControl `propose` stores them: a
    // list with mwoauth-authonlyprivate becomes just that grant, else one with
    // mwoauth-authonly just that one; otherwise basic followed by the others, each once.
    static QStringList normalizedForClient(const QStringList &grants);
};

} // namespace mwauth::provider
