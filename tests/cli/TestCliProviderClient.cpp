// `mwauth provider client ...`, run as processes on a SQLite file. What the commands print is
// checked against the database through the core's ClientStore (secrets verified with the
// provider secret kept beside the file), never against the command's own word alone.

#include "CliRunner.h"

#include "common/Clock.h"
#include "common/Random.h"
#include "jose/Jws.h"
#include "jose/Jwt.h"
#include "jose/KeyGenerator.h"
#include "provider/accounts/UserStore.h"
#include "provider/clients/ClientStore.h"
#include "provider/keys/SigningKeyStore.h"
#include "provider/oauth2/AccessTokens.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace mwauth;
using namespace mwauth::provider;

class TestCliProviderClient : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void help();
    void addJson();
    void addText();
    void addPublicLoopback();
    void addOwnerOnlyOAuth1();
    void addOAuth1WithKeyPrefixAndRanges();
    void addOwnerOnlyOAuth2PrintsItsToken();
    void addOwnerOnlyOAuth2WithoutIssuer();
    void addErrors_data();
    void addErrors();
    void listShowsNoSecrets();
    void stageChanges();
    void stageErrors_data();
    void stageErrors();
    void resetSecret();
    void removeSaysWhatWent();

private:
    // The test's database, opened for one check (the CLI writes in between).
    struct Store
    {
        std::unique_ptr<ProviderDatabase> db;
        std::unique_ptr<ProviderSecret> secret;
        std::unique_ptr<ClientStore> clients;
    };
    Store openStore();
    CliRun runClient(const QStringList &arguments);
    QJsonObject addJsonClient(const QStringList &arguments);
    int count(const QString &sql, const QVariantList &values = {});

    SystemClock m_clock;
    SystemRandom m_random;
    PasswordHasher m_hasher {m_random, 1000};
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_db;
};

TestCliProviderClient::Store TestCliProviderClient::openStore()
{
    Store store;
    auto db = ProviderDatabase::open(m_db);
    auto secret = ProviderSecret::forDatabase(m_db, m_random);
    if (!db || !secret) {
        qWarning("%s %s", qPrintable(db.error().toString()), qPrintable(secret.error().toString()));
        return store;
    }
    store.db = std::move(*db);
    store.secret = std::make_unique<ProviderSecret>(*secret);
    store.clients = std::make_unique<ClientStore>(*store.db, *store.secret, m_clock, m_random);
    return store;
}

CliRun TestCliProviderClient::runClient(const QStringList &arguments)
{
    return runCli(QStringList {u"provider"_s, u"client"_s} + arguments + QStringList {u"--db"_s, m_db});
}

QJsonObject TestCliProviderClient::addJsonClient(const QStringList &arguments)
{
    const CliRun run = runClient(QStringList {u"add"_s, u"--json"_s} + arguments);
    if (!run.finished || run.exitCode != 0) {
        qWarning("%s", run.describe().constData());
        return {};
    }
    return QJsonDocument::fromJson(run.out).object();
}

int TestCliProviderClient::count(const QString &sql, const QVariantList &values)
{
    Store store = openStore();
    if (!store.db)
        return -1;
    QSqlQuery query(store.db->database());
    if (!ProviderDatabase::run(query, sql, values) || !query.next())
        return -1;
    return query.value(0).toInt();
}

void TestCliProviderClient::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_db = m_dir->filePath(u"provider.sqlite"_s);
    Store store = openStore();
    QVERIFY(store.db);
    UserStore users(*store.db, m_hasher, m_clock);
    QVERIFY(users.createUser(u"Admin"_s, u"Admin-pass"_s).ok());
    QVERIFY(users.createUser(u"Alice"_s, u"Alice-pass"_s, u"alice@example.invalid"_s).ok());
}

void TestCliProviderClient::cleanup()
{
    m_dir.reset();
}

void TestCliProviderClient::help()
{
    const CliRun run = runCli({u"provider"_s, u"client"_s, u"--help"_s});
    CLI_VERIFY_RAN(run);
    QCOMPARE(run.exitCode, 0);
    for (const char *command :
         {"add", "list", "remove", "reset-secret", "approve", "reject", "disable", "reenable"})
        QVERIFY2(run.out.contains(QByteArray(QByteArray("  ") + command)), run.describe().constData());
    const CliRun provider = runCli({u"provider"_s, u"--help"_s});
    QVERIFY(provider.out.contains("  client"));
    const CliRun add = runCli({u"provider"_s, u"client"_s, u"add"_s, u"--help"_s});
    QCOMPARE(add.exitCode, 0);
    QVERIFY(add.out.contains("--redirect-uri"));
}

void TestCliProviderClient::addJson()
{
    const QJsonObject added
        = addJsonClient({u"--name"_s, u"My tool"_s, u"--redirect-uri"_s, u"https://tool.example/cb"_s,
                         u"--scope"_s, u"editpage,patrol"_s, u"--scope"_s, u"createeditmovepage"_s});
    const QString key = added.value(u"client_id"_s).toString();
    const QByteArray secret = added.value(u"client_secret"_s).toString().toLatin1();
    QVERIFY(QRegularExpression(u"^[0-9a-f]{32}$"_s).match(key).hasMatch());
    QVERIFY(QRegularExpression(u"^[0-9a-f]{40}$"_s).match(QString::fromLatin1(secret)).hasMatch());
    QCOMPARE(added.value(u"stage"_s).toString(), u"approved"_s);
    QCOMPARE(added.value(u"owner"_s).toString(), u"Admin"_s);

    Store store = openStore();
    QVERIFY(store.clients);
    const Result<OAuthClient> client = store.clients->findByKey(key);
    QVERIFY2(client.ok(), qPrintable(client.error().toString()));
    QCOMPARE(client->stage, ClientStage::Approved);
    QCOMPARE(client->oauthVersion, 2);
    QVERIFY(client->oauth2IsConfidential);
    QCOMPARE(client->callbackUrl, u"https://tool.example/cb"_s);
    QCOMPARE(client->grants, (QStringList {u"basic"_s, u"editpage"_s, u"patrol"_s, u"createeditmovepage"_s}));
    QCOMPARE(client->oauth2GrantTypes, (QStringList {u"authorization_code"_s, u"refresh_token"_s}));
    QCOMPARE(client->email, u"noreply@localhost.invalid"_s); // Admin has no address
    QVERIFY(store.clients->verifySecret(*client, secret));
    QVERIFY(!store.clients->verifySecret(*client, client->secretKey.toLatin1()));
    QVERIFY(client->secretKey.toLatin1() != secret);
    QCOMPARE(count(u"SELECT COUNT(*) FROM audit_log WHERE al_actor = 'Maintenance script'"
                   " AND al_action = 'mwoauthconsumer/propose-autoapproved'"_s),
             1);
}

void TestCliProviderClient::addText()
{
    const CliRun run = runClient({u"add"_s, u"--name"_s, u"Texty"_s, u"--redirect-uri"_s,
                                  u"https://t.example/cb"_s, u"--owner"_s, u"alice"_s, u"--trusted"_s});
    CLI_VERIFY_RAN(run);
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    QVERIFY(isReadableText(run.out));
    const QRegularExpressionMatch id
        = QRegularExpression(u"Client id: +([0-9a-f]{32})"_s).match(run.outText());
    const QRegularExpressionMatch secret
        = QRegularExpression(u"Client secret: +([0-9a-f]{40})"_s).match(run.outText());
    QVERIFY2(id.hasMatch() && secret.hasMatch(), run.describe().constData());
    QVERIFY(run.outText().contains(u"cannot be shown again"_s));
    QVERIFY(run.outText().contains(u"owned by Alice"_s));
    Store store = openStore();
    const Result<OAuthClient> client = store.clients->findByKey(id.captured(1));
    QVERIFY(client.ok());
    QVERIFY(client->trusted);
    QCOMPARE(client->email, u"alice@example.invalid"_s);
    QVERIFY(store.clients->verifySecret(*client, secret.captured(1).toLatin1()));
}

void TestCliProviderClient::addPublicLoopback()
{
    const QJsonObject added = addJsonClient(
        {u"--name"_s, u"Desktop"_s, u"--redirect-uri"_s, u"http://127.0.0.1:8766/callback"_s, u"--public"_s});
    QVERIFY(!added.isEmpty());
    QCOMPARE(added.value(u"confidential"_s).toBool(true), false);
    Store store = openStore();
    const Result<OAuthClient> client = store.clients->findByKey(added.value(u"client_id"_s).toString());
    QVERIFY(client.ok());
    QVERIFY(!client->oauth2IsConfidential);
    QCOMPARE(client->grants, QStringList {u"basic"_s});
}

void TestCliProviderClient::addOwnerOnlyOAuth1()
{
    const QJsonObject added = addJsonClient(
        {u"--name"_s, u"Bot"_s, u"--owner-only"_s, u"--oauth-version"_s, u"1"_s, u"--owner"_s, u"Alice"_s});
    const QString token = added.value(u"access_token"_s).toString();
    const QByteArray accessSecret = added.value(u"access_secret"_s).toString().toLatin1();
    QVERIFY(QRegularExpression(u"^[0-9a-f]{32}$"_s).match(token).hasMatch());
    QCOMPARE(accessSecret.size(), 40);
    Store store = openStore();
    QSqlQuery query(store.db->database());
    QVERIFY(ProviderDatabase::run(query,
                                  u"SELECT oaac_access_secret, oaac_user_id FROM oauth_accepted_consumer"
                                  " WHERE oaac_access_token = ?"_s,
                                  {token}));
    QVERIFY(query.next());
    QCOMPARE(store.secret->derive(query.value(0).toString().toLatin1()), accessSecret);
    const Result<OAuthClient> client = store.clients->findByKey(added.value(u"client_id"_s).toString());
    QVERIFY(client.ok());
    QVERIFY(client->ownerOnly);
    QCOMPARE(client->oauthVersion, 1);
    QCOMPARE(query.value(1).toLongLong(), client->userId);
}

void TestCliProviderClient::addOAuth1WithKeyPrefixAndRanges()
{
    const Result<jose::Jwk> key = jose::KeyGenerator::generate(jose::JwsAlgorithm::RS256);
    QVERIFY(key);
    const QString pemFile = m_dir->filePath(u"consumer.pub.pem"_s);
    QFile file(pemFile);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(key->toPublicPem().valueOr({}));
    file.close();
    const QJsonObject added = addJsonClient(
        {u"--name"_s, u"Old bot"_s, u"--oauth1"_s, u"--redirect-uri"_s, u"https://bot.example/oauth/"_s,
         u"--callback-prefix"_s, u"--rsa-key"_s, pemFile, u"--allowed-ip"_s, u"192.0.2.0/24,2001:db8::/32"_s,
         u"--allowed-ip"_s, u"127.0.0.1/32"_s});
    QCOMPARE(added.value(u"oauth_version"_s).toInt(), 1);
    QCOMPARE(added.value(u"stage"_s).toString(), u"approved"_s);
    QVERIFY(added.value(u"redirect_uri_is_prefix"_s).toBool());
    QVERIFY(added.value(u"rsa_key"_s).toBool());
    QCOMPARE(added.value(u"allowed_ips"_s).toArray().size(), 3);

    Store store = openStore();
    QVERIFY(store.clients);
    const Result<OAuthClient> client = store.clients->findByKey(added.value(u"client_id"_s).toString());
    QVERIFY(client);
    QCOMPARE(client->oauthVersion, 1);
    QVERIFY(client->callbackIsPrefix);
    QCOMPARE(client->rsaKey, QString::fromLatin1(key->toPublicPem().valueOr({})).trimmed());
    QCOMPARE(client->restrictions,
             u"{\"IPAddresses\":[\"192.0.2.0/24\",\"2001:db8::/32\",\"127.0.0.1/32\"]}"_s);
    QVERIFY(client->oauth2GrantTypes.isEmpty());
    // list shows the stage and the restrictions, in text and JSON.
    const CliRun list = runClient({u"list"_s});
    QCOMPARE(list.exitCode, 0);
    QVERIFY2(list.out.contains("callback prefix") && list.out.contains("RSA key")
                 && list.out.contains("IPs 192.0.2.0/24 2001:db8::/32 127.0.0.1/32"),
             list.out.constData());
    QVERIFY(list.out.contains("approved"));
}

void TestCliProviderClient::addOwnerOnlyOAuth2PrintsItsToken()
{
    const QString issuer = u"http://127.0.0.1:8089"_s;
    const QJsonObject added = addJsonClient({u"--name"_s, u"Script"_s, u"--owner-only"_s, u"--owner"_s,
                                             u"Alice"_s, u"--scope"_s, u"editpage"_s, u"--issuer"_s, issuer});
    const QByteArray jwt = added.value(u"access_token"_s).toString().toLatin1();
    QVERIFY2(jwt.count('.') == 2, jwt.constData());
    QVERIFY(!added.contains(u"access_secret"_s)); // OAuth 1 only
    Store store = openStore();
    const Result<OAuthClient> client = store.clients->findByKey(added.value(u"client_id"_s).toString());
    QVERIFY(client.ok());
    QCOMPARE(client->oauth2GrantTypes, QStringList {u"client_credentials"_s});
    // Signed with a key the provider publishes, for the owner, recorded as active.
    SigningKeyStore keys(*store.db, *store.secret, m_clock, m_random);
    const auto published = keys.publishedKeys();
    QVERIFY(published.ok());
    const auto parts = jose::Jws::parse(jwt);
    QVERIFY(parts.ok());
    QVERIFY(jose::Jws::verify(*parts, *published).ok());
    const auto decoded = jose::Jwt::decode(jwt);
    QVERIFY(decoded.ok());
    QCOMPARE(decoded->claims()[u"aud"_s].toString(), client->consumerKey);
    QCOMPARE(decoded->claims()[u"sub"_s].toString(), QString::number(client->userId));
    QCOMPARE(decoded->claims()[u"iss"_s].toString(), issuer);
    const double lifetime = decoded->claims()[u"exp"_s].toDouble() - decoded->claims()[u"iat"_s].toDouble();
    QVERIFY(lifetime > 999.0 * 365 * 86400 && lifetime < 1001.0 * 365 * 86400);
    AccessTokens tokens(*store.db, m_clock, m_random, issuer);
    const QString jti = decoded->claims()[u"jti"_s].toString();
    QCOMPARE(*tokens.state(jti), AccessTokenState::Active);
    store = {};

    // reset-secret gives a new token; the old one is gone.
    const CliRun reset = runClient(
        {u"reset-secret"_s, added.value(u"client_id"_s).toString(), u"--issuer"_s, issuer, u"--json"_s});
    CLI_VERIFY_RAN(reset);
    QVERIFY2(reset.exitCode == 0, reset.describe().constData());
    const QByteArray newJwt
        = QJsonDocument::fromJson(reset.out).object().value(u"access_token"_s).toString().toLatin1();
    QVERIFY(!newJwt.isEmpty() && newJwt != jwt);
    Store after = openStore();
    AccessTokens afterTokens(*after.db, m_clock, m_random, issuer);
    QVERIFY(*afterTokens.state(jti) != AccessTokenState::Active);
}

void TestCliProviderClient::addOwnerOnlyOAuth2WithoutIssuer()
{
    const CliRun run = runClient({u"add"_s, u"--json"_s, u"--name"_s, u"Script"_s, u"--owner-only"_s});
    CLI_VERIFY_RAN(run);
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    QVERIFY(!QJsonDocument::fromJson(run.out).object().contains(u"access_token"_s));
    QVERIFY2(run.err.contains("--issuer"), run.describe().constData());
    const CliRun bad
        = runClient({u"add"_s, u"--name"_s, u"Other"_s, u"--owner-only"_s, u"--issuer"_s, u"nonsense"_s});
    CLI_VERIFY_RAN(bad);
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains("--issuer"), bad.describe().constData());
}

void TestCliProviderClient::addErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("needle");
    const QStringList base = {u"--name"_s, u"App"_s, u"--redirect-uri"_s, u"https://app.example/cb"_s};
    QTest::newRow("no name") << QStringList {u"--redirect-uri"_s, u"https://app.example/cb"_s} << 2
                             << u"--name"_s;
    QTest::newRow("no redirect") << QStringList {u"--name"_s, u"App"_s} << 2 << u"--redirect-uri"_s;
    QTest::newRow("oauth version 3") << base + QStringList {u"--oauth-version"_s, u"3"_s} << 2
                                     << u"--oauth-version"_s;
    QTest::newRow("http redirect") << QStringList {u"--name"_s, u"App"_s, u"--redirect-uri"_s,
                                                   u"http://app.example/cb"_s}
                                   << 3 << u"callbackUrl: "_s;
    QTest::newRow("unknown scope") << base + QStringList {u"--scope"_s, u"godmode"_s} << 3
                                   << u"'godmode' is not a grant"_s;
    QTest::newRow("unknown grant type")
        << base + QStringList {u"--grant-type"_s, u"password"_s} << 3 << u"oauth2GrantTypes: "_s;
    QTest::newRow("owner-only with code")
        << QStringList {u"--name"_s, u"B"_s, u"--owner-only"_s, u"--grant-type"_s, u"authorization_code"_s}
        << 3 << u"client_credentials"_s;
    QTest::newRow("unknown owner") << base + QStringList {u"--owner"_s, u"Nobody"_s} << 3 << u"--owner"_s;
    QTest::newRow("bad email") << base + QStringList {u"--email"_s, u"nope"_s} << 3 << u"email: "_s;
    QTest::newRow("allowed-ip not CIDR")
        << base + QStringList {u"--allowed-ip"_s, u"10.0.0.1"_s} << 2 << u"'10.0.0.1' is not an IP range"_s;
    QTest::newRow("allowed-ip garbage") << base + QStringList {u"--allowed-ip"_s, u"10.0.0.0/8,nope/3"_s} << 2
                                        << u"'nope/3' is not an IP range"_s;
    QTest::newRow("rsa-key for OAuth 2")
        << base + QStringList {u"--rsa-key"_s, u"key.pem"_s} << 2 << u"--rsa-key is for OAuth 1.0a"_s;
    QTest::newRow("rsa-key missing file")
        << base + QStringList {u"--oauth1"_s, u"--rsa-key"_s, u"/nonexistent/key.pem"_s} << 3
        << u"does not exist"_s;
    QTest::newRow("rsa-key is a private key")
        << base + QStringList {u"--oauth1"_s, u"--rsa-key"_s, cliDataPath(u"oauth1-rsa-sha1-test-key.pem"_s)}
        << 3 << u"rsaKey: this is a private key"_s;
    QTest::newRow("oauth1 and version 2")
        << base + QStringList {u"--oauth1"_s, u"--oauth-version"_s, u"2"_s} << 2 << u"contradict"_s;
    QTest::newRow("name too long") << QStringList {u"--name"_s, QString(129, u'n'), u"--redirect-uri"_s,
                                                   u"https://app.example/cb"_s}
                                   << 3 << u"128 bytes"_s;
}

void TestCliProviderClient::addErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, needle);
    const CliRun run = runClient(QStringList {u"add"_s} + arguments);
    CLI_VERIFY_ERROR(run, exitCode, needle);
    QCOMPARE(count(u"SELECT COUNT(*) FROM oauth_registered_consumer"_s), 0);
}

void TestCliProviderClient::listShowsNoSecrets()
{
    const CliRun empty = runClient({u"list"_s});
    QCOMPARE(empty.exitCode, 0);
    QVERIFY(empty.out.contains("No OAuth clients"));
    const QJsonObject a
        = addJsonClient({u"--name"_s, u"A"_s, u"--redirect-uri"_s, u"https://a.example/cb"_s});
    const QJsonObject b = addJsonClient({u"--name"_s, u"B"_s, u"--owner-only"_s, u"--owner"_s, u"Alice"_s});
    QVERIFY(!a.isEmpty() && !b.isEmpty());
    QVERIFY(runClient({u"disable"_s, a.value(u"client_id"_s).toString(), u"--reason"_s, u"r"_s}).exitCode
            == 0);

    Store store = openStore();
    const QStringList secrets
        = {a.value(u"client_secret"_s).toString(), b.value(u"client_secret"_s).toString(),
           store.clients->findByKey(a.value(u"client_id"_s).toString())->secretKey,
           store.clients->findByKey(b.value(u"client_id"_s).toString())->secretKey};
    const CliRun text = runClient({u"list"_s});
    const CliRun json = runClient({u"list"_s, u"--json"_s});
    QCOMPARE(text.exitCode, 0);
    QCOMPARE(json.exitCode, 0);
    for (const QString &secret : secrets) {
        QVERIFY(!text.outText().contains(secret));
        QVERIFY(!json.outText().contains(secret));
    }
    QVERIFY(text.outText().contains(a.value(u"client_id"_s).toString() + u"  "_s));
    QVERIFY(text.outText().contains(u"[owner-only]"_s));
    const QJsonArray array = QJsonDocument::fromJson(json.out).array();
    QCOMPARE(array.size(), 2);
    QCOMPARE(array.at(0).toObject().value(u"stage"_s).toString(), u"disabled"_s);
    QCOMPARE(array.at(1).toObject().value(u"owner"_s).toString(), u"Alice"_s);
    QVERIFY(!array.at(0).toObject().contains(u"client_secret"_s));

    const CliRun disabled = runClient({u"list"_s, u"--json"_s, u"--stage"_s, u"disabled"_s});
    QCOMPARE(QJsonDocument::fromJson(disabled.out).array().size(), 1);
    CLI_VERIFY_ERROR(runClient({u"list"_s, u"--stage"_s, u"sleeping"_s}), 2, u"--stage"_s);
}

void TestCliProviderClient::stageChanges()
{
    const QJsonObject added
        = addJsonClient({u"--name"_s, u"A"_s, u"--redirect-uri"_s, u"https://a.example/cb"_s});
    const QString key = added.value(u"client_id"_s).toString();
    const QString id = QString::number(added.value(u"id"_s).toInteger());
    const auto stage = [&]() {
        Store store = openStore();
        return store.clients->findByKey(key).valueOr({}).stage;
    };
    CliRun run = runClient({u"disable"_s, key, u"--reason"_s, u"abuse"_s});
    QVERIFY2(run.exitCode == 0 && run.outText().contains(u"is now disabled"_s), run.describe().constData());
    QCOMPARE(stage(), ClientStage::Disabled);
    run = runClient({u"reenable"_s, id, u"--reason"_s, u"fixed"_s}); // the numeric id works too
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    QCOMPARE(stage(), ClientStage::Approved);
    // approve and reject need a proposed client
    CLI_VERIFY_ERROR(runClient({u"reject"_s, key, u"--reason"_s, u"x"_s}), 3,
                     u"only a client that is proposed"_s);
    CLI_VERIFY_ERROR(runClient({u"approve"_s, key, u"--reason"_s, u"x"_s}), 3, u"is approved"_s);
    QCOMPARE(stage(), ClientStage::Approved);
    QCOMPARE(count(u"SELECT COUNT(*) FROM audit_log WHERE al_action IN ('mwoauthconsumer/disable',"
                   " 'mwoauthconsumer/reenable') AND al_actor = 'Maintenance script' AND al_detail LIKE ?"_s,
                   {QString(u"%"_s + key + u"%"_s)}),
             2);
    {
        // A proposed one (as a user would have registered it) can be approved, or rejected.
        Store store = openStore();
        QSqlQuery query(store.db->database());
        QVERIFY(ProviderDatabase::run(query, u"UPDATE oauth_registered_consumer SET oarc_stage = 0"_s, {}));
    }
    run = runClient({u"reject"_s, key, u"--reason"_s, u"spam"_s});
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    QCOMPARE(stage(), ClientStage::Rejected);
    run = runClient({u"approve"_s, key, u"--reason"_s, u"appeal"_s});
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    QCOMPARE(stage(), ClientStage::Approved);
}

void TestCliProviderClient::stageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("needle");
    QTest::newRow("no reason") << QStringList {u"approve"_s, u"1"_s} << 2 << u"--reason"_s;
    QTest::newRow("no id") << QStringList {u"disable"_s, u"--reason"_s, u"r"_s} << 2 << QString();
    QTest::newRow("not an id") << QStringList {u"disable"_s, u"my-app"_s, u"--reason"_s, u"r"_s} << 2
                               << u"neither a client id"_s;
    QTest::newRow("unknown key") << QStringList {u"disable"_s, u"0123456789abcdef0123456789abcdef"_s,
                                                 u"--reason"_s, u"r"_s}
                                 << 3 << u"no OAuth client"_s;
    QTest::newRow("unknown number") << QStringList {u"remove"_s, u"4242"_s} << 3 << u"4242"_s;
    QTest::newRow("reason too long") << QStringList {u"disable"_s, u"1"_s, u"--reason"_s, QString(256, u'r')}
                                     << 3 << u"255"_s;
}

void TestCliProviderClient::stageErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, needle);
    QVERIFY(!addJsonClient({u"--name"_s, u"A"_s, u"--redirect-uri"_s, u"https://a.example/cb"_s}).isEmpty());
    const CliRun run = runClient(arguments);
    CLI_VERIFY_ERROR(run, exitCode, needle);
    QCOMPARE(count(u"SELECT oarc_stage FROM oauth_registered_consumer"_s), 1); // unchanged: approved
}

void TestCliProviderClient::resetSecret()
{
    const QJsonObject added
        = addJsonClient({u"--name"_s, u"A"_s, u"--redirect-uri"_s, u"https://a.example/cb"_s});
    const QString key = added.value(u"client_id"_s).toString();
    const CliRun run = runClient({u"reset-secret"_s, key, u"--reason"_s, u"leaked"_s, u"--json"_s});
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    const QByteArray fresh
        = QJsonDocument::fromJson(run.out).object().value(u"client_secret"_s).toString().toLatin1();
    QCOMPARE(fresh.size(), 40);
    Store store = openStore();
    const Result<OAuthClient> client = store.clients->findByKey(key);
    QVERIFY(client.ok());
    QVERIFY(store.clients->verifySecret(*client, fresh));
    QVERIFY(!store.clients->verifySecret(*client, added.value(u"client_secret"_s).toString().toLatin1()));
}

void TestCliProviderClient::removeSaysWhatWent()
{
    const QJsonObject bot = addJsonClient({u"--name"_s, u"Bot"_s, u"--owner-only"_s});
    const QJsonObject kept
        = addJsonClient({u"--name"_s, u"Kept"_s, u"--redirect-uri"_s, u"https://k.example/cb"_s});
    QVERIFY(!bot.isEmpty() && !kept.isEmpty());
    const qint64 botId = bot.value(u"id"_s).toInteger();
    const qint64 acceptance = bot.value(u"acceptance_id"_s).toInteger();
    QVERIFY(acceptance > 0);
    {
        // Tokens as the token service records them: two for the bot, one for the other client.
        Store store = openStore();
        QSqlQuery query(store.db->database());
        const QString insert
            = u"INSERT INTO oauth2_access_tokens (oaat_identifier, oaat_expires, oaat_acceptance_id,"
              " oaat_client_id) VALUES (?, 'infinity', ?, ?)"_s;
        QVERIFY(ProviderDatabase::run(query, insert, {u"j1"_s, acceptance, botId}));
        QVERIFY(ProviderDatabase::run(query, insert, {u"j2"_s, 0, botId}));
        QVERIFY(ProviderDatabase::run(query, insert, {u"j3"_s, 0, kept.value(u"id"_s).toInteger()}));
    }
    const CliRun run = runClient({u"remove"_s, bot.value(u"client_id"_s).toString()});
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    QVERIFY2(run.outText().contains(u"with 1 approval(s) and 2 access token(s)"_s),
             run.describe().constData());
    QCOMPARE(count(u"SELECT COUNT(*) FROM oauth_registered_consumer"_s), 1);
    QCOMPARE(count(u"SELECT COUNT(*) FROM oauth_accepted_consumer"_s), 0);
    QCOMPARE(count(u"SELECT COUNT(*) FROM oauth2_access_tokens"_s), 1);

    const CliRun json
        = runClient({u"remove"_s, QString::number(kept.value(u"id"_s).toInteger()), u"--json"_s});
    QVERIFY2(json.exitCode == 0, json.describe().constData());
    const QJsonObject removed = QJsonDocument::fromJson(json.out).object();
    QCOMPARE(removed.value(u"approvals"_s).toInt(-1), 0);
    QCOMPARE(removed.value(u"access_tokens"_s).toInt(-1), 1);
    QCOMPARE(count(u"SELECT COUNT(*) FROM oauth_registered_consumer"_s), 0);
    CLI_VERIFY_ERROR(runClient({u"remove"_s, bot.value(u"client_id"_s).toString()}), 3, u"no OAuth client"_s);
}

QTEST_GUILESS_MAIN(TestCliProviderClient)
#include "TestCliProviderClient.moc"
