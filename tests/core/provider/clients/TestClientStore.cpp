// ClientStore on SQLite (test_client_store) and on a throwaway PostgreSQL server
// (test_client_store_postgres, label `provider`). Secrets are checked against an HMAC-SHA1
// computed here with Qt (MediaWiki's derivation), rows are read back with plain SQL.

#include "TestClientStore.h"

#include "provider/accounts/UserStore.h"

#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QTest>

using namespace TestClientStoreSupport;

QByteArray TestClientStoreSupport::mediaWikiHmac(const QString &stored)
{
    return QMessageAuthenticationCode::hash(stored.toLatin1(), secretHex, QCryptographicHash::Sha1).toHex();
}

void TestClientStore::initTestCase()
{
    QVERIFY2(m_databases.start(), qPrintable(m_databases.errorString()));
    QCOMPARE(m_secret.hex(), secretHex);
}

void TestClientStore::init()
{
    m_clock.set(1700000000);
    const QString location = m_databases.newLocation();
    QVERIFY(!location.isEmpty());
    m_db = TestDatabase::open(location);
    QVERIFY(m_db);
    QCOMPARE(m_db->dialect(), TestDatabase::dialect());
    UserStore users(*m_db, m_hasher, m_clock);
    const Result<User> owner = users.createUser(QStringLiteral("Owner"), QStringLiteral("pw"));
    const Result<User> other = users.createUser(QStringLiteral("Other"), QStringLiteral("pw"));
    QVERIFY(owner.ok() && other.ok());
    m_owner = owner->id;
    m_other = other->id;
    ClientStoreOptions options;
    options.wikiId = QStringLiteral("testwiki");
    m_store = std::make_unique<ClientStore>(*m_db, m_secret, m_clock, m_random, options);
}

void TestClientStore::cleanup()
{
    m_store.reset();
    m_db.reset();
}

void TestClientStore::cleanupTestCase()
{
    m_databases.stop();
}

ClientRegistration TestClientStore::registration(const QString &name) const
{
    ClientRegistration r;
    r.name = name;
    r.description = QStringLiteral("A test client");
    r.callbackUrl = QStringLiteral("https://app.example.org/callback");
    r.email = QStringLiteral("owner@example.invalid");
    r.ownerId = m_owner;
    r.oauth2GrantTypes = {QStringLiteral("authorization_code"), QStringLiteral("refresh_token")};
    r.grants = {QStringLiteral("editpage")};
    return r;
}

IssuedClientCredentials TestClientStore::registered(const ClientRegistration &r)
{
    const Result<IssuedClientCredentials> issued = m_store->registerClient(r, QStringLiteral("Admin"));
    if (!issued) {
        qWarning("%s", qPrintable(issued.error().toString()));
        return {};
    }
    return *issued;
}

int TestClientStore::count(const QString &sql, const QVariantList &values)
{
    QSqlQuery query(m_db->database());
    if (!ProviderDatabase::run(query, sql, values) || !query.next()) {
        qWarning("%s", qPrintable(query.lastError().text()));
        return -1;
    }
    return query.value(0).toInt();
}

QList<QJsonObject> TestClientStore::auditRows(const QString &action)
{
    QSqlQuery query(m_db->database());
    QList<QJsonObject> rows;
    if (!ProviderDatabase::run(query,
                               QStringLiteral("SELECT al_timestamp, al_actor, al_detail FROM audit_log"
                                              " WHERE al_action = ? ORDER BY al_id"),
                               {QString(QStringLiteral("mwoauthconsumer/") + action)}))
        return rows;
    while (query.next()) {
        QJsonObject row = QJsonDocument::fromJson(query.value(2).toString().toUtf8()).object();
        row.insert(QStringLiteral("_timestamp"), query.value(0).toString());
        row.insert(QStringLiteral("_actor"), query.value(1).toString());
        rows << row;
    }
    return rows;
}

void TestClientStore::insertToken(const QString &jti, qint64 acceptanceId, const QVariant &clientId)
{
    QSqlQuery query(m_db->database());
    QVERIFY2(ProviderDatabase::run(
                 query,
                 QStringLiteral("INSERT INTO oauth2_access_tokens (oaat_identifier, oaat_expires,"
                                " oaat_acceptance_id, oaat_client_id) VALUES (?, ?, ?, ?)"),
                 {jti, QStringLiteral("20991231000000"), acceptanceId, clientId}),
             qPrintable(query.lastError().text()));
}

void TestClientStore::registerProposed()
{
    const IssuedClientCredentials issued = registered(registration());
    const OAuthClient &c = issued.client;
    QVERIFY(c.id > 0);
    QVERIFY(QRegularExpression(QStringLiteral("^[0-9a-f]{32}$")).match(c.consumerKey).hasMatch());
    QCOMPARE(c.stage, ClientStage::Proposed);
    QCOMPARE(c.registration, QStringLiteral("20231114221320"));
    QCOMPARE(c.stageTimestamp, QStringLiteral("20231114221320"));
    QCOMPARE(c.grants, (QStringList {QStringLiteral("basic"), QStringLiteral("editpage")}));
    QCOMPARE(c.restrictions, ClientRegistration::defaultRestrictions());
    QCOMPARE(issued.acceptanceId, 0);
    QVERIFY(issued.accessToken.isEmpty());

    // The secret is MediaWiki's HMAC-SHA1 of the stored key; the stored key is not the secret.
    QVERIFY(QRegularExpression(QStringLiteral("^[0-9a-f]{32}$")).match(c.secretKey).hasMatch());
    QCOMPARE(issued.secret, mediaWikiHmac(c.secretKey));
    QCOMPARE(issued.secret.size(), 40);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM oauth_registered_consumer WHERE oarc_secret_key = ?"),
                   {QString::fromLatin1(issued.secret)}),
             0);

    // What the row holds, as MediaWiki writes it: basic as useoauth, grant types as JSON.
    QSqlQuery query(m_db->database());
    QVERIFY(
        ProviderDatabase::run(query,
                              QStringLiteral("SELECT oarc_grants, oarc_oauth2_allowed_grants, oarc_stage,"
                                             " oarc_callback_is_prefix, oarc_oauth_version, oarc_wiki"
                                             " FROM oauth_registered_consumer WHERE oarc_consumer_key = ?"),
                              {c.consumerKey}));
    QVERIFY(query.next());
    QCOMPARE(query.value(0).toString(), QStringLiteral("[\"useoauth\",\"editpage\"]"));
    QCOMPARE(query.value(1).toString(), QStringLiteral("[\"authorization_code\",\"refresh_token\"]"));
    QCOMPARE(query.value(2).toInt(), 0);
    QCOMPARE(query.value(3).toString(), QStringLiteral("0"));
    QCOMPARE(query.value(4).toInt(), 2);
    QCOMPARE(query.value(5).toString(), QStringLiteral("*"));

    const QList<QJsonObject> audit = auditRows(QStringLiteral("propose"));
    QCOMPARE(audit.size(), 1);
    QCOMPARE(audit.first().value(QStringLiteral("consumer")).toString(), c.consumerKey);
    QCOMPARE(audit.first().value(QStringLiteral("_actor")).toString(), QStringLiteral("Admin"));
    QCOMPARE(audit.first().value(QStringLiteral("_timestamp")).toString(), QStringLiteral("20231114221320"));
    // No secret in the log.
    QCOMPARE(
        count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE al_detail LIKE ? OR al_detail LIKE ?"),
              {QString(QStringLiteral("%") + QString::fromLatin1(issued.secret) + QStringLiteral("%")),
               QString(QStringLiteral("%") + c.secretKey + QStringLiteral("%"))}),
        0);
}

void TestClientStore::registerApprovedByAdmin()
{
    ClientRegistration r = registration();
    r.approved = true;
    r.trusted = true;
    r.oauth2IsConfidential = false;
    r.callbackUrl = QStringLiteral("http://127.0.0.1:8766/callback");
    const IssuedClientCredentials issued = registered(r);
    QCOMPARE(issued.client.stage, ClientStage::Approved);
    QVERIFY(issued.client.trusted);
    QVERIFY(!issued.client.oauth2IsConfidential);
    QCOMPARE(auditRows(QStringLiteral("propose-autoapproved")).size(), 1);
    const Result<OAuthClient> read = m_store->findById(issued.client.id);
    QVERIFY(read.ok());
    QVERIFY(read->trusted);
    QVERIFY(!read->oauth2IsConfidential);
    QCOMPARE(read->callbackUrl, r.callbackUrl);
}

void TestClientStore::secretVerification_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("the secret") << 0 << true;
    QTest::newRow("upper case") << 1 << false;
    QTest::newRow("one digit changed") << 2 << false;
    QTest::newRow("the stored key") << 3 << false;
    QTest::newRow("prefix") << 4 << false;
    QTest::newRow("empty") << 5 << false;
    QTest::newRow("another client's secret") << 6 << false;
}

void TestClientStore::secretVerification()
{
    QFETCH(int, kind);
    QFETCH(bool, accepted);
    const IssuedClientCredentials a = registered(registration(QStringLiteral("A")));
    const IssuedClientCredentials b = registered(registration(QStringLiteral("B")));
    QByteArray presented = a.secret;
    switch (kind) {
    case 1:
        presented = presented.toUpper();
        break;
    case 2:
        presented[5] = presented.at(5) == '0' ? '1' : '0';
        break;
    case 3:
        presented = a.client.secretKey.toLatin1();
        break;
    case 4:
        presented.chop(1);
        break;
    case 5:
        presented.clear();
        break;
    case 6:
        presented = b.secret;
        break;
    default:
        break;
    }
    QCOMPARE(m_store->verifySecret(a.client, presented), accepted);
    const Result<OAuthClient> reread = m_store->findByKey(a.client.consumerKey);
    QVERIFY(reread.ok());
    QCOMPARE(m_store->verifySecret(*reread, presented), accepted);
}

void TestClientStore::ownerOnlyOAuth1()
{
    ClientRegistration r = registration();
    r.oauthVersion = 1;
    r.ownerOnly = true;
    r.callbackUrl.clear();
    r.grants = {QStringLiteral("mwoauth-authonly"), QStringLiteral("editpage")};
    const IssuedClientCredentials issued = registered(r);
    QCOMPARE(issued.client.stage, ClientStage::Approved);
    QCOMPARE(issued.client.callbackUrl, QStringLiteral("/w/index.php?title=Special:OAuth/verified"));
    QCOMPARE(issued.client.grants, QStringList {QStringLiteral("mwoauth-authonly")});
    QVERIFY(issued.client.oauth2GrantTypes.isEmpty());
    QVERIFY(issued.acceptanceId > 0);
    QVERIFY(QRegularExpression(QStringLiteral("^[0-9a-f]{32}$"))
                .match(QString::fromLatin1(issued.accessToken))
                .hasMatch());

    QSqlQuery query(m_db->database());
    QVERIFY(ProviderDatabase::run(
        query,
        QStringLiteral("SELECT oaac_access_token, oaac_access_secret, oaac_user_id, oaac_wiki,"
                       " oaac_grants, oaac_oauth_version FROM oauth_accepted_consumer"
                       " WHERE oaac_id = ?"),
        {issued.acceptanceId}));
    QVERIFY(query.next());
    QCOMPARE(query.value(0).toString().toLatin1(), issued.accessToken);
    const QString storedSecret = query.value(1).toString();
    QCOMPARE(issued.accessSecret, mediaWikiHmac(storedSecret));
    QVERIFY(storedSecret.toLatin1() != issued.accessSecret);
    QCOMPARE(query.value(2).toLongLong(), m_owner);
    QCOMPARE(query.value(3).toString(), QStringLiteral("*")); // the client's wiki
    QCOMPARE(query.value(4).toString(), QStringLiteral("[\"authonly\"]"));
    QCOMPARE(query.value(5).toInt(), 1);
    QCOMPARE(auditRows(QStringLiteral("create-owner-only")).size(), 1);
}

void TestClientStore::ownerOnlyOAuth2()
{
    ClientRegistration r = registration();
    r.ownerOnly = true;
    r.oauth2GrantTypes = {QStringLiteral("client_credentials")};
    const IssuedClientCredentials issued = registered(r);
    QCOMPARE(issued.client.stage, ClientStage::Approved);
    QVERIFY(issued.acceptanceId > 0);
    QVERIFY(issued.accessToken.isEmpty()); // the token service issues it
    QVERIFY(issued.accessSecret.isEmpty());
    const Result<QList<ClientAcceptance>> approvals = m_store->acceptances(issued.client.id);
    QVERIFY(approvals.ok());
    QCOMPARE(approvals->size(), 1);
    QCOMPARE(approvals->first().id, issued.acceptanceId);
    QCOMPARE(approvals->first().userId, m_owner);
    QCOMPARE(approvals->first().oauthVersion, 2);
    QCOMPARE(approvals->first().grants, (QStringList {QStringLiteral("basic"), QStringLiteral("editpage")}));
}

void TestClientStore::registrationErrors()
{
    QVERIFY(registered(registration()).client.id > 0);
    // The same name and version again.
    Result<IssuedClientCredentials> again = m_store->registerClient(registration(), QStringLiteral("Admin"));
    QVERIFY(!again.ok());
    QCOMPARE(again.error().code(), ErrorCode::Conflict);
    QVERIFY2(again.error().message().contains(QStringLiteral("'App' with version 1.0")),
             qPrintable(again.error().message()));
    // A new version is fine; so is the same name for another owner.
    ClientRegistration v2 = registration();
    v2.version = QStringLiteral("2.0");
    QVERIFY(registered(v2).client.id > 0);
    ClientRegistration other = registration();
    other.ownerId = m_other;
    QVERIFY(registered(other).client.id > 0);
    // No such owner.
    ClientRegistration nobody = registration(QStringLiteral("Orphan"));
    nobody.ownerId = 999999;
    again = m_store->registerClient(nobody, QStringLiteral("Admin"));
    QCOMPARE(again.error().code(), ErrorCode::NotFound);
    QVERIFY(again.error().message().contains(QStringLiteral("999999")));
    // Invalid input does not reach the database.
    ClientRegistration bad = registration(QStringLiteral("Bad"));
    bad.callbackUrl = QStringLiteral("http://evil.example/cb");
    again = m_store->registerClient(bad, QStringLiteral("Admin"));
    QCOMPARE(again.error().code(), ErrorCode::InvalidInput);
    QVERIFY(again.error().message().startsWith(QStringLiteral("callbackUrl: ")));
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM oauth_registered_consumer")), 3);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM audit_log")), 3);
}

void TestClientStore::findAndList()
{
    const qint64 first = registered(registration(QStringLiteral("First"))).client.id;
    m_clock.advance(60);
    ClientRegistration approved = registration(QStringLiteral("Second"));
    approved.approved = true;
    const qint64 second = registered(approved).client.id;
    ClientRegistration others = registration(QStringLiteral("Third"));
    others.ownerId = m_other;
    const IssuedClientCredentials third = registered(others);

    const Result<OAuthClient> byKey = m_store->findByKey(third.client.consumerKey);
    QVERIFY(byKey.ok());
    QCOMPARE(byKey->id, third.client.id);
    QCOMPARE(byKey->name, QStringLiteral("Third"));
    const Result<OAuthClient> missing
        = m_store->findByKey(QStringLiteral("0123456789abcdef0123456789abcdef"));
    QCOMPARE(missing.error().code(), ErrorCode::NotFound);
    QVERIFY(missing.error().message().contains(QStringLiteral("0123456789abcdef0123456789abcdef")));
    QCOMPARE(m_store->findById(424242).error().code(), ErrorCode::NotFound);

    const Result<QList<OAuthClient>> mine = m_store->listByOwner(m_owner);
    QVERIFY(mine.ok());
    QCOMPARE(mine->size(), 2);
    QCOMPARE(mine->at(0).id, second); // newest first
    QCOMPARE(mine->at(1).id, first);
    QCOMPARE(m_store->listAll()->size(), 3);
    const Result<QList<OAuthClient>> proposed = m_store->listAll(ClientStage::Proposed);
    QCOMPARE(proposed->size(), 2);
    QCOMPARE(m_store->listAll(ClientStage::Approved)->size(), 1);
    QCOMPARE(m_store->listAll(ClientStage::Approved)->first().id, second);
    QVERIFY(m_store->listAll(ClientStage::Disabled)->isEmpty());
}

void TestClientStore::readsMediaWikiRows()
{
    // A row as MediaWiki may have written it: grants as a PHP object with gaps and the
    // back-compat names, an empty callback-is-prefix, OAuth 1 without grant types.
    QSqlQuery query(m_db->database());
    QVERIFY2(
        ProviderDatabase::run(
            query,
            QStringLiteral(
                "INSERT INTO oauth_registered_consumer (oarc_consumer_key, oarc_name, oarc_user_id,"
                " oarc_version, oarc_callback_url, oarc_callback_is_prefix, oarc_description,"
                " oarc_email, oarc_wiki, oarc_grants, oarc_registration, oarc_secret_key,"
                " oarc_restrictions, oarc_stage, oarc_stage_timestamp, oarc_oauth_version)"
                " VALUES (?, 'Old', ?, '1.0', 'https://old.example/cb', '', '', 'a@b.c', '*', ?,"
                " '20200101000000', ?, '{}', 1, '20200101000000', 1)"),
            {QStringLiteral("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), m_owner,
             QStringLiteral("{\"0\":\"useoauth\",\"2\":\"editpage\"}"), QStringLiteral("b").repeated(32)}),
        qPrintable(query.lastError().text()));
    const Result<OAuthClient> old = m_store->findByKey(QStringLiteral("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
    QVERIFY2(old.ok(), qPrintable(old.error().toString()));
    QCOMPARE(old->grants, (QStringList {QStringLiteral("basic"), QStringLiteral("editpage")}));
    QVERIFY(!old->callbackIsPrefix);
    QCOMPARE(old->oauthVersion, 1);
    QVERIFY(old->oauth2GrantTypes.isEmpty());
    QCOMPARE(old->stage, ClientStage::Approved);
    QVERIFY(m_store->verifySecret(*old, mediaWikiHmac(QStringLiteral("b").repeated(32))));
}

QTEST_GUILESS_MAIN(TestClientStore)
