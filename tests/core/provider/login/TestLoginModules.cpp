// The local provider's clientlogin with more than one second-factor module: OATHAuth's
// module-select request, switching with newModule, and single-use recovery codes
// (reference/oathauth-clientlogin.md, "2FA modules and their requests" and "Which module is
// offered first"). Over real HTTP on 127.0.0.1, formatversion 2.

#include "ApiLoginClient.h"
#include "LoginTestProvider.h"
#include "ProviderTestSupport.h"
#include "otp/Base32.h"
#include "otp/Otp.h"
#include "provider/login/LoginApi.h"

#include <QTest>
#include <memory>

using namespace mwauth;
using namespace mwauth::provider;
using namespace mwauth::provider::testing;

namespace {
const QString kSecret = QStringLiteral("MJXWELLUN52HALLUMVZXILLTMVRXEZLU");
const QString kPassword = QStringLiteral("Modules-pass-2fa-test");
const QStringList kCarolCodes {QStringLiteral("a1b2c3d4e5"), QStringLiteral("f6g7h8i9j0"),
                               QStringLiteral("k1l2m3n4o5")};
const QStringList kDaveCodes {QStringLiteral("zz99yy88xx")};
constexpr double kStartTime = 1763868000; // 2025-11-23T03:20:00Z

const QString kTotpRequest
    = QStringLiteral("MediaWiki\\Extension\\OATHAuth\\Auth\\TOTPAuthenticationRequest");
const QString kRecoveryRequest
    = QStringLiteral("MediaWiki\\Extension\\OATHAuth\\Auth\\RecoveryCodesAuthenticationRequest");
const QString kSelectRequest
    = QStringLiteral("MediaWiki\\Extension\\OATHAuth\\Auth\\TwoFactorModuleSelectAuthenticationRequest");
} // namespace

class TestLoginModules : public QObject
{
    Q_OBJECT

private:
    using Client = ApiSession;

    QString totpCode() const;
    QStringList storedCodes(qint64 userId) const;

    FixedClock m_clock;
    SystemRandom m_random;
    std::unique_ptr<LoginTestProvider> m_provider;
    UserStore *m_users = nullptr; // m_provider's
    ProviderServer *m_server = nullptr; // m_provider's
    std::unique_ptr<ApiLoginClient> m_api;
    QHash<QString, User> m_byName;

private Q_SLOTS:
    void init();
    void cleanup();

    void firstStepOffersModules_data();
    void firstStepOffersModules();
    void newModuleSwitchesOrFails_data();
    void newModuleSwitchesOrFails();
    void recoveryCodeChecks_data();
    void recoveryCodeChecks();
    void recoveryCodeWorksOnce();
};

QString TestLoginModules::totpCode() const
{
    otp::TotpParameters params;
    params.secret = *otp::Base32::decode(kSecret.toLatin1());
    return *otp::totp(params, m_clock.nowSeconds());
}

QStringList TestLoginModules::storedCodes(qint64 userId) const
{
    QStringList codes;
    const auto records = m_users->twoFactorRecords(userId, u"recoverycodes"_qs);
    if (!records)
        return {u"(the records could not be read)"_qs};
    for (const TwoFactorRecord &record : *records) {
        const QJsonArray list = record.data.value(u"recoverycodes"_qs).toArray();
        for (const QJsonValue &code : list)
            codes.append(code.toString());
    }
    return codes;
}

void TestLoginModules::init()
{
    m_clock.set(kStartTime);
    m_provider = std::make_unique<LoginTestProvider>(m_clock, m_random);
    QCOMPARE(m_provider->open(), QString());
    m_users = m_provider->users();
    const QJsonObject totp {{u"secret"_qs, kSecret}};
    // Bob: TOTP only; Carol: TOTP and recovery codes; Dave: recovery codes only; Erin: none.
    for (const QString &name : {u"Bob"_qs, u"Carol"_qs, u"Dave"_qs, u"Erin"_qs}) {
        auto user = m_users->createUser(name, kPassword);
        QVERIFY2(user.ok(), user.ok() ? "" : qPrintable(user.error().message()));
        m_byName.insert(name, *user);
    }
    QVERIFY(m_users->addTwoFactor(m_byName[u"Bob"_qs].id, u"totp"_qs, totp).ok());
    QVERIFY(m_users->addTwoFactor(m_byName[u"Carol"_qs].id, u"totp"_qs, totp).ok());
    QVERIFY(m_users
                ->addTwoFactor(m_byName[u"Carol"_qs].id, u"recoverycodes"_qs,
                               {{u"recoverycodes"_qs, QJsonArray::fromStringList(kCarolCodes)}})
                .ok());
    QVERIFY(m_users
                ->addTwoFactor(m_byName[u"Dave"_qs].id, u"recoverycodes"_qs,
                               {{u"recoverycodes"_qs, QJsonArray::fromStringList(kDaveCodes)}})
                .ok());

    QCOMPARE(m_provider->start(), QString());
    m_server = m_provider->server();
    m_api = std::make_unique<ApiLoginClient>(*m_server, kPassword);
}

void TestLoginModules::cleanup()
{
    m_api.reset();
    m_server = nullptr;
    m_users = nullptr;
    m_provider.reset();
    m_byName.clear();
}

void TestLoginModules::firstStepOffersModules_data()
{
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("status");
    QTest::addColumn<QString>("messagecode");
    QTest::addColumn<QStringList>("requests");
    QTest::addColumn<QStringList>("allowedModules"); // of the select request, if any

    QTest::newRow("totp only: no select")
        << u"Bob"_qs << u"UI"_qs << u"oathauth-auth-ui"_qs << QStringList {kTotpRequest} << QStringList {};
    QTest::newRow("totp + recovery: totp first, select")
        << u"Carol"_qs << u"UI"_qs << u"oathauth-auth-ui"_qs << QStringList {kTotpRequest, kSelectRequest}
        << QStringList {u"totp"_qs, u"recoverycodes"_qs};
    QTest::newRow("recovery only: no select")
        << u"Dave"_qs << u"UI"_qs << u"oathauth-auth-recovery-code-help"_qs << QStringList {kRecoveryRequest}
        << QStringList {};
    QTest::newRow("no second factor: pass")
        << u"Erin"_qs << u"PASS"_qs << QString() << QStringList {} << QStringList {};
}

void TestLoginModules::firstStepOffersModules()
{
    QFETCH(QString, user);
    QFETCH(QString, status);
    QFETCH(QString, messagecode);
    QFETCH(QStringList, requests);
    QFETCH(QStringList, allowedModules);

    Client client;
    const QJsonObject result = m_api->begin(client, user);
    QCOMPARE(result.value(u"status"_qs).toString(), status);
    QCOMPARE(result.value(u"messagecode"_qs).toString(), messagecode);
    QCOMPARE(requestIds(result), requests);
    if (!allowedModules.isEmpty()) {
        const QJsonObject select = requestById(result, kSelectRequest);
        const QJsonObject metadata = select.value(u"metadata"_qs).toObject();
        QCOMPARE(metadata.value(u"currentModule"_qs).toString(), u"totp"_qs);
        QCOMPARE(metadata.value(u"allowedModules"_qs).toVariant().toStringList(), allowedModules);
        for (const QString &module : std::as_const(allowedModules))
            QVERIFY2(!metadata[u"moduleDescriptions"_qs][module].toString().isEmpty(), qPrintable(module));
        const QJsonObject field = select[u"fields"_qs][u"newModule"_qs].toObject();
        QCOMPARE(field.value(u"type"_qs).toString(), u"select"_qs);
        QVERIFY(field.value(u"options"_qs).toObject().contains(u"recoverycodes"_qs));
        QCOMPARE(field.value(u"optional"_qs).toBool(), true);
    }
    if (requests.contains(kRecoveryRequest)) {
        const QJsonObject recovery = requestById(result, kRecoveryRequest);
        QCOMPARE(recovery.value(u"account"_qs).toString(), user);
        QCOMPARE(recovery[u"fields"_qs][u"RecoveryCode"_qs][u"type"_qs].toString(), u"string"_qs);
        QVERIFY(!recovery[u"fields"_qs][u"RecoveryCode"_qs][u"label"_qs].toString().isEmpty());
    }
}

void TestLoginModules::newModuleSwitchesOrFails_data()
{
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("fields"); // of the logincontinue; "@totp" = a valid code
    QTest::addColumn<QString>("status");
    QTest::addColumn<QString>("messagecode");
    QTest::addColumn<QStringList>("requests");
    QTest::addColumn<QString>("currentModule"); // of the select request in the answer

    QTest::newRow("switch to recovery codes")
        << u"Carol"_qs << u"newModule=recoverycodes"_qs << u"UI"_qs << u"oathauth-auth-recovery-code-help"_qs
        << QStringList {kRecoveryRequest, kSelectRequest} << u"recoverycodes"_qs;
    QTest::newRow("switch to the current module")
        << u"Carol"_qs << u"newModule=totp"_qs << u"UI"_qs << u"oathauth-auth-ui"_qs
        << QStringList {kTotpRequest, kSelectRequest} << u"totp"_qs;
    QTest::newRow("empty keeps totp, valid code passes")
        << u"Carol"_qs << u"newModule=&OATHToken=@totp"_qs << u"PASS"_qs << QString() << QStringList {}
        << QString();
    QTest::newRow("empty keeps totp, wrong code fails")
        << u"Carol"_qs << u"newModule=&OATHToken=000000"_qs << u"UI"_qs << u"oathauth-login-failed"_qs
        << QStringList {kTotpRequest, kSelectRequest} << u"totp"_qs;
    QTest::newRow("module not enabled") << u"Carol"_qs << u"newModule=webauthn"_qs << u"FAIL"_qs
                                        << u"oathauth-invalidrequest"_qs << QStringList {} << QString();
    QTest::newRow("unknown module") << u"Carol"_qs << u"newModule=sms"_qs << u"FAIL"_qs
                                    << u"oathauth-invalidrequest"_qs << QStringList {} << QString();
    QTest::newRow("totp-only user asks for recovery codes")
        << u"Bob"_qs << u"newModule=recoverycodes"_qs << u"FAIL"_qs << u"oathauth-invalidrequest"_qs
        << QStringList {} << QString();
    QTest::newRow("recovery-only user asks for totp")
        << u"Dave"_qs << u"newModule=totp"_qs << u"FAIL"_qs << u"oathauth-invalidrequest"_qs << QStringList {}
        << QString();
}

void TestLoginModules::newModuleSwitchesOrFails()
{
    QFETCH(QString, user);
    QFETCH(QString, fields);
    QFETCH(QString, status);
    QFETCH(QString, messagecode);
    QFETCH(QStringList, requests);
    QFETCH(QString, currentModule);

    Client client;
    QCOMPARE(m_api->begin(client, user).value(u"status"_qs).toString(), u"UI"_qs);
    const QJsonObject result = m_api->continueWith(client, QString(fields).replace(u"@totp"_qs, totpCode()));
    QCOMPARE(result.value(u"status"_qs).toString(), status);
    QCOMPARE(result.value(u"messagecode"_qs).toString(), messagecode);
    QVERIFY(status != u"UI" || !result.value(u"message"_qs).toString().isEmpty());
    QCOMPARE(requestIds(result), requests);
    if (!currentModule.isEmpty()) {
        QCOMPARE(requestById(result, kSelectRequest)[u"metadata"_qs][u"currentModule"_qs].toString(),
                 currentModule);
    }
    if (status == u"FAIL") {
        QCOMPARE(result.value(u"message"_qs).toString(), u"Invalid request."_qs);
        // The failed login is over: a further continue is not in progress.
        QCOMPARE(
            m_api->continueWith(client, u"OATHToken="_qs + totpCode()).value(u"messagecode"_qs).toString(),
            u"authmanager-authn-not-in-progress"_qs);
    }
}

void TestLoginModules::recoveryCodeChecks_data()
{
    QTest::addColumn<QString>("user");
    QTest::addColumn<bool>("switchFirst"); // Carol starts with TOTP
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("status");
    QTest::addColumn<QStringList>("codesAfter");

    QTest::newRow("right code") << u"Carol"_qs << true << kCarolCodes.at(1) << u"PASS"_qs
                                << QStringList {kCarolCodes.at(0), kCarolCodes.at(2)};
    QTest::newRow("right code, spaces around")
        << u"Carol"_qs << true << u"  "_qs + kCarolCodes.at(0) + u" "_qs << u"PASS"_qs
        << QStringList {kCarolCodes.at(1), kCarolCodes.at(2)};
    QTest::newRow("right code, typed in capitals with hyphens and a space")
        << u"Carol"_qs << true << u"F6G7-H8I9 J0"_qs << u"PASS"_qs
        << QStringList {kCarolCodes.at(0), kCarolCodes.at(2)};
    QTest::newRow("wrong code") << u"Carol"_qs << true << u"a1b2c3d4e6"_qs << u"UI"_qs << kCarolCodes;
    QTest::newRow("prefix of a code") << u"Carol"_qs << true << u"a1b2c3d4e"_qs << u"UI"_qs << kCarolCodes;
    QTest::newRow("empty") << u"Carol"_qs << true << QString() << u"UI"_qs << kCarolCodes;
    QTest::newRow("recovery code without switching is not a TOTP code")
        << u"Carol"_qs << false << kCarolCodes.at(0) << u"UI"_qs << kCarolCodes;
    QTest::newRow("recovery-only user, last code")
        << u"Dave"_qs << false << kDaveCodes.at(0) << u"PASS"_qs << QStringList {};
}

void TestLoginModules::recoveryCodeChecks()
{
    QFETCH(QString, user);
    QFETCH(bool, switchFirst);
    QFETCH(QString, code);
    QFETCH(QString, status);
    QFETCH(QStringList, codesAfter);

    Client client;
    QCOMPARE(m_api->begin(client, user).value(u"status"_qs).toString(), u"UI"_qs);
    if (switchFirst)
        QCOMPARE(requestIds(m_api->continueWith(client, u"newModule=recoverycodes"_qs)).value(0),
                 kRecoveryRequest);
    // Without switching, Carol's code goes in the TOTP field (what a TOTP-only client would do).
    const QString field = switchFirst || user == u"Dave" ? u"RecoveryCode="_qs : u"OATHToken="_qs;
    const QJsonObject result = m_api->continueWith(client, field + percentEncoded(code));
    QCOMPARE(result.value(u"status"_qs).toString(), status);
    if (status == u"UI")
        QCOMPARE(result.value(u"messagecode"_qs).toString(), u"oathauth-login-failed"_qs);
    else
        QCOMPARE(result.value(u"username"_qs).toString(), user);
    QCOMPARE(storedCodes(m_byName[user].id), codesAfter);
}

void TestLoginModules::recoveryCodeWorksOnce()
{
    const QString used = kCarolCodes.at(2);
    Client first;
    QCOMPARE(m_api->begin(first, u"Carol"_qs).value(u"status"_qs).toString(), u"UI"_qs);
    m_api->continueWith(first, u"newModule=recoverycodes"_qs);
    QCOMPARE(m_api->continueWith(first, u"RecoveryCode="_qs + used).value(u"status"_qs).toString(),
             u"PASS"_qs);

    Client second;
    QCOMPARE(m_api->begin(second, u"Carol"_qs).value(u"status"_qs).toString(), u"UI"_qs);
    m_api->continueWith(second, u"newModule=recoverycodes"_qs);
    const QJsonObject again = m_api->continueWith(second, u"RecoveryCode="_qs + used);
    QCOMPARE(again.value(u"status"_qs).toString(), u"UI"_qs);
    QCOMPARE(again.value(u"messagecode"_qs).toString(), u"oathauth-login-failed"_qs);
    QCOMPARE(requestIds(again), (QStringList {kRecoveryRequest, kSelectRequest}));
    // Another unused code still works in the same login.
    QCOMPARE(
        m_api->continueWith(second, u"RecoveryCode="_qs + kCarolCodes.at(0)).value(u"status"_qs).toString(),
        u"PASS"_qs);
    QCOMPARE(storedCodes(m_byName[u"Carol"_qs].id), QStringList {kCarolCodes.at(1)});
}

QTEST_GUILESS_MAIN(TestLoginModules)
#include "TestLoginModules.moc"
