#include "OidcClaims.h"

#include "provider/clients/Grants.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>

namespace mwauth::provider {

namespace {

QStringList words(const char *text)
{
    return QString::fromLatin1(text).split(u' ', Qt::SkipEmptyParts);
}

// MediaWiki 1.39's MainConfigSchema::GroupPermissions default (includes/MainConfigSchema.php).
const QHash<QString, QStringList> &defaultGroupPermissions()
{
    static const QHash<QString, QStringList> permissions {
        {QStringLiteral("*"),
         words("createaccount read edit createpage createtalk writeapi viewmywatchlist editmywatchlist "
               "viewmyprivateinfo editmyprivateinfo editmyoptions")},
        {QStringLiteral("user"),
         words("move move-subpages move-rootuserpages move-categorypages movefile read edit createpage "
               "createtalk writeapi upload reupload reupload-shared minoredit editmyusercss editmyuserjson "
               "editmyuserjs editmyuserjsredirect purge sendemail applychangetags changetags "
               "editcontentmodel")},
        {QStringLiteral("autoconfirmed"), words("autoconfirmed editsemiprotected")},
        {QStringLiteral("bot"),
         words("bot autoconfirmed editsemiprotected nominornewtalk autopatrol suppressredirect apihighlimits "
               "writeapi")},
        {QStringLiteral("sysop"),
         words("block createaccount delete bigdelete deletedhistory deletedtext undelete editinterface "
               "editsitejson edituserjson import importupload move move-subpages move-rootuserpages "
               "move-categorypages patrol autopatrol protect editprotected rollback upload reupload "
               "reupload-shared unwatchedpages autoconfirmed editsemiprotected ipblock-exempt blockemail "
               "markbotedits apihighlimits browsearchive noratelimit movefile unblockself suppressredirect "
               "mergehistory managechangetags deletechangetags")},
        {QStringLiteral("interface-admin"),
         words("editinterface editsitecss editsitejson editsitejs editusercss edituserjson edituserjs")},
        {QStringLiteral("bureaucrat"), words("userrights noratelimit")},
        {QStringLiteral("suppress"),
         words("hideuser suppressrevision viewsuppressed suppressionlog deleterevision deletelogentry")},
    };
    return permissions;
}

const QString kOpenId = QStringLiteral("openid");
const QString kProfile = QStringLiteral("profile");
const QString kEmail = QStringLiteral("email");
const QString kGroups = QStringLiteral("groups");

} // namespace

QStringList OidcClaims::scopes()
{
    return {kOpenId, kProfile, kEmail, kGroups};
}

QStringList OidcClaims::supportedClaims()
{
    return {QStringLiteral("sub"),
            QStringLiteral("iss"),
            QStringLiteral("aud"),
            QStringLiteral("exp"),
            QStringLiteral("iat"),
            QStringLiteral("auth_time"),
            QStringLiteral("nonce"),
            QStringLiteral("at_hash"),
            QStringLiteral("preferred_username"),
            QStringLiteral("name"),
            QStringLiteral("updated_at"),
            QStringLiteral("email"),
            QStringLiteral("email_verified"),
            QStringLiteral("groups")};
}

bool OidcClaims::allowsPrivateInfo(const QStringList &grants)
{
    return grants.contains(Grants::AuthOnlyPrivate)
        || Grants::rights(grants).contains(QStringLiteral("viewmyprivateinfo"));
}

QStringList OidcClaims::effectiveGroups(const QStringList &ownGroups, bool registered)
{
    QStringList groups;
    if (registered) {
        for (const QString &group : ownGroups) {
            if (!groups.contains(group) && group != u"*" && group != u"user" && group != u"autoconfirmed")
                groups.append(group);
        }
    }
    groups.append(QStringLiteral("*"));
    if (registered)
        groups << QStringLiteral("user") << QStringLiteral("autoconfirmed");
    return groups;
}

QStringList OidcClaims::groupRights(const QStringList &groups)
{
    QStringList rights;
    for (const QString &group : groups) {
        const QStringList granted = defaultGroupPermissions().value(group);
        for (const QString &right : granted) {
            if (!rights.contains(right))
                rights.append(right);
        }
    }
    return rights;
}

QStringList OidcClaims::grantedRights(const QStringList &userRights, const QStringList &grants)
{
    const QStringList allowed = Grants::rights(grants);
    QStringList rights;
    for (const QString &right : userRights) {
        if (allowed.contains(right) && !rights.contains(right))
            rights.append(right);
    }
    return rights;
}

QJsonObject OidcClaims::claims(const User &user, const QStringList &groups, const QStringList &scopes)
{
    QJsonObject claims {{QStringLiteral("sub"), QString::number(user.id)}};
    if (scopes.contains(kProfile)) {
        claims.insert(QStringLiteral("preferred_username"), user.name);
        claims.insert(QStringLiteral("name"), user.name);
        const QDateTime touched = QDateTime::fromString(user.touched, QStringLiteral("yyyyMMddHHmmss"));
        if (touched.isValid()) {
            QDateTime utc = touched;
            utc.setTimeSpec(Qt::UTC);
            claims.insert(QStringLiteral("updated_at"), utc.toSecsSinceEpoch());
        }
    }
    if (scopes.contains(kEmail) && allowsPrivateInfo(scopes)) {
        claims.insert(QStringLiteral("email"), user.email);
        claims.insert(QStringLiteral("email_verified"), !user.email.isEmpty());
    }
    if (scopes.contains(kGroups))
        claims.insert(QStringLiteral("groups"), QJsonArray::fromStringList(groups));
    return claims;
}

} // namespace mwauth::provider
