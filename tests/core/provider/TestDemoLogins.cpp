// Every demo account logs in over real HTTP through a whole LocalProvider, with the secrets
// the provider printed for it (DemoAccount): Alice with her password, Bob and Admin with a
// TOTP code, Carol with a recovery code after switching modules, Dave with his WebAuthn
// credential through a software authenticator. Built twice: on a SQLite file (label unit) and,
// with MWAUTH_TEST_POSTGRES, on a throwaway PostgreSQL server (label provider), so the whole
// login runs on both databases.

#include "TestDatabase.h"
#include "otp/Base32.h"
#include "otp/Otp.h"
#include "otp/VirtualAuthenticator.h"
#include "provider/DemoData.h"
#include "provider/LocalProvider.h"
#include "provider/secret/ProviderSecret.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkCookieJar>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace mwauth;
using namespace mwauth::provider;
using namespace Qt::StringLiterals;

class TestDemoLogins : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void everyDemoAccountLogsIn_data();
    void everyDemoAccountLogsIn();
    void aRecoveryCodeWorksOnceAcrossRestarts();

private:
    QJsonObject call(const QByteArray &body);
    QString loginToken();
    QJsonObject login(const QString &user);
    QJsonObject proceed(const QByteArray &fields);
    DemoAccount account(const QString &name) const;

    FixedClock m_clock {1763868000};
    SystemRandom m_random;
    std::unique_ptr<LocalProvider> m_provider;
    std::unique_ptr<QNetworkAccessManager> m_network;
    TestDatabase m_databases {u"demo"_s};
    QString m_database;
};

void TestDemoLogins::initTestCase()
{
    // A provider on PostgreSQL takes its secret from the environment (SQLite: a file beside it).
    if (TestDatabase::isPostgres())
        qputenv(ProviderSecret::EnvironmentVariable, ProviderSecret::generate(m_random).hex());
    QVERIFY2(m_databases.start(), qPrintable(m_databases.errorString()));
}

void TestDemoLogins::init()
{
    m_database = m_databases.newLocation();
    QVERIFY(!m_database.isEmpty());
    m_provider = std::make_unique<LocalProvider>(m_clock, m_random);
    LocalProviderOptions options;
    options.database = m_database;
    options.demo = true;
    options.passwordIterations = 1000;
    const Result<void> started = m_provider->start(options);
    QVERIFY2(started.ok(), qPrintable(started.error().toString()));
    m_network = std::make_unique<QNetworkAccessManager>();
    m_network->setProxy(QNetworkProxy::NoProxy);
}

void TestDemoLogins::cleanup()
{
    m_network.reset();
    m_provider.reset();
}

QJsonObject TestDemoLogins::call(const QByteArray &body)
{
    std::unique_ptr<QNetworkReply> reply;
    if (body.startsWith("GET ")) {
        reply.reset(m_network->get(QNetworkRequest(
            QUrl(m_provider->apiUrl().toString() + u'?' + QString::fromLatin1(body.mid(4))))));
    } else {
        QNetworkRequest request(m_provider->apiUrl());
        request.setHeader(QNetworkRequest::ContentTypeHeader, "application/x-www-form-urlencoded");
        reply.reset(m_network->post(request, body));
    }
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!finished.wait(10000))
        return {};
    return QJsonDocument::fromJson(reply->readAll()).object();
}

QString TestDemoLogins::loginToken()
{
    return call("GET action=query&meta=tokens&type=login&format=json")[u"query"_s][u"tokens"_s]
                                                                      [u"logintoken"_s]
                                                                          .toString();
}

QJsonObject TestDemoLogins::login(const QString &user)
{
    m_network->setCookieJar(new QNetworkCookieJar); // a new client
    return call("action=clientlogin&format=json&formatversion=2&loginreturnurl=http%3A%2F%2F127.0.0.1%2F&"
                "username="
                + QUrl::toPercentEncoding(user)
                + "&password=" + QUrl::toPercentEncoding(account(user).password)
                + "&logintoken=" + QUrl::toPercentEncoding(loginToken()))
        .value(u"clientlogin"_s)
        .toObject();
}

QJsonObject TestDemoLogins::proceed(const QByteArray &fields)
{
    return call("action=clientlogin&format=json&formatversion=2&logincontinue=1&" + fields
                + "&logintoken=" + QUrl::toPercentEncoding(loginToken()))
        .value(u"clientlogin"_s)
        .toObject();
}

DemoAccount TestDemoLogins::account(const QString &name) const
{
    for (const DemoAccount &a : m_provider->demoAccounts()) {
        if (a.name == name)
            return a;
    }
    return {};
}

void TestDemoLogins::everyDemoAccountLogsIn_data()
{
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("secondFactor");
    QTest::newRow("Alice, password only") << u"Alice"_s << QString();
    QTest::newRow("Bob, TOTP") << u"Bob"_s << u"totp"_s;
    QTest::newRow("Admin, TOTP") << u"Admin"_s << u"totp"_s;
    QTest::newRow("Carol, recovery code") << u"Carol"_s << u"recoverycodes"_s;
    QTest::newRow("Carol, WebAuthn") << u"Carol"_s << u"webauthn"_s;
    QTest::newRow("Dave, WebAuthn only") << u"Dave"_s << u"webauthn"_s;
}

void TestDemoLogins::everyDemoAccountLogsIn()
{
    QFETCH(QString, user);
    QFETCH(QString, secondFactor);
    const DemoAccount demo = account(user);
    QCOMPARE(demo.name, user);
    QJsonObject step = login(user);
    if (secondFactor.isEmpty()) {
        QCOMPARE(step[u"status"_s].toString(), u"PASS"_s);
        return;
    }
    QCOMPARE(step[u"status"_s].toString(), u"UI"_s);
    const QJsonArray requests = step[u"requests"_s].toArray();
    const bool canSwitch = requests.size() > 1;
    if (secondFactor == u"totp") {
        otp::TotpParameters totp;
        totp.secret = *otp::Base32::decode(demo.totpSecret.toLatin1());
        step = proceed("OATHToken=" + otp::totp(totp, m_clock.nowSeconds())->toLatin1());
    } else if (secondFactor == u"recoverycodes") {
        QVERIFY(canSwitch);
        QCOMPARE(proceed("newModule=recoverycodes")[u"status"_s].toString(), u"UI"_s);
        step = proceed("RecoveryCode=" + QUrl::toPercentEncoding(demo.recoveryCodes.first()));
    } else {
        if (canSwitch)
            step = proceed("newModule=webauthn");
        QString authInfo;
        for (const QJsonValue &request : step[u"requests"_s].toArray()) {
            const QJsonObject fields = request[u"fields"_s].toObject();
            if (fields.contains(u"auth_info"_s))
                authInfo = fields[u"auth_info"_s][u"value"_s].toString();
        }
        QVERIFY(!authInfo.isEmpty());
        auto key = otp::VirtualAuthenticator::fromJson(demo.webAuthnCredential);
        QVERIFY2(key.ok(), key.ok() ? "" : qPrintable(key.error().message()));
        auto credential = key->answer(authInfo.toUtf8(), m_provider->baseUrl().toString());
        QVERIFY2(credential.ok(), credential.ok() ? "" : qPrintable(credential.error().message()));
        step = proceed("credential=" + QUrl::toPercentEncoding(QString::fromUtf8(*credential)));
    }
    QCOMPARE(step[u"status"_s].toString(), u"PASS"_s);
    QCOMPARE(step[u"username"_s].toString(), user);
    const QJsonObject info = call("GET action=query&meta=userinfo&format=json&formatversion=2");
    QCOMPARE(info[u"query"_s][u"userinfo"_s][u"name"_s].toString(), user);
}

// A used recovery code stays used when the provider restarts on the same database.
void TestDemoLogins::aRecoveryCodeWorksOnceAcrossRestarts()
{
    const QString code = account(u"Carol"_s).recoveryCodes.first();
    QCOMPARE(login(u"Carol"_s)[u"status"_s].toString(), u"UI"_s);
    QCOMPARE(proceed("newModule=recoverycodes")[u"status"_s].toString(), u"UI"_s);
    QCOMPARE(proceed("RecoveryCode=" + QUrl::toPercentEncoding(code))[u"status"_s].toString(), u"PASS"_s);

    const QString password = account(u"Carol"_s).password;
    m_provider->stop();
    LocalProviderOptions options;
    options.database = m_database;
    options.demo = true; // existing accounts are kept as they are
    options.passwordIterations = 1000;
    const Result<void> restarted = m_provider->start(options);
    QVERIFY2(restarted.ok(), qPrintable(restarted.error().toString()));

    m_network->setCookieJar(new QNetworkCookieJar);
    const QJsonObject step
        = call("action=clientlogin&format=json&formatversion=2&loginreturnurl=http%3A%2F%2F127.0.0.1%2F"
               "&username=Carol&password="
               + QUrl::toPercentEncoding(password) + "&logintoken=" + QUrl::toPercentEncoding(loginToken()))
              .value(u"clientlogin"_s)
              .toObject();
    QCOMPARE(step[u"status"_s].toString(), u"UI"_s);
    QCOMPARE(proceed("newModule=recoverycodes")[u"status"_s].toString(), u"UI"_s);
    const QJsonObject again = proceed("RecoveryCode=" + QUrl::toPercentEncoding(code));
    QCOMPARE(again[u"status"_s].toString(), u"UI"_s);
    QCOMPARE(again[u"messagecode"_s].toString(), u"oathauth-login-failed"_s);
}

QTEST_GUILESS_MAIN(TestDemoLogins)
#include "TestDemoLogins.moc"
