// python3-mwoauth (MediaWiki's reference OAuth 1.0a client) and python3-requests-oauthlib,
// unmodified Debian packages, as peers of a whole LocalProvider over loopback HTTP
// (tests/peer/mwoauth_peer.py): initiate -> login + consent answered over HTTP -> token ->
// identify with HMAC-SHA1 and RSA-SHA1, an api.php call signed by requests-oauthlib, and
// MediaWiki's errors for the ways a request can be wrong. A missing python or library is a
// failure, never a skip.

#include "../oauth2/PeerConversation.h"
#include "common/Clock.h"
#include "common/Random.h"
#include "jose/KeyGenerator.h"
#include "provider/LocalProvider.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QTest>

using namespace mwauth;
using namespace mwauth::provider;
using namespace mwauth::provider::testing;

namespace {
const QString kCallback = QStringLiteral("https://tool.example/oauth/callback");
}

class TestMwoauthPeer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void hmacFlowWithMwoauth();
    void rsaFlow();
    void signedApiCall();
    void errors();

private:
    QJsonObject registerConsumer(const QString &name, const QString &owner, bool approved = true,
                                 bool ownerOnly = false, const QString &restrictions = {},
                                 const QString &rsaKey = {});
    QJsonObject step(const QString &name) const { return m_peer.step(name); }

    SystemClock m_clock; // mwoauth checks iat against its own clock
    SystemRandom m_random;
    std::unique_ptr<LocalProvider> m_provider;
    PeerConversation m_peer;
    QString m_userName = QStringLiteral("Peer Tester");
};

QJsonObject TestMwoauthPeer::registerConsumer(const QString &name, const QString &owner, bool approved,
                                              bool ownerOnly, const QString &restrictions,
                                              const QString &rsaKey)
{
    ClientRegistration r;
    r.name = name;
    r.oauthVersion = 1;
    r.callbackUrl = kCallback;
    r.description = QStringLiteral("python3-mwoauth as a peer");
    r.email = QStringLiteral("peer@example.org");
    r.grants = {QStringLiteral("basic"), QStringLiteral("editpage")};
    r.approved = approved;
    r.ownerOnly = ownerOnly;
    r.restrictions = restrictions;
    r.rsaKey = rsaKey;
    r.ownerId = m_provider->users()->findUser(owner)->id;
    const auto issued = m_provider->clients()->registerClient(r, owner);
    if (!issued) {
        qWarning() << issued.error().toString();
        return {};
    }
    return {{u"key"_qs, issued->client.consumerKey},
            {u"secret"_qs, QString::fromLatin1(issued->secret)},
            {u"callback"_qs, kCallback}};
}

void TestMwoauthPeer::initTestCase()
{
    const QString python = QStringLiteral(MWAUTH_PYTHON3);
    const QString script = QStringLiteral(MWAUTH_SOURCE_DIR "/tests/peer/mwoauth_peer.py");
    QVERIFY2(!python.isEmpty() && QFileInfo(python).isExecutable(), "The Debian python3 was not found");
    QVERIFY2(QFileInfo::exists(script), qPrintable(script));

    m_provider = std::make_unique<LocalProvider>(m_clock, m_random);
    LocalProviderOptions options;
    options.passwordIterations = 1000;
    QVERIFY(m_provider->start(options).ok());
    const QString password = QString::fromLatin1(m_random.bytes(18).toBase64(QByteArray::Base64UrlEncoding));
    QVERIFY(m_provider->users()->createUser(m_userName, password, QStringLiteral("peer@example.org")).ok());
    QVERIFY(m_provider->users()->createUser(QStringLiteral("Owner"), password).ok());

    const Result<jose::Jwk> rsaKey = jose::KeyGenerator::generate(jose::JwsAlgorithm::RS256);
    QVERIFY(rsaKey.ok());
    QJsonObject rsa = registerConsumer(u"mwoauth RSA"_qs, u"Owner"_qs, true, false, {},
                                       QString::fromLatin1(*rsaKey->publicKey().toPublicPem()));
    rsa.insert(u"rsa_key"_qs, QString::fromLatin1(*rsaKey->toPrivatePem()));
    const QJsonObject config {
        {u"index_url"_qs, m_provider->indexUrl().toString()},
        {u"api_url"_qs, m_provider->apiUrl().toString()},
        {u"user"_qs, QJsonObject {{u"name"_qs, m_userName}, {u"password"_qs, password}}},
        {u"hmac"_qs, registerConsumer(u"mwoauth HMAC"_qs, u"Owner"_qs)},
        {u"rsa"_qs, rsa},
        {u"far"_qs,
         registerConsumer(u"mwoauth far"_qs, u"Owner"_qs, true, false,
                          u"{\"IPAddresses\":[\"192.0.2.0/24\"]}"_qs)},
        {u"owner_only"_qs, registerConsumer(u"mwoauth owner-only"_qs, m_userName, true, true)},
        {u"proposed"_qs, registerConsumer(u"mwoauth proposed"_qs, u"Owner"_qs, false)},
    };
    const QString failure = m_peer.run(
        python, {script}, QStringLiteral(MWAUTH_SOURCE_DIR), config,
        [](const QString &request) {
            return QJsonObject {{u"error"_qs, QString(u"unknown request " + request)}};
        },
        120000);
    if (!failure.isEmpty())
        QFAIL(qPrintable(u"the mwoauth peer did not run: "_qs + failure));
    const QJsonObject versions = step(u"versions"_qs);
    qInfo("peer: mwoauth %s, requests-oauthlib %s, oauthlib %s", qPrintable(versions[u"mwoauth"].toString()),
          qPrintable(versions[u"requests_oauthlib"].toString()),
          qPrintable(versions[u"oauthlib"].toString()));
}

void TestMwoauthPeer::cleanupTestCase()
{
    m_provider.reset();
}

void TestMwoauthPeer::hmacFlowWithMwoauth()
{
    const QJsonObject flow = step(u"hmac"_qs);
    QVERIFY2(flow[u"ok"].toBool(), stepFailure(flow).constData());
    const QJsonArray pages = flow[u"pages"].toArray();
    QVERIFY(pages.contains(u"login form"_qs) && pages.contains(u"consent form"_qs));
    const QJsonObject identity = flow[u"identity"].toObject();
    QCOMPARE(identity[u"username"].toString(), m_userName);
    QCOMPARE(identity[u"sub"].toString(), QString::number(m_provider->users()->findUser(m_userName)->id));
    QCOMPARE(identity[u"grants"].toArray(), QJsonArray({u"basic"_qs, u"editpage"_qs}));
    QCOMPARE(qint64(identity[u"exp"].toDouble()) - qint64(identity[u"iat"].toDouble()), qint64(100));
}

void TestMwoauthPeer::rsaFlow()
{
    const QJsonObject flow = step(u"rsa"_qs);
    QVERIFY2(flow[u"ok"].toBool(), stepFailure(flow).constData());
    QCOMPARE(flow[u"access_secret"].toString(), u"__unused__"_qs);
    QVERIFY(flow[u"nonce_matches"].toBool());
    QCOMPARE(flow[u"identity"].toObject()[u"username"].toString(), m_userName);
    QCOMPARE(flow[u"userinfo"].toObject()[u"name"].toString(), m_userName);
}

void TestMwoauthPeer::signedApiCall()
{
    const QJsonObject flow = step(u"hmac"_qs);
    QVERIFY2(flow[u"ok"].toBool(), stepFailure(flow).constData());
    const QJsonObject info = flow[u"userinfo"].toObject();
    QCOMPARE(info[u"name"].toString(), m_userName);
    QVERIFY(info[u"rights"].toArray().contains(u"edit"_qs));
    QVERIFY(!info[u"rights"].toArray().contains(u"upload"_qs));
}

void TestMwoauthPeer::errors()
{
    const QJsonObject errors = step(u"errors"_qs);
    QVERIFY2(errors[u"ok"].toBool(), stepFailure(errors).constData());
    const QString invalid
        = u"The authorization headers in your request are not valid: An error occurred in the "
          u"OAuth protocol: "_qs;
    const QJsonObject wrong = errors[u"wrong_signature"].toObject();
    QCOMPARE(wrong[u"header"].toString(), u"mwoauth-invalid-authorization"_qs);
    QCOMPARE(wrong[u"error"].toObject()[u"info"].toString(), invalid + u"Invalid signature"_qs);
    QVERIFY(errors[u"old_timestamp"][u"error"][u"info"].toString().startsWith(invalid
                                                                              + u"Expired timestamp, yours"));
    const QJsonObject nonce = errors[u"reused_nonce"].toObject();
    QVERIFY(nonce[u"first"][u"header"].isNull());
    QVERIFY(nonce[u"second"][u"error"][u"info"].toString().startsWith(invalid
                                                                      + u"Nonce already used: peer-nonce-"));
    QCOMPARE(errors[u"wrong_verifier"].toString(),
             u"Error: The verification code provided was not valid."_qs);
    QVERIFY(errors[u"first_exchange"].toString().startsWith(u"oauth_token="));
    QVERIFY(errors[u"reused_request_token"].toString().startsWith(
        u"Error: This request has already been completed and cannot be resubmitted."));
    QCOMPARE(errors[u"bad_callback"][u"error"].toString(), u"mwoauth-callback-not-oob"_qs);
    QCOMPARE(errors[u"disallowed_ip"].toString(), u"Error: The request came from an invalid IP address."_qs);
    QVERIFY(errors[u"owner_only_initiate"].toString().contains(u"is an owner-only Connected App"));
    QVERIFY2(errors[u"owner_only_authorize"].toString().contains(u"is an owner-only Connected App"),
             qPrintable(errors[u"owner_only_authorize"].toString().left(500)));
    QVERIFY2(errors[u"proposed_authorize"].toString().contains(u"is not approved as a Connected App"),
             qPrintable(errors[u"proposed_authorize"].toString().left(500)));
}

QTEST_GUILESS_MAIN(TestMwoauthPeer)
#include "TestMwoauthPeer.moc"
