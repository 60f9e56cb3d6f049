#include "TokenFlows.h"

#include "oauth2/ErrorResponse.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace mwauth::flows {

void ClientCredentialsFlow::run()
{
    resolveEndpoints([this] {
        if (m_settings.publicClient()) {
            fail(Error(
                ErrorCode::InvalidInput,
                tr("client_credentials needs the client secret: MediaWiki (league/oauth2-server) allows this "
                   "grant to confidential clients only.")));
            return;
        }
        http::FormFields fields {{QByteArrayLiteral("grant_type"), QByteArrayLiteral("client_credentials")}};
        if (!m_settings.scopes.isEmpty())
            fields.append({QByteArrayLiteral("scope"), m_settings.scopes.join(u' ').toUtf8()});
        requestToken(QStringLiteral("token"), fields, ErrorStage::ClientCredentials,
                     [this](const oauth2::TokenResponse &tokens) {
                         FlowOutcome outcome;
                         describeTokens(tokens, outcome.values);
                         outcome.summary = tr("Access token received for the client itself");
                         succeed(outcome);
                     });
    });
}

RefreshFlow::RefreshFlow(http::HttpClient *http, OAuth2Settings settings, QByteArray refreshToken,
                         QObject *parent)
    : OAuth2Flow(http, std::move(settings), parent)
    , m_refreshToken(std::move(refreshToken))
{
    addSecret(m_refreshToken);
}

QByteArray RefreshFlow::currentRefreshToken() const
{
    if (m_tokens && !m_tokens->refreshToken.isEmpty())
        return m_tokens->refreshToken;
    return m_refreshToken;
}

void RefreshFlow::run()
{
    if (m_refreshToken.isEmpty()) {
        fail(Error(ErrorCode::InvalidInput, tr("No refresh token was given.")));
        return;
    }
    resolveEndpoints([this] {
        http::FormFields fields {{QByteArrayLiteral("grant_type"), QByteArrayLiteral("refresh_token")},
                                 {QByteArrayLiteral("refresh_token"), m_refreshToken}};
        if (!m_settings.scopes.isEmpty())
            fields.append({QByteArrayLiteral("scope"), m_settings.scopes.join(u' ').toUtf8()});
        requestToken(QStringLiteral("refresh"), fields, ErrorStage::Refresh,
                     [this](const oauth2::TokenResponse &tokens) {
                         FlowOutcome outcome;
                         describeTokens(tokens, outcome.values);
                         const bool rotated
                             = !tokens.refreshToken.isEmpty() && tokens.refreshToken != m_refreshToken;
                         outcome.values.insert(QStringLiteral("refresh_token_rotated"), rotated);
                         outcome.summary = rotated
                             ? tr("Refreshed; the refresh token was rotated (keep the new one)")
                             : tr("Refreshed");
                         succeed(outcome);
                     });
    });
}

RevocationFlow::RevocationFlow(http::HttpClient *http, OAuth2Settings settings, QByteArray token,
                               QString tokenTypeHint, QObject *parent)
    : OAuth2Flow(http, std::move(settings), parent)
    , m_token(std::move(token))
    , m_hint(std::move(tokenTypeHint))
{
    addSecret(m_token);
}

void RevocationFlow::run()
{
    resolveEndpoints([this] {
        if (m_metadata->revocationEndpoint.isEmpty()) {
            fail(Error(
                ErrorCode::NotFound,
                tr("The provider names no revocation endpoint (RFC 7009). MediaWiki's Extension:OAuth has "
                   "none: a user revokes an app on Special:OAuthManageMyGrants.")));
            return;
        }
        http::FormFields fields {{QByteArrayLiteral("token"), m_token}};
        if (!m_hint.isEmpty())
            fields.append({QByteArrayLiteral("token_type_hint"), m_hint.toUtf8()});
        postAuthenticated(QStringLiteral("revoke"), m_metadata->revocationEndpoint, fields,
                          [this](const http::HttpResponse &reply) {
                              if (reply.status == 200) {
                                  succeed({tr("Revoked (RFC 7009 answers 200 for unknown tokens too)"), {}});
                                  return;
                              }
                              if (const auto error
                                  = oauth2::ErrorResponse::fromJson(reply.body, reply.status)) {
                                  fail(error->toError(tr("The revocation endpoint refused the request")));
                                  return;
                              }
                              fail(oauth2::unexpectedBody(tr("The revocation endpoint"), reply.status,
                                                          reply.header("Content-Type"), reply.body));
                          });
    });
}

IntrospectionFlow::IntrospectionFlow(http::HttpClient *http, OAuth2Settings settings, QByteArray token,
                                     QObject *parent)
    : OAuth2Flow(http, std::move(settings), parent)
    , m_token(std::move(token))
{
    addSecret(m_token);
}

void IntrospectionFlow::run()
{
    resolveEndpoints([this] {
        if (m_metadata->introspectionEndpoint.isEmpty()) {
            fail(Error(
                ErrorCode::NotFound,
                tr("The provider names no introspection endpoint (RFC 7662); MediaWiki's Extension:OAuth "
                   "has none.")));
            return;
        }
        postAuthenticated(
            QStringLiteral("introspect"), m_metadata->introspectionEndpoint,
            {{QByteArrayLiteral("token"), m_token}}, [this](const http::HttpResponse &reply) {
                if (const auto error = oauth2::ErrorResponse::fromJson(reply.body, reply.status)) {
                    fail(error->toError(tr("The introspection endpoint refused the request")));
                    return;
                }
                const QJsonDocument document = QJsonDocument::fromJson(reply.body);
                if (reply.status != 200 || !document.isObject()) {
                    fail(oauth2::unexpectedBody(tr("The introspection endpoint"), reply.status,
                                                reply.header("Content-Type"), reply.body));
                    return;
                }
                const QJsonValue active = document.object().value(QStringLiteral("active"));
                if (!active.isBool()) {
                    fail(Error(ErrorCode::Protocol,
                               tr("The introspection answer has no boolean \"active\".")));
                    return;
                }
                FlowOutcome outcome;
                outcome.values = document.object().toVariantMap();
                outcome.summary = active.toBool() ? tr("The token is active") : tr("The token is not active");
                succeed(outcome);
            });
    });
}

} // namespace mwauth::flows
