#include "ClientApi.h"

#include "RestParams.h"
#include "common/Logging.h"
#include "provider/clients/Grants.h"
#include "provider/login/LoginService.h"

#include <QJsonArray>
#include <QJsonObject>

#include <limits>

namespace mwauth::provider {

namespace {

const QString kResetSecretSuffix = QStringLiteral("/reset_secret");

bool hasBearer(const RestRequest &request)
{
    return request.header("Authorization").trimmed().toLower().startsWith("bearer ");
}

RestResponse submitError(const QString &key, const QString &message)
{
    return restError(400, key, message);
}

// ClientRegistration::validate's "field: sentence" as ConsumerSubmitControl's invalid-field
// failure.
RestResponse registrationError(const Error &error)
{
    if (error.code() == ErrorCode::Conflict) {
        return submitError(QStringLiteral("mwoauth-consumer-alreadyexists"),
                           QStringLiteral("A consumer with this name/version/publisher combination already "
                                          "exists. ")
                               + error.message());
    }
    if (error.code() == ErrorCode::InvalidInput) {
        const qsizetype colon = error.message().indexOf(QStringLiteral(": "));
        const QString field = colon > 0 ? error.message().first(colon) : QString();
        if (!field.isEmpty() && !field.contains(u' ')) {
            return submitError(QStringLiteral("mwoauth-invalid-field-") + field,
                               QStringLiteral("Invalid value provided for field \"%1\": %2")
                                   .arg(field, error.message().sliced(colon + 2)));
        }
    }
    qCWarning(log::providerServer).noquote() << "Client submit failed:" << error.toString();
    return submitError(QStringLiteral("mwoauth-consumer-submit-error"),
                       QStringLiteral("The consumer could not be saved: ") + error.message());
}

RestResponse serverFailure(const QString &what, const Error &error)
{
    qCWarning(log::providerServer).noquote() << what << error.toString();
    return restError(500, QStringLiteral("mwoauth-consumer-submit-error"), what);
}

QStringList allowedScopes()
{
    return Grants::names();
}

} // namespace

ClientApi::ClientApi(ClientStore &clients, UserStore &users, SigningKeyStore &keys, AccessTokens &tokens,
                     const Clock &clock)
    : m_clients(clients)
    , m_users(users)
    , m_keys(keys)
    , m_tokens(tokens)
    , m_clock(clock)
{ }

void ClientApi::setBearerAuthenticator(BearerAuthenticator authenticator)
{
    m_bearer = std::move(authenticator);
}

ClientApi::BearerAuthenticator ClientApi::bearerAuthenticator(const BearerTokens &tokens)
{
    return [&tokens](const RestRequest &request) -> std::variant<BearerCaller, RestResponse> {
        auto checked = tokens.authenticate(request);
        if (const OAuth2Error *error = std::get_if<OAuth2Error>(&checked))
            return error->response(request);
        const BearerToken &token = std::get<BearerToken>(checked);
        return BearerCaller {token.userId, token.scopes};
    };
}

void ClientApi::install(ProviderServer &server)
{
    const auto handler = [this](const RestRequest &request) { return handle(request); };
    server.setRestRoute(QString::fromLatin1(Route), handler);
    server.setRestRoute(QString::fromLatin1(Route) + u'/', handler);
}

RestResponse ClientApi::handle(const RestRequest &request)
{
    const QString route = QString::fromLatin1(Route);
    const QString &path = request.routePath;
    QString clientKey;
    if (path == route) {
        if (request.method != "GET" && request.method != "POST")
            return restWrongMethod(request.method, {QStringLiteral("GET"), QStringLiteral("POST")});
    } else {
        // /oauth2/client/{client_key}/reset_secret: the key is one non-empty path segment.
        const QString rest = path.sliced(route.size() + 1);
        if (!rest.endsWith(kResetSecretSuffix))
            return restNoMatch(path);
        clientKey = rest.first(rest.size() - kResetSecretSuffix.size());
        if (clientKey.isEmpty() || clientKey.contains(u'/'))
            return restNoMatch(path);
        if (request.method != "POST")
            return restWrongMethod(request.method, {QStringLiteral("POST")});
    }

    const auto who = caller(request);
    if (const RestResponse *refused = std::get_if<RestResponse>(&who))
        return *refused;
    const User &user = std::get<User>(who);
    if (!clientKey.isEmpty())
        return resetSecret(request, user, clientKey);
    return request.method == "GET" ? listClients(request, user) : registerClient(request, user);
}

std::variant<User, RestResponse> ClientApi::caller(const RestRequest &request)
{
    qint64 userId = 0;
    if (hasBearer(request)) {
        if (!m_bearer) {
            return restError(401, QStringLiteral("rest-bearer-unsupported"),
                             QStringLiteral("Bearer tokens are not accepted here yet."));
        }
        auto checked = m_bearer(request);
        if (RestResponse *refused = std::get_if<RestResponse>(&checked))
            return std::move(*refused);
        const BearerCaller &bearer = std::get<BearerCaller>(checked);
        if (!bearer.scopes.contains(QString::fromLatin1(ManageGrant))) {
            return restError(403, QStringLiteral("rest-permission-denied"),
                             QStringLiteral("The access token does not carry the grant \"%1\" (Manage your "
                                            "OAuth clients).")
                                 .arg(QString::fromLatin1(ManageGrant)));
        }
        userId = bearer.userId;
    } else {
        userId = LoginService::loggedInUserId(request.session);
    }
    if (userId > 0) {
        const Result<User> user = m_users.userById(userId);
        if (user)
            return *user;
        if (user.error().code() != ErrorCode::NotFound)
            return serverFailure(QStringLiteral("The user could not be read."), user.error());
    }
    // MediaWiki: the caller has no central id (anonymous, or a client_credentials token
    // without a user).
    return restError(
        404, QStringLiteral("rest-nonexistent-user"),
        QStringLiteral("The specified user (%1) does not exist").arg(LoginService::ipText(request.peer)));
}

RestResponse ClientApi::registerClient(const RestRequest &request, const User &user)
{
    Result<RestParams> body = RestParams::fromBody(request);
    if (!body) {
        return restError(400, QStringLiteral("rest-json-body-parse-error"),
                         QStringLiteral("Failed to parse JSON body: ") + body.error().message());
    }
    RestParams &params = *body;
    ClientRegistration r;
    r.oauthVersion = OAuthClient::OAuthVersion2;
    r.name = params.string(QStringLiteral("name"), true);
    r.version = params.enumValue(QStringLiteral("version"), {QStringLiteral("1.0"), QStringLiteral("2.0")},
                                 QStringLiteral("1.0"));
    r.description = params.string(QStringLiteral("description"), true);
    r.wiki = params.string(QStringLiteral("wiki"), false, QStringLiteral("*"));
    r.ownerOnly = params.boolean(QStringLiteral("owner_only"));
    r.callbackUrl = params.string(QStringLiteral("callback_url"), false);
    r.callbackIsPrefix = params.boolean(QStringLiteral("callback_is_prefix"));
    r.email = params.string(QStringLiteral("email"), true);
    r.oauth2IsConfidential = params.boolean(QStringLiteral("is_confidential"), true);
    r.oauth2GrantTypes = params.multi(QStringLiteral("grant_types"), true);
    r.grants = params.multi(QStringLiteral("scopes"), true, allowedScopes());
    if (params.failure())
        return params.failure()->response();

    // ConsumerSubmitControl `propose`: the e-mail address must be the user's confirmed one.
    if (user.email.isEmpty()) {
        return submitError(QStringLiteral("mwoauth-consumer-email-unconfirmed"),
                           QStringLiteral("Your account email address has not yet been confirmed."));
    }
    if (r.email != user.email) {
        return submitError(QStringLiteral("mwoauth-consumer-email-mismatched"),
                           QStringLiteral("Email address provided must match that of your account."));
    }
    if (r.ownerOnly && r.oauth2GrantTypes != QStringList {QStringLiteral("client_credentials")}) {
        return submitError(
            QStringLiteral("mwoauth-invalid-field-oauth2GrantTypes"),
            QStringLiteral("Invalid value provided for field \"oauth2GrantTypes\": an owner-only "
                           "client must have exactly the grant type client_credentials."));
    }
    r.ownerId = user.id;
    r.developerAgreement = true; // fixed by RequestClient
    r.approved = false; // proposed; owner-only clients are approved by the store
    const Result<IssuedClientCredentials> issued = m_clients.registerClient(r, user.name);
    if (!issued)
        return registrationError(issued.error());
    return credentialsResponse(*issued);
}

RestResponse ClientApi::resetSecret(const RestRequest &request, const User &user, const QString &clientKey)
{
    Result<RestParams> body = RestParams::fromBody(request);
    if (!body) {
        return restError(400, QStringLiteral("rest-json-body-parse-error"),
                         QStringLiteral("Failed to parse JSON body: ") + body.error().message());
    }
    const QString reason = body->string(QStringLiteral("reason"), false);
    if (body->failure())
        return body->failure()->response();

    const Result<OAuthClient> client = m_clients.findByKey(clientKey);
    if (!client) {
        if (client.error().code() != ErrorCode::NotFound)
            return serverFailure(QStringLiteral("The client could not be read."), client.error());
        return submitError(QStringLiteral("mwoauth-invalid-consumer-key"),
                           QStringLiteral("No consumer exists with the given key."));
    }
    if (client->deleted) {
        return restError(401, QStringLiteral("mwoauth-consumer-deleted-error"),
                         QStringLiteral("The consumer has been suppressed."));
    }
    if (client->userId != user.id) {
        return submitError(QStringLiteral("mwoauth-consumer-user-mismatch"),
                           QStringLiteral("The consumer does not belong to you."));
    }
    const Result<IssuedClientCredentials> issued = m_clients.resetSecret(client->id, reason, user.name);
    if (!issued) {
        if (issued.error().code() == ErrorCode::Conflict || issued.error().code() == ErrorCode::InvalidInput)
            return submitError(QStringLiteral("mwoauth-consumer-submit-error"), issued.error().message());
        return serverFailure(QStringLiteral("The secret could not be reset."), issued.error());
    }
    return credentialsResponse(*issued);
}

RestResponse ClientApi::credentialsResponse(const IssuedClientCredentials &issued)
{
    QJsonObject body {{QStringLiteral("name"), issued.client.name},
                      {QStringLiteral("client_key"), issued.client.consumerKey},
                      {QStringLiteral("secret"), QString::fromLatin1(issued.secret)}};
    if (issued.client.ownerOnly && issued.client.oauthVersion == OAuthClient::OAuthVersion2) {
        const Result<IssuedAccessToken> token = issueOwnerOnlyToken(m_keys, m_tokens, m_clock, issued);
        if (!token)
            return serverFailure(QStringLiteral("The owner-only access token could not be issued."),
                                 token.error());
        body.insert(QStringLiteral("access_token"), QString::fromLatin1(token->jwt));
    }
    return RestResponse::json(body);
}

RestResponse ClientApi::listClients(const RestRequest &request, const User &user)
{
    RestParams params = RestParams::fromQuery(request);
    const int limit = params.integer(QStringLiteral("limit"), DefaultLimit, 1, MaxLimit);
    const int offset = params.integer(QStringLiteral("offset"), 0, 0, std::numeric_limits<int>::max());
    const QString version = params.enumValue(QStringLiteral("oauth_version"),
                                             {QStringLiteral("1"), QStringLiteral("2")}, QStringLiteral("2"));
    if (params.failure())
        return params.failure()->response();

    const Result<QList<OAuthClient>> owned = m_clients.listByOwner(user.id);
    if (!owned)
        return serverFailure(QStringLiteral("The clients could not be read."), owned.error());
    const int oauthVersion = version.toInt();
    QJsonArray clients;
    int total = 0;
    for (const OAuthClient &c : *owned) {
        if (c.oauthVersion != oauthVersion)
            continue;
        ++total;
        if (total <= offset || clients.size() >= limit)
            continue;
        QJsonObject entry {{QStringLiteral("email"), c.email},
                           {QStringLiteral("name"), c.name},
                           {QStringLiteral("version"), c.version},
                           {QStringLiteral("callback_url"), c.callbackUrl},
                           {QStringLiteral("description"), c.description},
                           {QStringLiteral("client_key"), c.consumerKey},
                           {QStringLiteral("owner_only"), c.ownerOnly},
                           {QStringLiteral("stage"), int(c.stage)},
                           {QStringLiteral("oauth_version"), c.oauthVersion},
                           {QStringLiteral("registration_formatted"), formattedTimestamp(c.registration)},
                           {QStringLiteral("scopes"), QJsonArray::fromStringList(c.grants)}};
        if (c.oauthVersion == OAuthClient::OAuthVersion2)
            entry.insert(QStringLiteral("allowed_grants"), QJsonArray::fromStringList(c.oauth2GrantTypes));
        clients.append(entry);
    }
    return RestResponse::json(
        QJsonObject {{QStringLiteral("clients"), clients}, {QStringLiteral("total"), total}});
}

Result<IssuedAccessToken> ClientApi::issueOwnerOnlyToken(SigningKeyStore &keys, AccessTokens &tokens,
                                                         const Clock &clock,
                                                         const IssuedClientCredentials &issued)
{
    const OAuthClient &client = issued.client;
    if (!client.ownerOnly || client.oauthVersion != OAuthClient::OAuthVersion2 || issued.acceptanceId == 0)
        return fail(
            ErrorCode::InvalidInput,
            QStringLiteral("Only an owner-only OAuth 2 client with its owner's approval gets an access "
                           "token at registration."));
    const Result<jose::Jwk> key = keys.currentKey();
    if (!key)
        return key.error();
    // MediaWiki: new DateInterval('P1000Y') from now.
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(qint64(clock.nowSeconds() * 1000), Qt::UTC);
    AccessTokenGrant grant;
    grant.clientId = client.consumerKey;
    grant.clientRowId = client.id;
    grant.acceptanceId = issued.acceptanceId;
    grant.subject = QString::number(client.userId);
    grant.scopes = client.grants;
    grant.lifetimeSeconds = double(now.secsTo(now.addYears(1000)));
    return tokens.issue(*key, grant);
}

} // namespace mwauth::provider
