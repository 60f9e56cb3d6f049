#include "BearerTokens.h"

#include "OidcClaims.h"
#include "common/Logging.h"
#include "jose/Base64Url.h"
#include "jose/Jws.h"
#include "provider/accounts/UserStore.h"
#include "provider/clients/ClientStore.h"
#include "provider/clients/IpRestrictions.h"
#include "provider/db/ProviderDatabase.h"
#include "provider/keys/SigningKeyStore.h"
#include "provider/login/LoginService.h"
#include "provider/server/ApiErrors.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>

namespace mwauth::provider {

namespace {

const QString kDecodeHint = QStringLiteral("Error while decoding from JSON");
const QString kDotsHint = QStringLiteral("The JWT string must have two dots");
const QString kVerifyHint = QStringLiteral("Access token could not be verified");
const QString kInvalidHint = QStringLiteral("Access token is invalid");
const QString kRevokedHint = QStringLiteral("Access token has been revoked");

Error withHint(ErrorCode code, const QString &message, const QString &hint)
{
    return Error(code, message, hint);
}

Error withHint(const Error &error, const QString &hint)
{
    return Error(error.code(), error.message(), hint);
}

bool isB64TokenChar(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
        || c == '_' || c == '~' || c == '+' || c == '/';
}

// A JSON number claim (MediaWiki writes floats), or nothing.
std::optional<double> numberClaim(const QJsonObject &claims, const QString &name)
{
    const QJsonValue value = claims.value(name);
    if (!value.isDouble())
        return std::nullopt;
    return value.toDouble();
}

} // namespace

const QString BearerTokens::MissingHeaderHint = QStringLiteral("Missing \"Authorization\" header");
const QString BearerTokens::GrantedRightsKey = QStringLiteral("mwauthGrantedRights");

BearerTokens::BearerTokens(ProviderDatabase &db, SigningKeyStore &keys, ClientStore &clients,
                           const Clock &clock, QString issuer)
    : m_db(db)
    , m_keys(keys)
    , m_clients(clients)
    , m_clock(clock)
    , m_issuer(std::move(issuer))
{ }

Result<QByteArray> BearerTokens::fromAuthorizationHeader(const HttpRequest &request)
{
    bool present = false;
    for (const auto &[name, value] : request.headers) {
        if (name.compare("Authorization", Qt::CaseInsensitive) == 0)
            present = true;
    }
    if (!present)
        return fail(ErrorCode::NotFound, QStringLiteral("The request has no Authorization header."),
                    MissingHeaderHint);
    const QByteArray header = request.header("Authorization").trimmed();
    if (header.size() < 7 || header.first(7).compare("Bearer ", Qt::CaseInsensitive) != 0)
        return fail(ErrorCode::MalformedHeader,
                    QStringLiteral("The Authorization header does not carry a Bearer token."), kDotsHint);
    const QByteArray token = header.sliced(7).trimmed();
    qsizetype end = token.size();
    while (end > 0 && token.at(end - 1) == '=')
        --end;
    bool wellFormed = end > 0;
    for (qsizetype i = 0; wellFormed && i < end; ++i)
        wellFormed = isB64TokenChar(token.at(i));
    if (!wellFormed)
        return fail(ErrorCode::MalformedHeader,
                    QStringLiteral("The Bearer token is empty or has characters a token cannot have."),
                    kDotsHint);
    return token;
}

Result<BearerToken> BearerTokens::validate(QByteArrayView jwt) const
{
    if (jwt.count('.') != 2)
        return withHint(ErrorCode::MalformedToken,
                        QStringLiteral("The access token is not a JWT of three dot-separated parts."),
                        kDotsHint);
    const Result<jose::JwsParts> parts = jose::Jws::parse(jwt);
    if (!parts) {
        // A readable header with an alg we refuse ("none", unknown) or an empty signature is a
        // token that does not verify; anything else did not decode.
        const Result<QByteArray> header = jose::Base64Url::decode(jwt.first(jwt.indexOf('.')));
        const bool readable = header && QJsonDocument::fromJson(*header).isObject();
        const bool algorithm = parts.error().code() == ErrorCode::UnsupportedAlgorithm || readable;
        return withHint(parts.error(), algorithm ? kVerifyHint : kDecodeHint);
    }
    BearerToken token;
    token.kid = parts->header.value(QStringLiteral("kid")).toString();
    token.alg = parts->header.value(QStringLiteral("alg")).toString();
    if (token.kid.isEmpty())
        return withHint(ErrorCode::NoMatchingKey,
                        QStringLiteral("The access token names no signing key (kid)."), kVerifyHint);
    const Result<jose::Jwk> key = m_keys.verificationKey(token.kid);
    if (!key) {
        if (key.error().code() != ErrorCode::NotFound)
            return key.error();
        return withHint(
            ErrorCode::NoMatchingKey,
            QStringLiteral("The access token's key '%1' is not one of the provider's published keys.")
                .arg(token.kid),
            kVerifyHint);
    }
    // The algorithm is the key's, never the token's choice.
    if (key->alg().isEmpty() || token.alg != key->alg() || jose::isHmac(parts->alg))
        return withHint(ErrorCode::AlgorithmKeyMismatch,
                        QStringLiteral("The access token says alg '%1', but key '%2' signs with '%3'.")
                            .arg(token.alg, token.kid, key->alg()),
                        kVerifyHint);
    if (const Result<void> verified = jose::Jws::verify(*parts, *key); !verified)
        return withHint(verified.error(), kVerifyHint);

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(parts->payload, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return withHint(ErrorCode::MalformedJson,
                        QStringLiteral("The access token's claims are not a JSON object."), kDecodeHint);
    const QJsonObject claims = document.object();
    const std::optional<double> exp = numberClaim(claims, QStringLiteral("exp"));
    const std::optional<double> nbf = numberClaim(claims, QStringLiteral("nbf"));
    const std::optional<double> iat = numberClaim(claims, QStringLiteral("iat"));
    token.jti = claims.value(QStringLiteral("jti")).toString();
    token.clientId = claims.value(QStringLiteral("aud")).toString();
    token.issuer = claims.value(QStringLiteral("iss")).toString();
    const QJsonValue sub = claims.value(QStringLiteral("sub"));
    const QJsonValue scopes = claims.value(QStringLiteral("scopes"));
    if (!exp || !nbf || token.jti.isEmpty() || token.clientId.isEmpty() || !sub.isString()
        || !scopes.isArray())
        return withHint(ErrorCode::MissingClaim,
                        QStringLiteral("The access token lacks one of exp, nbf, jti, aud, sub and scopes."),
                        kInvalidHint);
    token.expiresAt = *exp;
    token.notBefore = *nbf;
    token.issuedAt = iat.value_or(*nbf);
    const double now = m_clock.nowSeconds();
    if (now >= token.expiresAt)
        return withHint(ErrorCode::Expired, QStringLiteral("The access token has expired."), kInvalidHint);
    if (now < token.notBefore)
        return withHint(ErrorCode::NotYetValid, QStringLiteral("The access token is not valid yet."),
                        kInvalidHint);
    if (token.issuer != m_issuer)
        return withHint(
            ErrorCode::WrongIssuer,
            QStringLiteral("The access token was issued by '%1', not by this provider.").arg(token.issuer),
            kInvalidHint);
    if (!sub.toString().isEmpty()) {
        bool ok = false;
        token.userId = sub.toString().toLongLong(&ok);
        if (!ok || token.userId <= 0)
            return withHint(ErrorCode::MalformedToken,
                            QStringLiteral("The access token's subject is not a user id."), kInvalidHint);
    }
    for (const QJsonValue &scope : scopes.toArray()) {
        if (!scope.isString())
            return withHint(ErrorCode::MalformedToken,
                            QStringLiteral("The access token's scopes are not all strings."), kInvalidHint);
        token.scopes.append(scope.toString());
    }
    if (const Result<void> row = checkRow(token); !row)
        return row.error();
    return token;
}

Result<void> BearerTokens::checkRow(BearerToken &token) const
{
    QSqlQuery query(m_db.database());
    if (!ProviderDatabase::run(query,
                               QStringLiteral("SELECT oaat_revoked, oaat_acceptance_id, oaat_client_id "
                                              "FROM oauth2_access_tokens WHERE oaat_identifier = ?"),
                               {token.jti}))
        return ProviderDatabase::sqlError(QStringLiteral("The access token could not be looked up."),
                                          query.lastError());
    if (!query.next())
        return withHint(ErrorCode::NotFound,
                        QStringLiteral("The access token is not known to this provider."), kRevokedHint);
    if (query.value(0).toInt() != 0)
        return withHint(ErrorCode::NotFound, QStringLiteral("The access token has been revoked."),
                        kRevokedHint);
    token.acceptanceId = query.value(1).toLongLong();
    const qint64 rowClient = query.value(2).isNull() ? 0 : query.value(2).toLongLong();
    query.finish();

    const Result<OAuthClient> client = m_clients.findByKey(token.clientId);
    if (!client) {
        if (client.error().code() != ErrorCode::NotFound)
            return client.error();
        return withHint(ErrorCode::WrongAudience,
                        QStringLiteral("The access token's client no longer exists."), kRevokedHint);
    }
    // SessionProvider: the token's user (the owner for client_credentials) may use the client now.
    if ((rowClient != 0 && rowClient != client->id)
        || !m_clients.isUsableBy(*client, token.hasUser() ? token.userId : client->userId))
        return withHint(
            ErrorCode::NotFound,
            QStringLiteral("The access token's client may not use it (wrong, disabled or rejected client)."),
            kRevokedHint);
    token.clientRowId = client->id;
    if (token.acceptanceId > 0) {
        if (!ProviderDatabase::run(
                query,
                QStringLiteral("SELECT oaac_user_id, oaac_consumer_id FROM oauth_accepted_consumer "
                               "WHERE oaac_id = ?"),
                {token.acceptanceId}))
            return ProviderDatabase::sqlError(QStringLiteral("The token's approval could not be looked up."),
                                              query.lastError());
        const bool matches = query.next() && query.value(1).toLongLong() == client->id
            && (!token.hasUser() || query.value(0).toLongLong() == token.userId);
        if (!matches)
            return withHint(ErrorCode::NotFound,
                            QStringLiteral("The approval the access token was issued under is gone."),
                            kRevokedHint);
    } else if (token.hasUser()) {
        return withHint(ErrorCode::NotFound, QStringLiteral("The access token names a user but no approval."),
                        kRevokedHint);
    }
    return {};
}

bool BearerTokens::allowsSource(const BearerToken &token, const QHostAddress &peer) const
{
    const Result<OAuthClient> client = m_clients.findByKey(token.clientId);
    return client && IpRestrictions::allowsRequest(client->restrictions, peer);
}

OAuth2Error BearerTokens::errorFor(const Error &error)
{
    if (error.code() == ErrorCode::Database || error.code() == ErrorCode::Internal
        || error.code() == ErrorCode::Crypto)
        return OAuth2Error::serverError(QStringLiteral("the access token could not be checked"));
    return OAuth2Error::accessDenied(error.detail().isEmpty() ? kInvalidHint : error.detail());
}

std::variant<BearerToken, OAuth2Error> BearerTokens::authenticate(const HttpRequest &request) const
{
    const Result<QByteArray> jwt = fromAuthorizationHeader(request);
    if (!jwt)
        return errorFor(jwt.error());
    const Result<BearerToken> token = validate(*jwt);
    if (!token)
        return errorFor(token.error());
    if (!allowsSource(*token, request.peer))
        return OAuth2Error::accessDenied(IpRestrictions::refusalMessage());
    return *token;
}

ProviderServer::ApiAuthentication BearerTokens::apiAuthentication(ApiRequest &request, UserStore &users) const
{
    ProviderServer::ApiAuthentication outcome;
    const QByteArray header = request.header("Authorization").trimmed();
    if (header.size() < 6 || header.first(6).compare("Bearer", Qt::CaseInsensitive) != 0)
        return outcome;
    const auto refuse = [&](const QString &why) {
        outcome.refusal = apiError(
            request, QStringLiteral("mwoauth-invalid-authorization"),
            QStringLiteral("The authorization headers in your request are not valid: %1").arg(why));
        return outcome;
    };
    const Result<QByteArray> jwt = fromAuthorizationHeader(request);
    if (!jwt)
        return refuse(jwt.error().message());
    const Result<BearerToken> token = validate(*jwt);
    if (!token) {
        const ErrorCode code = token.error().code();
        if (code == ErrorCode::Database || code == ErrorCode::Crypto || code == ErrorCode::Internal)
            qCWarning(log::providerServer).noquote()
                << "Bearer token check failed:" << token.error().toString();
        return refuse(token.error().message());
    }
    if (!allowsSource(*token, request.peer))
        return refuse(IpRestrictions::refusalMessage());
    SessionData session;
    QStringList groups;
    if (token->hasUser()) {
        const Result<User> user = users.userById(token->userId);
        const Result<QStringList> own = user ? users.groups(user->id) : Result<QStringList>(user.error());
        if (!user || !own)
            return refuse(QStringLiteral("The access token's user cannot be read."));
        session.insert(LoginService::UserIdKey, user->id);
        session.insert(LoginService::UserNameKey, user->name);
        groups = OidcClaims::effectiveGroups(*own);
    } else {
        groups = OidcClaims::effectiveGroups({}, false);
    }
    session.insert(GrantedRightsKey,
                   OidcClaims::grantedRights(OidcClaims::groupRights(groups), token->scopes));
    request.session = session;
    outcome.sessionReplaced = true;
    return outcome;
}

} // namespace mwauth::provider
