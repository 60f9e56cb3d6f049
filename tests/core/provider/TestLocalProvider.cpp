#include "otp/Base32.h"
#include "otp/Otp.h"
#include "otp/VirtualAuthenticator.h"
#include "otp/WebAuthnAssertion.h"
#include "otp/WebAuthnRequestOptions.h"
#include "provider/DemoData.h"
#include "provider/LocalProvider.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkCookieJar>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace mwauth;
using namespace mwauth::provider;
using namespace Qt::StringLiterals;

class TestLocalProvider : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void demoPasswords_data();
    void demoPasswords();
    void demoSecondFactors_data();
    void demoSecondFactors();
    void totpSecretsDecode();
    void seedingTwiceIsHarmless();
    void carolWebAuthnVerifies();
    void startServesAndStops();
    void demoAccountsLogIn();
    void badOptions_data();
    void badOptions();
    void demoOnFileDatabase();
    void sessionsSurviveARestart();
    void demoKeysFollowTheStoredCounter();
    void demoClients();

private:
    static LocalProviderOptions demoOnFile(const QTemporaryDir &dir);

    FixedClock m_clock {1700000000};
    SystemRandom m_random;
    PasswordHasher m_hasher {m_random, 1000};
    std::unique_ptr<ProviderDatabase> m_db;
    std::unique_ptr<UserStore> m_store;
    QList<DemoAccount> m_seeded;
};

void TestLocalProvider::init()
{
    Result<std::unique_ptr<ProviderDatabase>> db = ProviderDatabase::open(u":memory:"_s);
    QVERIFY2(db.ok(), qPrintable(db.error().toString()));
    m_db = std::move(*db);
    m_store = std::make_unique<UserStore>(*m_db, m_hasher, m_clock);
    Result<QList<DemoAccount>> seeded = DemoData::seed(*m_store);
    QVERIFY2(seeded.ok(), qPrintable(seeded.error().toString()));
    m_seeded = *seeded;
}

void TestLocalProvider::cleanup()
{
    m_store.reset();
    m_db.reset();
}

void TestLocalProvider::demoPasswords_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("password");
    // The documented passwords (DemoData.h), typed here independently of the code.
    QTest::newRow("Alice") << u"Alice"_s << u"Alice-pass-demo"_s;
    QTest::newRow("Bob") << u"Bob"_s << u"Bob-pass-demo"_s;
    QTest::newRow("Carol") << u"Carol"_s << u"Carol-pass-demo"_s;
    QTest::newRow("Dave") << u"Dave"_s << u"Dave-pass-demo"_s;
    QTest::newRow("Admin") << u"Admin"_s << u"Admin-pass-demo"_s;
}

void TestLocalProvider::demoPasswords()
{
    QFETCH(QString, name);
    QFETCH(QString, password);
    const Result<PasswordCheck> right = m_store->checkPassword(name, password);
    QVERIFY2(right.ok(), qPrintable(right.error().toString()));
    QVERIFY(right->matches);
    QCOMPARE(right->user.name, name);
    const Result<PasswordCheck> wrong = m_store->checkPassword(name, password + u'x');
    QVERIFY(wrong.ok());
    QVERIFY(!wrong->matches);
}

void TestLocalProvider::demoSecondFactors_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QStringList>("modules");
    QTest::addColumn<QStringList>("groups");
    QTest::newRow("Alice") << u"Alice"_s << QStringList {} << QStringList {};
    QTest::newRow("Bob") << u"Bob"_s << QStringList {u"totp"_s} << QStringList {};
    QTest::newRow("Carol") << u"Carol"_s << QStringList {u"recoverycodes"_s, u"totp"_s, u"webauthn"_s}
                           << QStringList {};
    QTest::newRow("Dave") << u"Dave"_s << QStringList {u"webauthn"_s} << QStringList {};
    QTest::newRow("Admin") << u"Admin"_s << QStringList {u"totp"_s} << QStringList {u"sysop"_s};
}

void TestLocalProvider::demoSecondFactors()
{
    QFETCH(QString, name);
    QFETCH(QStringList, modules);
    QFETCH(QStringList, groups);
    const Result<User> user = m_store->findUser(name);
    QVERIFY2(user.ok(), qPrintable(user.error().toString()));
    const Result<QList<TwoFactorRecord>> records = m_store->twoFactorRecords(user->id);
    QVERIFY(records.ok());
    QStringList stored;
    for (const TwoFactorRecord &record : *records)
        stored.append(record.module);
    stored.sort();
    QCOMPARE(stored, modules);
    const Result<QStringList> memberOf = m_store->groups(user->id);
    QVERIFY(memberOf.ok());
    for (const QString &group : std::as_const(groups))
        QVERIFY2(memberOf->contains(group), qPrintable(memberOf->join(u',')));
    if (groups.isEmpty())
        QVERIFY(!memberOf->contains(u"sysop"_s));

    // The record of a module holds what the account reports.
    for (const DemoAccount &account : std::as_const(m_seeded)) {
        if (account.name != name)
            continue;
        QVERIFY(account.created);
        QCOMPARE(QStringList(account.modules).count(), modules.size());
        for (const TwoFactorRecord &record : *records) {
            if (record.module == u"totp")
                QCOMPARE(record.data.value(u"secret"_s).toString(), account.totpSecret);
            if (record.module == u"recoverycodes") {
                QCOMPARE(record.data.value(u"recoverycodes"_s).toArray().size(), 10);
                QCOMPARE(record.data.value(u"recoverycodes"_s).toArray().first().toString(),
                         u"CAROL-DEMO-RC-01"_s);
            }
            if (record.module == u"webauthn") {
                // Only the public credential is stored: no private key in the database.
                const QJsonObject credential = record.data.value(u"credential"_s).toObject();
                QVERIFY(credential.contains(u"publicKey"_s));
                QVERIFY(!credential.value(u"publicKey"_s).toObject().contains(u"d"_s));
                QVERIFY(!account.webAuthnCredential.isEmpty());
            }
        }
    }
}

void TestLocalProvider::totpSecretsDecode()
{
    int withTotp = 0;
    for (const DemoAccount &account : std::as_const(m_seeded)) {
        if (account.totpSecret.isEmpty())
            continue;
        ++withTotp;
        const Result<QByteArray> secret = otp::Base32::decode(account.totpSecret.toUtf8());
        QVERIFY2(secret.ok(), qPrintable(account.name));
        QCOMPARE(secret->size(), 20); // 160 bits, RFC 4226's recommendation
    }
    QCOMPARE(withTotp, 3);
    // Secrets are fixed and distinct.
    QCOMPARE(m_seeded.at(1).totpSecret, u"BOBBOBDEMOTOTPSECRETBOBBOBDEMO22"_s);
    QVERIFY(m_seeded.at(1).totpSecret != m_seeded.at(2).totpSecret);
}

void TestLocalProvider::seedingTwiceIsHarmless()
{
    QList<qint64> recordIds;
    const Result<QList<User>> before = m_store->listUsers();
    QVERIFY(before.ok());
    QCOMPARE(before->size(), 5);
    for (const User &user : *before) {
        const Result<QList<TwoFactorRecord>> records = m_store->twoFactorRecords(user.id);
        QVERIFY(records.ok());
        for (const TwoFactorRecord &record : *records)
            recordIds.append(record.id);
    }

    const Result<QList<DemoAccount>> again = DemoData::seed(*m_store);
    QVERIFY2(again.ok(), qPrintable(again.error().toString()));
    QCOMPARE(again->size(), 5);
    for (qsizetype i = 0; i < again->size(); ++i) {
        QVERIFY(!again->at(i).created);
        // The demo keys are fixed: the same private credentials are printed again.
        QCOMPARE(again->at(i).webAuthnCredential, m_seeded.at(i).webAuthnCredential);
    }
    const Result<QList<User>> after = m_store->listUsers();
    QVERIFY(after.ok());
    QCOMPARE(after->size(), 5);
    QList<qint64> idsAfter;
    for (const User &user : *after) {
        const Result<QList<TwoFactorRecord>> records = m_store->twoFactorRecords(user.id);
        QVERIFY(records.ok());
        for (const TwoFactorRecord &record : *records)
            idsAfter.append(record.id);
    }
    QCOMPARE(idsAfter, recordIds);

    // Users of its own do not disturb the seeding.
    QVERIFY(m_store->createUser(u"Zed"_s, u"zed-password"_s).ok());
    const Result<QList<DemoAccount>> third = DemoData::seed(*m_store);
    QVERIFY(third.ok());
    QCOMPARE(m_store->listUsers()->size(), 6);
}

void TestLocalProvider::carolWebAuthnVerifies()
{
    QByteArray carolJson;
    for (const DemoAccount &account : std::as_const(m_seeded))
        if (account.name == u"Carol")
            carolJson = account.webAuthnCredential;
    QVERIFY(!carolJson.isEmpty());
    Result<otp::VirtualAuthenticator> authenticator = otp::VirtualAuthenticator::fromJson(carolJson);
    QVERIFY2(authenticator.ok(), qPrintable(authenticator.error().toString()));

    const Result<User> carol = m_store->findUser(u"Carol"_s);
    QVERIFY(carol.ok());
    const Result<QList<TwoFactorRecord>> records = m_store->twoFactorRecords(carol->id, u"webauthn"_s);
    QVERIFY(records.ok());
    QCOMPARE(records->size(), 1);
    const QByteArray stored = QJsonDocument(records->first().data.value(u"credential"_s).toObject()).toJson();
    const Result<otp::WebAuthnPublicCredential> publicCredential
        = otp::WebAuthnPublicCredential::fromJson(stored);
    QVERIFY2(publicCredential.ok(), qPrintable(publicCredential.error().toString()));
    QCOMPARE(publicCredential->rpId, u"127.0.0.1"_s);
    QCOMPARE(publicCredential->credentialId, authenticator->credentialId());

    otp::WebAuthnRequestOptions options;
    options.challenge = m_random.bytes(32);
    options.rpId = u"127.0.0.1"_s;
    options.allowCredentials = {publicCredential->credentialId};
    const QString origin = u"http://127.0.0.1:8089"_s;
    const Result<QByteArray> answer = authenticator->answer(options.toJson(), origin);
    QVERIFY2(answer.ok(), qPrintable(answer.error().toString()));

    const Result<quint32> verified = otp::WebAuthnAssertion::verify(
        *answer, options.challenge, origin, u"127.0.0.1"_s, publicCredential->publicKey, 0, false);
    QVERIFY2(verified.ok(), qPrintable(verified.error().toString()));
    QCOMPARE(*verified, 1u);

    // Dave's key is another key: his stored credential does not verify Carol's answer.
    const Result<User> dave = m_store->findUser(u"Dave"_s);
    QVERIFY(dave.ok());
    const Result<QList<TwoFactorRecord>> daveRecords = m_store->twoFactorRecords(dave->id, u"webauthn"_s);
    QVERIFY(daveRecords.ok() && daveRecords->size() == 1);
    const QByteArray daveStored
        = QJsonDocument(daveRecords->first().data.value(u"credential"_s).toObject()).toJson();
    const Result<otp::WebAuthnPublicCredential> daveCredential
        = otp::WebAuthnPublicCredential::fromJson(daveStored);
    QVERIFY(daveCredential.ok());
    const Result<quint32> wrongKey = otp::WebAuthnAssertion::verify(
        *answer, options.challenge, origin, u"127.0.0.1"_s, daveCredential->publicKey, 0, false);
    QVERIFY(!wrongKey.ok());
    QCOMPARE(wrongKey.error().code(), ErrorCode::BadSignature);
}

void TestLocalProvider::startServesAndStops()
{
    LocalProvider provider(m_clock, m_random);
    LocalProviderOptions options;
    options.demo = true;
    options.passwordIterations = 1000;
    const Result<void> started = provider.start(options);
    QVERIFY2(started.ok(), qPrintable(started.error().toString()));
    QVERIFY(provider.isRunning());
    QCOMPARE(provider.demoAccounts().size(), 5);

    const quint16 port = quint16(provider.baseUrl().port());
    QVERIFY(port > 0);
    const QString base = u"http://127.0.0.1:"_s + QString::number(port);
    QCOMPARE(provider.baseUrl().toString(), base);
    QCOMPARE(provider.issuer().toString(), base);
    QCOMPARE(provider.apiUrl().toString(), base + u"/w/api.php"_s);
    QCOMPARE(provider.restUrl().toString(), base + u"/w/rest.php"_s);
    QCOMPARE(provider.indexUrl().toString(), base + u"/w/index.php"_s);

    // A second start is refused while running.
    const Result<void> again = provider.start(options);
    QVERIFY(!again.ok());
    QCOMPARE(again.error().code(), ErrorCode::InvalidInput);

    // The server answers api.php: an unknown action gets MediaWiki's badvalue error.
    QNetworkAccessManager network;
    network.setProxy(QNetworkProxy::NoProxy);
    QUrl url = provider.apiUrl();
    url.setQuery(u"action=nosuchmodule&format=json"_s);
    std::unique_ptr<QNetworkReply> reply(network.get(QNetworkRequest(url)));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    QVERIFY(finished.wait(10000));
    const QJsonObject error = QJsonDocument::fromJson(reply->readAll()).object().value(u"error"_s).toObject();
    QCOMPARE(error.value(u"code"_s).toString(), u"badvalue"_s);

    provider.stop();
    QVERIFY(!provider.isRunning());
    QVERIFY(provider.baseUrl().isEmpty());
    QVERIFY(provider.users() == nullptr);
    QTcpServer probe;
    QVERIFY2(probe.listen(QHostAddress::LocalHost, port), "the port is still taken after stop()");
}

// The login API is installed: Alice logs in with her documented password, Bob with his
// password and a TOTP code from his documented seed, over real HTTP.
void TestLocalProvider::demoAccountsLogIn()
{
    LocalProvider provider(m_clock, m_random);
    LocalProviderOptions options;
    options.demo = true;
    options.passwordIterations = 1000;
    const Result<void> started = provider.start(options);
    QVERIFY2(started.ok(), qPrintable(started.error().toString()));

    QNetworkAccessManager network; // its default cookie jar carries the session
    network.setProxy(QNetworkProxy::NoProxy);
    const auto call = [&](const QByteArray &body) -> QJsonObject {
        QNetworkRequest request(provider.apiUrl());
        request.setHeader(QNetworkRequest::ContentTypeHeader, "application/x-www-form-urlencoded");
        std::unique_ptr<QNetworkReply> reply(
            body.startsWith("GET ") ? network.get(
                QNetworkRequest(QUrl(provider.apiUrl().toString() + u'?' + QString::fromLatin1(body.mid(4)))))
                                    : network.post(request, body));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        if (!finished.wait(10000))
            return {};
        return QJsonDocument::fromJson(reply->readAll()).object();
    };
    const auto loginToken = [&]() {
        return call("GET action=query&meta=tokens&type=login&format=json")[u"query"_s][u"tokens"_s]
                                                                          [u"logintoken"_s]
                                                                              .toString()
                                                                              .toUtf8();
    };
    const auto login = [&](const char *user, const QString &password) {
        return call("action=clientlogin&format=json&loginreturnurl=http%3A%2F%2F127.0.0.1%2F&username="
                    + QByteArray(user) + "&password=" + QUrl::toPercentEncoding(password)
                    + "&logintoken=" + QUrl::toPercentEncoding(QString::fromLatin1(loginToken())))
            .value(u"clientlogin"_s)
            .toObject();
    };
    const auto account = [&](const QString &name) {
        for (const DemoAccount &a : provider.demoAccounts()) {
            if (a.name == name)
                return a;
        }
        return DemoAccount {};
    };

    const QJsonObject alice = login("Alice", account(u"Alice"_s).password);
    QCOMPARE(alice.value(u"status"_s).toString(), u"PASS"_s);
    QCOMPARE(alice.value(u"username"_s).toString(), u"Alice"_s);

    network.setCookieJar(new QNetworkCookieJar); // a new client for Bob
    const QJsonObject bob = login("Bob", account(u"Bob"_s).password);
    QCOMPARE(bob.value(u"status"_s).toString(), u"UI"_s);
    QCOMPARE(bob.value(u"messagecode"_s).toString(), u"oathauth-auth-ui"_s);
    otp::TotpParameters totp;
    totp.secret = *otp::Base32::decode(account(u"Bob"_s).totpSecret.toLatin1());
    const QString code = *otp::totp(totp, m_clock.nowSeconds());
    const QJsonObject second
        = call("action=clientlogin&format=json&logincontinue=1&OATHToken=" + code.toLatin1()
               + "&logintoken=" + QUrl::toPercentEncoding(QString::fromLatin1(loginToken())))
              .value(u"clientlogin"_s)
              .toObject();
    QCOMPARE(second.value(u"status"_s).toString(), u"PASS"_s);
    QCOMPARE(second.value(u"username"_s).toString(), u"Bob"_s);
    provider.stop();
}

void TestLocalProvider::badOptions_data()
{
    QTest::addColumn<QString>("database");
    QTest::addColumn<QString>("scriptPath");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("needle");
    QTest::newRow("script path without slash")
        << u":memory:"_s << u"w"_s << int(ErrorCode::InvalidInput) << u"must start with '/'"_s;
    QTest::newRow("database in a missing folder")
        << u"/nonexistent-folder-of-the-test/provider.sqlite"_s << u"/w"_s << int(ErrorCode::Io)
        << u"could not be created"_s;
}

void TestLocalProvider::badOptions()
{
    QFETCH(QString, database);
    QFETCH(QString, scriptPath);
    QFETCH(int, code);
    QFETCH(QString, needle);
    LocalProvider provider(m_clock, m_random);
    LocalProviderOptions options;
    options.database = database;
    options.scriptPath = scriptPath;
    const Result<void> started = provider.start(options);
    QVERIFY(!started.ok());
    QCOMPARE(int(started.error().code()), code);
    QVERIFY(!started.error().message().isEmpty());
    QVERIFY2(started.error().message().contains(needle), qPrintable(started.error().message()));
    QVERIFY(!provider.isRunning());
    QVERIFY(provider.database() == nullptr);
}

// Demo data on a SQLite file in `dir`, with cheap password hashes.
LocalProviderOptions TestLocalProvider::demoOnFile(const QTemporaryDir &dir)
{
    LocalProviderOptions options;
    options.database = dir.filePath(u"provider.sqlite"_s);
    options.demo = true;
    options.passwordIterations = 1000;
    return options;
}

void TestLocalProvider::demoOnFileDatabase()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const LocalProviderOptions options = demoOnFile(dir);
    {
        LocalProvider first(m_clock, m_random);
        QVERIFY(first.start(options).ok());
        for (const DemoAccount &account : first.demoAccounts())
            QVERIFY(account.created);
    }
    LocalProvider second(m_clock, m_random);
    const Result<void> started = second.start(options);
    QVERIFY2(started.ok(), qPrintable(started.error().toString()));
    QCOMPARE(second.demoAccounts().size(), 5);
    for (const DemoAccount &account : second.demoAccounts())
        QVERIFY(!account.created);
    QCOMPARE(second.users()->listUsers()->size(), 5);
    const Result<PasswordCheck> check = second.users()->checkPassword(u"Bob"_s, u"Bob-pass-demo"_s);
    QVERIFY(check.ok() && check->matches);
}

// Sessions are kept in the provider database: a browser logged in before a restart is still
// logged in after it, on another port, with the same cookie.
void TestLocalProvider::sessionsSurviveARestart()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const LocalProviderOptions options = demoOnFile(dir);
    QNetworkAccessManager network;
    network.setProxy(QNetworkProxy::NoProxy);
    QByteArray sessionCookie;
    const auto call = [&](const QUrl &api, const QByteArray &query, const QByteArray &body = {}) {
        QNetworkRequest request(QUrl(api.toString() + u'?' + QString::fromLatin1(query)));
        if (!sessionCookie.isEmpty())
            request.setRawHeader("Cookie", sessionCookie);
        request.setHeader(QNetworkRequest::ContentTypeHeader, "application/x-www-form-urlencoded");
        std::unique_ptr<QNetworkReply> reply(body.isEmpty() ? network.get(request)
                                                            : network.post(request, body));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        if (!finished.wait(10000))
            return QJsonObject();
        for (const QNetworkReply::RawHeaderPair &header : reply->rawHeaderPairs()) {
            if (header.first.compare("Set-Cookie", Qt::CaseInsensitive) != 0)
                continue;
            for (const QByteArray &cookie : header.second.split('\n')) {
                if (cookie.startsWith("mwauthwiki_session="))
                    sessionCookie = cookie.left(cookie.indexOf(';'));
            }
        }
        return QJsonDocument::fromJson(reply->readAll()).object();
    };
    network.setCookieJar(nullptr);
    {
        LocalProvider first(m_clock, m_random);
        QVERIFY(first.start(options).ok());
        const QString token
            = call(
                  first.apiUrl(),
                  "action=query&meta=tokens&type=login&format=json")[u"query"_s][u"tokens"_s][u"logintoken"_s]
                  .toString();
        const QJsonObject login
            = call(first.apiUrl(), "action=clientlogin&format=json",
                   "username=Alice&password=Alice-pass-demo&loginreturnurl=http%3A%2F%2F127.0.0.1%2F"
                   "&logintoken="
                       + QUrl::toPercentEncoding(token));
        QCOMPARE(login[u"clientlogin"_s][u"status"_s].toString(), u"PASS"_s);
        QVERIFY(!sessionCookie.isEmpty());
    }
    LocalProvider second(m_clock, m_random);
    QVERIFY(second.start(options).ok());
    const QJsonObject info = call(second.apiUrl(), "action=query&meta=userinfo&format=json");
    QCOMPARE(info[u"query"_s][u"userinfo"_s][u"name"_s].toString(), u"Alice"_s);
    // The database holds a hash of the session id, never the id itself.
    QSqlQuery rows(second.database()->database());
    QVERIFY(rows.exec(u"SELECT ps_id FROM provider_session"_s));
    const QByteArray id = sessionCookie.mid(sessionCookie.indexOf('=') + 1);
    int count = 0;
    while (rows.next()) {
        ++count;
        QVERIFY(rows.value(0).toString().toLatin1() != id);
    }
    QVERIFY(count >= 1);
}

// Re-seeding an existing database prints the demo key at the counter the provider stored (so
// its next answer is accepted), and nothing for a user whose demo key was replaced.
void TestLocalProvider::demoKeysFollowTheStoredCounter()
{
    const Result<User> dave = m_store->findUser(u"Dave"_s);
    QVERIFY(dave.ok());
    const Result<QList<TwoFactorRecord>> records = m_store->twoFactorRecords(dave->id, u"webauthn"_s);
    QVERIFY(records.ok() && records->size() == 1);
    QJsonObject used = records->first().data;
    used.insert(u"signCount"_s, 7);
    QVERIFY(m_store->updateTwoFactor(dave->id, records->first().id, records->first().data, used).ok());

    const Result<QList<DemoAccount>> again = DemoData::seed(*m_store);
    QVERIFY(again.ok());
    QByteArray daveJson;
    for (const DemoAccount &account : *again) {
        if (account.name == u"Dave")
            daveJson = account.webAuthnCredential;
    }
    Result<otp::VirtualAuthenticator> key = otp::VirtualAuthenticator::fromJson(daveJson);
    QVERIFY2(key.ok(), qPrintable(key.error().toString()));
    QCOMPARE(key->signCount(), 7u);

    // Carol's key replaced by one of her own: her demo key is no longer printed.
    const Result<User> carol = m_store->findUser(u"Carol"_s);
    QVERIFY(carol.ok());
    const Result<QList<TwoFactorRecord>> carolKeys = m_store->twoFactorRecords(carol->id, u"webauthn"_s);
    QVERIFY(carolKeys.ok() && carolKeys->size() == 1);
    QVERIFY(m_store->removeTwoFactor(carol->id, carolKeys->first().id).ok());
    Result<otp::VirtualAuthenticator> own
        = otp::VirtualAuthenticator::create(m_random, u"127.0.0.1"_s, "carol");
    QVERIFY(own.ok());
    QVERIFY(
        m_store
            ->addTwoFactor(carol->id, u"webauthn"_s,
                           {{u"credential"_s, QJsonDocument::fromJson(own->publicCredentialJson()).object()},
                            {u"signCount"_s, 0}})
            .ok());
    const Result<QList<DemoAccount>> third = DemoData::seed(*m_store);
    QVERIFY(third.ok());
    for (const DemoAccount &account : *third) {
        if (account.name == u"Carol")
            QVERIFY(account.webAuthnCredential.isEmpty());
    }
}

// The demo clients: registered once, their secrets derived again on every start (so a reused
// database prints the same ones), each secret accepted by the store, public clients without one.
void TestLocalProvider::demoClients()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const LocalProviderOptions options = demoOnFile(dir);
    QList<DemoClient> first;
    {
        LocalProvider provider(m_clock, m_random);
        QVERIFY(provider.start(options).ok());
        first = provider.demoClients();
        QCOMPARE(first.size(), 6);
        for (const DemoClient &client : std::as_const(first)) {
            QVERIFY(client.created);
            const Result<OAuthClient> stored = provider.clients()->findByKey(client.clientId);
            QVERIFY2(stored.ok(), qPrintable(client.name));
            QCOMPARE(client.confidential, !client.clientSecret.isEmpty());
            if (client.confidential)
                QVERIFY(provider.clients()->verifySecret(*stored, client.clientSecret.toLatin1()));
            QCOMPARE(stored->stage == ClientStage::Approved, client.approved);
        }
        const QJsonArray json = DemoData::toJson(first);
        QCOMPARE(json.size(), 6);
        for (const QJsonValue &client : json) {
            for (const char *key : {"name", "client_id", "oauth_version", "confidential", "owner_only",
                                    "redirect_uri", "grant_types"})
                QVERIFY2(client.toObject().contains(QLatin1String(key)), key);
        }
    }
    LocalProvider again(m_clock, m_random);
    QVERIFY(again.start(options).ok());
    const QList<DemoClient> second = again.demoClients();
    QCOMPARE(second.size(), first.size());
    for (qsizetype i = 0; i < second.size(); ++i) {
        QVERIFY(!second.at(i).created);
        QCOMPARE(second.at(i).clientId, first.at(i).clientId);
        QCOMPARE(second.at(i).clientSecret, first.at(i).clientSecret);
    }
}

QTEST_GUILESS_MAIN(TestLocalProvider)
#include "TestLocalProvider.moc"
