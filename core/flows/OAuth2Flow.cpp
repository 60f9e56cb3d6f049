#include "OAuth2Flow.h"

#include "http/FormCodec.h"

#include <QJsonDocument>

namespace mwauth::flows {

QString clientAuthMethodName(ClientAuthMethod method)
{
    switch (method) {
    case ClientAuthMethod::SecretPost:
        return QStringLiteral("client_secret_post");
    case ClientAuthMethod::SecretBasic:
        return QStringLiteral("client_secret_basic");
    case ClientAuthMethod::None:
        break;
    }
    return QStringLiteral("none");
}

Result<ClientAuthMethod> clientAuthMethodFromName(const QString &name)
{
    for (ClientAuthMethod method :
         {ClientAuthMethod::SecretPost, ClientAuthMethod::SecretBasic, ClientAuthMethod::None})
        if (clientAuthMethodName(method) == name)
            return method;
    return mwauth::fail(ErrorCode::InvalidInput,
                        QStringLiteral("Unknown client authentication \"%1\" (client_secret_post, "
                                       "client_secret_basic or none).")
                            .arg(name));
}

OAuth2Flow::OAuth2Flow(http::HttpClient *http, OAuth2Settings settings, QObject *parent)
    : Flow(http, parent)
    , m_settings(std::move(settings))
{
    if (m_settings.clientSecret.isEmpty())
        m_settings.authMethod = ClientAuthMethod::None;
    addSecret(m_settings.clientSecret);
}

void OAuth2Flow::addSecret(const QByteArray &secret)
{
    if (!secret.isEmpty() && http()->trace())
        http()->trace()->addSecret(QString::fromUtf8(secret));
}

void OAuth2Flow::resolveEndpoints(std::function<void()> next)
{
    if (m_settings.metadata) {
        m_metadata = m_settings.metadata;
        next();
        return;
    }
    if (!m_settings.issuer.isEmpty()) {
        step(QStringLiteral("discovery"), tr("Reading the provider's discovery document"));
        tryDiscovery(oauth2::ProviderMetadata::wellKnownUrls(m_settings.issuer), std::move(next), {});
        return;
    }
    Result<oauth2::ProviderMetadata> mediaWiki
        = oauth2::ProviderMetadata::forMediaWiki(m_settings.rest, m_settings.index);
    if (!mediaWiki) {
        fail(mediaWiki.error().prefixed(tr("Neither an issuer nor a usable rest.php URL was given")));
        return;
    }
    m_metadata = *mediaWiki;
    next();
}

void OAuth2Flow::tryDiscovery(QList<QUrl> candidates, std::function<void()> next, QStringList tried)
{
    if (candidates.isEmpty()) {
        fail(Error(ErrorCode::NotFound,
                   tr("The issuer publishes no discovery document (%1). For a MediaWiki wiki give --rest "
                      "(and --index) instead: Extension:OAuth has no discovery.")
                       .arg(tried.join(QStringLiteral(", ")))));
        return;
    }
    const QUrl url = candidates.takeFirst();
    send(http::HttpRequest::get(url),
         [this, url, candidates, next, tried](Result<http::HttpResponse> reply) mutable {
             if (!reply) {
                 fail(reply.error().prefixed(tr("Discovery")));
                 return;
             }
             tried.append(QStringLiteral("%1: HTTP %2").arg(url.path()).arg(reply->status));
             if (reply->status == 404) {
                 tryDiscovery(std::move(candidates), std::move(next), std::move(tried));
                 return;
             }
             if (reply->status != 200) {
                 fail(oauth2::unexpectedBody(tr("The discovery endpoint"), reply->status,
                                             reply->header("Content-Type"), reply->body));
                 return;
             }
             Result<oauth2::ProviderMetadata> metadata
                 = oauth2::ProviderMetadata::fromJson(reply->body, m_settings.issuer);
             if (!metadata) {
                 fail(metadata.error());
                 return;
             }
             m_metadata = *metadata;
             next();
         });
}

void OAuth2Flow::applyClientAuth(http::HttpRequest &request, http::FormFields &fields) const
{
    switch (m_settings.authMethod) {
    case ClientAuthMethod::SecretBasic: {
        const QByteArray credentials = http::percentEncode(m_settings.clientId.toUtf8()) + ':'
            + http::percentEncode(m_settings.clientSecret);
        request.headers.append({QByteArrayLiteral("Authorization"), "Basic " + credentials.toBase64()});
        break;
    }
    case ClientAuthMethod::SecretPost:
        fields.append({QByteArrayLiteral("client_id"), m_settings.clientId.toUtf8()});
        fields.append({QByteArrayLiteral("client_secret"), m_settings.clientSecret});
        break;
    case ClientAuthMethod::None:
        fields.append({QByteArrayLiteral("client_id"), m_settings.clientId.toUtf8()});
        break;
    }
}

void OAuth2Flow::requestToken(const QString &stepName, http::FormFields fields, ErrorStage stage,
                              std::function<void(const oauth2::TokenResponse &)> next)
{
    step(stepName, tr("Calling the token endpoint"));
    http::HttpRequest request;
    request.method = QByteArrayLiteral("POST");
    request.url = m_metadata->tokenEndpoint;
    applyClientAuth(request, fields);
    request.headers.append(
        {QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/x-www-form-urlencoded")});
    request.headers.append({QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json")});
    request.body = http::encodeForm(fields);
    send(request, [this, stage, next = std::move(next)](Result<http::HttpResponse> reply) {
        if (!reply) {
            fail(reply.error().prefixed(tr("The token endpoint")));
            return;
        }
        Result<oauth2::TokenResponse> tokens
            = oauth2::TokenResponse::fromReply(reply->status, reply->header("Content-Type"), reply->body);
        if (!tokens) {
            ErrorClues clues;
            clues.stage = stage;
            clues.publicClient = m_settings.publicClient();
            if (const auto error = oauth2::ErrorResponse::fromJson(reply->body, reply->status)) {
                clues.code = error->error;
                clues.text = error->summary();
            }
            fail(withMediaWikiExplanation(tokens.error(), clues));
            return;
        }
        addSecret(tokens->accessToken);
        addSecret(tokens->refreshToken);
        addSecret(tokens->idToken);
        m_tokens = *tokens;
        next(*tokens);
    });
}

void OAuth2Flow::postAuthenticated(const QString &stepName, const QUrl &endpoint, http::FormFields fields,
                                   std::function<void(const http::HttpResponse &)> next)
{
    step(stepName);
    http::HttpRequest request;
    request.method = QByteArrayLiteral("POST");
    request.url = endpoint;
    applyClientAuth(request, fields);
    request.headers.append(
        {QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/x-www-form-urlencoded")});
    request.body = http::encodeForm(fields);
    send(request, [this, endpoint, next = std::move(next)](Result<http::HttpResponse> reply) {
        if (!reply) {
            fail(reply.error().prefixed(endpoint.path()));
            return;
        }
        next(*reply);
    });
}

void OAuth2Flow::getWithBearer(const QString &stepName, const QUrl &url, const QByteArray &accessToken,
                               std::function<void(const QJsonObject &)> next)
{
    step(stepName);
    http::HttpRequest request = http::HttpRequest::get(url);
    request.headers.append({QByteArrayLiteral("Authorization"), "Bearer " + accessToken});
    request.headers.append({QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json")});
    send(request, [this, url, next = std::move(next)](Result<http::HttpResponse> reply) {
        if (!reply) {
            fail(reply.error().prefixed(url.path()));
            return;
        }
        if (const auto error = oauth2::ErrorResponse::fromJson(reply->body, reply->status);
            error && !reply->isSuccess()) {
            fail(error->toError(tr("%1 refused the token").arg(url.path())));
            return;
        }
        if (!reply->isSuccess()) {
            fail(oauth2::unexpectedBody(url.path(), reply->status, reply->header("Content-Type"),
                                        reply->body));
            return;
        }
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(reply->body, &parseError);
        if (!document.isObject()) {
            fail(oauth2::unexpectedBody(url.path(), reply->status, reply->header("Content-Type"),
                                        reply->body));
            return;
        }
        next(document.object());
    });
}

void OAuth2Flow::describeTokens(const oauth2::TokenResponse &tokens, QVariantMap &values)
{
    values.insert(QStringLiteral("token_type"), tokens.tokenType);
    if (tokens.expiresIn)
        values.insert(QStringLiteral("expires_in"), *tokens.expiresIn);
    if (tokens.scope)
        values.insert(QStringLiteral("scope"), tokens.scope->join(u' '));
    values.insert(QStringLiteral("has_refresh_token"), !tokens.refreshToken.isEmpty());
    values.insert(QStringLiteral("has_id_token"), !tokens.idToken.isEmpty());
}

} // namespace mwauth::flows
