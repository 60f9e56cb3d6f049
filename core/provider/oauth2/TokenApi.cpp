#include "TokenApi.h"

#include "AuthorizeApi.h"
#include "provider/clients/IpRestrictions.h"

#include "RestParams.h"
#include "common/ConstantTime.h"
#include "common/Logging.h"
#include "provider/clients/Grants.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <cmath>

namespace mwauth::provider {

namespace {

// RFC 6749 section 5.1's members of a token response.
QJsonObject tokenBody(const IssuedAccessToken &token, double lifetime, const QByteArray &refreshToken)
{
    QJsonObject body {
        {QStringLiteral("token_type"), QStringLiteral("Bearer")},
        {QStringLiteral("expires_in"), qint64(std::llround(lifetime))},
        {QStringLiteral("access_token"), QString::fromLatin1(token.jwt)},
    };
    if (!refreshToken.isEmpty())
        body.insert(QStringLiteral("refresh_token"), QString::fromLatin1(refreshToken));
    return body;
}

// The response for a token body: JSON that no cache keeps (RFC 6749 section 5.1).
RestResponse tokenJson(const QJsonObject &body)
{
    RestResponse response = RestResponse::json(body);
    response.addHeader("Cache-Control", "no-store");
    response.addHeader("Pragma", "no-cache");
    return response;
}

const QString kClientCredentials = QStringLiteral("client_credentials");
const QString kAuthorizationCode = QStringLiteral("authorization_code");
const QString kRefreshToken = QStringLiteral("refresh_token");

QString formText(const RestRequest &request, QByteArrayView name)
{
    return QString::fromUtf8(request.formValue(name));
}

bool hasFormField(const RestRequest &request, QByteArrayView name)
{
    for (const auto &[key, value] : request.form) {
        if (key == name)
            return true;
    }
    return false;
}

// The grant names among scopes (OIDC scopes such as openid are not MediaWiki grants).
QStringList grantsOf(const QStringList &scopes)
{
    QStringList grants;
    for (const QString &scope : scopes) {
        if (Grants::isKnown(scope))
            grants.append(scope);
    }
    return grants;
}

// RFC 7636 section 4.6.
bool verifierMatches(const QString &verifier, const QString &challenge, const QString &method)
{
    if (method == u"S256") {
        const QByteArray hashed
            = QCryptographicHash::hash(verifier.toLatin1(), QCryptographicHash::Sha256)
                  .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
        return constantTimeEquals(hashed, challenge.toLatin1());
    }
    return constantTimeEquals(verifier.toLatin1(), challenge.toLatin1());
}

} // namespace

void TokenApi::setCodeGrants(AuthorizationCodes &codes, RefreshTokens &refreshTokens,
                             const OAuth2Options &options)
{
    m_codes = &codes;
    m_refreshTokens = &refreshTokens;
    m_options = &options;
}

TokenApi::TokenApi(ClientStore &clients, SigningKeyStore &keys, AccessTokens &tokens)
    : m_clients(clients)
    , m_keys(keys)
    , m_tokens(tokens)
{ }

void TokenApi::install(ProviderServer &server)
{
    server.setRestRoute(QString::fromLatin1(Route),
                        [this](const RestRequest &request) { return accessToken(request); });
}

RestResponse TokenApi::accessToken(const RestRequest &request)
{
    if (request.method != "POST")
        return restWrongMethod(request.method, {QStringLiteral("POST")});
    // Only form bodies are read: a JSON body leaves grant_type missing, as MediaWiki answers.
    const QString grantType = formText(request, "grant_type");
    if (grantType.isEmpty())
        return OAuth2Error::invalidRequest(QStringLiteral("grant_type")).response(request);
    if (grantType != kClientCredentials && grantType != kAuthorizationCode && grantType != kRefreshToken)
        return OAuth2Error::unsupportedGrantType().response(request);
    if (grantType != kClientCredentials && !m_codes) // without the authorization endpoint
        return OAuth2Error::unsupportedGrantType().response(request);

    const auto client = authenticate(request, grantType);
    if (const OAuth2Error *error = std::get_if<OAuth2Error>(&client))
        return error->response(request);
    if (grantType == kAuthorizationCode)
        return authorizationCode(request, std::get<OAuthClient>(client));
    if (grantType == kRefreshToken)
        return refreshToken(request, std::get<OAuthClient>(client));
    return clientCredentials(request, std::get<OAuthClient>(client));
}

std::variant<OAuthClient, OAuth2Error> TokenApi::authenticate(const RestRequest &request,
                                                              const QString &grantType)
{
    const Result<ClientCredentials> credentials = provider::clientCredentials(request);
    if (!credentials)
        return OAuth2Error::invalidRequest(QStringLiteral("client_id"));
    const Result<OAuthClient> client = m_clients.findByKey(credentials->clientId);
    if (!client) {
        if (client.error().code() != ErrorCode::NotFound)
            qCWarning(log::providerServer).noquote() << "Client lookup failed:" << client.error().toString();
        return OAuth2Error::invalidClient();
    }
    // Usable now by its owner at least (OAuthClient::isUsableBy: proposed clients work for
    // them, expired ones for nobody), OAuth 2, and allowed this grant type. The user of a code
    // or refresh token is checked in userTokens().
    const bool usable = client->oauthVersion == 2 && m_clients.isUsableBySomeone(*client)
        && client->oauth2GrantTypes.contains(grantType);
    if (!usable)
        return OAuth2Error::invalidClient();
    if (client->isConfidential()) {
        // Constant-time comparison with the derived secret; an empty secret never matches.
        if (credentials->secret.isEmpty() || !m_clients.verifySecret(*client, credentials->secret.toUtf8()))
            return OAuth2Error::invalidClient();
    }
    // The consumer's IP ranges (MWRestrictions IPAddresses; beyond MediaWiki, whose OAuth 2
    // endpoints do not check them).
    if (!IpRestrictions::allowsRequest(client->restrictions, request.peer))
        return OAuth2Error::accessDenied(IpRestrictions::refusalMessage());
    return *client;
}

RestResponse TokenApi::clientCredentials(const RestRequest &request, const OAuthClient &client)
{
    if (!client.isConfidential()) // league's ClientCredentialsGrant: confidential clients only
        return OAuth2Error::invalidClient().response(request);
    QStringList scopes;
    if (hasFormField(request, "scope") && !formText(request, "scope").trimmed().isEmpty()) {
        const QStringList requested = formText(request, "scope").split(u' ', Qt::SkipEmptyParts);
        for (const QString &scope : requested) {
            if (!Grants::isKnown(scope))
                return OAuth2Error::invalidScope(scope).response(request);
            if (client.grants.contains(scope) && !scopes.contains(scope))
                scopes.append(scope); // scopes the client lacks are dropped silently
        }
    } else {
        scopes = client.grants;
    }
    AccessTokenGrant grant;
    grant.clientId = client.consumerKey;
    grant.clientRowId = client.id;
    grant.scopes = scopes;
    std::variant<SignedAccessToken, RestResponse> signed_ = issueAccessToken(request, grant);
    if (auto *refused = std::get_if<RestResponse>(&signed_))
        return std::move(*refused);
    return tokenResponse(std::get<SignedAccessToken>(signed_).token, grant.lifetimeSeconds);
}

std::variant<TokenApi::SignedAccessToken, RestResponse> TokenApi::issueAccessToken(const RestRequest &request,
                                                                                   AccessTokenGrant &grant)
{
    grant.lifetimeSeconds = m_options ? m_options->accessTokenLifetime : AccessTokenGrant::DefaultLifetime;
    const Result<jose::Jwk> key = m_keys.currentKey();
    if (!key) {
        qCWarning(log::providerServer).noquote() << "No signing key:" << key.error().toString();
        return OAuth2Error::serverError(QStringLiteral("no signing key")).response(request);
    }
    Result<IssuedAccessToken> token = m_tokens.issue(*key, grant);
    if (!token) {
        qCWarning(log::providerServer).noquote() << "Access token not issued:" << token.error().toString();
        return OAuth2Error::serverError(QStringLiteral("the token could not be issued")).response(request);
    }
    return SignedAccessToken {*key, std::move(*token)};
}

RestResponse TokenApi::authorizationCode(const RestRequest &request, const OAuthClient &client)
{
    const QByteArray presented = request.formValue("code");
    if (presented.isEmpty())
        return OAuth2Error::invalidRequest(QStringLiteral("code")).response(request);
    CodeRedemption status = CodeRedemption::Malformed;
    QString codeId;
    const Result<std::optional<AuthorizationCode>> peeked
        = m_codes->peek(presented, client.consumerKey, status, codeId);
    if (!peeked) {
        qCWarning(log::providerServer).noquote() << "Code lookup failed:" << peeked.error().toString();
        return OAuth2Error::serverError(QStringLiteral("the authorization code could not be read"))
            .response(request);
    }
    if (status == CodeRedemption::Reused) {
        // RFC 6749 section 4.1.2: a code used twice revokes the tokens issued from it.
        if (const Result<int> revoked = m_refreshTokens->revokeFamily(codeId); !revoked)
            qCWarning(log::providerServer).noquote()
                << "Tokens of a reused code not revoked:" << revoked.error().toString();
    }
    switch (status) {
    case CodeRedemption::Ok:
        break;
    case CodeRedemption::Malformed:
        return OAuth2Error::invalidRequest(QStringLiteral("code"),
                                           QStringLiteral("Cannot decrypt the authorization code"))
            .response(request);
    case CodeRedemption::WrongClient:
        return OAuth2Error::invalidGrant(QStringLiteral("Authorization code was not issued to this client"))
            .response(request);
    case CodeRedemption::Expired:
        return OAuth2Error::invalidGrant(QStringLiteral("Authorization code has expired")).response(request);
    case CodeRedemption::Reused:
        return OAuth2Error::invalidGrant(QStringLiteral("Authorization code has been revoked"))
            .response(request);
    }
    const AuthorizationCode &code = **peeked;
    const bool redirectSent = hasFormField(request, "redirect_uri");
    if (code.redirectUriSent && !redirectSent)
        return OAuth2Error::invalidRequest(QStringLiteral("redirect_uri")).response(request);
    if (redirectSent != code.redirectUriSent || formText(request, "redirect_uri") != code.redirectUri)
        return OAuth2Error::invalidRequest(QStringLiteral("redirect_uri"),
                                           QStringLiteral("Invalid redirect URI"))
            .response(request);
    const QString verifier = formText(request, "code_verifier");
    if (!code.codeChallenge.isEmpty()) {
        if (verifier.isEmpty())
            return OAuth2Error::invalidRequest(QStringLiteral("code_verifier")).response(request);
        static const QRegularExpression pkce(QStringLiteral("^[A-Za-z0-9\\-._~]{43,128}$"));
        if (!pkce.match(verifier).hasMatch())
            return OAuth2Error::invalidRequest(
                       QStringLiteral("code_verifier"),
                       QStringLiteral("Code Verifier must follow the specifications of RFC-7636."))
                .response(request);
        if (!verifierMatches(verifier, code.codeChallenge, code.codeChallengeMethod))
            return OAuth2Error::invalidGrant(QStringLiteral("Failed to verify `code_verifier`."))
                .response(request);
    } else if (hasFormField(request, "code_verifier")) {
        return OAuth2Error::invalidRequest(QStringLiteral("code_verifier"),
                                           QStringLiteral("The authorization request had no code_challenge."))
            .response(request);
    }
    // Used up only now (a failed check above leaves the code usable, as league does); of two
    // requests racing for it, the one that loses is a reuse.
    const Result<bool> consumed = m_codes->consume(code.id);
    if (!consumed) {
        qCWarning(log::providerServer).noquote() << "Code not consumed:" << consumed.error().toString();
        return OAuth2Error::serverError(QStringLiteral("the authorization code could not be used"))
            .response(request);
    }
    if (!*consumed) {
        if (const Result<int> revoked = m_refreshTokens->revokeFamily(code.id); !revoked)
            qCWarning(log::providerServer).noquote()
                << "Tokens of a reused code not revoked:" << revoked.error().toString();
        return OAuth2Error::invalidGrant(QStringLiteral("Authorization code has been revoked"))
            .response(request);
    }
    UserGrant grant;
    grant.userId = code.userId;
    grant.acceptanceId = code.acceptanceId;
    grant.scopes = code.scopes;
    grant.family = code.id;
    grant.authTime = code.authTime;
    grant.nonce = code.nonce;
    return userTokens(request, client, grant);
}

RestResponse TokenApi::refreshToken(const RestRequest &request, const OAuthClient &client)
{
    const QByteArray presented = request.formValue("refresh_token");
    if (presented.isEmpty())
        return OAuth2Error::invalidRequest(QStringLiteral("refresh_token")).response(request);
    QStringList requested;
    if (hasFormField(request, "scope"))
        requested = formText(request, "scope").split(u' ', Qt::SkipEmptyParts);
    requested.removeDuplicates();
    RefreshRefusal refusal = RefreshRefusal::Malformed;
    QString offending;
    const Result<std::optional<RefreshTokenData>> redeemed
        = m_refreshTokens->redeem(presented, client.consumerKey, refusal, requested, &offending);
    if (!redeemed) {
        qCWarning(log::providerServer).noquote()
            << "Refresh token lookup failed:" << redeemed.error().toString();
        return OAuth2Error::serverError(QStringLiteral("the refresh token could not be read"))
            .response(request);
    }
    if (refusal == RefreshRefusal::ScopeBeyondGrant)
        return OAuth2Error::invalidScope(offending).response(request);
    if (!redeemed->has_value())
        return OAuth2Error::invalidRefreshToken(RefreshTokens::refusalHint(refusal)).response(request);
    const RefreshTokenData &data = **redeemed;
    UserGrant grant;
    grant.userId = data.userId;
    grant.acceptanceId = data.acceptanceId;
    grant.scopes = requested.isEmpty() ? data.scopes : requested; // league: only a subset of the original
    grant.family = data.family;
    grant.authTime = data.authTime;
    return userTokens(request, client, grant);
}

RestResponse TokenApi::userTokens(const RestRequest &request, const OAuthClient &client,
                                  const UserGrant &grant)
{
    // AccessTokenEntity::confirmClientUsable: the user must be allowed to use the client now
    // (another user's proposal never is).
    if (!m_clients.isUsableBy(client, grant.userId))
        return OAuth2Error::accessDenied(AuthorizeApi::notUsableHint(client, grant.userId)).response(request);
    AccessTokenGrant accessGrant;
    accessGrant.clientId = client.consumerKey;
    accessGrant.clientRowId = client.id;
    accessGrant.acceptanceId = grant.acceptanceId;
    accessGrant.subject = QString::number(grant.userId);
    accessGrant.scopes = grantsOf(grant.scopes);
    std::variant<SignedAccessToken, RestResponse> signed_ = issueAccessToken(request, accessGrant);
    if (auto *refused = std::get_if<RestResponse>(&signed_))
        return std::move(*refused);
    const jose::Jwk &key = std::get<SignedAccessToken>(signed_).key;
    const IssuedAccessToken *token = &std::get<SignedAccessToken>(signed_).token;
    QByteArray refresh;
    if (client.oauth2GrantTypes.contains(kRefreshToken)) {
        RefreshTokenData data;
        data.clientId = client.consumerKey;
        data.userId = grant.userId;
        data.acceptanceId = grant.acceptanceId;
        data.scopes = grant.scopes;
        data.accessTokenId = token->jti;
        data.family = grant.family;
        data.authTime = grant.authTime;
        const Result<QByteArray> issued = m_refreshTokens->issue(data);
        if (!issued) {
            qCWarning(log::providerServer).noquote()
                << "Refresh token not issued:" << issued.error().toString();
            return OAuth2Error::serverError(QStringLiteral("the refresh token could not be issued"))
                .response(request);
        }
        refresh = *issued;
    } else if (const Result<void> remembered = m_refreshTokens->remember(grant.family, token->jti, {});
               !remembered) {
        qCWarning(log::providerServer).noquote()
            << "Token family not recorded:" << remembered.error().toString();
    }
    QJsonObject body = tokenBody(*token, accessGrant.lifetimeSeconds, refresh);
    if (m_idTokens && grant.scopes.contains(QStringLiteral("openid"))) {
        IdTokenRequest idRequest;
        idRequest.clientId = client.consumerKey;
        idRequest.userId = grant.userId;
        idRequest.nonce = grant.nonce;
        idRequest.authTime = grant.authTime;
        idRequest.accessToken = token->jwt;
        idRequest.scopes = grant.scopes;
        idRequest.lifetimeSeconds = m_options->accessTokenLifetime;
        const Result<QByteArray> idToken = m_idTokens->issue(key, idRequest);
        if (!idToken) {
            qCWarning(log::providerServer).noquote() << "id_token not issued:" << idToken.error().toString();
            return OAuth2Error::serverError(QStringLiteral("the id_token could not be issued"))
                .response(request);
        }
        body.insert(QStringLiteral("id_token"), QString::fromLatin1(*idToken));
    }
    return tokenJson(body); // serialised once, with the id_token
}

RestResponse TokenApi::tokenResponse(const IssuedAccessToken &token, double lifetime,
                                     const QByteArray &refreshToken)
{
    return tokenJson(tokenBody(token, lifetime, refreshToken));
}

} // namespace mwauth::provider
