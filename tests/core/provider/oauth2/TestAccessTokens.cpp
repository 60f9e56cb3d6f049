// Access tokens as Extension:OAuth issues them: the claim set and types of the JWT recorded
// from a real MediaWiki 1.39 (peers/mediawiki/fixtures/oauth-ext), a signature that verifies
// with the key's public part, a row per token that revocation flips, purge by the Clock.
// SQLite and PostgreSQL.

#include "../TestDatabase.h"
#include "common/Clock.h"
#include "common/Random.h"
#include "jose/Jws.h"
#include "jose/Jwt.h"
#include "jose/KeyGenerator.h"
#include "provider/db/ProviderDatabase.h"
#include "provider/oauth2/AccessTokens.h"

#include <QFile>
#include <QJsonArray>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QTest>

using namespace mwauth;
using namespace mwauth::provider;

namespace {
constexpr double Start = 1763868000.123456;
const QString kIssuer = QStringLiteral("http://127.0.0.1:8089");
const QString kClient = QStringLiteral("795286f8ceb97b56d913f0e6e27d6dea");

QString jsonType(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return QStringLiteral("string");
    case QJsonValue::Double:
        return QStringLiteral("number");
    case QJsonValue::Array:
        return QStringLiteral("array");
    case QJsonValue::Object:
        return QStringLiteral("object");
    case QJsonValue::Bool:
        return QStringLiteral("bool");
    default:
        return QStringLiteral("null");
    }
}
} // namespace

class TestAccessTokens : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup() { m_db.reset(); }
    void cleanupTestCase() { m_databases.stop(); }

    void claimsAreMediaWikis();
    void signatureVerifies_data();
    void signatureVerifies();
    void revocation();
    void purgeExpired();
    void badGrants();

private:
    AccessTokenGrant userGrant() const;

    TestDatabase m_databases {QStringLiteral("accesstokens")};
    std::unique_ptr<ProviderDatabase> m_db;
    FixedClock m_clock {Start};
    SystemRandom m_random;
    jose::Jwk m_rsa;
};

void TestAccessTokens::initTestCase()
{
    QVERIFY2(m_databases.start(), qPrintable(m_databases.errorString()));
    auto key = jose::KeyGenerator::generate(jose::JwsAlgorithm::RS256);
    QVERIFY(key.ok());
    m_rsa = *key;
}

void TestAccessTokens::init()
{
    m_clock.set(Start);
    const QString location = m_databases.newLocation();
    QVERIFY(!location.isEmpty());
    m_db = TestDatabase::open(location);
    QVERIFY(m_db);
}

AccessTokenGrant TestAccessTokens::userGrant() const
{
    AccessTokenGrant grant;
    grant.clientId = kClient;
    grant.acceptanceId = 7;
    grant.subject = QStringLiteral("2");
    grant.scopes = {QStringLiteral("basic"), QStringLiteral("editpage")};
    return grant;
}

// The same claims, with the same JSON types, as the token a real MediaWiki 1.39 issued.
void TestAccessTokens::claimsAreMediaWikis()
{
    QFile file(QStringLiteral(MWAUTH_SHARED_DIR
                              "/peers/mediawiki/fixtures/oauth-ext/access-token-authorization-code.jwt"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const auto recorded = jose::Jwt::decode(file.readAll().trimmed());
    QVERIFY(recorded.ok());

    AccessTokens tokens(*m_db, m_clock, m_random, kIssuer);
    const auto issued = tokens.issue(m_rsa, userGrant());
    QVERIFY2(issued.ok(), issued.ok() ? "" : qPrintable(issued.error().message()));
    const auto ours = jose::Jwt::decode(issued->jwt);
    QVERIFY(ours.ok());
    QCOMPARE(ours->claims().keys(), recorded->claims().keys());
    for (const QString &claim : recorded->claims().keys())
        QCOMPARE(jsonType(ours->claims().value(claim)), jsonType(recorded->claims().value(claim)));
    QCOMPARE(ours->header().value(QStringLiteral("typ")), recorded->header().value(QStringLiteral("typ")));
    QCOMPARE(ours->header().value(QStringLiteral("alg")).toString(), QStringLiteral("RS256"));
    QCOMPARE(ours->header().value(QStringLiteral("kid")).toString(), m_rsa.kid());

    const QJsonObject claims = ours->claims();
    QCOMPARE(claims[u"aud"].toString(), kClient);
    QVERIFY(QRegularExpression(QStringLiteral("^[0-9a-f]{80}$")).match(claims[u"jti"].toString()).hasMatch());
    QCOMPARE(claims[u"jti"].toString(), issued->jti);
    QCOMPARE(claims[u"iat"].toDouble(), 1763868000.123456); // microseconds kept
    QCOMPARE(claims[u"nbf"].toDouble(), claims[u"iat"].toDouble());
    QCOMPARE(claims[u"exp"].toDouble(), 1763868000.123456 + 3600);
    QCOMPARE(claims[u"sub"].toString(), QStringLiteral("2"));
    QCOMPARE(claims[u"iss"].toString(), kIssuer);
    QCOMPARE(claims[u"scopes"].toArray(), (QJsonArray {QStringLiteral("basic"), QStringLiteral("editpage")}));

    QSqlQuery row(m_db->database());
    QVERIFY(ProviderDatabase::run(row,
                                  QStringLiteral("SELECT oaat_expires, oaat_acceptance_id, oaat_revoked FROM "
                                                 "oauth2_access_tokens WHERE oaat_identifier = ?"),
                                  {issued->jti}));
    QVERIFY(row.next());
    QCOMPARE(row.value(0).toString(), QStringLiteral("20251123042000")); // Start + 1 h, MediaWiki's format
    QCOMPARE(row.value(1).toLongLong(), 7);
    QCOMPARE(row.value(2).toInt(), 0);
}

void TestAccessTokens::signatureVerifies_data()
{
    QTest::addColumn<int>("alg");
    QTest::newRow("RS256") << int(jose::JwsAlgorithm::RS256);
    QTest::newRow("ES256") << int(jose::JwsAlgorithm::ES256);
    QTest::newRow("EdDSA") << int(jose::JwsAlgorithm::EdDSA);
}

void TestAccessTokens::signatureVerifies()
{
    QFETCH(int, alg);
    auto key = jose::KeyGenerator::generate(jose::JwsAlgorithm(alg));
    QVERIFY(key.ok());
    AccessTokens tokens(*m_db, m_clock, m_random, kIssuer);
    const auto issued = tokens.issue(*key, userGrant());
    QVERIFY(issued.ok());
    const auto parts = jose::Jws::parse(issued->jwt);
    QVERIFY(parts.ok());
    QVERIFY(jose::Jws::verify(*parts, key->publicKey()).ok());
    auto other = jose::KeyGenerator::generate(jose::JwsAlgorithm(alg));
    QCOMPARE(jose::Jws::verify(*parts, other->publicKey()).error().code(), ErrorCode::BadSignature);
}

void TestAccessTokens::revocation()
{
    AccessTokens tokens(*m_db, m_clock, m_random, kIssuer);
    const auto first = tokens.issue(m_rsa, userGrant());
    const auto second = tokens.issue(m_rsa, userGrant());
    AccessTokenGrant machine = userGrant();
    machine.acceptanceId = 0;
    machine.subject.clear();
    const auto third = tokens.issue(m_rsa, machine);
    QVERIFY(first.ok() && second.ok() && third.ok());
    QVERIFY(first->jti != second->jti);
    QCOMPARE(*tokens.state(first->jti), AccessTokenState::Active);
    QCOMPARE(*tokens.state(QStringLiteral("0").repeated(80)), AccessTokenState::Unknown);
    QCOMPARE(*tokens.revoke(first->jti), true);
    QCOMPARE(*tokens.revoke(first->jti), false); // already revoked
    QCOMPARE(*tokens.state(first->jti), AccessTokenState::Revoked);
    QCOMPARE(*tokens.revokeForAcceptance(7), 1); // the second one; the first was revoked already
    QCOMPARE(*tokens.state(second->jti), AccessTokenState::Revoked);
    QCOMPARE(*tokens.state(third->jti), AccessTokenState::Active); // another approval (none)
}

void TestAccessTokens::purgeExpired()
{
    AccessTokens tokens(*m_db, m_clock, m_random, kIssuer);
    AccessTokenGrant shortLived = userGrant();
    shortLived.lifetimeSeconds = 60;
    const auto a = tokens.issue(m_rsa, shortLived);
    const auto b = tokens.issue(m_rsa, userGrant());
    QVERIFY(a.ok() && b.ok());
    QCOMPARE(*tokens.purgeExpired(), 0);
    m_clock.advance(121);
    QCOMPARE(*tokens.purgeExpired(), 1);
    QCOMPARE(*tokens.state(a->jti), AccessTokenState::Unknown);
    QCOMPARE(*tokens.state(b->jti), AccessTokenState::Active);
}

void TestAccessTokens::badGrants()
{
    AccessTokens tokens(*m_db, m_clock, m_random, kIssuer);
    AccessTokenGrant noClient = userGrant();
    noClient.clientId.clear();
    QCOMPARE(tokens.issue(m_rsa, noClient).error().code(), ErrorCode::InvalidInput);
    AccessTokenGrant noLife = userGrant();
    noLife.lifetimeSeconds = 0;
    QCOMPARE(tokens.issue(m_rsa, noLife).error().code(), ErrorCode::InvalidInput);
    // A public key cannot sign.
    const auto unsigned_ = tokens.issue(m_rsa.publicKey(), userGrant());
    QVERIFY(!unsigned_.ok());
    QVERIFY(!unsigned_.error().message().isEmpty());
}

QTEST_GUILESS_MAIN(TestAccessTokens)
#include "TestAccessTokens.moc"
