#include "ClientRegistration.h"

#include "jose/Jwk.h"
#include "provider/clients/Grants.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QUrl>

namespace mwauth::provider {

namespace {

Error invalid(const QString &field, const QString &message)
{
    return fail(ErrorCode::InvalidInput, QStringLiteral("%1: %2").arg(field, message));
}

bool hasControlCharacter(const QString &text)
{
    for (const QChar c : text) {
        if (c.category() == QChar::Other_Control)
            return true;
    }
    return false;
}

// Composer's VersionParser::normalize() accepts "1", "1.2.3.4", "v2.0", "1.0-beta2",
// "1.0.0-RC1", "2.1-dev", "dev-main" and the like; this is that grammar without branch
// aliases and "as" constraints.
bool isComposerVersion(const QString &version)
{
    static const QRegularExpression numbered(
        QStringLiteral("^v?\\d+(\\.\\d+){0,3}([._-]?(stable|beta|b|rc|alpha|a|patch|pl|p)([._-]?\\d+)*)?"
                       "([._-]?dev)?$"),
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression branch(QStringLiteral("^dev-[A-Za-z0-9._/-]+$"));
    return numbered.match(version).hasMatch() || branch.match(version).hasMatch();
}

// Sanitizer::validateEmail: the HTML5 e-mail grammar.
bool isEmail(const QString &email)
{
    static const QRegularExpression pattern(
        QStringLiteral("^[a-zA-Z0-9_'+*$%^&!.-]+@[a-zA-Z0-9_-]+(\\.[a-zA-Z0-9_-]+)*$"));
    return pattern.match(email).hasMatch();
}

bool isLoopbackHost(const QString &host)
{
    return host == u"localhost" || host == u"127.0.0.1" || host == u"::1" || host.endsWith(u".localhost");
}

Result<void> checkCallback(const ClientRegistration &r)
{
    const QString field = QStringLiteral("callbackUrl");
    const qsizetype bytes = r.callbackUrl.toUtf8().size();
    if (bytes > ClientRegistration::MaxCallbackBytes)
        return invalid(field,
                       QStringLiteral("the callback URL is %1 bytes long; the limit is %2.")
                           .arg(bytes)
                           .arg(ClientRegistration::MaxCallbackBytes));
    if (r.ownerOnly)
        return {}; // replaced by Special:OAuth/verified
    if (r.callbackUrl.isEmpty())
        return invalid(field, QStringLiteral("a callback URL is required unless the client is owner-only."));
    const QUrl url(r.callbackUrl, QUrl::StrictMode);
    if (!url.isValid() || url.isRelative() || hasControlCharacter(r.callbackUrl)
        || r.callbackUrl.contains(u' ') || r.callbackUrl.contains(u'\\'))
        return invalid(field, QStringLiteral("'%1' is not an absolute URL.").arg(r.callbackUrl));
    const QString scheme = url.scheme();
    static const QStringList dangerous
        = {QStringLiteral("javascript"), QStringLiteral("data"),  QStringLiteral("file"),
           QStringLiteral("vbscript"),   QStringLiteral("about"), QStringLiteral("blob")};
    if (dangerous.contains(scheme))
        return invalid(field, QStringLiteral("the scheme '%1:' cannot be a callback.").arg(scheme));
    if (!url.userInfo().isEmpty())
        return invalid(field, QStringLiteral("the callback URL must not contain a user name or password."));
    const bool web = scheme == u"http" || scheme == u"https";
    if (web && url.host().isEmpty())
        return invalid(field, QStringLiteral("the callback URL '%1' names no host.").arg(r.callbackUrl));

    if (r.oauthVersion == 1) {
        if (!web)
            return invalid(field, QStringLiteral("an OAuth 1.0a callback must be an http or https URL."));
        return {};
    }
    if (url.hasFragment())
        return invalid(field,
                       QStringLiteral("an OAuth 2 redirect URI must not contain a fragment "
                                      "(RFC 6749 section 3.1.2)."));
    if (scheme == u"https")
        return {};
    if (scheme == u"http") {
        if (isLoopbackHost(url.host()))
            return {};
        return invalid(field,
                       QStringLiteral("an OAuth 2 callback must use https, or http on a loopback "
                                      "host (localhost, 127.0.0.1, [::1], *.localhost)."));
    }
    if (r.oauth2IsConfidential)
        return invalid(field,
                       QStringLiteral("a custom scheme ('%1:') is only allowed for public "
                                      "(non-confidential) clients.")
                           .arg(scheme));
    return {};
}

Result<void> checkGrantTypes(const ClientRegistration &r)
{
    if (r.oauthVersion != 2)
        return {};
    const QString field = QStringLiteral("oauth2GrantTypes");
    if (r.oauth2GrantTypes.isEmpty())
        return invalid(field,
                       QStringLiteral("an OAuth 2 client needs at least one grant type (%1).")
                           .arg(ClientRegistration::oauth2GrantTypeNames().join(u", ")));
    for (const QString &type : r.oauth2GrantTypes) {
        if (!ClientRegistration::oauth2GrantTypeNames().contains(type))
            return invalid(field,
                           QStringLiteral("'%1' is not a grant type the provider offers (%2).")
                               .arg(type, ClientRegistration::oauth2GrantTypeNames().join(u", ")));
    }
    const QString credentials = QStringLiteral("client_credentials");
    if (r.ownerOnly) {
        for (const QString &type : r.oauth2GrantTypes) {
            if (type != credentials)
                return invalid(field,
                               QStringLiteral("an owner-only OAuth 2 client has only the "
                                              "client_credentials grant type, not '%1'.")
                                   .arg(type));
        }
        if (!r.oauth2IsConfidential)
            return invalid(field,
                           QStringLiteral("an owner-only client must be confidential: "
                                          "client_credentials needs the client secret."));
    } else if (!r.oauth2IsConfidential && r.oauth2GrantTypes.contains(credentials)) {
        return invalid(field,
                       QStringLiteral("a public client cannot use client_credentials (it has no "
                                      "secret to authenticate with)."));
    }
    return {};
}

Result<void> checkRsaKey(const QString &pem)
{
    if (pem.trimmed().isEmpty())
        return {};
    const QString field = QStringLiteral("rsaKey");
    if (pem.toUtf8().size() > ClientRegistration::MaxBlobBytes)
        return invalid(field, QStringLiteral("the key is longer than 64 KiB."));
    const Result<jose::Jwk> key = jose::Jwk::fromPem(pem.toUtf8());
    if (!key)
        return invalid(field, QStringLiteral("not a usable PEM public key: ") + key.error().message());
    if (key->type() != jose::Jwk::Type::Rsa)
        return invalid(
            field,
            QStringLiteral("the key is %1, not RSA (OAuth 1.0a RSA-SHA1 needs RSA).").arg(key->typeName()));
    if (key->hasPrivate())
        return invalid(field, QStringLiteral("this is a private key; give only the public key."));
    return {};
}

} // namespace

const QStringList &ClientRegistration::oauth2GrantTypeNames()
{
    static const QStringList names = {QStringLiteral("authorization_code"), QStringLiteral("refresh_token"),
                                      QStringLiteral("client_credentials")};
    return names;
}

QString ClientRegistration::defaultRestrictions()
{
    return QStringLiteral("{\"IPAddresses\":[\"0.0.0.0/0\",\"::/0\"]}");
}

Result<QString> ClientRegistration::restrictionsForIpRanges(const QStringList &ranges)
{
    QJsonArray list;
    for (const QString &entry : ranges) {
        const QString range = entry.trimmed();
        if (range.isEmpty())
            continue;
        const auto subnet = QHostAddress::parseSubnet(range);
        if (subnet.first.isNull() || !range.contains(u'/') || hasControlCharacter(range))
            return fail(ErrorCode::InvalidInput,
                        QStringLiteral("'%1' is not an IP range in CIDR notation (such as 192.0.2.0/24 or "
                                       "2001:db8::/32).")
                            .arg(range));
        list.append(range);
    }
    if (list.isEmpty())
        return QString();
    return QString::fromUtf8(
        QJsonDocument(QJsonObject {{QStringLiteral("IPAddresses"), list}}).toJson(QJsonDocument::Compact));
}

Result<void> ClientRegistration::validate(const QString &wikiId) const
{
    const qsizetype nameBytes = name.toUtf8().size();
    if (nameBytes < 1 || nameBytes > MaxNameBytes)
        return invalid(QStringLiteral("name"),
                       QStringLiteral("the name must be 1 to %1 bytes long (UTF-8); it "
                                      "is %2.")
                           .arg(MaxNameBytes)
                           .arg(nameBytes));
    if (hasControlCharacter(name))
        return invalid(QStringLiteral("name"), QStringLiteral("the name contains a control character."));
    if (version.toUtf8().size() > MaxVersionBytes || !isComposerVersion(version))
        return invalid(QStringLiteral("version"),
                       QStringLiteral("'%1' is not a version such as 1.0 or 2.1.3-beta (at most %2 bytes).")
                           .arg(version)
                           .arg(MaxVersionBytes));
    if (oauthVersion != 1 && oauthVersion != 2)
        return invalid(QStringLiteral("oauthVersion"),
                       QStringLiteral("the OAuth version must be 1 or 2, not %1.").arg(oauthVersion));
    if (const Result<void> ok = checkCallback(*this); !ok)
        return ok;
    if (description.toUtf8().size() >= MaxBlobBytes)
        return invalid(QStringLiteral("description"),
                       QStringLiteral("the description must be under 64 KiB."));
    if (!isEmail(email))
        return invalid(QStringLiteral("email"),
                       QStringLiteral("'%1' is not a valid e-mail address.").arg(email));
    if (wiki != u"*" && wiki != wikiId)
        return invalid(QStringLiteral("wiki"),
                       QStringLiteral("the wiki must be '*' or '%1', not '%2'.").arg(wikiId, wiki));
    if (const Result<void> ok = checkGrantTypes(*this); !ok)
        return ok;
    if (const Result<void> ok = Grants::validate(grants); !ok)
        return invalid(QStringLiteral("grants"), ok.error().message());
    if (!restrictions.isEmpty()) {
        QJsonParseError error;
        const QJsonDocument json = QJsonDocument::fromJson(restrictions.toUtf8(), &error);
        if (restrictions.toUtf8().size() >= MaxBlobBytes || error.error != QJsonParseError::NoError
            || !json.isObject())
            return invalid(QStringLiteral("restrictions"),
                           QStringLiteral("the restrictions must be a JSON object under 64 KiB."));
    }
    if (const Result<void> ok = checkRsaKey(rsaKey); !ok)
        return ok;
    if (!developerAgreement)
        return invalid(QStringLiteral("agreement"),
                       QStringLiteral("the developer agreement must be accepted."));
    return {};
}

} // namespace mwauth::provider
