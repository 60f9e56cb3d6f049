// `mwauth provider grants list|revoke|revoke-all` and the revocation of `user passwd`, run as
// processes on a SQLite file. The approvals, access token rows and refresh tokens are made
// through the core's stores; every outcome is read back from the database, not only from the
// command's output.

#include "CliRunner.h"

#include "common/Clock.h"
#include "common/Random.h"
#include "provider/accounts/UserStore.h"
#include "provider/clients/AcceptanceStore.h"
#include "provider/clients/ClientStore.h"
#include "provider/db/ProviderDatabase.h"
#include "provider/oauth2/OAuthCache.h"
#include "provider/secret/ProviderSecret.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace mwauth;
using namespace mwauth::provider;

class TestCliProviderGrants : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void help();
    void list();
    void revoke();
    void revokeErrors_data();
    void revokeErrors();
    void revokeAllAsksFirst();
    void revokeAll();
    void passwdRevokes();

private:
    CliRun runGrants(const QStringList &arguments, const QByteArray &input = {});
    int count(const QString &sql, const QVariantList &values = {});
    // An approval of `user` for `client` with one OAuth 2 access token row (OAuth 2 clients)
    // and one refresh token in the cache; returns the approval's id.
    qint64 approve(ProviderDatabase &db, qint64 user, const OAuthClient &client);

    SystemClock m_clock;
    SystemRandom m_random;
    PasswordHasher m_hasher {m_random, 1000};
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_db;
    qint64 m_alice = 0;
    qint64 m_bob = 0;
    qint64 m_aliceWeb = 0;
    qint64 m_aliceTool = 0;
    qint64 m_bobWeb = 0;
};

CliRun TestCliProviderGrants::runGrants(const QStringList &arguments, const QByteArray &input)
{
    return runCli(QStringList {u"provider"_s, u"grants"_s} + arguments + QStringList {u"--db"_s, m_db},
                  input);
}

int TestCliProviderGrants::count(const QString &sql, const QVariantList &values)
{
    auto db = ProviderDatabase::open(m_db);
    if (!db)
        return -1;
    QSqlQuery query((*db)->database());
    if (!ProviderDatabase::run(query, sql, values) || !query.next())
        return -1;
    return query.value(0).toInt();
}

qint64 TestCliProviderGrants::approve(ProviderDatabase &db, qint64 user, const OAuthClient &client)
{
    AcceptanceStore acceptances(db, m_clock, m_random);
    const Result<ClientAcceptance> accepted = acceptances.accept(user, client, {u"basic"_s});
    if (!accepted)
        return 0;
    if (client.oauthVersion == 2) {
        QSqlQuery query(db.database());
        if (!ProviderDatabase::run(
                query,
                u"INSERT INTO oauth2_access_tokens (oaat_identifier, oaat_expires, "
                "oaat_acceptance_id, oaat_revoked, oaat_client_id) VALUES (?, ?, ?, 0, ?)"_s,
                {QString::fromLatin1(m_random.bytes(40).toHex()), u"29991231000000"_s, accepted->id,
                 client.id}))
            return 0;
        OAuthCache cache(db, m_clock);
        const QString id = QString::fromLatin1(m_random.bytes(20).toHex());
        if (!cache.put(u"RefreshToken:"_s + id,
                       QJsonObject {{u"identifier"_s, id},
                                    {u"client_id"_s, client.consumerKey},
                                    {u"user_id"_s, user},
                                    {u"acceptance_id"_s, accepted->id}},
                       3600))
            return 0;
    }
    return accepted->id;
}

void TestCliProviderGrants::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_db = m_dir->filePath(u"provider.sqlite"_s);
    auto db = ProviderDatabase::open(m_db);
    QVERIFY(db.ok());
    auto secret = ProviderSecret::forDatabase(m_db, m_random);
    QVERIFY(secret.ok());
    UserStore users(**db, m_hasher, m_clock);
    const Result<User> admin = users.createUser(u"Admin"_s, u"Admin-pass"_s);
    const Result<User> alice = users.createUser(u"Alice"_s, u"Alice-pass"_s);
    const Result<User> bob = users.createUser(u"Bob"_s, u"Bob-pass"_s);
    QVERIFY(admin.ok() && alice.ok() && bob.ok());
    m_alice = alice->id;
    m_bob = bob->id;
    ClientStore clients(**db, *secret, m_clock, m_random);
    const auto registerClient = [&](const QString &name, int version) {
        ClientRegistration registration;
        registration.name = name;
        registration.callbackUrl = u"https://app.example/callback"_s;
        registration.description = u"A test client"_s;
        registration.email = u"dev@example.org"_s;
        registration.oauthVersion = version;
        if (version == 2)
            registration.oauth2GrantTypes = {u"authorization_code"_s, u"refresh_token"_s};
        registration.grants = {u"basic"_s};
        registration.approved = true;
        registration.ownerId = admin->id;
        const auto issued = clients.registerClient(registration, u"Admin"_s);
        if (!issued)
            qWarning() << issued.error().toString();
        return issued ? issued->client : OAuthClient();
    };
    const OAuthClient web = registerClient(u"Web app"_s, 2);
    const OAuthClient tool = registerClient(u"OAuth 1 tool"_s, 1);
    QVERIFY(web.id > 0 && tool.id > 0);
    m_aliceWeb = approve(**db, m_alice, web);
    m_aliceTool = approve(**db, m_alice, tool);
    m_bobWeb = approve(**db, m_bob, web);
    QVERIFY(m_aliceWeb > 0 && m_aliceTool > 0 && m_bobWeb > 0);
}

void TestCliProviderGrants::cleanup()
{
    m_dir.reset();
}

void TestCliProviderGrants::help()
{
    const CliRun provider = runCli({u"provider"_s, u"--help"_s});
    QVERIFY2(provider.exitCode == 0 && provider.out.contains("grants"), provider.describe().constData());
    for (const char *command : {"list", "revoke", "revoke-all"}) {
        const CliRun help = runCli({u"provider"_s, u"grants"_s, QString::fromLatin1(command), u"--help"_s});
        QVERIFY2(help.exitCode == 0 && help.out.contains("--db"), help.describe().constData());
    }
}

void TestCliProviderGrants::list()
{
    CliRun run = runGrants({u"list"_s, u"--json"_s});
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    QCOMPARE(QJsonDocument::fromJson(run.out).array().size(), 3);

    run = runGrants({u"list"_s, u"--user"_s, u"Alice"_s, u"--json"_s});
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    const QJsonArray alice = QJsonDocument::fromJson(run.out).array();
    QCOMPARE(alice.size(), 2);
    for (const QJsonValue &grant : alice) {
        QCOMPARE(grant[u"user"_s].toString(), u"Alice"_s);
        QCOMPARE(grant[u"consumer"_s][u"publisher"_s].toString(), u"Admin"_s);
        if (grant[u"id"_s].toInteger() == m_aliceWeb) {
            QCOMPARE(grant[u"protocol"_s].toString(), u"OAuth 2.0"_s);
            QCOMPARE(grant[u"tokens"_s][u"access"_s].toInt(), 1);
            QCOMPARE(grant[u"tokens"_s][u"refresh"_s].toInt(), 1);
        } else {
            QCOMPARE(grant[u"id"_s].toInteger(), m_aliceTool);
            QCOMPARE(grant[u"protocol"_s].toString(), u"OAuth 1.0a"_s);
        }
    }
    run = runGrants({u"list"_s, u"--user"_s, u"Bob"_s});
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    QVERIFY2(run.outText().contains(u"Web app"_s) && !run.outText().contains(u"OAuth 1 tool"_s),
             run.describe().constData());

    run = runGrants({u"list"_s, u"--user"_s, u"Nobody"_s});
    CLI_VERIFY_ERROR(run, 3, u"Nobody"_s);
}

void TestCliProviderGrants::revoke()
{
    const CliRun run = runGrants({u"revoke"_s, QString::number(m_aliceWeb), u"--json"_s});
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    const QJsonObject revoked = QJsonDocument::fromJson(run.out).object();
    QCOMPARE(revoked[u"grants"_s].toArray().size(), 1);
    QCOMPARE(revoked[u"access_tokens"_s].toInt(), 1);
    QCOMPARE(revoked[u"refresh_tokens"_s].toInt(), 1);
    QCOMPARE(count(u"SELECT COUNT(*) FROM oauth_accepted_consumer WHERE oaac_id = ?"_s, {m_aliceWeb}), 0);
    QCOMPARE(
        count(
            u"SELECT COUNT(*) FROM oauth2_access_tokens WHERE oaat_acceptance_id = ? AND oaat_revoked = 0"_s,
            {m_aliceWeb}),
        0);
    // Alice's OAuth 1 approval and Bob's stay.
    QCOMPARE(count(u"SELECT COUNT(*) FROM oauth_accepted_consumer WHERE oaac_id IN (?, ?)"_s,
                   {m_aliceTool, m_bobWeb}),
             2);
    QCOMPARE(
        count(
            u"SELECT COUNT(*) FROM oauth2_access_tokens WHERE oaat_acceptance_id = ? AND oaat_revoked = 0"_s,
            {m_bobWeb}),
        1);
    QCOMPARE(count(u"SELECT COUNT(*) FROM oauth_cache WHERE oc_key LIKE 'RefreshToken:%'"_s), 1);
}

void TestCliProviderGrants::revokeErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("needle");
    QTest::newRow("no id") << QStringList {u"revoke"_s} << 2 << u"id"_s;
    QTest::newRow("not a number") << QStringList {u"revoke"_s, u"abc"_s} << 2 << u"positive number"_s;
    QTest::newRow("zero") << QStringList {u"revoke"_s, u"0"_s} << 2 << u"positive number"_s;
    QTest::newRow("unknown id") << QStringList {u"revoke"_s, u"999999"_s} << 3 << u"no approval"_s;
    QTest::newRow("revoke-all without --user")
        << QStringList {u"revoke-all"_s, u"--yes"_s} << 2 << u"--user"_s;
    QTest::newRow("revoke-all unknown user")
        << QStringList {u"revoke-all"_s, u"--user"_s, u"Nobody"_s, u"--yes"_s} << 3 << u"Nobody"_s;
}

void TestCliProviderGrants::revokeErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, needle);
    const CliRun run = runGrants(arguments);
    CLI_VERIFY_ERROR(run, exitCode, needle);
    QCOMPARE(count(u"SELECT COUNT(*) FROM oauth_accepted_consumer"_s), 3);
}

void TestCliProviderGrants::revokeAllAsksFirst()
{
    for (const QByteArray &answer : {QByteArray("no\n"), QByteArray(), QByteArray("y es\n")}) {
        const CliRun run = runGrants({u"revoke-all"_s, u"--user"_s, u"Alice"_s}, answer);
        CLI_VERIFY_ERROR(run, 1, u"nothing was revoked"_s);
        QVERIFY2(run.errText().contains(u"2 approvals of Alice"_s), run.describe().constData());
        QCOMPARE(count(u"SELECT COUNT(*) FROM oauth_accepted_consumer"_s), 3);
    }
}

void TestCliProviderGrants::revokeAll()
{
    const CliRun run = runGrants({u"revoke-all"_s, u"--user"_s, u"Alice"_s}, "yes\n");
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    QVERIFY2(run.outText().contains(u"Revoked 2 approvals (1 OAuth 1.0a access tokens), 1 OAuth 2.0 access "
                                    "tokens and 1 refresh tokens."_s),
             run.describe().constData());
    QVERIFY2(run.outText().contains(u"Web app"_s) && run.outText().contains(u"OAuth 1 tool"_s),
             run.describe().constData());
    QCOMPARE(count(u"SELECT COUNT(*) FROM oauth_accepted_consumer WHERE oaac_user_id = ?"_s, {m_alice}), 0);
    QCOMPARE(
        count(
            u"SELECT COUNT(*) FROM oauth2_access_tokens WHERE oaat_acceptance_id = ? AND oaat_revoked = 0"_s,
            {m_aliceWeb}),
        0);
    QCOMPARE(count(u"SELECT COUNT(*) FROM oauth_accepted_consumer WHERE oaac_user_id = ?"_s, {m_bob}), 1);
    QCOMPARE(count(u"SELECT COUNT(*) FROM oauth_cache WHERE oc_key LIKE 'RefreshToken:%'"_s), 1);

    // Nothing left: --yes skips the question and revokes nothing.
    const CliRun again = runGrants({u"revoke-all"_s, u"--user"_s, u"Alice"_s, u"--yes"_s, u"--json"_s});
    QVERIFY2(again.exitCode == 0, again.describe().constData());
    QCOMPARE(QJsonDocument::fromJson(again.out).object()[u"grants"_s].toArray().size(), 0);
}

void TestCliProviderGrants::passwdRevokes()
{
    const CliRun run
        = runCli({u"provider"_s, u"user"_s, u"passwd"_s, u"Alice"_s, u"--db"_s, m_db}, "Alice-new-password");
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    QVERIFY2(run.outText().contains(u"revoked 2 approvals"_s), run.describe().constData());
    QCOMPARE(count(u"SELECT COUNT(*) FROM oauth_accepted_consumer WHERE oaac_user_id = ?"_s, {m_alice}), 0);
    QCOMPARE(
        count(
            u"SELECT COUNT(*) FROM oauth2_access_tokens WHERE oaat_acceptance_id = ? AND oaat_revoked = 0"_s,
            {m_aliceWeb}),
        0);
    QCOMPARE(count(u"SELECT COUNT(*) FROM oauth_accepted_consumer WHERE oaac_user_id = ?"_s, {m_bob}), 1);
    auto db = ProviderDatabase::open(m_db);
    QVERIFY(db.ok());
    UserStore users(**db, m_hasher, m_clock);
    QVERIFY(users.checkPassword(u"Alice"_s, u"Alice-new-password"_s)->matches);

    // An empty password changes and revokes nothing.
    const CliRun empty = runCli({u"provider"_s, u"user"_s, u"passwd"_s, u"Bob"_s, u"--db"_s, m_db}, "");
    CLI_VERIFY_ERROR(empty, 3, u"empty"_s);
    QCOMPARE(count(u"SELECT COUNT(*) FROM oauth_accepted_consumer WHERE oaac_user_id = ?"_s, {m_bob}), 1);
}

QTEST_GUILESS_MAIN(TestCliProviderGrants)
#include "TestCliProviderGrants.moc"
