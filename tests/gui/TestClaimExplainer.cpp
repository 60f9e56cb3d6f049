// ClaimExplainer: one line per registered claim / header parameter (RFC 7519 section 4.1,
// RFC 7515 section 4.1, OpenID Connect Core section 2, MediaWiki's claims).

#include "widgets/ClaimExplainer.h"

#include <QJsonArray>
#include <QTest>

using namespace mwauth::ui;

namespace {
// 2026-11-23 04:33:50 UTC (MediaWiki fixture's exp, without its fraction).
constexpr double expSeconds = 1795408430;
} // namespace

class TestClaimExplainer : public QObject
{
    Q_OBJECT
private slots:
    void claims_data();
    void claims();
    void headers_data();
    void headers();
    void timesNeedNumbers();
};

void TestClaimExplainer::claims_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<double>("reference");
    QTest::addColumn<QString>("expectedStart");
    QTest::addColumn<QString>("expectedEnd");

    QTest::newRow("iss") << "iss" << QJsonValue(QStringLiteral("https://wiki.example")) << expSeconds
                         << "Issuer - who made the token"
                         << "who made the token";
    QTest::newRow("exp future") << "exp" << QJsonValue(expSeconds) << expSeconds - 59 * 60
                                << "Expires 2026-11-23 04:33:50 UTC"
                                << "(in 59 min)";
    QTest::newRow("exp past") << "exp" << QJsonValue(expSeconds) << expSeconds + 3 * 3600 + 5
                              << "Expires 2026-11-23 04:33:50 UTC"
                              << "(expired 3 h ago)";
    QTest::newRow("nbf past") << "nbf" << QJsonValue(expSeconds) << expSeconds + 120
                              << "Not valid before 2026-11-23 04:33:50 UTC"
                              << "(valid since 2 min ago)";
    QTest::newRow("nbf future") << "nbf" << QJsonValue(expSeconds) << expSeconds - 300
                                << "Not valid before 2026-11-23 04:33:50 UTC"
                                << "(valid in 5 min)";
    QTest::newRow("iat") << "iat" << QJsonValue(expSeconds - 3600.25) << expSeconds
                         << "Issued 2026-11-23 03:33:49.750 UTC"
                         << "(1 h ago)";
    QTest::newRow("iat future") << "iat" << QJsonValue(expSeconds + 600) << expSeconds
                                << "Issued 2026-11-23 04:43:50 UTC"
                                << "(in 10 min, in the future)";
    QTest::newRow("auth_time") << "auth_time" << QJsonValue(expSeconds - 45) << expSeconds
                               << "User authenticated 2026-11-23 04:33:05 UTC"
                               << "(45 s ago)";
    QTest::newRow("aud list") << "aud" << QJsonValue(QJsonArray {QStringLiteral("a"), QStringLiteral("b")})
                              << expSeconds << "Audience - who the token is for"
                              << "(2 listed)";
    QTest::newRow("sub") << "sub" << QJsonValue(QStringLiteral("1")) << expSeconds << "Subject - "
                         << "user's ID)";
    QTest::newRow("jti") << "jti" << QJsonValue(QStringLiteral("x")) << expSeconds << "JWT ID - "
                         << "revoke)";
    QTest::newRow("nonce") << "nonce" << QJsonValue(QStringLiteral("n")) << expSeconds << "Nonce - "
                           << "request";
    QTest::newRow("azp") << "azp" << QJsonValue(QStringLiteral("c")) << expSeconds << "Authorized party - "
                         << "issued to";
    QTest::newRow("scopes") << "scopes" << QJsonValue(QJsonArray {QStringLiteral("basic")}) << expSeconds
                            << "Scopes - "
                            << "(1 listed)";
    QTest::newRow("grants") << "grants"
                            << QJsonValue(QJsonArray {QStringLiteral("basic"), QStringLiteral("editpage")})
                            << expSeconds << "Grants - MediaWiki"
                            << "(2 listed)";
}

void TestClaimExplainer::claims()
{
    QFETCH(QString, name);
    QFETCH(QJsonValue, value);
    QFETCH(double, reference);
    QFETCH(QString, expectedStart);
    QFETCH(QString, expectedEnd);
    const QString text = ClaimExplainer(reference).explainClaim(name, value);
    QVERIFY2(text.startsWith(expectedStart), qPrintable(text));
    QVERIFY2(text.endsWith(expectedEnd), qPrintable(text));
}

void TestClaimExplainer::headers_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("expected");
    QTest::newRow("RS256") << "alg" << QJsonValue(QStringLiteral("RS256"))
                           << "Algorithm - RSA PKCS#1 v1.5 with SHA-256 (MediaWiki's choice)";
    QTest::newRow("ES256") << "alg" << QJsonValue(QStringLiteral("ES256"))
                           << "Algorithm - ECDSA on P-256 with SHA-256";
    QTest::newRow("none") << "alg" << QJsonValue(QStringLiteral("none"))
                          << "Algorithm - \"none\" is not one this console accepts";
    QTest::newRow("kid") << "kid" << QJsonValue(QStringLiteral("k1"))
                         << "Key ID - which key signed it; find it in the issuer's JWKS";
    QTest::newRow("unknown") << "x-custom" << QJsonValue(1) << "";
}

void TestClaimExplainer::headers()
{
    QFETCH(QString, name);
    QFETCH(QJsonValue, value);
    QFETCH(QString, expected);
    QCOMPARE(ClaimExplainer(expSeconds).explainHeader(name, value), expected);
}

void TestClaimExplainer::timesNeedNumbers()
{
    const QString text = ClaimExplainer(expSeconds)
                             .explainClaim(QStringLiteral("exp"), QJsonValue(QStringLiteral("tomorrow")));
    QCOMPARE(text, QStringLiteral("Expires - but the value is not a number, so it cannot be checked"));
    QCOMPARE(ClaimExplainer(expSeconds).explainClaim(QStringLiteral("x-private"), QJsonValue(1)), QString());
}

QTEST_GUILESS_MAIN(TestClaimExplainer)
#include "TestClaimExplainer.moc"
