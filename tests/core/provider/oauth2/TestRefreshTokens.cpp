// RefreshTokens and AuthorizationCodes on a provider database: rotation (the old access token
// revoked), reuse refused with REL1_39's hint, the configurable grace period, expiry on a
// FixedClock, another client's token, token families revoked by a reused code, and codes that
// are single-use and bound to their client.

#include "common/Clock.h"
#include "common/Random.h"
#include "jose/KeyGenerator.h"
#include "provider/db/ProviderDatabase.h"
#include "provider/oauth2/AccessTokens.h"
#include "provider/oauth2/AuthorizationCodes.h"
#include "provider/oauth2/OAuthCache.h"
#include "provider/oauth2/RefreshTokens.h"
#include "provider/secret/ProviderSecret.h"

#include <QTest>

using namespace mwauth;
using namespace mwauth::provider;

class TestRefreshTokens : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void rotationAndReuse_data();
    void rotationAndReuse();
    void refusals();
    void familyRevocation();
    void codesAreSingleUse();

private:
    struct Issued
    {
        QByteArray refreshToken;
        QString accessJti;
    };
    Issued issue(const QString &family, const QString &clientId = QStringLiteral("client-a"));

    FixedClock m_clock {1763868000};
    SystemRandom m_random;
    ProviderSecret m_secret = ProviderSecret::generate(m_random);
    jose::Jwk m_key;
    OAuth2Options m_options;
    std::unique_ptr<ProviderDatabase> m_db;
    std::unique_ptr<OAuthCache> m_cache;
    std::unique_ptr<AccessTokens> m_accessTokens;
    std::unique_ptr<RefreshTokens> m_refreshTokens;
};

void TestRefreshTokens::initTestCase()
{
    const Result<jose::Jwk> key = jose::KeyGenerator::generate(jose::JwsAlgorithm::ES256);
    QVERIFY(key.ok());
    m_key = *key;
}

void TestRefreshTokens::init()
{
    m_options = OAuth2Options();
    auto db = ProviderDatabase::open(QStringLiteral(":memory:"));
    QVERIFY2(db.ok(), db.ok() ? "" : qPrintable(db.error().toString()));
    m_db = std::move(*db);
    m_cache = std::make_unique<OAuthCache>(*m_db, m_clock);
    m_accessTokens
        = std::make_unique<AccessTokens>(*m_db, m_clock, m_random, QStringLiteral("http://127.0.0.1"));
    m_refreshTokens
        = std::make_unique<RefreshTokens>(*m_cache, *m_accessTokens, m_secret, m_clock, m_random, m_options);
}

void TestRefreshTokens::cleanup()
{
    m_refreshTokens.reset();
    m_accessTokens.reset();
    m_cache.reset();
    m_db.reset();
}

TestRefreshTokens::Issued TestRefreshTokens::issue(const QString &family, const QString &clientId)
{
    AccessTokenGrant grant;
    grant.clientId = clientId;
    grant.subject = QStringLiteral("7");
    grant.acceptanceId = 3;
    grant.scopes = {QStringLiteral("basic")};
    const Result<IssuedAccessToken> access = m_accessTokens->issue(m_key, grant);
    if (!access)
        return {};
    RefreshTokenData data;
    data.clientId = clientId;
    data.userId = 7;
    data.acceptanceId = 3;
    data.scopes = {QStringLiteral("basic"), QStringLiteral("openid")};
    data.accessTokenId = access->jti;
    data.family = family;
    const Result<QByteArray> refresh = m_refreshTokens->issue(data);
    return refresh ? Issued {*refresh, access->jti} : Issued {};
}

void TestRefreshTokens::rotationAndReuse_data()
{
    QTest::addColumn<double>("grace");
    QTest::addColumn<double>("reuseAfter");
    QTest::addColumn<bool>("reuseWorks");
    QTest::newRow("REL1_39: no grace") << 0.0 << 0.0 << false;
    QTest::newRow("within a 600 s grace period") << 600.0 << 599.0 << true;
    QTest::newRow("after the grace period") << 600.0 << 601.0 << false;
}

void TestRefreshTokens::rotationAndReuse()
{
    QFETCH(double, grace);
    QFETCH(double, reuseAfter);
    QFETCH(bool, reuseWorks);
    m_options.refreshGraceSeconds = grace;
    const Issued issued = issue(QStringLiteral("code1"));
    QVERIFY(!issued.refreshToken.isEmpty());
    QCOMPARE(*m_accessTokens->state(issued.accessJti), AccessTokenState::Active);

    RefreshRefusal refusal = RefreshRefusal::Revoked;
    const auto first = m_refreshTokens->redeem(issued.refreshToken, QStringLiteral("client-a"), refusal);
    QVERIFY(first.ok() && first->has_value());
    QCOMPARE(refusal, RefreshRefusal::None);
    QCOMPARE((*first)->userId, qint64(7));
    QCOMPARE((*first)->scopes, (QStringList {QStringLiteral("basic"), QStringLiteral("openid")}));
    QCOMPARE(*m_accessTokens->state(issued.accessJti), AccessTokenState::Revoked); // rotated

    m_clock.advance(reuseAfter);
    const auto again = m_refreshTokens->redeem(issued.refreshToken, QStringLiteral("client-a"), refusal);
    QVERIFY(again.ok());
    QCOMPARE(again->has_value(), reuseWorks);
    if (!reuseWorks) {
        QCOMPARE(refusal, RefreshRefusal::Revoked);
        QCOMPARE(RefreshTokens::refusalHint(refusal), QStringLiteral("Token has been revoked"));
    }
}

void TestRefreshTokens::refusals()
{
    const Issued issued = issue(QStringLiteral("code2"));
    RefreshRefusal refusal = RefreshRefusal::None;
    auto result = m_refreshTokens->redeem(issued.refreshToken, QStringLiteral("client-b"), refusal);
    QVERIFY(result.ok() && !result->has_value());
    QCOMPARE(refusal, RefreshRefusal::WrongClient);
    QCOMPARE(RefreshTokens::refusalHint(refusal), QStringLiteral("Token is not linked to client"));

    result = m_refreshTokens->redeem("v1.garbage", QStringLiteral("client-a"), refusal);
    QVERIFY(result.ok() && !result->has_value());
    QCOMPARE(refusal, RefreshRefusal::Malformed);

    // Sealed with another provider's secret: not ours.
    const ProviderSecret other = ProviderSecret::generate(m_random);
    RefreshTokens foreign(*m_cache, *m_accessTokens, other, m_clock, m_random, m_options);
    result = foreign.redeem(issued.refreshToken, QStringLiteral("client-a"), refusal);
    QVERIFY(result.ok() && !result->has_value());
    QCOMPARE(refusal, RefreshRefusal::Malformed);

    // A scope beyond the original ones: refused, and the token is not spent.
    QString offending;
    result = m_refreshTokens->redeem(issued.refreshToken, QStringLiteral("client-a"), refusal,
                                     {QStringLiteral("basic"), QStringLiteral("rollback")}, &offending);
    QVERIFY(result.ok() && !result->has_value());
    QCOMPARE(refusal, RefreshRefusal::ScopeBeyondGrant);
    QCOMPARE(offending, QStringLiteral("rollback"));
    QCOMPARE(*m_accessTokens->state(issued.accessJti), AccessTokenState::Active);

    m_clock.advance(m_options.refreshTokenLifetime + 1);
    result = m_refreshTokens->redeem(issued.refreshToken, QStringLiteral("client-a"), refusal);
    QVERIFY(result.ok() && !result->has_value());
    QCOMPARE(refusal, RefreshRefusal::Expired);
    QCOMPARE(RefreshTokens::refusalHint(refusal), QStringLiteral("Token has expired"));
}

void TestRefreshTokens::familyRevocation()
{
    m_options.refreshGraceSeconds = 600; // even the grace period does not save a revoked family
    const Issued issued = issue(QStringLiteral("code3"));
    RefreshRefusal refusal = RefreshRefusal::None;
    const auto rotated = m_refreshTokens->redeem(issued.refreshToken, QStringLiteral("client-a"), refusal);
    QVERIFY(rotated.ok() && rotated->has_value());
    const Issued next = issue(QStringLiteral("code3")); // what the token endpoint issues next
    const Result<int> revoked = m_refreshTokens->revokeFamily(QStringLiteral("code3"));
    QVERIFY(revoked.ok());
    QCOMPARE(*revoked, 1);
    QCOMPARE(*m_accessTokens->state(next.accessJti), AccessTokenState::Revoked);
    for (const QByteArray &token : {issued.refreshToken, next.refreshToken}) {
        const auto result = m_refreshTokens->redeem(token, QStringLiteral("client-a"), refusal);
        QVERIFY(result.ok() && !result->has_value());
        QCOMPARE(refusal, RefreshRefusal::Revoked);
    }
    // Another family is untouched.
    const Issued unrelated = issue(QStringLiteral("code4"));
    const auto fine = m_refreshTokens->redeem(unrelated.refreshToken, QStringLiteral("client-a"), refusal);
    QVERIFY(fine.ok() && fine->has_value());
}

void TestRefreshTokens::codesAreSingleUse()
{
    AuthorizationCodes codes(*m_cache, m_secret, m_clock, m_random, m_options);
    AuthorizationCode code;
    code.clientId = QStringLiteral("client-a");
    code.userId = 7;
    code.scopes = {QStringLiteral("basic")};
    code.codeChallenge = QStringLiteral("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    code.codeChallengeMethod = QStringLiteral("S256");
    const Result<QByteArray> issued = codes.issue(code);
    QVERIFY(issued.ok());
    QVERIFY(!issued->contains(code.id.toLatin1())); // opaque

    CodeRedemption status = CodeRedemption::Ok;
    QString id;
    auto peeked = codes.peek(*issued, QStringLiteral("client-b"), status, id);
    QVERIFY(peeked.ok() && !peeked->has_value());
    QCOMPARE(status, CodeRedemption::WrongClient);
    peeked = codes.peek(*issued, QStringLiteral("client-a"), status, id);
    QVERIFY(peeked.ok() && peeked->has_value());
    QCOMPARE(status, CodeRedemption::Ok);
    QCOMPARE((*peeked)->codeChallengeMethod, QStringLiteral("S256"));
    QCOMPARE(id, code.id);
    QCOMPARE(*codes.consume(id), true);
    QCOMPARE(*codes.consume(id), false); // a racing second request loses
    peeked = codes.peek(*issued, QStringLiteral("client-a"), status, id);
    QVERIFY(peeked.ok() && !peeked->has_value());
    QCOMPARE(status, CodeRedemption::Reused);
    QCOMPARE(id, code.id);

    const Result<QByteArray> later = codes.issue(code);
    m_clock.advance(m_options.codeLifetime + 1);
    peeked = codes.peek(*later, QStringLiteral("client-a"), status, id);
    QVERIFY(peeked.ok() && !peeked->has_value());
    QCOMPARE(status, CodeRedemption::Expired);
    peeked = codes.peek("not a code", QStringLiteral("client-a"), status, id);
    QCOMPARE(status, CodeRedemption::Malformed);
}

QTEST_GUILESS_MAIN(TestRefreshTokens)
#include "TestRefreshTokens.moc"
