// LoginService without HTTP: MediaWiki's password throttle as the real wiki showed it (every
// attempt counts, per name and IP, before the password is checked; only a PASS clears it;
// 5 per 5 minutes and 150 per 48 hours), empty credentials, the throttles and the TOTP
// replay guard kept in the database (a new service on the same database still knows them),
// and claimTotpStep for pages that verify a code themselves.

#include "common/Clock.h"
#include "common/Random.h"
#include "otp/Base32.h"
#include "otp/Otp.h"
#include "provider/accounts/PasswordHasher.h"
#include "provider/accounts/UserStore.h"
#include "provider/db/ProviderDatabase.h"
#include "provider/login/LoginService.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace mwauth;
using namespace mwauth::provider;

namespace {
const QString kSecret = QStringLiteral("MJXWELLUN52HALLUMVZXILLTMVRXEZLU");
const QString kPassword = QStringLiteral("Service-pass-test");
constexpr double kStartTime = 1763868000;
const QString kIp = QStringLiteral("192.0.2.10");
} // namespace

class TestLoginService : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<LoginService> newService()
    {
        return std::make_unique<LoginService>(*m_users, *m_db, m_clock, m_random,
                                              QStringLiteral("127.0.0.1"));
    }
    LoginOutcome attempt(const QString &user, const QString &password, const QString &ip = kIp)
    {
        SessionData session;
        return m_service->begin(session, user, password, false, LoginChannel::Api, ip);
    }
    QString totpCode() const
    {
        otp::TotpParameters params;
        params.secret = *otp::Base32::decode(kSecret.toLatin1());
        return *otp::totp(params, m_clock.nowSeconds());
    }

    FixedClock m_clock {kStartTime};
    SystemRandom m_random;
    PasswordHasher m_hasher {m_random, 1000};
    QTemporaryDir m_dir;
    std::unique_ptr<ProviderDatabase> m_db;
    std::unique_ptr<UserStore> m_users;
    std::unique_ptr<LoginService> m_service;
    int m_databaseCount = 0;
    User m_alice;
    User m_bob;

private Q_SLOTS:
    void init();
    void cleanup();

    void everyAttemptCountsEvenWithTheRightPassword();
    void aPassClearsTheCount();
    void countsArePerNameAndAddress();
    void theLongThrottleStopsASlowGuesser();
    void emptyCredentialsAreNoPrimary_data();
    void emptyCredentialsAreNoPrimary();
    void throttleAndUsedStepsSurviveARestart();
    void aClaimedStepCannotLogIn();
    void expiredCountersArePurged();
};

void TestLoginService::init()
{
    m_clock.set(kStartTime);
    QVERIFY(m_dir.isValid());
    auto db
        = ProviderDatabase::open(m_dir.filePath(QStringLiteral("service-%1.sqlite").arg(++m_databaseCount)));
    QVERIFY2(db.ok(), qPrintable(db.error().toString()));
    m_db = std::move(*db);
    m_users = std::make_unique<UserStore>(*m_db, m_hasher, m_clock);
    auto alice = m_users->createUser(QStringLiteral("Alice"), kPassword);
    auto bob = m_users->createUser(QStringLiteral("Bob"), kPassword);
    QVERIFY(alice.ok() && bob.ok());
    m_alice = *alice;
    m_bob = *bob;
    QVERIFY(
        m_users->addTwoFactor(m_bob.id, QStringLiteral("totp"), {{QStringLiteral("secret"), kSecret}}).ok());
    m_service = newService();
}

void TestLoginService::cleanup()
{
    m_service.reset();
    m_users.reset();
    m_db.reset();
}

// Found against the real MediaWiki: five right passwords of a 2FA user that never finish the
// second step make the sixth attempt "login-throttled".
void TestLoginService::everyAttemptCountsEvenWithTheRightPassword()
{
    for (int i = 0; i < LoginService::PasswordAttemptLimit; ++i) {
        const LoginOutcome step = attempt(QStringLiteral("Bob"), kPassword);
        QCOMPARE(step.status, LoginOutcome::Status::Ui);
        m_clock.advance(10);
    }
    const LoginOutcome sixth = attempt(QStringLiteral("Bob"), kPassword);
    QCOMPARE(sixth.status, LoginOutcome::Status::Fail);
    QCOMPARE(sixth.messageCode, QStringLiteral("login-throttled"));
    QVERIFY2(sixth.message.contains(QStringLiteral("Please wait 5 minutes")), qPrintable(sixth.message));

    // The window opened by the first attempt ends 300 s after it.
    m_clock.set(kStartTime + LoginService::PasswordAttemptWindow);
    QCOMPARE(attempt(QStringLiteral("Bob"), kPassword).status, LoginOutcome::Status::Ui);
}

void TestLoginService::aPassClearsTheCount()
{
    for (int i = 0; i < LoginService::PasswordAttemptLimit - 1; ++i)
        QCOMPARE(attempt(QStringLiteral("Alice"), QStringLiteral("wrong")).messageCode,
                 QStringLiteral("wrongpassword"));
    QCOMPARE(attempt(QStringLiteral("Alice"), kPassword).status, LoginOutcome::Status::Pass);
    // Counting starts again: four more wrong ones are still answered as wrong passwords.
    for (int i = 0; i < LoginService::PasswordAttemptLimit - 1; ++i)
        QCOMPARE(attempt(QStringLiteral("Alice"), QStringLiteral("wrong")).messageCode,
                 QStringLiteral("wrongpassword"));

    // A PASS after the second factor clears too.
    SessionData session;
    QCOMPARE(
        m_service->begin(session, QStringLiteral("Bob"), kPassword, false, LoginChannel::Api, kIp).status,
        LoginOutcome::Status::Ui);
    QCOMPARE(m_service->proceed(session, {{QStringLiteral("OATHToken"), totpCode()}}, LoginChannel::Api, {})
                 .status,
             LoginOutcome::Status::Pass);
    for (int i = 0; i < LoginService::PasswordAttemptLimit - 1; ++i)
        QCOMPARE(attempt(QStringLiteral("Bob"), QStringLiteral("wrong")).messageCode,
                 QStringLiteral("wrongpassword"));
}

void TestLoginService::countsArePerNameAndAddress()
{
    for (int i = 0; i < LoginService::PasswordAttemptLimit; ++i)
        attempt(QStringLiteral("Alice"), QStringLiteral("wrong"));
    QCOMPARE(attempt(QStringLiteral("Alice"), kPassword).messageCode, QStringLiteral("login-throttled"));
    // The same name from another address, and another name from the same address, go on.
    QCOMPARE(attempt(QStringLiteral("Alice"), kPassword, QStringLiteral("192.0.2.11")).status,
             LoginOutcome::Status::Pass);
    QCOMPARE(attempt(QStringLiteral("Bob"), kPassword).status, LoginOutcome::Status::Ui);
    // Names are counted in their canonical form ("alice" is "Alice").
    QCOMPARE(attempt(QStringLiteral("alice"), kPassword).messageCode, QStringLiteral("login-throttled"));
}

void TestLoginService::theLongThrottleStopsASlowGuesser()
{
    // One guess every 61 s stays under 5 per 300 s; the 151st within 48 hours is refused.
    for (int i = 0; i < LoginService::LongPasswordAttemptLimit; ++i) {
        const LoginOutcome guess = attempt(QStringLiteral("Alice"), QStringLiteral("guess"));
        QVERIFY2(guess.messageCode == QStringLiteral("wrongpassword"),
                 qPrintable(QStringLiteral("guess %1: %2").arg(i + 1).arg(guess.messageCode)));
        m_clock.advance(61);
    }
    const LoginOutcome refused = attempt(QStringLiteral("Alice"), kPassword);
    QCOMPARE(refused.messageCode, QStringLiteral("login-throttled"));
    QVERIFY2(refused.message.contains(QStringLiteral("Please wait 2 days")), qPrintable(refused.message));
    m_clock.set(kStartTime + LoginService::LongPasswordAttemptWindow);
    QCOMPARE(attempt(QStringLiteral("Alice"), kPassword).status, LoginOutcome::Status::Pass);
}

void TestLoginService::emptyCredentialsAreNoPrimary_data()
{
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("password");
    QTest::newRow("both empty") << QString() << QString();
    QTest::newRow("empty password") << QStringLiteral("Alice") << QString();
    QTest::newRow("empty name") << QString() << kPassword;
}

void TestLoginService::emptyCredentialsAreNoPrimary()
{
    QFETCH(QString, user);
    QFETCH(QString, password);
    const LoginOutcome outcome = attempt(user, password);
    QCOMPARE(outcome.status, LoginOutcome::Status::Fail);
    QCOMPARE(outcome.messageCode, QStringLiteral("authmanager-authn-no-primary"));
    QCOMPARE(outcome.message, QStringLiteral("The supplied credentials could not be authenticated."));
    // They count as attempts (by address alone when there is no name).
    for (int i = 1; i < LoginService::PasswordAttemptLimit; ++i)
        attempt(user, password);
    QCOMPARE(attempt(user, password).messageCode, QStringLiteral("login-throttled"));
}

void TestLoginService::throttleAndUsedStepsSurviveARestart()
{
    for (int i = 0; i < LoginService::PasswordAttemptLimit; ++i)
        attempt(QStringLiteral("Alice"), QStringLiteral("wrong"));
    SessionData session;
    QCOMPARE(
        m_service->begin(session, QStringLiteral("Bob"), kPassword, false, LoginChannel::Api, kIp).status,
        LoginOutcome::Status::Ui);
    const QString code = totpCode();
    QCOMPARE(m_service->proceed(session, {{QStringLiteral("OATHToken"), code}}, LoginChannel::Api, {}).status,
             LoginOutcome::Status::Pass);

    m_service = newService(); // a restarted provider on the same database
    QCOMPARE(attempt(QStringLiteral("Alice"), kPassword).messageCode, QStringLiteral("login-throttled"));
    SessionData again;
    QCOMPARE(m_service->begin(again, QStringLiteral("Bob"), kPassword, false, LoginChannel::Api, kIp).status,
             LoginOutcome::Status::Ui);
    const LoginOutcome replay
        = m_service->proceed(again, {{QStringLiteral("OATHToken"), code}}, LoginChannel::Api, {});
    QCOMPARE(replay.status, LoginOutcome::Status::Ui);
    QCOMPARE(replay.messageCode, QStringLiteral("oathauth-login-failed"));
}

void TestLoginService::aClaimedStepCannotLogIn()
{
    const quint64 step = quint64(m_clock.nowSeconds()) / 30;
    QVERIFY(m_service->claimTotpStep(m_bob.id, step));
    QVERIFY(!m_service->claimTotpStep(m_bob.id, step)); // once
    SessionData session;
    QCOMPARE(
        m_service->begin(session, QStringLiteral("Bob"), kPassword, false, LoginChannel::Api, kIp).status,
        LoginOutcome::Status::Ui);
    QCOMPARE(m_service->proceed(session, {{QStringLiteral("OATHToken"), totpCode()}}, LoginChannel::Api, {})
                 .messageCode,
             QStringLiteral("oathauth-login-failed"));
    m_clock.advance(30); // the next step's code works
    QCOMPARE(m_service->proceed(session, {{QStringLiteral("OATHToken"), totpCode()}}, LoginChannel::Api, {})
                 .status,
             LoginOutcome::Status::Pass);
}

void TestLoginService::expiredCountersArePurged()
{
    attempt(QStringLiteral("Alice"), QStringLiteral("wrong"));
    SessionData session;
    m_service->begin(session, QStringLiteral("Bob"), kPassword, false, LoginChannel::Api, kIp);
    m_service->proceed(session, {{QStringLiteral("OATHToken"), QStringLiteral("000000")}}, LoginChannel::Api,
                       {});
    const auto rows = [this] {
        QSqlQuery query(m_db->database());
        return query.exec(QStringLiteral("SELECT COUNT(*) FROM throttle")) && query.next()
            ? query.value(0).toInt()
            : -1;
    };
    // Alice: both password counters; Bob: both password counters and the badoath one (a
    // wrong code, if 000000 happened to be right the login passed and cleared his).
    const int before = rows();
    QVERIFY2(before >= 4, qPrintable(QString::number(before)));
    QCOMPARE(*m_service->purgeExpiredThrottles(), 0); // nothing is over yet
    m_clock.advance(LoginService::PasswordAttemptWindow);
    const Result<int> shortOnes = m_service->purgeExpiredThrottles();
    QVERIFY(shortOnes.ok());
    QVERIFY(*shortOnes >= 2);
    QCOMPARE(rows(), before - *shortOnes);
    m_clock.advance(LoginService::LongPasswordAttemptWindow);
    QVERIFY(m_service->purgeExpiredThrottles().ok());
    QCOMPARE(rows(), 0);
}

QTEST_GUILESS_MAIN(TestLoginService)
#include "TestLoginService.moc"
