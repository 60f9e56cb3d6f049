#include "OAuth1Server.h"

#include "common/ConstantTime.h"
#include "common/Logging.h"
#include "jose/Jwk.h"
#include "oauth1/Signature.h"
#include "provider/clients/AcceptanceStore.h"
#include "provider/clients/IpRestrictions.h"
#include "provider/clients/RedirectUriMatch.h"
#include "provider/db/ProviderDatabase.h"

#include <QJsonObject>
#include <QSqlQuery>
#include <QUrl>
#include <QUrlQuery>

#include <cmath>

namespace mwauth::provider {

namespace {

const QString kUsed = QStringLiteral("used");

QString hex(Random &random, int bytes)
{
    return QString::fromLatin1(random.bytes(bytes).toHex());
}

OAuth1Error callbackNotOob()
{
    return OAuth1Error::plain(QStringLiteral("mwoauth-callback-not-oob"),
                              QStringLiteral("oauth_callback must be set, and must be set to \"oob\" "
                                             "(case-sensitive)"));
}

OAuth1Error callbackNotOobOrPrefix()
{
    return OAuth1Error::plain(QStringLiteral("mwoauth-callback-not-oob-or-prefix"),
                              QStringLiteral("oauth_callback must be set, and must be set to \"oob\" "
                                             "(case-sensitive), or the configured callback must be a prefix "
                                             "of the supplied callback."));
}

OAuth1Error noSecret()
{
    return OAuth1Error::withHelp(QStringLiteral("mwoauthserver-consumer-no-secret"),
                                 QStringLiteral("Sorry, something went wrong connecting this application.\n\n"
                                                "<span class=\"plainlinks mw-mwoautherror-details\">Consumer "
                                                "has no secret key, $HELP</span>"),
                                 QStringLiteral("E011"));
}

OAuth1Error badToken()
{
    return OAuth1Error::plain(QStringLiteral("mwoauthdatastore-bad-token"),
                              QStringLiteral("No token was found matching your request."));
}

OAuth1Error internalError()
{
    return OAuth1Error::protocol(QStringLiteral("The provider could not complete the request."));
}

// PHP's wfAppendQuery with http_build_query (RFC 1738 encoding, as MediaWiki's wfArrayToCgi).
QString appendQuery(const QString &url, const QList<std::pair<QString, QString>> &fields)
{
    QString query;
    for (const auto &[name, value] : fields) {
        if (!query.isEmpty())
            query += u'&';
        QByteArray encoded = QUrl::toPercentEncoding(value, {}, "~");
        encoded.replace("%20", "+");
        query += name + u'=' + QString::fromLatin1(encoded);
    }
    const qsizetype hash = url.indexOf(u'#');
    const QString base = hash < 0 ? url : url.first(hash);
    const QString fragment = hash < 0 ? QString() : url.sliced(hash);
    return base + (base.contains(u'?') ? u'&' : u'?') + query + fragment;
}

} // namespace

OAuth1Server::OAuth1Server(ClientStore &clients, OAuthCache &cache, ProviderDatabase &db,
                           const ProviderSecret &secret, const Clock &clock, Random &random,
                           OAuth1Options options)
    : m_clients(clients)
    , m_cache(cache)
    , m_db(db)
    , m_secret(secret)
    , m_clock(clock)
    , m_random(random)
    , m_options(options)
{ }

QString OAuth1Server::cacheKey(const QString &kind, const QString &consumerKey, const QString &token) const
{
    return u"OAuth1:"_qs + kind + u':' + consumerKey + u":request:" + token;
}

bool OAuth1Server::allowsSource(const OAuthClient &client, const QHostAddress &peer)
{
    return IpRestrictions::allowsRequest(client.restrictions, peer);
}

OAuth1Outcome<OAuthClient> OAuth1Server::consumer(const OAuth1Parameters &params) const
{
    const QString version = params.text("oauth_version");
    if (!version.isEmpty() && version != u"1.0")
        return OAuth1Error::protocol(QStringLiteral("OAuth version '%1' not supported").arg(version));
    const QString key = params.text("oauth_consumer_key");
    if (key.isEmpty())
        return OAuth1Error::protocol(QStringLiteral("Invalid consumer key"));
    const Result<OAuthClient> client = m_clients.findByKey(key);
    if (!client) {
        if (client.error().code() != ErrorCode::NotFound) {
            qCWarning(log::providerServer).noquote()
                << "Consumer lookup failed:" << client.error().toString();
            return internalError();
        }
        return OAuth1Error::protocol(QStringLiteral("Invalid consumer"));
    }
    if (client->oauthVersion != OAuthClient::OAuthVersion1)
        return OAuth1Error::protocol(QStringLiteral("Invalid consumer"));
    return *client;
}

std::optional<OAuth1Error> OAuth1Server::checkSignature(const HttpRequest &request,
                                                        const OAuth1Parameters &params,
                                                        const OAuthClient &client, const QString &token,
                                                        const QByteArray &tokenSecret)
{
    // OAuthServer::check_timestamp
    const QString timestamp = params.text("oauth_timestamp");
    if (timestamp.isEmpty())
        return OAuth1Error::protocol(
            QStringLiteral("Missing timestamp parameter. The parameter is required"));
    const qint64 now = qint64(std::floor(m_clock.nowSeconds()));
    bool numeric = false;
    const qint64 stamp = timestamp.toLongLong(&numeric);
    if (!numeric || std::abs(double(now) - double(stamp)) > m_options.timestampWindow)
        return OAuth1Error::protocol(
            QStringLiteral("Expired timestamp, yours %1, ours %2").arg(timestamp).arg(now));
    // check_nonce: remembered per consumer and token until timestamp + window.
    const QString nonce = params.text("oauth_nonce");
    if (nonce.isEmpty())
        return OAuth1Error::protocol(QStringLiteral("Missing nonce parameter. The parameter is required"));
    const double ttl = std::max(1.0, double(stamp) + m_options.timestampWindow - m_clock.nowSeconds());
    const Result<bool> fresh
        = m_cache.add(u"OAuth1:nonce:"_qs + client.consumerKey + u':' + token + u':' + nonce,
                      QJsonObject {{QStringLiteral("t"), double(stamp)}}, ttl);
    if (!fresh) {
        qCWarning(log::providerServer).noquote() << "Nonce not recorded:" << fresh.error().toString();
        return internalError();
    }
    if (!*fresh)
        return OAuth1Error::protocol(QStringLiteral("Nonce already used: %1").arg(nonce));
    // get_signature_method
    const QString methodName = params.text("oauth_signature_method");
    if (methodName.isEmpty())
        return OAuth1Error::protocol(
            QStringLiteral("No signature method parameter. This parameter is required"));
    const Result<oauth1::SignatureMethod> method = oauth1::signatureMethodFromName(methodName);
    const bool offered
        = method && (*method != oauth1::SignatureMethod::Plaintext || m_options.allowPlaintext);
    if (!offered) {
        const QString offeredList = m_options.allowPlaintext
            ? QStringLiteral("HMAC-SHA1, RSA-SHA1, PLAINTEXT")
            : QStringLiteral("HMAC-SHA1, RSA-SHA1");
        return OAuth1Error::protocol(
            QStringLiteral("Signature method '%1' not supported try one of the following: %2")
                .arg(methodName, offeredList));
    }
    jose::Jwk rsaKey;
    if (*method == oauth1::SignatureMethod::RsaSha1) {
        Result<jose::Jwk> key = jose::Jwk::fromPem(client.rsaKey.toUtf8());
        if (client.rsaKey.isEmpty() || !key)
            return OAuth1Error::protocol(QStringLiteral("Invalid signature"));
        rsaKey = *key;
    }
    const QByteArray base = params.signatureBaseString(request);
    const Result<void> verified = oauth1::verify(*method, base, params.value("oauth_signature"),
                                                 m_clients.clientSecret(client), tokenSecret, rsaKey);
    if (!verified)
        return OAuth1Error::protocol(QStringLiteral("Invalid signature"));
    return std::nullopt;
}

std::optional<OAuth1Error> OAuth1Server::checkCallback(const OAuthClient &client,
                                                       const QString &callback) const
{
    // MWOAuthServer::checkCallback
    if (!client.callbackIsPrefix) {
        if (callback != u"oob")
            return callbackNotOob();
        return std::nullopt;
    }
    if (callback.isEmpty())
        return callbackNotOobOrPrefix();
    if (callback == u"oob")
        return std::nullopt;
    if (!matchesRedirectUri(client, callback))
        return callbackNotOobOrPrefix();
    return std::nullopt;
}

// The consumer of an initiate or token request, with the checks both make before the
// signature: owner-only consumers have no three-legged flow, a consumer needs a secret or an
// RSA key, and the request must come from an allowed address.
OAuth1Outcome<OAuthClient> OAuth1Server::tokenEndpointConsumer(const HttpRequest &request,
                                                               const OAuth1Parameters &params) const
{
    OAuth1Outcome<OAuthClient> found = consumer(params);
    if (std::holds_alternative<OAuth1Error>(found))
        return found;
    const OAuthClient &client = std::get<OAuthClient>(found);
    if (client.ownerOnly)
        return OAuth1Error::ownerOnly(client.name,
                                      u"Special:OAuthConsumerRegistration/update/"_qs + client.consumerKey);
    if (client.secretKey.isEmpty() && client.rsaKey.isEmpty())
        return noSecret();
    if (!allowsSource(client, request.peer))
        return OAuth1Error::badSourceIp();
    return found;
}

OAuth1Outcome<RequestToken> OAuth1Server::fetchRequestToken(const HttpRequest &request,
                                                            const OAuth1Parameters &params)
{
    OAuth1Outcome<OAuthClient> found = tokenEndpointConsumer(request, params);
    if (auto *error = std::get_if<OAuth1Error>(&found))
        return *error;
    const OAuthClient client = std::get<OAuthClient>(found);
    if (auto error = checkSignature(request, params, client, QString(), QByteArray()))
        return *error;
    const QString callback = params.text("oauth_callback");
    if (auto error = checkCallback(client, callback))
        return *error;

    RequestToken token;
    token.key = hex(m_random, 16);
    token.secret = hex(m_random, 16);
    const double ttl = m_options.requestTokenLifetime;
    const Result<void> stored = m_cache.put(
        cacheKey(QStringLiteral("token"), client.consumerKey, token.key),
        QJsonObject {{QStringLiteral("key"), token.key}, {QStringLiteral("secret"), token.secret}}, ttl);
    const Result<void> owner
        = m_cache.put(u"OAuth1:consumer:request:"_qs + token.key,
                      QJsonObject {{QStringLiteral("consumer"), client.consumerKey}}, ttl);
    const Result<void> back = m_cache.put(cacheKey(QStringLiteral("callback"), client.consumerKey, token.key),
                                          QJsonObject {{QStringLiteral("callback"), callback}}, ttl);
    if (!stored || !owner || !back) {
        qCWarning(log::providerServer).noquote() << "Request token not stored";
        return internalError();
    }
    return token;
}

OAuth1Outcome<RequestToken> OAuth1Server::lookupRequestToken(const OAuthClient &client, const QString &token)
{
    if (token.isEmpty())
        return OAuth1Error::requestTokenNotFound();
    const Result<std::optional<QJsonObject>> stored
        = m_cache.get(cacheKey(QStringLiteral("token"), client.consumerKey, token));
    if (!stored) {
        qCWarning(log::providerServer).noquote()
            << "Request token lookup failed:" << stored.error().toString();
        return internalError();
    }
    if (!stored->has_value())
        return OAuth1Error::requestTokenNotFound();
    const QJsonObject value = **stored;
    if (value.value(kUsed).toBool())
        return OAuth1Error::requestTokenUsed();
    RequestToken out;
    out.key = value.value(u"key").toString();
    out.secret = value.value(u"secret").toString();
    out.verifier = value.value(u"verifier").toString();
    out.accessKey = value.value(u"accessKey").toString();
    if (out.key != token)
        return OAuth1Error::requestTokenNotFound();
    return out;
}

OAuth1Outcome<std::pair<ClientAcceptance, QByteArray>>
OAuth1Server::lookupAccessToken(const OAuthClient &client, const QString &token) const
{
    QSqlQuery query(m_db.database());
    if (!ProviderDatabase::run(query,
                               u"SELECT "_qs + AcceptanceStore::columns()
                                   + u", oaac_access_secret FROM oauth_accepted_consumer"
                                     u" WHERE oaac_access_token = ?",
                               {token})) {
        qCWarning(log::providerServer).noquote() << "Access token lookup failed:" << query.lastError().text();
        return internalError();
    }
    if (token.isEmpty() || !query.next())
        return OAuth1Error::accessTokenNotFound();
    const ClientAcceptance acceptance = AcceptanceStore::fromRow(query);
    const QByteArray storedSecret = query.value(8).toString().toLatin1();
    // The approval must be of this consumer (T103023) and an OAuth 1 approval.
    if (acceptance.clientId != client.id || acceptance.oauthVersion != OAuthClient::OAuthVersion1)
        return OAuth1Error::accessTokenNotFound();
    return std::pair<ClientAcceptance, QByteArray>(acceptance, m_secret.derive(storedSecret));
}

OAuth1Outcome<OAuth1AccessToken> OAuth1Server::fetchAccessToken(const HttpRequest &request,
                                                                const OAuth1Parameters &params)
{
    OAuth1Outcome<OAuthClient> found = tokenEndpointConsumer(request, params);
    if (auto *error = std::get_if<OAuth1Error>(&found))
        return *error;
    const OAuthClient client = std::get<OAuthClient>(found);
    OAuth1Outcome<RequestToken> looked = lookupRequestToken(client, params.text("oauth_token"));
    if (auto *error = std::get_if<OAuth1Error>(&looked))
        return *error;
    const RequestToken token = std::get<RequestToken>(looked);
    if (token.secret.isEmpty())
        return badToken();
    if (auto error = checkSignature(request, params, client, token.key, token.secret.toLatin1()))
        return *error;
    // MWOAuthDataStore::new_access_token
    if (token.verifier.isEmpty() || token.accessKey.isEmpty())
        return badToken();
    if (!constantTimeEquals(token.verifier.toLatin1(), params.value("oauth_verifier")))
        return OAuth1Error::plain(QStringLiteral("mwoauthdatastore-bad-verifier"),
                                  QStringLiteral("The verification code provided was not valid."));
    OAuth1Outcome<std::pair<ClientAcceptance, QByteArray>> access
        = lookupAccessToken(client, token.accessKey);
    if (auto *error = std::get_if<OAuth1Error>(&access))
        return *error;
    // Used up: of two exchanges of one request token at the same time only one takes it.
    const QString key = cacheKey(QStringLiteral("token"), client.consumerKey, token.key);
    const Result<std::optional<QJsonObject>> taken = m_cache.take(key);
    if (!taken) {
        qCWarning(log::providerServer).noquote() << "Request token not used up:" << taken.error().toString();
        return internalError();
    }
    if (!taken->has_value() || (*taken)->value(kUsed).toBool())
        return OAuth1Error::requestTokenUsed();
    if (const Result<void> used
        = m_cache.put(key, QJsonObject {{kUsed, true}}, m_options.requestTokenLifetime);
        !used)
        qCWarning(log::providerServer).noquote()
            << "Request token not marked used:" << used.error().toString();
    OAuth1AccessToken out;
    out.key = std::get<std::pair<ClientAcceptance, QByteArray>>(access).first.accessToken;
    out.secret = params.text("oauth_signature_method") == u"RSA-SHA1"
        ? QStringLiteral("__unused__")
        : QString::fromLatin1(std::get<std::pair<ClientAcceptance, QByteArray>>(access).second);
    return out;
}

OAuth1Outcome<OAuth1Access> OAuth1Server::verifyRequest(const HttpRequest &request,
                                                        const OAuth1Parameters &params)
{
    OAuth1Outcome<OAuthClient> found = consumer(params);
    if (auto *error = std::get_if<OAuth1Error>(&found))
        return *error;
    const OAuthClient client = std::get<OAuthClient>(found);
    OAuth1Outcome<std::pair<ClientAcceptance, QByteArray>> access
        = lookupAccessToken(client, params.text("oauth_token"));
    if (auto *error = std::get_if<OAuth1Error>(&access))
        return *error;
    const auto &[acceptance, secret] = std::get<std::pair<ClientAcceptance, QByteArray>>(access);
    if (auto error = checkSignature(request, params, client, acceptance.accessToken, secret))
        return *error;
    if (!allowsSource(client, request.peer))
        return OAuth1Error::badSourceIp();
    return OAuth1Access {client, acceptance, params.value("oauth_nonce")};
}

QString OAuth1Server::consumerKeyOf(const QString &requestToken)
{
    if (requestToken.isEmpty())
        return {};
    const Result<std::optional<QJsonObject>> stored
        = m_cache.get(u"OAuth1:consumer:request:"_qs + requestToken);
    if (!stored || !stored->has_value())
        return {};
    return (*stored)->value(u"consumer").toString();
}

OAuth1Outcome<QString> OAuth1Server::approveRequestToken(const OAuthClient &client,
                                                         const QString &requestToken,
                                                         const QString &accessKey)
{
    OAuth1Outcome<RequestToken> looked = lookupRequestToken(client, requestToken);
    if (auto *error = std::get_if<OAuth1Error>(&looked))
        return *error;
    RequestToken token = std::get<RequestToken>(looked);
    token.verifier = hex(m_random, 16);
    token.accessKey = accessKey;
    const Result<void> updated = m_cache.put(cacheKey(QStringLiteral("token"), client.consumerKey, token.key),
                                             QJsonObject {{QStringLiteral("key"), token.key},
                                                          {QStringLiteral("secret"), token.secret},
                                                          {QStringLiteral("verifier"), token.verifier},
                                                          {QStringLiteral("accessKey"), token.accessKey}},
                                             m_options.requestTokenLifetime);
    if (!updated) {
        qCWarning(log::providerServer).noquote()
            << "Request token not updated:" << updated.error().toString();
        return internalError();
    }
    // MWOAuthDataStore::getCallbackUrl reads the callback once.
    const Result<std::optional<QJsonObject>> callback
        = m_cache.take(cacheKey(QStringLiteral("callback"), client.consumerKey, token.key));
    if (!callback || !callback->has_value() || !(*callback)->value(u"callback").isString())
        return OAuth1Error::plain(
            QStringLiteral("mwoauthdatastore-callback-not-found"),
            QStringLiteral("OAuth callback URL not found in cache. This is probably an "
                           "error in how the application makes requests to the server."));
    QString target = (*callback)->value(u"callback").toString();
    if (target == u"oob")
        target = client.callbackUrl;
    return appendQuery(
        target,
        {{QStringLiteral("oauth_verifier"), token.verifier}, {QStringLiteral("oauth_token"), token.key}});
}

} // namespace mwauth::provider
