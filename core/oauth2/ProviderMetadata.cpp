#include "ProviderMetadata.h"

#include "jose/JsonStrict.h"

#include <QJsonArray>
#include <QJsonObject>

namespace mwauth::oauth2 {

namespace {

Result<QUrl> endpoint(const QJsonObject &document, const char *name, bool required)
{
    const QString key = QLatin1String(name);
    const QJsonValue value = document.value(key);
    if (value.isUndefined() || value.isNull()) {
        if (required)
            return fail(ErrorCode::MalformedJson,
                        QStringLiteral("The discovery document has no \"%1\".").arg(key));
        return QUrl();
    }
    if (!value.isString())
        return fail(ErrorCode::MalformedJson,
                    QStringLiteral("The discovery document's \"%1\" is not a string.").arg(key));
    const QUrl url(value.toString(), QUrl::StrictMode);
    if (!isUsableEndpoint(url))
        return fail(
            ErrorCode::MalformedUrl,
            QStringLiteral("The discovery document's \"%1\" is not an absolute http(s) URL.").arg(key),
            value.toString());
    return url;
}

Result<QStringList> stringList(const QJsonObject &document, const char *name)
{
    const QString key = QLatin1String(name);
    const QJsonValue value = document.value(key);
    if (value.isUndefined() || value.isNull())
        return QStringList();
    if (!value.isArray())
        return fail(ErrorCode::MalformedJson,
                    QStringLiteral("The discovery document's \"%1\" is not an array.").arg(key));
    QStringList list;
    const QJsonArray array = value.toArray();
    for (const QJsonValue &item : array) {
        if (!item.isString())
            return fail(ErrorCode::MalformedJson,
                        QStringLiteral("The discovery document's \"%1\" has a member that is not a string.")
                            .arg(key));
        list.append(item.toString());
    }
    return list;
}

QUrl withPath(const QUrl &base, const QString &suffix)
{
    QUrl url = base;
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    url.setPath(path + suffix);
    return url;
}

} // namespace

bool isUsableEndpoint(const QUrl &url)
{
    return url.isValid() && !url.isRelative() && (url.scheme() == u"https" || url.scheme() == u"http")
        && !url.host().isEmpty() && url.userInfo().isEmpty() && !url.hasFragment();
}

QList<QUrl> ProviderMetadata::wellKnownUrls(const QUrl &issuer)
{
    QUrl oidc = withPath(issuer, QStringLiteral("/.well-known/openid-configuration"));
    oidc.setQuery(QString());
    QUrl rfc8414 = issuer;
    QString path = issuer.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    rfc8414.setPath(QStringLiteral("/.well-known/oauth-authorization-server") + path);
    rfc8414.setQuery(QString());
    return {oidc, rfc8414};
}

Result<ProviderMetadata> ProviderMetadata::fromJson(QByteArrayView json, const QUrl &expectedIssuer)
{
    const Result<QJsonObject> parsed = jose::JsonStrict::parseObject(
        json, ErrorCode::MalformedJson, QStringLiteral("The discovery document"));
    if (!parsed)
        return parsed.error();
    const QJsonObject &document = *parsed;
    const QJsonValue issuer = document.value(QStringLiteral("issuer"));
    if (!issuer.isString())
        return fail(ErrorCode::MalformedJson,
                    QStringLiteral("The discovery document has no \"issuer\" string."));
    if (issuer.toString() != expectedIssuer.toString(QUrl::FullyEncoded))
        return fail(
            ErrorCode::WrongIssuer,
            QStringLiteral("The discovery document names the issuer \"%1\", not \"%2\": it belongs to "
                           "another server.")
                .arg(issuer.toString(), expectedIssuer.toString(QUrl::FullyEncoded)));

    ProviderMetadata metadata;
    metadata.fromDiscovery = true;
    metadata.issuer = expectedIssuer;
    struct EndpointField
    {
        const char *name;
        QUrl ProviderMetadata::*member;
        bool required;
    };
    const EndpointField endpoints[] = {
        {"authorization_endpoint", &ProviderMetadata::authorizationEndpoint, true},
        {"token_endpoint", &ProviderMetadata::tokenEndpoint, true},
        {"userinfo_endpoint", &ProviderMetadata::userinfoEndpoint, false},
        {"jwks_uri", &ProviderMetadata::jwksUri, false},
        {"revocation_endpoint", &ProviderMetadata::revocationEndpoint, false},
        {"introspection_endpoint", &ProviderMetadata::introspectionEndpoint, false},
    };
    for (const EndpointField &field : endpoints) {
        Result<QUrl> url = endpoint(document, field.name, field.required);
        if (!url)
            return url.error();
        metadata.*field.member = *url;
    }
    struct ListField
    {
        const char *name;
        QStringList ProviderMetadata::*member;
    };
    const ListField lists[] = {
        {"code_challenge_methods_supported", &ProviderMetadata::codeChallengeMethods},
        {"token_endpoint_auth_methods_supported", &ProviderMetadata::tokenEndpointAuthMethods},
        {"id_token_signing_alg_values_supported", &ProviderMetadata::idTokenSigningAlgs},
        {"grant_types_supported", &ProviderMetadata::grantTypes},
        {"scopes_supported", &ProviderMetadata::scopes},
    };
    for (const ListField &field : lists) {
        Result<QStringList> list = stringList(document, field.name);
        if (!list)
            return list.error();
        metadata.*field.member = *list;
    }
    return metadata;
}

Result<ProviderMetadata> ProviderMetadata::forMediaWiki(const QUrl &rest, const QUrl &index)
{
    if (!isUsableEndpoint(rest))
        return fail(ErrorCode::MalformedUrl,
                    QStringLiteral("The rest.php URL is not an absolute http(s) URL."), rest.toString());
    if (!index.isEmpty() && !isUsableEndpoint(index))
        return fail(ErrorCode::MalformedUrl,
                    QStringLiteral("The index.php URL is not an absolute http(s) URL."), index.toString());
    ProviderMetadata metadata;
    metadata.authorizationEndpoint = withPath(rest, QStringLiteral("/oauth2/authorize"));
    metadata.tokenEndpoint = withPath(rest, QStringLiteral("/oauth2/access_token"));
    metadata.userinfoEndpoint = withPath(rest, QStringLiteral("/oauth2/resource/profile"));
    metadata.indexPhp = index;
    metadata.codeChallengeMethods = {QStringLiteral("S256"), QStringLiteral("plain")};
    metadata.tokenEndpointAuthMethods = {QStringLiteral("client_secret_post"),
                                         QStringLiteral("client_secret_basic"), QStringLiteral("none")};
    metadata.grantTypes = {QStringLiteral("authorization_code"), QStringLiteral("refresh_token"),
                           QStringLiteral("client_credentials")};
    return metadata;
}

bool ProviderMetadata::supportsCodeChallengeMethod(const QString &method) const
{
    return codeChallengeMethods.isEmpty() || codeChallengeMethods.contains(method);
}

bool ProviderMetadata::supportsTokenEndpointAuthMethod(const QString &method) const
{
    return tokenEndpointAuthMethods.isEmpty() || tokenEndpointAuthMethods.contains(method);
}

} // namespace mwauth::oauth2
