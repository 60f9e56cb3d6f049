#pragma once

#include "flows/OAuth2Flow.h"

namespace mwauth::flows {

// The OAuth 2 flows that need no browser, each one request to one endpoint after the
// endpoints are known (OAuth2Flow::resolveEndpoints). Small enough to share a file.

// RFC 6749 4.4: client_credentials with the client's secret (confidential clients only).
// MediaWiki: the token represents no user (reference section 1.2).
class ClientCredentialsFlow : public OAuth2Flow
{
    Q_OBJECT

public:
    using OAuth2Flow::OAuth2Flow;
    QString name() const override { return QStringLiteral("client_credentials"); }

protected:
    void run() override;
    void inputProvided(const InputRequest &, const QString &) override { }
};

// RFC 6749 6: a refresh_token grant. The new refresh token (MediaWiki rotates it on every
// use and revokes the old one) is in tokens(); the outcome says whether it rotated.
class RefreshFlow : public OAuth2Flow
{
    Q_OBJECT

public:
    RefreshFlow(http::HttpClient *http, OAuth2Settings settings, QByteArray refreshToken,
                QObject *parent = nullptr);
    QString name() const override { return QStringLiteral("refresh_token"); }
    // The refresh token to keep: the rotated one, or the old one when none came back.
    QByteArray currentRefreshToken() const;

protected:
    void run() override;
    void inputProvided(const InputRequest &, const QString &) override { }

private:
    QByteArray m_refreshToken;
};

// RFC 7009 revocation (the local provider has it; MediaWiki has none: a clear error then).
class RevocationFlow : public OAuth2Flow
{
    Q_OBJECT

public:
    RevocationFlow(http::HttpClient *http, OAuth2Settings settings, QByteArray token,
                   QString tokenTypeHint = {}, QObject *parent = nullptr);
    QString name() const override { return QStringLiteral("revoke"); }

protected:
    void run() override;
    void inputProvided(const InputRequest &, const QString &) override { }

private:
    QByteArray m_token;
    QString m_hint;
};

// RFC 7662 introspection: the outcome's values are the answer's members (active, scope,
// client_id, username, sub, exp, iat, ...).
class IntrospectionFlow : public OAuth2Flow
{
    Q_OBJECT

public:
    IntrospectionFlow(http::HttpClient *http, OAuth2Settings settings, QByteArray token,
                      QObject *parent = nullptr);
    QString name() const override { return QStringLiteral("introspect"); }

protected:
    void run() override;
    void inputProvided(const InputRequest &, const QString &) override { }

private:
    QByteArray m_token;
};

} // namespace mwauth::flows
