// VerdictDescriber: the banner's wording for real jose::JwtValidator verdicts on the
// RFC 7515 appendix A.1 token (HS256, iss "joe", expSeconds 1300819380).

#include "workbench/VerdictDescriber.h"

#include <QTest>

using namespace mwauth;
using namespace mwauth::ui;

namespace {
const char token[]
    = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
      "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
      "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const char rfcKey[]
    = R"({"kty":"oct","kid":"rfc-a1","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"})";
constexpr double expSeconds = 1300819380;
} // namespace

class TestVerdictDescriber : public QObject
{
    Q_OBJECT
private slots:
    void wording_data();
    void wording();
    void malformedToken();
};

void TestVerdictDescriber::wording_data()
{
    QTest::addColumn<double>("at");
    QTest::addColumn<QString>("issuer");
    QTest::addColumn<QString>("audience");
    QTest::addColumn<bool>("rightKey");
    QTest::addColumn<int>("state");
    QTest::addColumn<QString>("headline");

    const int valid = static_cast<int>(VerdictBanner::State::Valid);
    const int warning = static_cast<int>(VerdictBanner::State::Warning);
    const int invalid = static_cast<int>(VerdictBanner::State::Invalid);
    QTest::newRow("valid") << expSeconds - 60 << QString() << QString() << true << valid
                           << QStringLiteral("Valid - verified with key \"rfc-a1\"");
    QTest::newRow("expired") << expSeconds + 3 * 3600 + 90 << QString() << QString() << true << warning
                             << QStringLiteral("Expired 3 h 1 min ago");
    QTest::newRow("expired long ago") << expSeconds + 12 * 86400.0 << QString() << QString() << true
                                      << warning << QStringLiteral("Expired 12 days ago");
    QTest::newRow("wrong issuer") << expSeconds - 60 << QStringLiteral("mary") << QString() << true << warning
                                  << QStringLiteral("Wrong issuer: expected \"mary\", token has \"joe\"");
    QTest::newRow("wrong audience") << expSeconds - 60 << QString() << QStringLiteral("app") << true
                                    << warning
                                    << QStringLiteral("Wrong audience: expected \"app\", token has none");
    QTest::newRow("bad signature") << expSeconds - 60 << QString() << QString() << false << invalid
                                   << QStringLiteral("Invalid - bad signature");
}

void TestVerdictDescriber::wording()
{
    QFETCH(double, at);
    QFETCH(QString, issuer);
    QFETCH(QString, audience);
    QFETCH(bool, rightKey);
    QFETCH(int, state);
    QFETCH(QString, headline);

    const Result<jose::Jwk> key = rightKey ? jose::Jwk::fromJson(QByteArrayView(rfcKey))
                                           : Result<jose::Jwk>(jose::Jwk::fromSecret("not the secret"));
    QVERIFY(key.ok());
    jose::JwtValidator validator;
    validator.setNow(at);
    validator.setLeeway(60);
    validator.setIssuer(issuer);
    validator.setAudience(audience);
    const jose::JwtVerdict verdict = validator.validate(QByteArrayView(token), *key);

    VerificationSettings settings;
    settings.issuer = issuer;
    settings.audience = audience;
    settings.at = at;
    settings.atIsNow = false;
    const Result<jose::Jwt> jwt = jose::Jwt::decode(QByteArrayView(token));
    QVERIFY(jwt.ok());
    const VerdictText text = VerdictDescriber::describe(verdict, *jwt, settings);
    QCOMPARE(text.headline, headline);
    QCOMPARE(static_cast<int>(text.state), state);
    QVERIFY(!text.detail.isEmpty());
    if (state == static_cast<int>(VerdictBanner::State::Warning))
        QVERIFY2(text.detail.startsWith(u"The signature is valid (key \"rfc-a1\")"), qPrintable(text.detail));
}

void TestVerdictDescriber::malformedToken()
{
    jose::JwtValidator validator;
    const jose::JwtVerdict verdict = validator.validate(QByteArrayView("a.b"), jose::Jwk::fromSecret("s"));
    QVERIFY(!verdict.valid);
    const VerdictText text = VerdictDescriber::describe(verdict, std::nullopt, VerificationSettings());
    QCOMPARE(text.state, VerdictBanner::State::Invalid);
    QVERIFY2(text.headline.startsWith(u"Malformed: "), qPrintable(text.headline));
    QVERIFY(text.headline.size() > QStringLiteral("Malformed: ").size() + 10);
}

QTEST_GUILESS_MAIN(TestVerdictDescriber)
#include "TestVerdictDescriber.moc"
