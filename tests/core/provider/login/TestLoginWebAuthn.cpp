// The local provider's clientlogin with OATHAuth's WebAuthn module, and reauthentication:
// the WebAuthnAuthenticationRequest with its auth_info, assertions made by a software
// authenticator (otp::VirtualAuthenticator) and verified by the provider (good, forged,
// wrong challenge, wrong origin, replayed counter, unknown key, expired challenge), and the
// security level a login gives (amisecuritysensitiveoperation) with its expiry, driven by a
// FixedClock. Over real HTTP on 127.0.0.1, formatversion 2.

#include "ApiLoginClient.h"
#include "LoginTestProvider.h"
#include "ProviderTestSupport.h"
#include "otp/Base32.h"
#include "otp/Otp.h"
#include "otp/VirtualAuthenticator.h"
#include "otp/WebAuthnAssertion.h"
#include "otp/WebAuthnRequestOptions.h"

#include <QJsonDocument>
#include <QTest>
#include <memory>

using namespace mwauth;
using namespace mwauth::provider;
using namespace mwauth::provider::testing;

namespace {
const QString kSecret = QStringLiteral("MJXWELLUN52HALLUMVZXILLTMVRXEZLU");
const QString kPassword = QStringLiteral("WebAuthn-pass-2fa-test");
const QString kRpId = QStringLiteral("127.0.0.1");
constexpr double kStartTime = 1763868000; // 2025-11-23T03:20:00Z

const QString kTotpRequest
    = QStringLiteral("MediaWiki\\Extension\\OATHAuth\\Auth\\TOTPAuthenticationRequest");
const QString kWebAuthnRequest
    = QStringLiteral("MediaWiki\\Extension\\WebAuthn\\Auth\\WebAuthnAuthenticationRequest");
const QString kSelectRequest
    = QStringLiteral("MediaWiki\\Extension\\OATHAuth\\Auth\\TwoFactorModuleSelectAuthenticationRequest");

QString encoded(const QByteArray &value)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(QString::fromUtf8(value)));
}
} // namespace

class TestLoginWebAuthn : public QObject
{
    Q_OBJECT

private:
    using Client = ApiSession;

    QJsonObject authManagerInfo(Client &client);
    static QByteArray authInfo(const QJsonObject &result);
    QString origin() const { return m_server->baseUrl().toString(); }
    quint32 storedSignCount(const QString &user) const;
    QString totpCode() const;

    FixedClock m_clock {kStartTime};
    SystemRandom m_random;
    std::unique_ptr<LoginTestProvider> m_provider;
    UserStore *m_users = nullptr;
    ProviderServer *m_server = nullptr;
    std::unique_ptr<ApiLoginClient> m_api;
    QHash<QString, User> m_byName;
    std::optional<otp::VirtualAuthenticator> m_daveKey;
    std::optional<otp::VirtualAuthenticator> m_carolKey;

private Q_SLOTS:
    void init();
    void cleanup();

    void webAuthnOnlyUserIsAskedForTheKey();
    void goodAssertionPasses();
    void refusedAssertions_data();
    void refusedAssertions();
    void challengeExpires();
    void aPassingAssertionCannotBeReplayed();
    void switchingToWebAuthn();
    void securityLevelAndItsExpiry();
    void reauthenticationDoesNotOfferRecoveryCodes();
};

QJsonObject TestLoginWebAuthn::authManagerInfo(Client &client)
{
    const Reply reply
        = m_api->get(client,
                     u"action=query&meta=authmanagerinfo&amisecuritysensitiveoperation=ChangeEmail"
                     "&format=json&formatversion=2"_qs);
    return reply.json()[u"query"_qs][u"authmanagerinfo"_qs].toObject();
}

QByteArray TestLoginWebAuthn::authInfo(const QJsonObject &result)
{
    return requestById(result, kWebAuthnRequest)[u"fields"_qs][u"auth_info"_qs][u"value"_qs]
        .toString()
        .toUtf8();
}

quint32 TestLoginWebAuthn::storedSignCount(const QString &user) const
{
    const auto records = m_users->twoFactorRecords(m_byName.value(user).id, u"webauthn"_qs);
    if (!records || records->isEmpty())
        return 0xffffffff;
    return quint32(records->first().data.value(u"signCount"_qs).toInteger());
}

QString TestLoginWebAuthn::totpCode() const
{
    otp::TotpParameters params;
    params.secret = *otp::Base32::decode(kSecret.toLatin1());
    return *otp::totp(params, m_clock.nowSeconds());
}

void TestLoginWebAuthn::init()
{
    m_clock.set(kStartTime);
    m_provider = std::make_unique<LoginTestProvider>(m_clock, m_random);
    QCOMPARE(m_provider->open(), QString());
    m_users = m_provider->users();
    // Alice: no second factor; Carol: TOTP, WebAuthn and recovery codes; Dave: WebAuthn only.
    for (const QString &name : {u"Alice"_qs, u"Carol"_qs, u"Dave"_qs}) {
        auto user = m_users->createUser(name, kPassword);
        QVERIFY2(user.ok(), user.ok() ? "" : qPrintable(user.error().message()));
        m_byName.insert(name, *user);
    }
    const auto registerKey = [this](const QString &name, std::optional<otp::VirtualAuthenticator> &key) {
        auto made = otp::VirtualAuthenticator::create(m_random, kRpId, QByteArray::number(m_byName[name].id));
        QVERIFY(made.ok());
        key = *made;
        const QJsonObject data {
            {u"friendlyName"_qs, u"Test key"_qs},
            {u"credential"_qs, QJsonDocument::fromJson(key->publicCredentialJson()).object()},
            {u"signCount"_qs, 0}};
        QVERIFY(m_users->addTwoFactor(m_byName[name].id, u"webauthn"_qs, data).ok());
    };
    registerKey(u"Dave"_qs, m_daveKey);
    registerKey(u"Carol"_qs, m_carolKey);
    const qint64 carol = m_byName[u"Carol"_qs].id;
    QVERIFY(m_users->addTwoFactor(carol, u"totp"_qs, {{u"secret"_qs, kSecret}}).ok());
    QVERIFY(m_users
                ->addTwoFactor(carol, u"recoverycodes"_qs,
                               {{u"recoverycodes"_qs, QJsonArray {u"carol-rc-0001"_qs, u"carol-rc-0002"_qs}}})
                .ok());
    QCOMPARE(m_provider->start(), QString());
    m_server = m_provider->server();
    m_api = std::make_unique<ApiLoginClient>(*m_server, kPassword);
}

void TestLoginWebAuthn::cleanup()
{
    m_api.reset();
    m_server = nullptr;
    m_users = nullptr;
    m_provider.reset();
    m_byName.clear();
    m_daveKey.reset();
    m_carolKey.reset();
}

void TestLoginWebAuthn::webAuthnOnlyUserIsAskedForTheKey()
{
    Client client;
    const QJsonObject step = m_api->begin(client, u"Dave"_qs);
    QCOMPARE(step[u"status"_qs].toString(), u"UI"_qs);
    QCOMPARE(requestIds(step), QStringList {kWebAuthnRequest}); // one module: no select request
    const QJsonObject fields = requestById(step, kWebAuthnRequest)[u"fields"_qs].toObject();
    QCOMPARE(fields[u"auth_info"_qs][u"type"_qs].toString(), u"hidden"_qs);
    QCOMPARE(fields[u"credential"_qs][u"type"_qs].toString(), u"hidden"_qs);
    QCOMPARE(fields[u"credential"_qs][u"value"_qs].toString(), QString());
    const auto options = otp::WebAuthnRequestOptions::fromJson(authInfo(step));
    QVERIFY2(options.ok(), options.ok() ? "" : qPrintable(options.error().message()));
    QCOMPARE(options->rpId, kRpId);
    QCOMPARE(options->challenge.size(), 32);
    QCOMPARE(options->allowCredentials, QList<QByteArray> {m_daveKey->credentialId()});

    // Each request gets its own challenge.
    Client other;
    const auto second = otp::WebAuthnRequestOptions::fromJson(authInfo(m_api->begin(other, u"Dave"_qs)));
    QVERIFY(second.ok());
    QVERIFY(second->challenge != options->challenge);
}

void TestLoginWebAuthn::goodAssertionPasses()
{
    Client client;
    const QJsonObject step = m_api->begin(client, u"Dave"_qs);
    const auto credential = m_daveKey->answer(authInfo(step), origin());
    QVERIFY2(credential.ok(), credential.ok() ? "" : qPrintable(credential.error().message()));
    const QJsonObject result = m_api->continueWith(client, u"credential="_qs + encoded(*credential));
    QCOMPARE(result[u"status"_qs].toString(), u"PASS"_qs);
    QCOMPARE(result[u"username"_qs].toString(), u"Dave"_qs);
    QCOMPARE(storedSignCount(u"Dave"_qs), m_daveKey->signCount());
    QCOMPARE(m_daveKey->signCount(), 1u);
}

void TestLoginWebAuthn::refusedAssertions_data()
{
    QTest::addColumn<QString>("attack");
    QTest::newRow("forged signature") << u"forged"_qs;
    QTest::newRow("another login's challenge") << u"challenge"_qs;
    QTest::newRow("wrong origin") << u"origin"_qs;
    QTest::newRow("replayed counter (cloned key)") << u"clone"_qs;
    QTest::newRow("unregistered key") << u"unknown"_qs;
    QTest::newRow("malformed JSON") << u"malformed"_qs;
    QTest::newRow("empty credential") << u"empty"_qs;
}

void TestLoginWebAuthn::refusedAssertions()
{
    QFETCH(QString, attack);
    Client client;
    const QJsonObject step = m_api->begin(client, u"Dave"_qs);
    const QByteArray info = authInfo(step);
    QByteArray credential;
    if (attack == u"forged") {
        auto good = m_daveKey->answer(info, origin());
        QVERIFY(good.ok());
        auto parsed = otp::WebAuthnAssertion::parse(*good);
        QVERIFY(parsed.ok());
        parsed->signature[parsed->signature.size() - 3]
            = char(parsed->signature.at(parsed->signature.size() - 3) ^ 0x01);
        credential = parsed->toJson();
    } else if (attack == u"challenge") {
        Client other;
        auto answered = m_daveKey->answer(authInfo(m_api->begin(other, u"Dave"_qs)), origin());
        QVERIFY(answered.ok());
        credential = *answered;
    } else if (attack == u"origin") {
        auto answered = m_daveKey->answer(info, u"http://127.0.0.1:1"_qs);
        QVERIFY(answered.ok());
        credential = *answered;
    } else if (attack == u"clone") {
        // A copy of the key answers first (and logs in); the original, now behind, follows.
        otp::VirtualAuthenticator clone = *m_daveKey;
        Client first;
        auto cloneAnswer = clone.answer(authInfo(m_api->begin(first, u"Dave"_qs)), origin());
        QVERIFY(cloneAnswer.ok());
        QCOMPARE(
            m_api->continueWith(first, u"credential="_qs + encoded(*cloneAnswer))[u"status"_qs].toString(),
            u"PASS"_qs);
        auto answered = m_daveKey->answer(info, origin());
        QVERIFY(answered.ok());
        QCOMPARE(m_daveKey->signCount(), clone.signCount()); // same counter as the stored one
        credential = *answered;
    } else if (attack == u"unknown") {
        auto stranger = otp::VirtualAuthenticator::create(m_random, kRpId, QByteArray("99"));
        QVERIFY(stranger.ok());
        otp::WebAuthnRequestOptions anyKey = *otp::WebAuthnRequestOptions::fromJson(info);
        anyKey.allowCredentials.clear();
        auto answered = stranger->answer(anyKey.toJson(), origin());
        QVERIFY(answered.ok());
        credential = *answered;
    } else if (attack == u"malformed") {
        credential = "{\"id\": ";
    }
    const quint32 before = storedSignCount(u"Dave"_qs);
    const QJsonObject result = m_api->continueWith(client, u"credential="_qs + encoded(credential));
    QCOMPARE(result[u"status"_qs].toString(), u"UI"_qs);
    QCOMPARE(result[u"messagecode"_qs].toString(), u"oathauth-login-failed"_qs);
    QCOMPARE(storedSignCount(u"Dave"_qs), before);

    // The refused answer used up the challenge; the new one works with a genuine answer.
    const QByteArray fresh = authInfo(result);
    QVERIFY(!fresh.isEmpty());
    QVERIFY(otp::WebAuthnRequestOptions::fromJson(fresh)->challenge
            != otp::WebAuthnRequestOptions::fromJson(info)->challenge);
    // (For the clone this is the original's next answer: its counter is ahead again.)
    auto good = m_daveKey->answer(fresh, origin());
    QVERIFY(good.ok());
    QCOMPARE(m_api->continueWith(client, u"credential="_qs + encoded(*good))[u"status"_qs].toString(),
             u"PASS"_qs);
}

void TestLoginWebAuthn::challengeExpires()
{
    Client client;
    const QJsonObject step = m_api->begin(client, u"Dave"_qs);
    m_clock.advance(61); // the auth_info's timeout is 60 s
    auto answered = m_daveKey->answer(authInfo(step), origin());
    QVERIFY(answered.ok());
    const QJsonObject result = m_api->continueWith(client, u"credential="_qs + encoded(*answered));
    QCOMPARE(result[u"status"_qs].toString(), u"UI"_qs);
    QCOMPARE(result[u"messagecode"_qs].toString(), u"oathauth-login-failed"_qs);
}

void TestLoginWebAuthn::aPassingAssertionCannotBeReplayed()
{
    Client client;
    auto answered = m_daveKey->answer(authInfo(m_api->begin(client, u"Dave"_qs)), origin());
    QVERIFY(answered.ok());
    QCOMPARE(m_api->continueWith(client, u"credential="_qs + encoded(*answered))[u"status"_qs].toString(),
             u"PASS"_qs);

    // A thief who saw that credential JSON replays it in a login of their own.
    Client thief;
    QCOMPARE(m_api->begin(thief, u"Dave"_qs)[u"status"_qs].toString(), u"UI"_qs);
    const QJsonObject result = m_api->continueWith(thief, u"credential="_qs + encoded(*answered));
    QCOMPARE(result[u"status"_qs].toString(), u"UI"_qs);
    QCOMPARE(result[u"messagecode"_qs].toString(), u"oathauth-login-failed"_qs);
}

void TestLoginWebAuthn::switchingToWebAuthn()
{
    Client client;
    const QJsonObject step = m_api->begin(client, u"Carol"_qs);
    QCOMPARE(requestIds(step), (QStringList {kTotpRequest, kSelectRequest})); // API: TOTP first
    const QJsonObject select = requestById(step, kSelectRequest);
    QCOMPARE(select[u"metadata"_qs][u"allowedModules"_qs].toArray(),
             (QJsonArray {u"totp"_qs, u"webauthn"_qs, u"recoverycodes"_qs}));

    const QJsonObject switched = m_api->continueWith(client, u"newModule=webauthn"_qs);
    QCOMPARE(switched[u"status"_qs].toString(), u"UI"_qs);
    QCOMPARE(requestIds(switched), (QStringList {kWebAuthnRequest, kSelectRequest}));
    QCOMPARE(requestById(switched, kSelectRequest)[u"metadata"_qs][u"currentModule"_qs].toString(),
             u"webauthn"_qs);
    // The WebAuthn step takes no TOTP code.
    const QJsonObject withCode = m_api->continueWith(client, u"OATHToken="_qs + totpCode());
    QCOMPARE(withCode[u"messagecode"_qs].toString(), u"oathauth-login-failed"_qs);
    auto answered = m_carolKey->answer(authInfo(withCode), origin());
    QVERIFY(answered.ok());
    const QJsonObject result = m_api->continueWith(client, u"credential="_qs + encoded(*answered));
    QCOMPARE(result[u"status"_qs].toString(), u"PASS"_qs);
    QCOMPARE(result[u"username"_qs].toString(), u"Carol"_qs);
}

void TestLoginWebAuthn::securityLevelAndItsExpiry()
{
    Client client;
    QJsonObject info = authManagerInfo(client);
    QCOMPARE(info[u"securitysensitiveoperationstatus"_qs].toString(), u"reauth"_qs); // anonymous
    // The members MediaWiki 1.39 answers without amirequestsfor (seen on the real wiki).
    QCOMPARE(info.keys(),
             (QStringList {u"canauthenticatenow"_qs, u"cancreateaccounts"_qs, u"canlinkaccounts"_qs,
                           u"securitysensitiveoperationstatus"_qs}));

    QCOMPARE(m_api->begin(client, u"Alice"_qs)[u"status"_qs].toString(), u"PASS"_qs);
    const QString loginTime
        = QDateTime::fromSecsSinceEpoch(qint64(kStartTime) + 300, Qt::UTC).toString(Qt::ISODate);
    info = authManagerInfo(client);
    QCOMPARE(info[u"securitysensitiveoperationstatus"_qs].toString(), u"ok"_qs);
    QCOMPARE(info[u"x-mwauth-elevatedsecurityexpiry"_qs].toString(), loginTime);
    QCOMPARE(info[u"x-mwauth-elevatedsecurityremaining"_qs].toInt(), 300);
    QCOMPARE(info.keys(),
             (QStringList {u"canauthenticatenow"_qs, u"cancreateaccounts"_qs, u"canlinkaccounts"_qs,
                           u"securitysensitiveoperationstatus"_qs, u"x-mwauth-elevatedsecurityexpiry"_qs,
                           u"x-mwauth-elevatedsecurityremaining"_qs}));

    m_clock.advance(300); // the last second of the elevated level
    info = authManagerInfo(client);
    QCOMPARE(info[u"securitysensitiveoperationstatus"_qs].toString(), u"ok"_qs);
    QCOMPARE(info[u"x-mwauth-elevatedsecurityremaining"_qs].toInt(), 0);
    m_clock.advance(1);
    info = authManagerInfo(client);
    QCOMPARE(info[u"securitysensitiveoperationstatus"_qs].toString(), u"reauth"_qs);
    QCOMPARE(info[u"x-mwauth-elevatedsecurityexpiry"_qs].toString(), loginTime);

    // Reauthenticating in place (clientlogin while logged in) raises the level again.
    m_clock.advance(99);
    QCOMPARE(m_api->begin(client, u"Alice"_qs)[u"status"_qs].toString(), u"PASS"_qs);
    info = authManagerInfo(client);
    QCOMPARE(info[u"securitysensitiveoperationstatus"_qs].toString(), u"ok"_qs);
    QCOMPARE(info[u"x-mwauth-elevatedsecurityexpiry"_qs].toString(),
             QDateTime::fromSecsSinceEpoch(qint64(kStartTime) + 700, Qt::UTC).toString(Qt::ISODate));
}

void TestLoginWebAuthn::reauthenticationDoesNotOfferRecoveryCodes()
{
    Client client;
    QCOMPARE(m_api->begin(client, u"Carol"_qs)[u"status"_qs].toString(), u"UI"_qs);
    QCOMPARE(m_api->continueWith(client, u"OATHToken="_qs + totpCode())[u"status"_qs].toString(), u"PASS"_qs);

    m_clock.advance(400);
    const QJsonObject step = m_api->begin(client, u"Carol"_qs);
    QCOMPARE(step[u"status"_qs].toString(), u"UI"_qs);
    QCOMPARE(requestById(step, kSelectRequest)[u"metadata"_qs][u"allowedModules"_qs].toArray(),
             (QJsonArray {u"totp"_qs, u"webauthn"_qs}));
    const QJsonObject refused = m_api->continueWith(client, u"newModule=recoverycodes"_qs);
    QCOMPARE(refused[u"status"_qs].toString(), u"FAIL"_qs);
    QCOMPARE(refused[u"messagecode"_qs].toString(), u"oathauth-invalidrequest"_qs);
    // The refused reauthentication left the earlier login in place, at a lapsed level.
    QCOMPARE(authManagerInfo(client)[u"securitysensitiveoperationstatus"_qs].toString(), u"reauth"_qs);
}

QTEST_GUILESS_MAIN(TestLoginWebAuthn)
#include "TestLoginWebAuthn.moc"
