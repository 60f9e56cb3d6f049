// ClientLoginFlow against the local provider (a whole LocalProvider with its demo data, on
// 127.0.0.1): password only, a computed TOTP code, switching to each 2FA module (TOTP,
// recovery codes, WebAuthn with the virtual authenticator), an assertion the user supplies,
// questions asked through needsInput, a wrong password, an unknown module, and
// reauthentication of a logged-in session with the elevated-security expiry reported.

#include "FlowRunner.h"

#include "flows/ClientLoginFlow.h"
#include "otp/Base32.h"
#include "otp/Otp.h"
#include "otp/VirtualAuthenticator.h"
#include "provider/DemoData.h"
#include "provider/LocalProvider.h"
#include "trace/Trace.h"

#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QTest>
#include <memory>

using namespace mwauth;
using namespace mwauth::flows;
using namespace mwauth::provider;
using mwauth::testing::runFlow;

class TestClientLoginFlow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void alicePasses();
    void bobPassesWithAComputedCode();
    void passwordAndCodeAreAsked();
    void moduleSwitching_data();
    void moduleSwitching();
    void webAuthnAssertionSuppliedByTheUser();
    void recoveryCodeAsked();
    void unknownModuleFails();
    void wrongPasswordFails();
    void reauthentication();
    void reauthenticationNeedsALoggedInSession();

private:
    DemoAccount account(const QString &name) const;
    ClientLoginOptions options(const QString &user) const;

    FixedClock m_clock {1763868000};
    SystemRandom m_random;
    std::unique_ptr<LocalProvider> m_provider;
    std::unique_ptr<QNetworkAccessManager> m_network;
    std::unique_ptr<trace::Trace> m_trace;
    std::unique_ptr<http::HttpClient> m_client;
};

void TestClientLoginFlow::init()
{
    m_provider = std::make_unique<LocalProvider>(m_clock, m_random);
    LocalProviderOptions providerOptions;
    providerOptions.demo = true;
    providerOptions.passwordIterations = 1000;
    const Result<void> started = m_provider->start(providerOptions);
    QVERIFY2(started.ok(), qPrintable(started.error().toString()));
    m_network = std::make_unique<QNetworkAccessManager>();
    m_network->setProxy(QNetworkProxy::NoProxy);
    m_trace = std::make_unique<trace::Trace>();
    m_client = std::make_unique<http::HttpClient>(m_network.get(), m_trace.get());
}

void TestClientLoginFlow::cleanup()
{
    m_client.reset();
    m_trace.reset();
    m_network.reset();
    m_provider.reset();
}

DemoAccount TestClientLoginFlow::account(const QString &name) const
{
    for (const DemoAccount &a : m_provider->demoAccounts()) {
        if (a.name == name)
            return a;
    }
    return {};
}

ClientLoginOptions TestClientLoginFlow::options(const QString &user) const
{
    const DemoAccount demo = account(user);
    ClientLoginOptions o;
    o.apiUrl = m_provider->apiUrl();
    o.username = user;
    o.password = demo.password;
    return o;
}

void TestClientLoginFlow::alicePasses()
{
    ClientLoginFlow flow(m_client.get(), options(u"Alice"_qs), m_clock);
    const auto run = runFlow(flow);
    QCOMPARE(run.finishedCount, 1);
    QVERIFY2(run.result.ok(), qPrintable(run.result.error().toString()));
    QCOMPARE(run.result->values.value(u"username"_qs).toString(), u"Alice"_qs);
    QCOMPARE(run.result->values.value(u"securitysensitiveoperationstatus"_qs).toString(), u"ok"_qs);
    // Our provider tells until when: the login time + $wgReauthenticateTime (300 s).
    QCOMPARE(run.result->values.value(u"elevatedSecurityExpiry"_qs).toDateTime(),
             QDateTime::fromSecsSinceEpoch(qint64(m_clock.nowSeconds()) + 300, Qt::UTC));
    QCOMPARE(run.result->values.value(u"elevatedSecurityRemaining"_qs).toInt(), 300);
    QCOMPARE(run.steps, (QList<QString> {u"tokens"_qs, u"clientlogin"_qs, u"authmanagerinfo"_qs}));
    QVERIFY(run.asked.isEmpty());
    QCOMPARE(m_trace->size(), 3);
    QCOMPARE(m_trace->exchanges().at(1).step, u"clientlogin"_qs);
}

void TestClientLoginFlow::bobPassesWithAComputedCode()
{
    ClientLoginOptions o = options(u"Bob"_qs);
    o.totpSecret = account(u"Bob"_qs).totpSecret.toLatin1();
    ClientLoginFlow flow(m_client.get(), o, m_clock);
    const auto run = runFlow(flow);
    QVERIFY2(run.result.ok(), qPrintable(run.result.error().toString()));
    QCOMPARE(run.result->values.value(u"module"_qs).toString(), u"totp"_qs);
    QVERIFY(run.asked.isEmpty());
    QCOMPARE(run.steps,
             (QList<QString> {u"tokens"_qs, u"clientlogin"_qs, u"continue"_qs, u"authmanagerinfo"_qs}));
    QVERIFY(m_trace->exchanges().at(2).requestBody.contains("OATHToken="));
}

void TestClientLoginFlow::passwordAndCodeAreAsked()
{
    ClientLoginOptions o = options(u"Bob"_qs);
    o.password.clear();
    const DemoAccount bob = account(u"Bob"_qs);
    ClientLoginFlow flow(m_client.get(), o, m_clock);
    const auto run = runFlow(flow, [&](const InputRequest &request) -> std::optional<QString> {
        if (request.kind == InputRequest::Kind::Secret)
            return bob.password;
        otp::TotpParameters totp;
        totp.secret = *otp::Base32::decode(bob.totpSecret.toLatin1());
        return *otp::totp(totp, m_clock.nowSeconds());
    });
    QVERIFY2(run.result.ok(), qPrintable(run.result.error().toString()));
    QCOMPARE(run.asked.size(), 2);
    QCOMPARE(run.asked.at(0).kind, InputRequest::Kind::Secret);
    QCOMPARE(run.asked.at(0).id, u"password"_qs);
    QCOMPARE(run.asked.at(1).kind, InputRequest::Kind::TotpCode);
    QCOMPARE(run.asked.at(1).id, u"OATHToken"_qs);
    QVERIFY(!run.asked.at(1).label.isEmpty());
}

void TestClientLoginFlow::moduleSwitching_data()
{
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("module");
    QTest::newRow("Carol to totp") << u"Carol"_qs << u"totp"_qs;
    QTest::newRow("Carol to recoverycodes") << u"Carol"_qs << u"recoverycodes"_qs;
    QTest::newRow("Carol to webauthn") << u"Carol"_qs << u"webauthn"_qs;
    QTest::newRow("Dave, webauthn only") << u"Dave"_qs << u"webauthn"_qs;
}

void TestClientLoginFlow::moduleSwitching()
{
    QFETCH(QString, user);
    QFETCH(QString, module);
    const DemoAccount demo = account(user);
    ClientLoginOptions o = options(user);
    o.module = module;
    o.totpSecret = demo.totpSecret.toLatin1();
    o.recoveryCode = demo.recoveryCodes.value(0);
    o.webAuthnCredential = demo.webAuthnCredential;
    ClientLoginFlow flow(m_client.get(), o, m_clock);
    const auto run = runFlow(flow);
    QVERIFY2(run.result.ok(), qPrintable(run.result.error().toString()));
    QVERIFY(run.asked.isEmpty());
    QCOMPARE(run.result->values.value(u"module"_qs).toString(), module);
    // Carol starts on TOTP (the API offers TOTP first): other modules need a switch.
    QCOMPARE(run.steps.contains(u"switch module"_qs), user == u"Carol" && module != u"totp");
    if (module == u"webauthn") {
        auto before = otp::VirtualAuthenticator::fromJson(demo.webAuthnCredential);
        auto after = otp::VirtualAuthenticator::fromJson(flow.updatedWebAuthnCredential());
        QVERIFY(before.ok() && after.ok());
        QCOMPARE(after->signCount(), before->signCount() + 1);
    }
}

void TestClientLoginFlow::webAuthnAssertionSuppliedByTheUser()
{
    const DemoAccount dave = account(u"Dave"_qs);
    auto key = otp::VirtualAuthenticator::fromJson(dave.webAuthnCredential);
    QVERIFY(key.ok());
    ClientLoginFlow flow(m_client.get(), options(u"Dave"_qs), m_clock);
    const auto run = runFlow(flow, [&](const InputRequest &request) -> std::optional<QString> {
        if (request.kind != InputRequest::Kind::WebAuthnAssertion)
            return std::nullopt;
        const auto assertion = key->answer(request.data.value(u"auth_info"_qs).toString().toUtf8(),
                                           request.data.value(u"origin"_qs).toString());
        return assertion.ok() ? QString::fromUtf8(*assertion) : QString();
    });
    QVERIFY2(run.result.ok(), qPrintable(run.result.error().toString()));
    QCOMPARE(run.asked.size(), 1);
    QCOMPARE(run.asked.first().id, u"credential"_qs);
    QVERIFY(run.asked.first().data.value(u"auth_info"_qs).toString().contains(u"challenge"_qs));
    QCOMPARE(run.asked.first().data.value(u"origin"_qs).toString(), m_provider->baseUrl().toString());
}

void TestClientLoginFlow::recoveryCodeAsked()
{
    const DemoAccount carol = account(u"Carol"_qs);
    ClientLoginOptions o = options(u"Carol"_qs);
    o.module = u"recoverycodes"_qs;
    ClientLoginFlow flow(m_client.get(), o, m_clock);
    const auto run = runFlow(flow, [&](const InputRequest &request) -> std::optional<QString> {
        if (request.kind != InputRequest::Kind::RecoveryCode)
            return std::nullopt;
        return carol.recoveryCodes.value(1);
    });
    QVERIFY2(run.result.ok(), qPrintable(run.result.error().toString()));
    QCOMPARE(run.asked.size(), 1);
    QCOMPARE(run.asked.first().id, u"RecoveryCode"_qs);
}

void TestClientLoginFlow::unknownModuleFails()
{
    ClientLoginOptions o = options(u"Carol"_qs);
    o.module = u"sms"_qs;
    ClientLoginFlow flow(m_client.get(), o, m_clock);
    const auto run = runFlow(flow);
    QCOMPARE(run.finishedCount, 1);
    QCOMPARE(run.result.error().code(), ErrorCode::Server);
    QVERIFY2(!run.result.error().detail().isEmpty(), qPrintable(run.result.error().toString()));
}

void TestClientLoginFlow::wrongPasswordFails()
{
    ClientLoginOptions o = options(u"Alice"_qs);
    o.password = u"not-her-password"_qs;
    ClientLoginFlow flow(m_client.get(), o, m_clock);
    const auto run = runFlow(flow);
    QCOMPARE(run.finishedCount, 1);
    QCOMPARE(run.result.error().code(), ErrorCode::Server);
    QCOMPARE(run.result.error().detail(), u"wrongpassword"_qs);
    QVERIFY2(run.result.error().message().startsWith(u"login failed: Incorrect username or password"_qs),
             qPrintable(run.result.error().message()));
}

void TestClientLoginFlow::reauthentication()
{
    ClientLoginOptions o = options(u"Bob"_qs);
    o.totpSecret = account(u"Bob"_qs).totpSecret.toLatin1();
    {
        ClientLoginFlow login(m_client.get(), o, m_clock);
        QVERIFY(runFlow(login).result.ok());
    }
    m_clock.advance(400); // past $wgReauthenticateTime: the session needs to reauthenticate
    o.reauthenticate = true;
    ClientLoginFlow again(m_client.get(), o, m_clock);
    const auto run = runFlow(again);
    QVERIFY2(run.result.ok(), qPrintable(run.result.error().toString()));
    QCOMPARE(run.steps.first(), u"session"_qs);
    QVERIFY(run.steps.contains(u"reauthenticate"_qs));
    QCOMPARE(run.result->values.value(u"reauthenticated"_qs).toBool(), true);
    QCOMPARE(run.result->values.value(u"securitysensitiveoperationstatus"_qs).toString(), u"ok"_qs);
    QCOMPARE(run.result->values.value(u"elevatedSecurityExpiry"_qs).toDateTime(),
             QDateTime::fromSecsSinceEpoch(qint64(m_clock.nowSeconds()) + 300, Qt::UTC));
}

void TestClientLoginFlow::reauthenticationNeedsALoggedInSession()
{
    ClientLoginOptions o = options(u"Alice"_qs);
    o.reauthenticate = true;
    ClientLoginFlow flow(m_client.get(), o, m_clock);
    const auto run = runFlow(flow);
    QCOMPARE(run.finishedCount, 1);
    QCOMPARE(run.result.error().code(), ErrorCode::InvalidInput);
    QCOMPARE(run.result.error().message(),
             u"reauthentication needs a logged-in session; this session is not logged in"_qs);
}

QTEST_GUILESS_MAIN(TestClientLoginFlow)
#include "TestClientLoginFlow.moc"
