// IdTokens::issue on a provider's users: OIDC Core claims (iss, sub, aud, exp, iat,
// auth_time, nonce, at_hash), the signature through the provider's JWKS, at_hash checked
// against Debian's python3 hashlib (an independent implementation), claims by scope and
// grant, and the refusals.

#include "BearerTestSupport.h"
#include "jose/Jwks.h"
#include "jose/KeyGenerator.h"
#include "provider/oauth2/IdTokens.h"

#include <QJsonArray>
#include <QProcess>

using namespace mwauth;
using namespace mwauth::provider;
using namespace mwauth::provider::testing;

class TestIdTokens : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void claims_data();
    void claims();
    void atHashMatchesPython_data();
    void atHashMatchesPython();
    void refused();

private:
    BearerFixture f;
    std::unique_ptr<IdTokens> m_idTokens;
    qint64 m_dave = 0;
};

void TestIdTokens::initTestCase()
{
    QVERIFY(f.start());
    const auto dave
        = f.provider->users()->createUser(u"Id dave"_qs, u"secret password 4"_qs, u"dave@example.org"_qs);
    QVERIFY(dave.ok());
    m_dave = dave->id;
    QVERIFY(f.provider->users()->addToGroup(m_dave, u"sysop"_qs).ok());
    m_idTokens = std::make_unique<IdTokens>(*f.provider->users(), f.clock, f.provider->issuer().toString());
}

void TestIdTokens::cleanupTestCase()
{
    m_idTokens.reset();
    f.stop();
}

void TestIdTokens::claims_data()
{
    QTest::addColumn<QStringList>("scopes");
    QTest::addColumn<QString>("nonce");
    QTest::addColumn<QStringList>("present");
    QTest::addColumn<QStringList>("absent");
    QTest::newRow("openid only") << QStringList {u"openid"_qs, u"basic"_qs} << u"n-0S6_WzA2Mj"_qs
                                 << QStringList {u"nonce"_qs}
                                 << QStringList {u"preferred_username"_qs, u"email"_qs, u"groups"_qs};
    QTest::newRow("profile, no nonce")
        << QStringList {u"openid"_qs, u"profile"_qs} << QString()
        << QStringList {u"preferred_username"_qs, u"name"_qs} << QStringList {u"nonce"_qs, u"email"_qs};
    QTest::newRow("email without a private-info grant")
        << QStringList {u"openid"_qs, u"email"_qs, u"basic"_qs} << QString() << QStringList()
        << QStringList {u"email"_qs, u"email_verified"_qs};
    QTest::newRow("email with privateinfo")
        << QStringList {u"openid"_qs, u"email"_qs, u"privateinfo"_qs} << QString()
        << QStringList {u"email"_qs, u"email_verified"_qs} << QStringList();
    QTest::newRow("groups") << QStringList {u"openid"_qs, u"groups"_qs} << QString()
                            << QStringList {u"groups"_qs} << QStringList {u"email"_qs};
}

void TestIdTokens::claims()
{
    QFETCH(QStringList, scopes);
    QFETCH(QString, nonce);
    QFETCH(QStringList, present);
    QFETCH(QStringList, absent);
    IdTokenRequest request;
    request.clientId = u"0123456789abcdef0123456789abcdef"_qs;
    request.userId = m_dave;
    request.nonce = nonce;
    request.authTime = f.clock.nowSeconds() - 120.5;
    request.accessToken = "an.access.token";
    request.scopes = scopes;
    const Result<QByteArray> token = m_idTokens->issue(*f.provider->keys()->currentKey(), request);
    QVERIFY2(token.ok(), qPrintable(token.error().toString()));

    // Verifies through the published JWKS, as a relying party would.
    const Reply jwks = f.http->send("GET", f.rest(u"/oauth2/jwks"_qs));
    const auto keys = jose::Jwks::fromJson(jwks.body);
    QVERIFY(keys.ok());
    const auto parts = jose::Jws::parse(*token);
    QVERIFY(parts.ok());
    QVERIFY(jose::Jws::verify(*parts, *keys).ok());

    const QJsonObject claims = jwtPart(*token, 1);
    const qint64 now = qint64(f.clock.nowSeconds());
    QCOMPARE(claims[u"iss"].toString(), f.provider->issuer().toString());
    QCOMPARE(claims[u"sub"].toString(), QString::number(m_dave));
    QCOMPARE(claims[u"aud"].toString(), request.clientId);
    QCOMPARE(claims[u"iat"].toInteger(), now);
    QCOMPARE(claims[u"exp"].toInteger(), now + 3600);
    QCOMPARE(claims[u"auth_time"].toInteger(), now - 121);
    QVERIFY(claims.contains(u"at_hash"));
    for (const QString &claim : present)
        QVERIFY2(claims.contains(claim), qPrintable(claim));
    for (const QString &claim : absent)
        QVERIFY2(!claims.contains(claim), qPrintable(claim));
    if (!nonce.isEmpty())
        QCOMPARE(claims[u"nonce"].toString(), nonce);
    if (claims.contains(u"preferred_username"))
        QCOMPARE(claims[u"preferred_username"].toString(), u"Id dave"_qs);
    if (claims.contains(u"email"))
        QCOMPARE(claims[u"email"].toString(), u"dave@example.org"_qs);
    if (claims.contains(u"groups"))
        QVERIFY(claims[u"groups"].toArray().contains(u"sysop"_qs));
}

void TestIdTokens::atHashMatchesPython_data()
{
    QTest::addColumn<int>("alg"); // jose::JwsAlgorithm
    QTest::addColumn<QString>("hash"); // python hashlib name
    QTest::newRow("RS256 (provider key)") << -1 << u"sha256"_qs;
    QTest::newRow("ES256") << int(jose::JwsAlgorithm::ES256) << u"sha256"_qs;
    QTest::newRow("EdDSA (Ed25519 hashes with SHA-512)") << int(jose::JwsAlgorithm::EdDSA) << u"sha512"_qs;
}

void TestIdTokens::atHashMatchesPython()
{
    QFETCH(int, alg);
    QFETCH(QString, hash);
    jose::Jwk key;
    if (alg < 0) {
        key = *f.provider->keys()->currentKey();
    } else {
        key = *jose::KeyGenerator::generate(jose::JwsAlgorithm(alg));
        key.setAlg(jose::algorithmName(jose::JwsAlgorithm(alg)));
        key.setKid(u"test-key"_qs);
    }
    const IssuedAccessToken access = f.userToken(
        f.registerClient(u"Id app "_qs + hash + QString::number(alg), {u"basic"_qs}), m_dave, {u"basic"_qs});
    QVERIFY(!access.jwt.isEmpty());
    IdTokenRequest request;
    request.clientId = u"0123456789abcdef0123456789abcdef"_qs;
    request.userId = m_dave;
    request.accessToken = access.jwt;
    request.scopes = {u"openid"_qs};
    const Result<QByteArray> token = m_idTokens->issue(key, request);
    QVERIFY2(token.ok(), qPrintable(token.error().toString()));
    QCOMPARE(jwtPart(*token, 0)[u"alg"].toString(), key.alg());

    QProcess python;
    python.start(QStringLiteral(MWAUTH_PYTHON3),
                 {u"-c"_qs,
                  u"import base64,hashlib,sys; d=hashlib.%1(sys.stdin.buffer.read()).digest(); "
                  "print(base64.urlsafe_b64encode(d[:len(d)//2]).decode().rstrip('='))"_qs.arg(hash)});
    QVERIFY(python.waitForStarted());
    python.write(access.jwt);
    python.closeWriteChannel();
    QVERIFY(python.waitForFinished());
    QCOMPARE(python.exitCode(), 0);
    const QString expected = QString::fromLatin1(python.readAllStandardOutput().trimmed());
    QVERIFY(!expected.isEmpty());
    QCOMPARE(jwtPart(*token, 1)[u"at_hash"].toString(), expected);
}

void TestIdTokens::refused()
{
    IdTokenRequest request;
    request.clientId = u"0123456789abcdef0123456789abcdef"_qs;
    request.userId = 999999;
    const jose::Jwk key = *f.provider->keys()->currentKey();
    const Result<QByteArray> unknown = m_idTokens->issue(key, request);
    QVERIFY(!unknown.ok());
    QCOMPARE(unknown.error().code(), ErrorCode::NotFound);

    request.userId = m_dave;
    request.clientId.clear();
    const Result<QByteArray> noClient = m_idTokens->issue(key, request);
    QCOMPARE(noClient.error().code(), ErrorCode::InvalidInput);
    QVERIFY(noClient.error().message().contains(u"client id"));

    request.clientId = u"0123456789abcdef0123456789abcdef"_qs;
    const Result<QByteArray> publicOnly = m_idTokens->issue(key.publicKey(), request);
    QCOMPARE(publicOnly.error().code(), ErrorCode::InvalidInput);
    QVERIFY(publicOnly.error().message().contains(u"private"));
}

QTEST_GUILESS_MAIN(TestIdTokens)
#include "TestIdTokens.moc"
