#include "Grants.h"

#include <QHash>

namespace mwauth::provider {

const QString Grants::Basic = QStringLiteral("basic");
const QString Grants::AuthOnly = QStringLiteral("mwoauth-authonly");
const QString Grants::AuthOnlyPrivate = QStringLiteral("mwoauth-authonlyprivate");

namespace {

QStringList words(const char *text)
{
    return QString::fromLatin1(text).split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

// MediaWiki 1.39's DefaultSettings ($wgGrantPermissions, $wgGrantPermissionGroups) plus
// Extension:OAuth's oauthmanageownclient. Grants that MediaWiki builds from another one
// ("(editpage rights)") list that grant's rights first, as PHP's array union does.
QList<GrantInfo> makeGrants()
{
    const QStringList editpage = words("edit minoredit applychangetags changetags editcontentmodel");
    const QStringList editinterface = editpage + words("editinterface edituserjson editsitejson");
    const auto grant = [](const char *name, const char *group, const char *description, QStringList rights) {
        return GrantInfo {QString::fromLatin1(name), QString::fromLatin1(group),
                          QString::fromUtf8(description), std::move(rights)};
    };
    return {
        grant("basic", "hidden", "Basic rights",
              words("autocreateaccount autoconfirmed autopatrol editsemiprotected ipblock-exempt "
                    "nominornewtalk patrolmarks purge read writeapi unwatchedpages")),
        grant("highvolume", "high-volume", "High-volume editing",
              words("bot apihighlimits noratelimit markbotedits")),
        grant("import", "administration", "Import revisions", words("import importupload")),
        grant("editpage", "page-interaction", "Edit existing pages", editpage),
        grant("editprotected", "page-interaction", "Edit protected pages", editpage + words("editprotected")),
        grant("editmycssjs", "customization", "Edit your user CSS/JSON/JavaScript",
              editpage + words("editmyusercss editmyuserjson editmyuserjs")),
        grant("editmyoptions", "customization", "Edit your user preferences and JSON configuration",
              words("editmyoptions editmyuserjson")),
        grant("editinterface", "administration", "Edit the MediaWiki namespace and sitewide/user JSON",
              editinterface),
        grant("editsiteconfig", "administration", "Edit sitewide and user CSS/JS",
              editinterface + words("editusercss edituserjs editsitecss editsitejs")),
        grant("createeditmovepage", "page-interaction", "Create, edit, and move pages",
              editpage
                  + words("createpage createtalk delete-redirect move move-rootuserpages move-subpages "
                          "move-categorypages suppressredirect")),
        grant("uploadfile", "file-interaction", "Upload new files", words("upload reupload-own")),
        grant("uploadeditmovefile", "file-interaction", "Upload, replace, and move files",
              words("upload reupload-own reupload reupload-shared upload_by_url movefile suppressredirect")),
        grant("patrol", "page-interaction", "Patrol changes to pages", words("patrol")),
        grant("rollback", "administration", "Rollback changes to pages", words("rollback")),
        grant("blockusers", "administration", "Block and unblock users", words("block blockemail")),
        grant("viewdeleted", "administration", "View deleted files and pages",
              words("browsearchive deletedhistory deletedtext")),
        grant("viewrestrictedlogs", "administration", "View restricted log entries", words("suppressionlog")),
        grant("delete", "administration", "Delete pages, revisions, and log entries",
              editpage
                  + words("browsearchive deletedhistory deletedtext delete bigdelete deletelogentry "
                          "deleterevision undelete")),
        grant("oversight", "administration", "Hide users and suppress revisions",
              words("suppressrevision viewsuppressed")),
        grant("protect", "administration", "Protect and unprotect pages",
              editpage + words("editprotected protect")),
        grant("viewmywatchlist", "watchlist-interaction", "View your watchlist", words("viewmywatchlist")),
        grant("editmywatchlist", "", "Edit your watchlist", words("editmywatchlist")),
        grant("sendemail", "email", "Send email to other users", words("sendemail")),
        grant("createaccount", "administration", "Create accounts", words("createaccount")),
        grant("privateinfo", "private-information", "Access private information", words("viewmyprivateinfo")),
        grant("mergehistory", "administration", "Merge page histories", words("mergehistory")),
        grant("oauthmanageownclient", "administration", "Manage your OAuth clients",
              words("mwoauthproposeconsumer mwoauthupdateownconsumer mwoauthmanagemygrants")),
    };
}

const QHash<QString, QString> &backCompatNames()
{
    // database name -> grant name (Consumer::$mapBackCompatGrants)
    static const QHash<QString, QString> map {
        {QStringLiteral("useoauth"), Grants::Basic},
        {QStringLiteral("authonly"), Grants::AuthOnly},
        {QStringLiteral("authonlyprivate"), Grants::AuthOnlyPrivate},
    };
    return map;
}

} // namespace

const QList<GrantInfo> &Grants::all()
{
    static const QList<GrantInfo> grants = makeGrants();
    return grants;
}

const GrantInfo *Grants::find(const QString &name)
{
    for (const GrantInfo &grant : all()) {
        if (grant.name == name)
            return &grant;
    }
    return nullptr;
}

QStringList Grants::names()
{
    QStringList list;
    for (const GrantInfo &grant : all())
        list << grant.name;
    list << AuthOnly << AuthOnlyPrivate;
    return list;
}

bool Grants::isSpecial(const QString &name)
{
    return name == AuthOnly || name == AuthOnlyPrivate;
}

bool Grants::isKnown(const QString &name)
{
    return isSpecial(name) || find(name) != nullptr;
}

QString Grants::description(const QString &name)
{
    if (name == AuthOnly)
        return QStringLiteral("User identity verification only, no ability to read pages or act on a "
                              "user's behalf.");
    if (name == AuthOnlyPrivate)
        return QStringLiteral("User identity verification only with access to real name and email "
                              "address, no ability to read pages or act on a user's behalf.");
    const GrantInfo *grant = find(name);
    return grant ? grant->description : QString();
}

QString Grants::groupTitle(const QString &group)
{
    static const QHash<QString, QString> titles {
        {QStringLiteral("administration"), QStringLiteral("Perform administrative actions")},
        {QStringLiteral("page-interaction"), QStringLiteral("Interact with pages")},
        {QStringLiteral("file-interaction"), QStringLiteral("Interact with media")},
        {QStringLiteral("email"), QStringLiteral("Send email")},
        {QStringLiteral("watchlist-interaction"), QStringLiteral("Interact with your watchlist")},
        {QStringLiteral("customization"), QStringLiteral("Customization and preferences")},
        {QStringLiteral("high-volume"), QStringLiteral("Perform high volume activity")},
        {QStringLiteral("private-information"), QStringLiteral("Access private data about you")},
    };
    return titles.value(group);
}

QString Grants::toDatabaseName(const QString &name)
{
    const QHash<QString, QString> &map = backCompatNames();
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        if (it.value() == name)
            return it.key();
    }
    return name;
}

QString Grants::fromDatabaseName(const QString &stored)
{
    return backCompatNames().value(stored, stored);
}

Result<void> Grants::validate(const QStringList &grants)
{
    for (const QString &grant : grants) {
        if (!isKnown(grant))
            return fail(
                ErrorCode::InvalidInput,
                QStringLiteral("'%1' is not a grant. Known grants: %2.").arg(grant, names().join(u", ")));
    }
    return {};
}

QStringList Grants::rights(const QStringList &grants)
{
    QStringList result;
    for (const QString &name : grants) {
        const GrantInfo *grant = find(name);
        if (!grant)
            continue;
        for (const QString &right : grant->rights) {
            if (!result.contains(right))
                result << right;
        }
    }
    return result;
}

QStringList Grants::normalizedForClient(const QStringList &grants)
{
    if (grants.contains(AuthOnlyPrivate))
        return {AuthOnlyPrivate};
    if (grants.contains(AuthOnly))
        return {AuthOnly};
    QStringList result {Basic};
    for (const QString &grant : grants) {
        if (!result.contains(grant))
            result << grant;
    }
    return result;
}

} // namespace mwauth::provider
