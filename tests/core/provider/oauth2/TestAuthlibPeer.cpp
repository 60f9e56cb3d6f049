// python3-authlib's OAuth 2 client (Debian's /usr/bin/python3, tests/peer/authlib_peer.py) as a
// peer of a whole LocalProvider over loopback HTTP: client credentials (client_secret_basic and
// client_secret_post), the authorization code flow with PKCE S256 with login and consent
// driven over HTTP as a browser would, the profile resource, refresh token rotation, code
// reuse, and a public client. authlib.jose verifies every access token through the JWKS.
// A missing python or authlib is a failure, never a skip.

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

const QString UserName = QStringLiteral("Peer Tester");
const QString RedirectUri = QStringLiteral("https://peer.example/callback");

QJsonArray names(const QStringList &list)
{
    return QJsonArray::fromStringList(list);
}

} // namespace

class TestAuthlibPeer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void clientCredentials_data();
    void clientCredentials();
    void clientCredentialsWrongSecret();
    void authorizationCodeWithPkce();
    void profileIsTheUserWhoLoggedIn();
    void refreshRotates();
    void codeIsSingleUse();
    void publicClientWithPkce();

private:
    struct Client
    {
        QString id;
        QString secret;
    };
    Client registerClient(const QString &name, const QStringList &grantTypes, bool confidential);
    QJsonObject step(const QString &name) const { return m_peer.step(name); }

    FixedClock m_clock {double(QDateTime::currentSecsSinceEpoch())}; // the peer checks exp with its own
    SystemRandom m_random;
    std::unique_ptr<LocalProvider> m_provider;
    qint64 m_userId = 0;
    qint64 m_ownerId = 0;
    Client m_machine;
    Client m_web;
    Client m_public;
    PeerConversation m_peer;
};

TestAuthlibPeer::Client TestAuthlibPeer::registerClient(const QString &name, const QStringList &grantTypes,
                                                        bool confidential)
{
    ClientRegistration registration;
    registration.name = name;
    registration.callbackUrl = RedirectUri;
    registration.description = QStringLiteral("python3-authlib as a peer");
    registration.email = QStringLiteral("peer@example.org");
    registration.oauth2GrantTypes = grantTypes;
    registration.oauth2IsConfidential = confidential;
    registration.grants = {QStringLiteral("basic"), QStringLiteral("editpage")};
    registration.approved = true;
    registration.ownerId = m_ownerId;
    const auto issued = m_provider->clients()->registerClient(registration, QStringLiteral("Owner"));
    if (!issued) {
        qWarning() << issued.error().toString();
        return {};
    }
    return {issued->client.consumerKey, QString::fromLatin1(issued->secret)};
}

void TestAuthlibPeer::initTestCase()
{
    const QString python = QStringLiteral(MWAUTH_PYTHON3);
    const QString script = QStringLiteral(MWAUTH_SOURCE_DIR "/tests/peer/authlib_peer.py");
    QVERIFY2(!python.isEmpty() && QFileInfo(python).isExecutable(),
             qPrintable(QStringLiteral("The Debian python3 was not found (MWAUTH_PYTHON3 = '%1'); install "
                                       "python3 and python3-authlib.")
                            .arg(python)));
    QVERIFY2(QFileInfo::exists(script), qPrintable(script));

    m_provider = std::make_unique<LocalProvider>(m_clock, m_random);
    LocalProviderOptions options;
    options.passwordIterations = 1000;
    const Result<void> started = m_provider->start(options);
    QVERIFY2(started.ok(), started.ok() ? "" : qPrintable(started.error().toString()));
    const QString password = QString::fromLatin1(m_random.bytes(18).toBase64(QByteArray::Base64UrlEncoding));
    const auto user = m_provider->users()->createUser(UserName, password, QStringLiteral("peer@example.org"));
    QVERIFY2(user.ok(), user.ok() ? "" : qPrintable(user.error().toString()));
    m_userId = user->id;
    const auto owner = m_provider->users()->createUser(QStringLiteral("Owner"), password);
    QVERIFY(owner.ok());
    m_ownerId = owner->id;

    m_machine
        = registerClient(QStringLiteral("authlib machine"), {QStringLiteral("client_credentials")}, true);
    m_web = registerClient(QStringLiteral("authlib web app"),
                           {QStringLiteral("authorization_code"), QStringLiteral("refresh_token")}, true);
    m_public = registerClient(QStringLiteral("authlib public app"),
                              {QStringLiteral("authorization_code"), QStringLiteral("refresh_token")}, false);
    QVERIFY(!m_machine.id.isEmpty() && !m_web.id.isEmpty() && !m_public.id.isEmpty());

    const QString rest = m_provider->restUrl().toString();
    const QJsonObject config {
        {u"token_url"_qs, QString(rest + u"/oauth2/access_token")},
        {u"authorize_url"_qs, QString(rest + u"/oauth2/authorize")},
        {u"profile_url"_qs, QString(rest + u"/oauth2/resource/profile")},
        {u"jwks_url"_qs, QString(rest + u"/oauth2/jwks")},
        {u"issuer"_qs, m_provider->issuer().toString()},
        {u"machine"_qs,
         QJsonObject {{u"client_id"_qs, m_machine.id}, {u"client_secret"_qs, m_machine.secret}}},
        {u"web"_qs,
         QJsonObject {{u"client_id"_qs, m_web.id},
                      {u"client_secret"_qs, m_web.secret},
                      {u"redirect_uri"_qs, RedirectUri}}},
        {u"public"_qs, QJsonObject {{u"client_id"_qs, m_public.id}, {u"redirect_uri"_qs, RedirectUri}}},
        {u"user"_qs, QJsonObject {{u"name"_qs, UserName}, {u"password"_qs, password}}},
        {u"scope"_qs, u"basic editpage"_qs},
        {u"steps"_qs,
         names({u"versions"_qs, u"client_credentials"_qs, u"authorization_code"_qs, u"profile"_qs,
                u"refresh"_qs, u"code_reuse"_qs, u"public_pkce"_qs})},
    };
    const QString failure = m_peer.run(
        python, {script}, QStringLiteral(MWAUTH_SOURCE_DIR), config,
        [](const QString &request) {
            return QJsonObject {{u"error"_qs, QString(u"unknown request " + request)}};
        },
        90000);
    if (!failure.isEmpty())
        QFAIL(qPrintable(u"python3-authlib is not usable: "_qs + failure));
    const QJsonObject versions = step(u"versions"_qs);
    qInfo("peer: authlib %s, requests %s", qPrintable(versions[u"authlib"].toString()),
          qPrintable(versions[u"requests"].toString()));
}

void TestAuthlibPeer::cleanupTestCase()
{
    m_provider.reset();
}

void TestAuthlibPeer::clientCredentials_data()
{
    QTest::addColumn<QString>("method");
    QTest::newRow("client_secret_basic") << u"client_secret_basic"_qs;
    QTest::newRow("client_secret_post") << u"client_secret_post"_qs;
}

void TestAuthlibPeer::clientCredentials()
{
    QFETCH(QString, method);
    const QJsonObject cc = step(u"client_credentials"_qs);
    QVERIFY2(cc[u"ok"].toBool(), stepFailure(cc).constData());
    const QJsonObject seen = cc[method].toObject();
    QCOMPARE(seen[u"fields"].toArray(), names({u"access_token"_qs, u"expires_in"_qs, u"token_type"_qs}));
    QCOMPARE(seen[u"token_type"].toString(), u"Bearer"_qs);
    QCOMPARE(seen[u"expires_in"].toInt(), 3600);
    QCOMPARE(seen[u"alg"].toString(), u"RS256"_qs);
    const QJsonObject claims = seen[u"claims"].toObject();
    QCOMPARE(claims[u"aud"].toString(), m_machine.id);
    QCOMPARE(claims[u"sub"].toString(), QString()); // no user, as MediaWiki 1.39
    QCOMPARE(claims[u"scopes"].toArray(), names({u"basic"_qs, u"editpage"_qs}));
    QVERIFY(m_provider->keys()->verificationKey(seen[u"kid"].toString()).ok());
}

void TestAuthlibPeer::clientCredentialsWrongSecret()
{
    const QJsonObject cc = step(u"client_credentials"_qs);
    QVERIFY2(cc[u"ok"].toBool(), stepFailure(cc).constData());
    const QJsonObject refused = cc[u"wrong_secret"].toObject();
    QCOMPARE(refused[u"error"].toString(), u"invalid_client"_qs);
    QCOMPARE(refused[u"status"].toInt(), 401);
    QCOMPARE(refused[u"body"].toObject()[u"error_description"].toString(),
             u"Client authentication failed"_qs);
}

void TestAuthlibPeer::authorizationCodeWithPkce()
{
    const QJsonObject flow = step(u"authorization_code"_qs);
    QVERIFY2(flow[u"ok"].toBool(), stepFailure(flow).constData());
    const QJsonArray pages = flow[u"pages"].toArray();
    QVERIFY2(pages.contains(u"login form"_qs), QJsonDocument(pages).toJson().constData());
    QVERIFY2(pages.contains(u"consent form"_qs), QJsonDocument(pages).toJson().constData());
    QCOMPARE(flow[u"challenge_sent"].toString(), u"S256"_qs);
    QVERIFY(!flow[u"state_sent"].toString().isEmpty());
    QCOMPARE(flow[u"state_returned"].toString(), flow[u"state_sent"].toString());
    QCOMPARE(flow[u"token_type"].toString(), u"Bearer"_qs);
    QCOMPARE(flow[u"fields"].toArray(),
             names({u"access_token"_qs, u"expires_in"_qs, u"refresh_token"_qs, u"token_type"_qs}));
    const QJsonObject claims = flow[u"claims"].toObject();
    QCOMPARE(claims[u"aud"].toString(), m_web.id);
    QCOMPARE(claims[u"sub"].toString(), QString::number(m_userId));
    QCOMPARE(claims[u"scopes"].toArray(), names({u"basic"_qs, u"editpage"_qs}));
}

void TestAuthlibPeer::profileIsTheUserWhoLoggedIn()
{
    const QJsonObject result = step(u"profile"_qs);
    QVERIFY2(result[u"ok"].toBool(), stepFailure(result).constData());
    const QJsonObject profile = result[u"profile"].toObject();
    QCOMPARE(profile[u"username"].toString(), UserName);
    QCOMPARE(profile[u"sub"].toString(), QString::number(m_userId));
    QCOMPARE(profile[u"blocked"].toBool(true), false);
    QVERIFY(!profile.contains(u"email")); // basic + editpage: no private info
    QVERIFY(!profile.contains(u"realname"));
}

void TestAuthlibPeer::refreshRotates()
{
    const QJsonObject result = step(u"refresh"_qs);
    QVERIFY2(result[u"ok"].toBool(), stepFailure(result).constData());
    QCOMPARE(result[u"fields"].toArray(),
             names({u"access_token"_qs, u"expires_in"_qs, u"refresh_token"_qs, u"token_type"_qs}));
    QVERIFY(result[u"rotated"].toBool());
    QVERIFY(result[u"new_access_token"].toBool());
    QCOMPARE(result[u"claims"].toObject()[u"sub"].toString(), QString::number(m_userId));
    QVERIFY(result[u"second_refresh_worked"].toBool()); // the new refresh token works
    // The old one is refused as MediaWiki 1.39 refuses it (reference section 1.2).
    const QJsonObject reuse = result[u"reuse"].toObject();
    QCOMPARE(reuse[u"status"].toInt(), 401);
    QCOMPARE(reuse[u"error"].toString(), u"invalid_request"_qs);
    QCOMPARE(reuse[u"body"].toObject()[u"hint"].toString(), u"Token has been revoked"_qs);
    // The refresh marked the access token it replaced as revoked; the newest one works.
    QCOMPARE(result[u"old_access_token_status"].toInt(), 401);
    QCOMPARE(result[u"current_access_token_status"].toInt(), 200);
    QCOMPARE(result[u"current_profile"].toObject()[u"username"].toString(), UserName);
}

void TestAuthlibPeer::codeIsSingleUse()
{
    const QJsonObject result = step(u"code_reuse"_qs);
    QVERIFY2(result[u"ok"].toBool(), stepFailure(result).constData());
    const QJsonObject reuse = result[u"reuse"].toObject();
    QCOMPARE(reuse[u"status"].toInt(), 400);
    // league/oauth2-server (MediaWiki's) says invalid_request; RFC 6749 section 5.2 says invalid_grant.
    QVERIFY2(reuse[u"error"].toString() == u"invalid_request"_qs
                 || reuse[u"error"].toString() == u"invalid_grant"_qs,
             QJsonDocument(reuse).toJson().constData());
    QVERIFY(!reuse[u"description"].toString().isEmpty());
    // RFC 6749 section 4.1.2: what was issued from the code (after refreshes too) is revoked.
    QCOMPARE(result[u"family_access_token_status"].toInt(), 401);
    QCOMPARE(result[u"family_refresh"].toObject()[u"status"].toInt(), 401);
    QCOMPARE(result[u"family_refresh"].toObject()[u"error"].toString(), u"invalid_request"_qs);
}

void TestAuthlibPeer::publicClientWithPkce()
{
    const QJsonObject flow = step(u"public_pkce"_qs);
    QVERIFY2(flow[u"ok"].toBool(), stepFailure(flow).constData());
    QCOMPARE(flow[u"challenge_sent"].toString(), u"S256"_qs);
    QCOMPARE(flow[u"state_returned"].toString(), flow[u"state_sent"].toString());
    QCOMPARE(flow[u"claims"].toObject()[u"aud"].toString(), m_public.id);
    QCOMPARE(flow[u"claims"].toObject()[u"sub"].toString(), QString::number(m_userId));
    QCOMPARE(flow[u"profile_status"].toInt(), 200);
    QCOMPARE(flow[u"profile"].toObject()[u"username"].toString(), UserName);
}

QTEST_GUILESS_MAIN(TestAuthlibPeer)
#include "TestAuthlibPeer.moc"
