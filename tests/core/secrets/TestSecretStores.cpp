// SecretRef keys, the asynchronous contract of the stores, and the index kept by
// IndexedSecretStore (on MemorySecretStore; the keychain is TestKeychainSecretStore's).

#include "SecretTestSupport.h"

#include "profiles/AppDatabase.h"
#include "secrets/MemorySecretStore.h"
#include "secrets/SecretIndex.h"

#include <QSqlDatabase>
#include <QSqlQuery>

using namespace mwauth;
using namespace mwauth::secrets;
using namespace mwauth::secrets::test;
using namespace Qt::StringLiterals;

class TestSecretStores : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void keyFormat();
    void kindNames();
    void badRefs_data();
    void badRefs();
    void badKeys_data();
    void badKeys();
    void finishedIsAlwaysLater();
    void indexFollowsWritesAndRemovals();
    void indexFailureWritesNothing();
    void forgetOnlyThatProfile();
};

void TestSecretStores::keyFormat()
{
    const SecretRef ref {u"a1b2"_s, SecretKind::RefreshToken, u"client:with:colons"_s};
    QCOMPARE(ref.key(), u"mwauth:a1b2:refresh-token:client:with:colons"_s);
    const Result<SecretRef> back = SecretRef::fromKey(ref.key());
    QVERIFY(back.ok());
    QCOMPARE(*back, ref);
}

void TestSecretStores::kindNames()
{
    const QList<SecretKind> kinds = allSecretKinds();
    QCOMPARE(kinds.size(), 8);
    QStringList names;
    for (const SecretKind kind : kinds) {
        names << secretKindName(kind);
        QCOMPARE(secretKindFromName(names.last()), std::optional<SecretKind>(kind));
    }
    QCOMPARE(names,
             QStringList({u"client-secret"_s, u"rsa-private-key"_s, u"access-token"_s, u"refresh-token"_s,
                          u"owner-only-token"_s, u"totp-seed"_s, u"webauthn-credential"_s, u"password"_s}));
    QVERIFY(!secretKindFromName(u"Password"_s));
}

void TestSecretStores::badRefs_data()
{
    QTest::addColumn<QString>("profile");
    QTest::addColumn<QString>("id");
    QTest::newRow("empty profile") << QString() << u"x"_s;
    QTest::newRow("colon in profile") << u"a:b"_s << u"x"_s;
    QTest::newRow("space in profile") << u"a b"_s << u"x"_s;
    QTest::newRow("long profile") << QString(65, u'a') << u"x"_s;
    QTest::newRow("empty id") << u"p"_s << QString();
    QTest::newRow("long id") << u"p"_s << QString(257, u'i');
    QTest::newRow("newline in id") << u"p"_s << u"a\nb"_s;
    QTest::newRow("NUL in id") << u"p"_s << QString(QChar(0));
}

void TestSecretStores::badRefs()
{
    QFETCH(QString, profile);
    QFETCH(QString, id);
    const SecretRef ref {profile, SecretKind::Password, id};
    const Result<void> valid = ref.validate();
    QVERIFY(!valid.ok());
    QCOMPARE(valid.error().code(), ErrorCode::InvalidInput);
    MemorySecretStore store;
    const Outcome outcome = waitFor(store.write(ref, "x"));
    QCOMPARE(outcome.failure, SecretFailure::InvalidRef);
    QCOMPARE(store.size(), 0);
}

void TestSecretStores::badKeys_data()
{
    QTest::addColumn<QString>("key");
    QTest::newRow("no prefix") << u"other:p:password:x"_s;
    QTest::newRow("too few parts") << u"mwauth:p:password"_s;
    QTest::newRow("unknown kind") << u"mwauth:p:cookie:x"_s;
    QTest::newRow("empty id") << u"mwauth:p:password:"_s;
    QTest::newRow("empty") << QString();
}

void TestSecretStores::badKeys()
{
    QFETCH(QString, key);
    const Result<SecretRef> ref = SecretRef::fromKey(key);
    QVERIFY(!ref.ok());
    QCOMPARE(ref.error().code(), ErrorCode::InvalidInput);
}

void TestSecretStores::finishedIsAlwaysLater()
{
    MemorySecretStore store;
    bool emittedDuringCall = false;
    bool inCall = true;
    SecretJob *job = store.write({u"p"_s, SecretKind::Password, u"alice"_s}, "pw");
    connect(job, &SecretJob::finished, this, [&] { emittedDuringCall = inCall; });
    inCall = false;
    QSignalSpy spy(job, &SecretJob::finished);
    QVERIFY(spy.wait(5000));
    QCOMPARE(spy.size(), 1);
    QVERIFY(!emittedDuringCall);
    // Failures are reported later too.
    SecretJob *missing = store.read({u"p"_s, SecretKind::Password, u"bob"_s});
    QSignalSpy missingSpy(missing, &SecretJob::finished);
    QCOMPARE(missingSpy.size(), 0);
    QVERIFY(missingSpy.wait(5000));
}

void TestSecretStores::indexFollowsWritesAndRemovals()
{
    auto db = profiles::AppDatabase::open(u":memory:"_s);
    QVERIFY(db.ok());
    SecretIndex index((*db)->connectionName());
    MemorySecretStore memory;
    IndexedSecretStore store(memory, index);
    const SecretRef a {u"p1"_s, SecretKind::ClientSecret, u"app"_s};
    const SecretRef b {u"p1"_s, SecretKind::AccessToken, u"alice"_s};
    QVERIFY(waitFor(store.write(a, "s1")).ok);
    QVERIFY(waitFor(store.write(b, "t1")).ok);
    QVERIFY(waitFor(store.write(b, "t2")).ok); // indexed once
    QCOMPARE(*index.refs(u"p1"_s), QList<SecretRef>({b, a}));
    QCOMPARE(waitFor(store.read(b)).secret, QByteArray("t2"));
    QVERIFY(waitFor(store.remove(a)).ok);
    QCOMPARE(*index.refs(u"p1"_s), QList<SecretRef>({b}));
    // A secret gone from the backend leaves the index on removal too.
    QVERIFY(waitFor(memory.remove(b)).ok);
    QVERIFY(waitFor(store.remove(b)).ok);
    QVERIFY(index.refs(u"p1"_s)->isEmpty());
    // The index holds references only.
    QSqlQuery q((*db)->database());
    QVERIFY(q.exec(u"SELECT * FROM secret_index"_s));
    QVERIFY(!q.next());
}

void TestSecretStores::indexFailureWritesNothing()
{
    auto db = profiles::AppDatabase::open(u":memory:"_s);
    QVERIFY(db.ok());
    QSqlQuery q((*db)->database());
    QVERIFY(q.exec(u"DROP TABLE secret_index"_s));
    SecretIndex index((*db)->connectionName());
    MemorySecretStore memory;
    IndexedSecretStore store(memory, index);
    const Outcome outcome = waitFor(store.write({u"p1"_s, SecretKind::Password, u"alice"_s}, "pw"));
    QCOMPARE(outcome.failure, SecretFailure::Index);
    QCOMPARE(outcome.error.code(), ErrorCode::Database);
    QCOMPARE(memory.size(), 0); // an unindexed secret could never be forgotten: not written
    const ForgetResult forget = waitFor(store.forgetProfile(u"p1"_s));
    QVERIFY(!forget.ok());
    QCOMPARE(forget.indexError.code(), ErrorCode::Database);
}

void TestSecretStores::forgetOnlyThatProfile()
{
    auto db = profiles::AppDatabase::open(u":memory:"_s);
    QVERIFY(db.ok());
    SecretIndex index((*db)->connectionName());
    MemorySecretStore memory;
    IndexedSecretStore store(memory, index);
    for (const QString &profile : {u"p1"_s, u"p2"_s}) {
        for (const SecretKind kind : allSecretKinds())
            QVERIFY(waitFor(store.write({profile, kind, u"id"_s}, sampleSecret(profile, kind))).ok);
    }
    QCOMPARE(memory.size(), 16);
    const ForgetResult result = waitFor(store.forgetProfile(u"p1"_s));
    QVERIFY(result.ok());
    QCOMPARE(result.removed.size(), 8);
    QCOMPARE(memory.size(), 8);
    for (const SecretKind kind : allSecretKinds()) {
        QCOMPARE(waitFor(memory.read({u"p1"_s, kind, u"id"_s})).failure, SecretFailure::NotFound);
        QCOMPARE(waitFor(memory.read({u"p2"_s, kind, u"id"_s})).secret, sampleSecret(u"p2"_s, kind));
    }
}

QTEST_GUILESS_MAIN(TestSecretStores)
#include "TestSecretStores.moc"
