// node's openid-client (the certified OpenID Connect relying party) and jose as peers of a whole
// LocalProvider over loopback HTTP (tests/peer/node/openid_client_peer.mjs): discovery of both
// metadata documents, client credentials, the authorization code flow with PKCE, state and
// nonce (login and consent driven over HTTP), the id_token validated by the library, userinfo,
// refresh rotation, and access tokens and id_tokens verified through the JWKS across a key
// rotation (asked of this test in the middle of the conversation) and after the old key retired.
// Missing node or node_modules is a failure with the command that fixes it, never a skip.

#include "PeerConversation.h"
#include "common/Clock.h"
#include "common/Random.h"
#include "provider/LocalProvider.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QTest>

using namespace mwauth;
using namespace mwauth::provider;
using namespace mwauth::provider::testing;

namespace {

const QString UserName = QStringLiteral("Node Peer");
const QString UserEmail = QStringLiteral("node-peer@example.org");
const QString RedirectUri = QStringLiteral("https://peer.example/oidc-callback");

QString nodeDir()
{
    return QStringLiteral(MWAUTH_SOURCE_DIR "/tests/peer/node");
}

} // namespace

class TestOpenIdClientPeer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void discoversTheAuthorizationServer();
    void clientCredentialsVerifyThroughTheJwks();
    void discoversTheOpenIdProvider();
    void codeFlowWithPkceAndNonce();
    void userinfoIsTheUserWhoLoggedIn();
    void refreshRotates();
    void tokensVerifyAcrossAKeyRotation();
    void retiredKeyNoLongerVerifies();

private:
    struct Client
    {
        QString id;
        QString secret;
    };
    Client registerClient(const QString &name, const QStringList &grantTypes, const QStringList &grants);
    QJsonObject answer(const QString &request);
    QJsonObject step(const QString &name) const { return m_peer.step(name); }

    FixedClock m_clock {double(QDateTime::currentSecsSinceEpoch())}; // node checks iat/exp with its own
    SystemRandom m_random;
    std::unique_ptr<LocalProvider> m_provider;
    qint64 m_userId = 0;
    Client m_machine;
    Client m_web;
    SigningKeyRotation m_rotation;
    QStringList m_initialKids; // published before the peer started (it retires one of them)
    PeerConversation m_peer;
};

TestOpenIdClientPeer::Client TestOpenIdClientPeer::registerClient(const QString &name,
                                                                  const QStringList &grantTypes,
                                                                  const QStringList &grants)
{
    ClientRegistration registration;
    registration.name = name;
    registration.callbackUrl = RedirectUri;
    registration.description = QStringLiteral("node openid-client as a peer");
    registration.email = UserEmail;
    registration.oauth2GrantTypes = grantTypes;
    registration.grants = grants;
    registration.approved = true;
    registration.ownerId = m_userId;
    const auto issued = m_provider->clients()->registerClient(registration, UserName);
    if (!issued) {
        qWarning() << issued.error().toString();
        return {};
    }
    return {issued->client.consumerKey, QString::fromLatin1(issued->secret)};
}

// The test's side of the conversation: key changes between the peer's steps.
QJsonObject TestOpenIdClientPeer::answer(const QString &request)
{
    if (request == u"rotate") {
        const auto rotated = m_provider->keys()->rotate(QStringLiteral("peer test"));
        if (!rotated)
            return {{u"error"_qs, rotated.error().message()}};
        m_rotation = *rotated;
        return {{u"current"_qs, rotated->current},
                {u"retiring"_qs, rotated->retiring},
                {u"next"_qs, rotated->next}};
    }
    if (request == u"expire_retiring") {
        if (m_rotation.retireAfter == 0)
            return {{u"error"_qs, u"there was no rotation"_qs}};
        m_clock.set(double(m_rotation.retireAfter) + 1); // every token the old key signed has expired
        return {{u"now"_qs, m_clock.nowSeconds()}};
    }
    return {{u"error"_qs, QString(u"unknown request " + request)}};
}

void TestOpenIdClientPeer::initTestCase()
{
    const QString node = QStringLiteral(MWAUTH_NODE);
    QVERIFY2(!node.isEmpty() && QFileInfo(node).isExecutable(),
             qPrintable(QStringLiteral("node was not found (MWAUTH_NODE = '%1'); install Node.js >= 20 and "
                                       "npm, then run npm ci --prefix tests/peer/node.")
                            .arg(node)));
    const QString script = nodeDir() + u"/openid_client_peer.mjs";
    QVERIFY2(QFileInfo::exists(script), qPrintable(script));
    if (!QFileInfo::exists(nodeDir() + u"/node_modules/openid-client/package.json")
        || !QFileInfo::exists(nodeDir() + u"/node_modules/jose/package.json")) {
        QFAIL("openid-client is not installed in tests/peer/node/node_modules: run npm ci --prefix "
              "tests/peer/node");
    }

    m_provider = std::make_unique<LocalProvider>(m_clock, m_random);
    LocalProviderOptions options;
    options.passwordIterations = 1000;
    const Result<void> started = m_provider->start(options);
    QVERIFY2(started.ok(), started.ok() ? "" : qPrintable(started.error().toString()));
    const QString password = QString::fromLatin1(m_random.bytes(18).toBase64(QByteArray::Base64UrlEncoding));
    const auto user = m_provider->users()->createUser(UserName, password, UserEmail);
    QVERIFY2(user.ok(), user.ok() ? "" : qPrintable(user.error().toString()));
    m_userId = user->id;

    m_machine = registerClient(QStringLiteral("openid-client machine"),
                               {QStringLiteral("client_credentials")}, {QStringLiteral("basic")});
    // privateinfo lets the client see the e-mail address (OidcClaims).
    m_web = registerClient(QStringLiteral("openid-client web app"),
                           {QStringLiteral("authorization_code"), QStringLiteral("refresh_token")},
                           {QStringLiteral("basic"), QStringLiteral("privateinfo")});
    QVERIFY(!m_machine.id.isEmpty() && !m_web.id.isEmpty());

    const auto published = m_provider->keys()->publishedKeys();
    QVERIFY(published.ok());
    for (const jose::Jwk &key : published->keys())
        m_initialKids.append(key.kid());

    const QJsonObject config {
        {u"issuer"_qs, m_provider->issuer().toString()},
        {u"machine"_qs,
         QJsonObject {{u"client_id"_qs, m_machine.id}, {u"client_secret"_qs, m_machine.secret}}},
        {u"web"_qs,
         QJsonObject {{u"client_id"_qs, m_web.id},
                      {u"client_secret"_qs, m_web.secret},
                      {u"redirect_uri"_qs, RedirectUri}}},
        {u"user"_qs, QJsonObject {{u"name"_qs, UserName}, {u"password"_qs, password}}},
        {u"scope"_qs, u"basic privateinfo"_qs},
        {u"oidc_scopes"_qs, QJsonArray {u"profile"_qs, u"email"_qs, u"groups"_qs}},
        {u"steps"_qs,
         QJsonArray {u"versions"_qs, u"discover_oauth"_qs, u"client_credentials"_qs, u"discover_oidc"_qs,
                     u"code_flow"_qs, u"userinfo"_qs, u"refresh"_qs, u"rotation"_qs, u"retired"_qs}},
    };
    const QString failure = m_peer.run(
        node, {script}, nodeDir(), config, [this](const QString &request) { return answer(request); }, 90000);
    if (!failure.isEmpty())
        QFAIL(qPrintable(u"The openid-client peer did not run: "_qs + failure));
    const QJsonObject versions = step(u"versions"_qs);
    qInfo("peer: openid-client %s, jose %s, oauth4webapi %s, node %s",
          qPrintable(versions[u"openid_client"].toString()), qPrintable(versions[u"jose"].toString()),
          qPrintable(versions[u"oauth4webapi"].toString()), qPrintable(versions[u"node"].toString()));
}

void TestOpenIdClientPeer::cleanupTestCase()
{
    m_provider.reset();
}

void TestOpenIdClientPeer::discoversTheAuthorizationServer()
{
    const QJsonObject result = step(u"discover_oauth"_qs);
    QVERIFY2(result[u"ok"].toBool(), stepFailure(result).constData());
    const QJsonObject metadata = result[u"metadata"].toObject();
    QCOMPARE(metadata[u"issuer"].toString(), m_provider->issuer().toString());
    QCOMPARE(metadata[u"token_endpoint"].toString(),
             QString(m_provider->restUrl().toString() + u"/oauth2/access_token"));
}

void TestOpenIdClientPeer::clientCredentialsVerifyThroughTheJwks()
{
    const QJsonObject result = step(u"client_credentials"_qs);
    QVERIFY2(result[u"ok"].toBool(), stepFailure(result).constData());
    QCOMPARE(result[u"token_type"].toString().toLower(), u"bearer"_qs);
    QCOMPARE(result[u"expires_in"].toInt(), 3600);
    QCOMPARE(result[u"alg"].toString(), u"RS256"_qs);
    const QJsonObject claims = result[u"claims"].toObject();
    QCOMPARE(claims[u"aud"].toString(), m_machine.id);
    QCOMPARE(claims[u"scopes"].toArray(), QJsonArray {u"basic"_qs});
    QVERIFY(m_initialKids.contains(result[u"kid"].toString()));
}

void TestOpenIdClientPeer::discoversTheOpenIdProvider()
{
    const QJsonObject result = step(u"discover_oidc"_qs);
    QVERIFY2(result[u"ok"].toBool(), stepFailure(result).constData());
    const QJsonObject metadata = result[u"metadata"].toObject();
    QCOMPARE(metadata[u"issuer"].toString(), m_provider->issuer().toString());
    QVERIFY(metadata[u"scopes_supported"].toArray().contains(u"openid"_qs));
    QVERIFY(metadata[u"code_challenge_methods_supported"].toArray().contains(u"S256"_qs));
    QVERIFY(metadata[u"userinfo_endpoint"].toString().startsWith(m_provider->restUrl().toString()));
}

void TestOpenIdClientPeer::codeFlowWithPkceAndNonce()
{
    const QJsonObject result = step(u"code_flow"_qs);
    QVERIFY2(result[u"ok"].toBool(), stepFailure(result).constData());
    const QJsonArray pages = result[u"pages"].toArray();
    QVERIFY2(pages.contains(u"login form"_qs), QJsonDocument(pages).toJson().constData());
    QVERIFY2(pages.contains(u"consent form"_qs), QJsonDocument(pages).toJson().constData());
    QCOMPARE(result[u"scope_sent"].toString(), u"openid profile email groups basic privateinfo"_qs);
    // openid-client validated the id_token (signature, iss, aud, exp, iat, nonce); check again here.
    const QJsonObject claims = result[u"id_token_claims"].toObject();
    QVERIFY(!result[u"nonce_sent"].toString().isEmpty());
    QCOMPARE(claims[u"nonce"].toString(), result[u"nonce_sent"].toString());
    QCOMPARE(claims[u"iss"].toString(), m_provider->issuer().toString());
    QCOMPARE(claims[u"aud"].toString(), m_web.id);
    QCOMPARE(claims[u"sub"].toString(), QString::number(m_userId));
    QCOMPARE(claims[u"preferred_username"].toString(), UserName);
    QCOMPARE(claims[u"email"].toString(), UserEmail);
    QVERIFY(claims[u"at_hash"].isString());
    QVERIFY(claims[u"auth_time"].toDouble() > 0
            && claims[u"auth_time"].toDouble() <= claims[u"iat"].toDouble());
    QCOMPARE(result[u"id_token_header"].toObject()[u"alg"].toString(), u"RS256"_qs);
    QVERIFY(m_initialKids.contains(result[u"id_token_header"].toObject()[u"kid"].toString()));
}

void TestOpenIdClientPeer::userinfoIsTheUserWhoLoggedIn()
{
    const QJsonObject result = step(u"userinfo"_qs);
    QVERIFY2(result[u"ok"].toBool(), stepFailure(result).constData());
    const QJsonObject info = result[u"userinfo"].toObject();
    QCOMPARE(info[u"sub"].toString(), QString::number(m_userId));
    QCOMPARE(info[u"preferred_username"].toString(), UserName);
    QCOMPARE(info[u"email"].toString(), UserEmail);
    QVERIFY(info[u"groups"].toArray().contains(u"user"_qs));
}

void TestOpenIdClientPeer::refreshRotates()
{
    const QJsonObject result = step(u"refresh"_qs);
    QVERIFY2(result[u"ok"].toBool(), stepFailure(result).constData());
    QVERIFY(result[u"rotated"].toBool());
    QVERIFY(result[u"third_worked"].toBool()); // the new refresh token works
    const QJsonObject reuse = result[u"reuse"].toObject(); // the old one does not
    QCOMPARE(reuse[u"status"].toInt(), 401);
    QCOMPARE(reuse[u"error"].toString(), u"invalid_request"_qs);
    QCOMPARE(reuse[u"body"].toObject()[u"hint"].toString(), u"Token has been revoked"_qs);
}

void TestOpenIdClientPeer::tokensVerifyAcrossAKeyRotation()
{
    const QJsonObject result = step(u"rotation"_qs);
    QVERIFY2(result[u"ok"].toBool(), stepFailure(result).constData());
    QVERIFY(!m_rotation.current.isEmpty() && !m_rotation.retiring.isEmpty());
    // Staged: the key that signs after the rotation was published before it.
    QVERIFY(result[u"kids_before"].toArray().contains(m_rotation.current));
    QCOMPARE(result[u"before"].toObject()[u"kid"].toString(), m_rotation.retiring);
    QCOMPARE(result[u"after"].toObject()[u"kid"].toString(), m_rotation.current);
    QVERIFY(result[u"old_token_still_verifies"].toBool());
    QVERIFY(result[u"kids_after"].toArray().contains(m_rotation.retiring));
    QVERIFY(result[u"kids_after"].toArray().contains(m_rotation.next));
    // An id_token signed by the new key, validated with the JWKS openid-client fetched before.
    QCOMPARE(result[u"id_token_header"].toObject()[u"kid"].toString(), m_rotation.current);
    QCOMPARE(result[u"id_token_claims"].toObject()[u"nonce"].toString(), result[u"nonce_sent"].toString());
}

void TestOpenIdClientPeer::retiredKeyNoLongerVerifies()
{
    const QJsonObject result = step(u"retired"_qs);
    QVERIFY2(result[u"ok"].toBool(), stepFailure(result).constData());
    QCOMPARE(result[u"kid"].toString(), m_rotation.retiring);
    QVERIFY(!result[u"kids"].toArray().contains(m_rotation.retiring));
    QVERIFY(result[u"kids"].toArray().contains(m_rotation.current));
    QCOMPARE(result[u"refusal"].toObject()[u"code"].toString(), u"ERR_JWKS_NO_MATCHING_KEY"_qs);
}

QTEST_GUILESS_MAIN(TestOpenIdClientPeer)
#include "TestOpenIdClientPeer.moc"
