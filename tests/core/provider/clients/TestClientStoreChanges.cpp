// TestClientStore, part two: the changes to existing clients (stage transitions with their
// audit rows, trust, secret reset, removal with its cascades) and Consumer::isUsableBy.

#include "TestClientStore.h"

#include <QDateTime>

#include <QJsonDocument>
#include <QSqlQuery>
#include <QTest>

using namespace TestClientStoreSupport;

void TestClientStore::stageTransitions_data()
{
    QTest::addColumn<int>("from");
    QTest::addColumn<int>("action");
    QTest::addColumn<int>("to"); // -1: refused
    using A = ClientStore::StageAction;
    const int proposed = 0, approved = 1, rejected = 2, expired = 3, disabled = 4;
    const struct
    {
        A action;
        const char *name;
        QList<int> from;
        int to;
    } rules[] = {
        {A::Approve, "approve", {proposed, rejected, expired}, approved},
        {A::Reject, "reject", {proposed}, rejected},
        {A::Disable, "disable", {approved}, disabled},
        {A::Reenable, "reenable", {disabled}, approved},
    };
    for (const auto &rule : rules) {
        for (const int stage : {proposed, approved, rejected, expired, disabled}) {
            QTest::addRow("%s from %s", rule.name,
                          qPrintable(clientStageName(static_cast<ClientStage>(stage))))
                << stage << static_cast<int>(rule.action) << (rule.from.contains(stage) ? rule.to : -1);
        }
    }
}

void TestClientStore::stageTransitions()
{
    QFETCH(int, from);
    QFETCH(int, action);
    QFETCH(int, to);
    const IssuedClientCredentials issued = registered(registration());
    QSqlQuery query(m_db->database());
    QVERIFY(ProviderDatabase::run(
        query, QStringLiteral("UPDATE oauth_registered_consumer SET oarc_stage = ?"), {from}));
    m_clock.advance(3600);
    const auto stageAction = static_cast<ClientStore::StageAction>(action);
    const QString name = ClientStore::actionName(stageAction);
    const Result<OAuthClient> changed = m_store->setStage(
        issued.client.id, stageAction, QStringLiteral("Looks fine"), QStringLiteral("Steward"));
    const Result<OAuthClient> read = m_store->findById(issued.client.id);
    QVERIFY(read.ok());
    if (to < 0) {
        QVERIFY(!changed.ok());
        QCOMPARE(changed.error().code(), ErrorCode::Conflict);
        QVERIFY2(changed.error().message().contains(clientStageName(static_cast<ClientStage>(from))),
                 qPrintable(changed.error().message()));
        QCOMPARE(static_cast<int>(read->stage), from);
        QCOMPARE(read->stageTimestamp, QStringLiteral("20231114221320"));
        QVERIFY(auditRows(name).isEmpty());
        return;
    }
    QVERIFY2(changed.ok(), qPrintable(changed.error().message()));
    QCOMPARE(static_cast<int>(changed->stage), to);
    QCOMPARE(static_cast<int>(read->stage), to);
    QCOMPARE(read->stageTimestamp, QStringLiteral("20231114231320"));
    const QList<QJsonObject> audit = auditRows(name);
    QCOMPARE(audit.size(), 1);
    QCOMPARE(audit.first().value(QStringLiteral("_actor")).toString(), QStringLiteral("Steward"));
    QCOMPARE(audit.first().value(QStringLiteral("reason")).toString(), QStringLiteral("Looks fine"));
    QCOMPARE(audit.first().value(QStringLiteral("consumer")).toString(), issued.client.consumerKey);
    QCOMPARE(audit.first().value(QStringLiteral("stage")).toString(),
             clientStageName(static_cast<ClientStage>(to)));
    QCOMPARE(audit.first().value(QStringLiteral("_timestamp")).toString(), QStringLiteral("20231114231320"));
}

void TestClientStore::stageReasonTooLong()
{
    const IssuedClientCredentials issued = registered(registration());
    const Result<OAuthClient> changed = m_store->setStage(issued.client.id, ClientStore::StageAction::Approve,
                                                          QString(256, u'r'), QStringLiteral("Steward"));
    QCOMPARE(changed.error().code(), ErrorCode::InvalidInput);
    QVERIFY(changed.error().message().contains(QStringLiteral("255")));
    QCOMPARE(m_store->findById(issued.client.id)->stage, ClientStage::Proposed);
    QVERIFY(m_store
                ->setStage(issued.client.id, ClientStore::StageAction::Approve, QString(255, u'r'),
                           QStringLiteral("Steward"))
                .ok());
    QCOMPARE(m_store->setStage(424242, ClientStore::StageAction::Approve, QString(), QStringLiteral("S"))
                 .error()
                 .code(),
             ErrorCode::NotFound);
}

void TestClientStore::trusted()
{
    const IssuedClientCredentials issued = registered(registration());
    QVERIFY(!issued.client.trusted);
    QVERIFY(m_store->setTrusted(issued.client.id, true, QStringLiteral("Admin"))->trusted);
    QVERIFY(m_store->findById(issued.client.id)->trusted);
    QCOMPARE(auditRows(QStringLiteral("trust")).size(), 1);
    QVERIFY(!m_store->setTrusted(issued.client.id, false, QStringLiteral("Admin"))->trusted);
    QVERIFY(!m_store->findById(issued.client.id)->trusted);
    QCOMPARE(auditRows(QStringLiteral("untrust")).size(), 1);
    QCOMPARE(m_store->setTrusted(424242, true, QStringLiteral("Admin")).error().code(), ErrorCode::NotFound);
}

void TestClientStore::resetSecret()
{
    const IssuedClientCredentials issued = registered(registration());
    const Result<IssuedClientCredentials> reset
        = m_store->resetSecret(issued.client.id, QStringLiteral("leaked"), QStringLiteral("Owner"));
    QVERIFY2(reset.ok(), qPrintable(reset.error().message()));
    QVERIFY(reset->secret != issued.secret);
    const Result<OAuthClient> read = m_store->findById(issued.client.id);
    QCOMPARE(reset->secret, mediaWikiHmac(read->secretKey));
    QVERIFY(!m_store->verifySecret(*read, issued.secret));
    QVERIFY(m_store->verifySecret(*read, reset->secret));
    QCOMPARE(auditRows(QStringLiteral("update")).size(), 1);
    QCOMPARE(auditRows(QStringLiteral("update")).first().value(QStringLiteral("reason")).toString(),
             QStringLiteral("leaked"));

    // Not for rejected or disabled clients.
    QVERIFY(m_store->setStage(issued.client.id, ClientStore::StageAction::Reject, QString(),
                              QStringLiteral("A")));
    const Result<IssuedClientCredentials> refused
        = m_store->resetSecret(issued.client.id, QString(), QStringLiteral("Owner"));
    QCOMPARE(refused.error().code(), ErrorCode::Conflict);
    QVERIFY(refused.error().message().contains(QStringLiteral("rejected")));
}

void TestClientStore::resetSecretOwnerOnly()
{
    ClientRegistration one = registration(QStringLiteral("One"));
    one.oauthVersion = 1;
    one.ownerOnly = true;
    const IssuedClientCredentials oauth1 = registered(one);
    const Result<IssuedClientCredentials> reset1
        = m_store->resetSecret(oauth1.client.id, QString(), QStringLiteral("O"));
    QVERIFY(reset1.ok());
    QCOMPARE(reset1->acceptanceId, oauth1.acceptanceId);
    QVERIFY(reset1->accessToken != oauth1.accessToken);
    QVERIFY(reset1->accessSecret != oauth1.accessSecret);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM oauth_accepted_consumer WHERE oaac_access_token = ?"),
                   {QString::fromLatin1(reset1->accessToken)}),
             1);

    ClientRegistration two = registration(QStringLiteral("Two"));
    two.ownerOnly = true;
    two.oauth2GrantTypes = {QStringLiteral("client_credentials")};
    const IssuedClientCredentials oauth2 = registered(two);
    insertToken(QStringLiteral("jti-owner-only"), oauth2.acceptanceId, oauth2.client.id);
    insertToken(QStringLiteral("jti-other"), 0, oauth1.client.id);
    const Result<IssuedClientCredentials> reset2
        = m_store->resetSecret(oauth2.client.id, QString(), QStringLiteral("O"));
    QVERIFY(reset2.ok());
    QCOMPARE(reset2->acceptanceId, oauth2.acceptanceId);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM oauth2_access_tokens WHERE oaat_identifier = ?"),
                   {QStringLiteral("jti-owner-only")}),
             0);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM oauth2_access_tokens")), 1);
}

void TestClientStore::removeCascades()
{
    ClientRegistration r = registration();
    r.ownerOnly = true;
    r.oauth2GrantTypes = {QStringLiteral("client_credentials")};
    const IssuedClientCredentials doomed = registered(r);
    const IssuedClientCredentials kept = registered(registration(QStringLiteral("Kept")));
    // A second approval (another user) and tokens: under an approval with and without the
    // client column, a client_credentials token (acceptance 0), and one of the other client.
    QSqlQuery query(m_db->database());
    QVERIFY(ProviderDatabase::run(
        query,
        QStringLiteral("INSERT INTO oauth_accepted_consumer (oaac_wiki, oaac_user_id,"
                       " oaac_consumer_id, oaac_access_token, oaac_access_secret, oaac_grants,"
                       " oaac_accepted, oaac_oauth_version) VALUES ('testwiki', ?, ?, ?, ?,"
                       " '[]', '20231114221320', 2) RETURNING oaac_id"),
        {m_other, doomed.client.id, QStringLiteral("c").repeated(32), QStringLiteral("d").repeated(32)}));
    QVERIFY(query.next());
    const qint64 secondApproval = query.value(0).toLongLong();
    query.finish();
    insertToken(QStringLiteral("t1"), doomed.acceptanceId, doomed.client.id);
    insertToken(QStringLiteral("t2"), secondApproval, QVariant());
    insertToken(QStringLiteral("t3"), 0, doomed.client.id);
    insertToken(QStringLiteral("t4"), 0, kept.client.id);

    const Result<ClientRemoval> removed = m_store->remove(doomed.client.id, QStringLiteral("Admin"));
    QVERIFY2(removed.ok(), qPrintable(removed.error().toString()));
    QCOMPARE(removed->client.consumerKey, doomed.client.consumerKey);
    QCOMPARE(removed->approvals, 2);
    QCOMPARE(removed->accessTokens, 3);
    QCOMPARE(m_store->findById(doomed.client.id).error().code(), ErrorCode::NotFound);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM oauth_accepted_consumer")), 0);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM oauth2_access_tokens")), 1);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM oauth2_access_tokens WHERE oaat_identifier = 't4'")),
             1);
    QVERIFY(m_store->findById(kept.client.id).ok());
    const QList<QJsonObject> audit = auditRows(QStringLiteral("delete"));
    QCOMPARE(audit.size(), 1);
    QVERIFY(audit.first().value(QStringLiteral("reason")).toString().contains(QStringLiteral("2 approval")));

    QCOMPARE(m_store->remove(doomed.client.id, QStringLiteral("Admin")).error().code(), ErrorCode::NotFound);
}

void TestClientStore::foreignKeysCascade()
{
    // The database itself (not the store) removes approvals and client tokens with the
    // consumer row: SQLite needs PRAGMA foreign_keys, which ProviderDatabase switches on.
    ClientRegistration r = registration();
    r.ownerOnly = true;
    r.oauth2GrantTypes = {QStringLiteral("client_credentials")};
    const IssuedClientCredentials issued = registered(r);
    insertToken(QStringLiteral("t1"), issued.acceptanceId, issued.client.id);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM oauth_accepted_consumer")), 1);
    QSqlQuery query(m_db->database());
    QVERIFY(ProviderDatabase::run(query,
                                  QStringLiteral("DELETE FROM oauth_registered_consumer WHERE oarc_id = ?"),
                                  {issued.client.id}));
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM oauth_accepted_consumer")), 0);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM oauth2_access_tokens")), 0);
}

void TestClientStore::isUsableBy_data()
{
    QTest::addColumn<int>("stage");
    QTest::addColumn<bool>("ownerOnly");
    QTest::addColumn<bool>("deleted");
    QTest::addColumn<qint64>("idle"); // seconds since the stage changed
    QTest::addColumn<bool>("byOwner");
    QTest::addColumn<bool>("byOther");
    const qint64 age = OAuthClient::RequestExpirationAge;
    QTest::newRow("approved") << 1 << false << false << qint64(0) << true << true;
    QTest::newRow("approved owner-only") << 1 << true << false << qint64(0) << true << false;
    QTest::newRow("approved long ago") << 1 << false << false << 10 * age << true << true;
    QTest::newRow("approved, suppressed") << 1 << false << true << qint64(0) << false << false;
    QTest::newRow("proposed") << 0 << false << false << qint64(0) << true << false;
    QTest::newRow("proposed, a second before expiry") << 0 << false << false << age - 1 << true << false;
    QTest::newRow("proposed, idle 30 days: expired") << 0 << false << false << age << false << false;
    QTest::newRow("rejected") << 2 << false << false << qint64(0) << false << false;
    QTest::newRow("expired") << 3 << false << false << qint64(0) << false << false;
    QTest::newRow("disabled") << 4 << false << false << qint64(0) << false << false;
    QTest::newRow("disabled owner-only") << 4 << true << false << qint64(0) << false << false;
}

void TestClientStore::isUsableBy()
{
    QFETCH(int, stage);
    QFETCH(bool, ownerOnly);
    QFETCH(bool, deleted);
    QFETCH(qint64, idle);
    QFETCH(bool, byOwner);
    QFETCH(bool, byOther);
    const qint64 now = static_cast<qint64>(m_clock.nowSeconds());
    OAuthClient client;
    client.userId = 7;
    client.stage = static_cast<ClientStage>(stage);
    client.stageTimestamp
        = QDateTime::fromSecsSinceEpoch(now - idle, Qt::UTC).toString(QStringLiteral("yyyyMMddHHmmss"));
    client.ownerOnly = ownerOnly;
    client.deleted = deleted;
    QCOMPARE(client.isUsableBy(7, now), byOwner);
    QCOMPARE(client.isUsableBy(8, now), byOther);
    QCOMPARE(client.isUsableBy(0, now), byOther); // anonymous: only what anyone may use
    QCOMPARE(client.isUsableBySomeone(now), byOwner);
    QCOMPARE(client.stageAt(now) == ClientStage::Expired,
             stage == 3 || (stage == 0 && idle >= OAuthClient::RequestExpirationAge));
}

void TestClientStore::expireIdleProposals()
{
    const IssuedClientCredentials old = registered(registration(QStringLiteral("Old proposal")));
    m_clock.advance(OAuthClient::RequestExpirationAge - 10);
    const IssuedClientCredentials young = registered(registration(QStringLiteral("Young proposal")));
    ClientRegistration approvedRegistration = registration(QStringLiteral("Approved long ago"));
    approvedRegistration.approved = true;
    const IssuedClientCredentials approved = registered(approvedRegistration);
    m_clock.advance(9); // old: a second short of 30 days
    QCOMPARE(m_store->expireIdleProposals().valueOr(-1), 0);
    QVERIFY(m_store->isUsableBy(m_store->findById(old.client.id).valueOr({}), m_owner));
    m_clock.advance(1); // old: exactly 30 days
    QVERIFY(!m_store->isUsableBy(m_store->findById(old.client.id).valueOr({}), m_owner)); // before the write
    QCOMPARE(m_store->expireIdleProposals().valueOr(-1), 1);
    const OAuthClient expired = m_store->findById(old.client.id).valueOr({});
    QCOMPARE(expired.stage, ClientStage::Expired);
    QCOMPARE(expired.stageTimestamp,
             QDateTime::fromSecsSinceEpoch(static_cast<qint64>(m_clock.nowSeconds()), Qt::UTC)
                 .toString(QStringLiteral("yyyyMMddHHmmss")));
    QCOMPARE(m_store->findById(young.client.id).valueOr({}).stage, ClientStage::Proposed);
    m_clock.advance(10 * OAuthClient::RequestExpirationAge); // approved clients never expire
    QCOMPARE(m_store->expireIdleProposals().valueOr(-1), 1); // the young proposal
    QCOMPARE(m_store->findById(approved.client.id).valueOr({}).stage, ClientStage::Approved);
    QCOMPARE(m_store->findById(young.client.id).valueOr({}).stage, ClientStage::Expired);
    // An expired proposal can still be approved (ConsumerSubmitControl approve).
    const Result<OAuthClient> revived = m_store->setStage(old.client.id, ClientStore::StageAction::Approve,
                                                          QStringLiteral("late"), QStringLiteral("Admin"));
    QVERIFY(revived.ok());
    QCOMPARE(revived->stage, ClientStage::Approved);
}
