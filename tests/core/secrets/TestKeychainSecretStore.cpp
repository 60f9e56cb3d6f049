// Against a real Secret Service: gnome-keyring-daemon on a private D-Bus session bus, started
// by tests/keychain-session.sh (the ctest launcher of this test).

#include "SecretTestSupport.h"

#include "profiles/AppDatabase.h"
#include "profiles/ProfileStore.h"
#include "secrets/KeychainSecretStore.h"
#include "secrets/MemorySecretStore.h"
#include "secrets/SecretIndex.h"

#include <QCoreApplication>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QSettings>
#include <QStandardPaths>

using namespace mwauth;
using namespace mwauth::secrets;
using namespace mwauth::secrets::test;
using namespace Qt::StringLiterals;

class TestKeychainSecretStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void everyKindRoundTrip();
    void overwriteReplaces();
    void invalidRefTouchesNothing();
    void checkAvailability();
    void forgetProfileRemovesOnlyItsSecrets();
    void noSecretOnDisk();
    // Last: it locks the collection for the rest of the session.
    void lockedCollection();

private:
    QString m_home;
};

void TestKeychainSecretStore::initTestCase()
{
    m_home = qEnvironmentVariable("MWAUTH_KEYCHAIN_HOME");
    QVERIFY2(!m_home.isEmpty(), "run under tests/keychain-session.sh (ctest does)");
    QVERIFY(QDir::homePath() == m_home);
    QCoreApplication::setOrganizationName(u"mwauth"_s);
    QCoreApplication::setApplicationName(u"mwauth-keychain-test"_s);
}

void TestKeychainSecretStore::everyKindRoundTrip()
{
    KeychainSecretStore store;
    QVERIFY(store.isPersistent());
    for (const SecretKind kind : allSecretKinds()) {
        const SecretRef ref {u"roundtrip"_s, kind, u"client:1 \u00e9"_s};
        const QByteArray value = sampleSecret(u"roundtrip"_s, kind);
        const Outcome written = waitFor(store.write(ref, value));
        QVERIFY2(written.ok, qPrintable(written.error.toString()));
        QCOMPARE(written.emissions, 1);
        const Outcome read = waitFor(store.read(ref));
        QVERIFY2(read.ok, qPrintable(read.error.toString()));
        QCOMPARE(read.secret, value);
        const Outcome removed = waitFor(store.remove(ref));
        QVERIFY2(removed.ok, qPrintable(removed.error.toString()));
        const Outcome gone = waitFor(store.read(ref));
        QVERIFY(!gone.ok);
        QCOMPARE(gone.failure, SecretFailure::NotFound);
        QCOMPARE(gone.error.code(), ErrorCode::NotFound);
        QVERIFY(gone.error.message().contains(secretKindName(kind)));
        // Removing what is not there is not an error (the Secret Service does not tell).
        QVERIFY(waitFor(store.remove(ref)).ok);
    }
}

void TestKeychainSecretStore::overwriteReplaces()
{
    KeychainSecretStore store;
    const SecretRef ref {u"overwrite"_s, SecretKind::AccessToken, u"alice"_s};
    QVERIFY(waitFor(store.write(ref, "first")).ok);
    QVERIFY(waitFor(store.write(ref, "second")).ok);
    QCOMPARE(waitFor(store.read(ref)).secret, QByteArray("second"));
    // Another service name is another namespace: it does not see the item.
    KeychainSecretStore other(u"org.mwauth.Other"_s);
    QCOMPARE(waitFor(other.read(ref)).failure, SecretFailure::NotFound);
    QVERIFY(waitFor(store.remove(ref)).ok);
}

void TestKeychainSecretStore::invalidRefTouchesNothing()
{
    KeychainSecretStore store;
    const SecretRef bad {u"has:colon"_s, SecretKind::Password, u"x"_s};
    const Outcome outcome = waitFor(store.write(bad, "never stored"));
    QCOMPARE(outcome.failure, SecretFailure::InvalidRef);
    QCOMPARE(outcome.error.code(), ErrorCode::InvalidInput);
    const SecretRef control {u"p"_s, SecretKind::Password, u"a\nb"_s};
    QCOMPARE(waitFor(store.write(control, "x")).failure, SecretFailure::InvalidRef);
}

void TestKeychainSecretStore::checkAvailability()
{
    KeychainSecretStore store;
    const Outcome outcome = waitFor(store.checkAvailability());
    QVERIFY2(outcome.ok, qPrintable(outcome.error.toString()));
    // The probe is removed again.
    QCOMPARE(waitFor(store.read({u"probe"_s, SecretKind::Password, u"availability"_s})).failure,
             SecretFailure::NotFound);
}

void TestKeychainSecretStore::forgetProfileRemovesOnlyItsSecrets()
{
    Result<std::unique_ptr<profiles::AppDatabase>> db = profiles::AppDatabase::open(u":memory:"_s);
    QVERIFY2(db.ok(), qPrintable(db.error().toString()));
    SecretIndex index((*db)->connectionName());
    KeychainSecretStore keychain;
    IndexedSecretStore store(keychain, index);

    const QStringList profiles {u"wiki-a"_s, u"wiki-b"_s};
    for (const QString &profile : profiles) {
        for (const SecretKind kind : allSecretKinds()) {
            for (const QString &id : {u"one"_s, u"two"_s}) {
                const Outcome written
                    = waitFor(store.write({profile, kind, id}, sampleSecret(profile, kind) + id.toLatin1()));
                QVERIFY2(written.ok, qPrintable(written.error.toString()));
            }
        }
    }
    const int perProfile = int(allSecretKinds().size()) * 2;
    QCOMPARE(index.refs(u"wiki-a"_s)->size(), perProfile);

    ProfileForgetJob *job = store.forgetProfile(u"wiki-a"_s);
    QSignalSpy progress(job, &ProfileForgetJob::progress);
    const ForgetResult result = waitFor(job);
    QVERIFY(result.ok());
    QCOMPARE(result.removed.size(), perProfile);
    QCOMPARE(progress.size(), perProfile);
    QCOMPARE(progress.last().at(0).toInt(), perProfile);
    QVERIFY(index.refs(u"wiki-a"_s)->isEmpty());
    QCOMPARE(index.refs(u"wiki-b"_s)->size(), perProfile);

    for (const SecretKind kind : allSecretKinds()) {
        // Gone from the keychain itself (read past the index, straight from the keychain).
        QCOMPARE(waitFor(keychain.read({u"wiki-a"_s, kind, u"one"_s})).failure, SecretFailure::NotFound);
        QCOMPARE(waitFor(keychain.read({u"wiki-a"_s, kind, u"two"_s})).failure, SecretFailure::NotFound);
        const Outcome kept = waitFor(keychain.read({u"wiki-b"_s, kind, u"two"_s}));
        QVERIFY(kept.ok);
        QCOMPARE(kept.secret, sampleSecret(u"wiki-b"_s, kind) + "two");
    }
    // A secret removed behind the index's back (another tool) does not stop a forget.
    QVERIFY(waitFor(keychain.remove({u"wiki-b"_s, SecretKind::Password, u"one"_s})).ok);
    const ForgetResult second = waitFor(store.forgetProfile(u"wiki-b"_s));
    QVERIFY(second.ok());
    QCOMPARE(second.removed.size(), perProfile);
    QVERIFY(index.all()->isEmpty());
    // Forgetting a profile without secrets finishes too, with nothing removed.
    const ForgetResult empty = waitFor(store.forgetProfile(u"wiki-c"_s));
    QVERIFY(empty.ok());
    QVERIFY(empty.removed.isEmpty());
}

void TestKeychainSecretStore::noSecretOnDisk()
{
    const QString dbPath = profiles::AppDatabase::defaultLocation();
    QVERIFY(dbPath.startsWith(m_home));
    Result<std::unique_ptr<profiles::AppDatabase>> db = profiles::AppDatabase::open(dbPath);
    QVERIFY2(db.ok(), qPrintable(db.error().toString()));
    SystemRandom random;
    profiles::ProfileStore profilesStore(**db, random);
    profiles::Profile wiki;
    wiki.name = u"Leak check wiki"_s;
    wiki.baseUrl = QUrl(u"https://wiki.example/"_s);
    wiki.apiUrl = QUrl(u"https://wiki.example/w/api.php"_s);
    Result<profiles::Profile> added = profilesStore.add(wiki);
    QVERIFY2(added.ok(), qPrintable(added.error().toString()));
    profiles::ConsumerRecord consumer {added->id,
                                       u"0123456789abcdef0123456789abcdef"_s,
                                       u"Leak check app"_s,
                                       2,
                                       true,
                                       false,
                                       u"http://127.0.0.1/cb"_s,
                                       {u"basic"_s}};
    QVERIFY(profilesStore.saveConsumer(consumer).ok());

    SecretIndex index((*db)->connectionName());
    KeychainSecretStore keychain;
    IndexedSecretStore store(keychain, index);
    MemorySecretStore memory;
    QList<QByteArray> secrets;
    for (const SecretKind kind : allSecretKinds()) {
        const QByteArray value = "leakcheck-" + secretKindName(kind).toLatin1() + "-" + random.token(12);
        secrets << value;
        QVERIFY(waitFor(store.write({added->id, kind, consumer.clientId}, value)).ok);
        const QByteArray memoryValue = "memoryonly-" + random.token(12);
        secrets << memoryValue;
        QVERIFY(waitFor(memory.write({added->id, kind, consumer.clientId}, memoryValue)).ok);
    }
    QSettings settings;
    settings.setValue(u"profiles/last"_s, added->name);
    settings.sync();
    QCOMPARE(settings.status(), QSettings::NoError);
    QSqlDatabase((*db)->database()).close(); // flush

    int scanned = 0;
    bool sawProfile = false;
    bool sawIndex = false;
    const QString keyrings = QDir(m_home).filePath(u".local/share/keyrings"_s);
    QDirIterator it(m_home, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (path.startsWith(keyrings))
            continue;
        QFile file(path);
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(path));
        const QByteArray content = file.readAll();
        ++scanned;
        sawProfile = sawProfile || content.contains("Leak check wiki");
        sawIndex = sawIndex || content.contains("rsa-private-key");
        for (const QByteArray &secret : secrets) {
            QVERIFY2(!content.contains(secret), qPrintable(path + u" holds a secret"_s));
            QVERIFY2(!content.contains(secret.toBase64()), qPrintable(path + u" holds a secret (base64)"_s));
            QVERIFY2(!content.contains(secret.toHex()), qPrintable(path + u" holds a secret (hex)"_s));
        }
    }
    // The scan read the app's own files: the database (profile + index) and the settings.
    QVERIFY(scanned >= 2);
    QVERIFY(sawProfile);
    QVERIFY(sawIndex);
    QVERIFY(QFile::exists(settings.fileName()));
    // The keychain does hold them (the test would pass vacuously otherwise).
    QVERIFY(QFile::exists(keyrings + u"/login.keyring"_s));
    QCOMPARE(waitFor(store.read({added->id, SecretKind::TotpSeed, consumer.clientId})).secret,
             secrets.at(10));
}

void TestKeychainSecretStore::lockedCollection()
{
    KeychainSecretStore store;
    const SecretRef ref {u"locked"_s, SecretKind::Password, u"alice"_s};
    QVERIFY(waitFor(store.write(ref, "before lock")).ok);

    QProcess lock;
    lock.start(u"dbus-send"_s,
               {u"--session"_s, u"--print-reply"_s, u"--dest=org.freedesktop.secrets"_s,
                u"/org/freedesktop/secrets"_s, u"org.freedesktop.Secret.Service.Lock"_s,
                u"array:objpath:/org/freedesktop/secrets/collection/login"_s});
    QVERIFY(lock.waitForFinished(20000));
    QCOMPARE(lock.exitCode(), 0);

    const Outcome written = waitFor(store.write(ref, "after lock"));
    QVERIFY(!written.ok);
    QCOMPARE(written.failure, SecretFailure::Locked);
    QVERIFY(isKeychainUnavailable(written.failure));
    QVERIFY2(written.error.message().contains(u"locked"_s), qPrintable(written.error.message()));
    QVERIFY(written.error.message().contains(u"--unlock"_s));
    QVERIFY(written.error.message().contains(u"session-only memory store"_s));
    const Outcome probe = waitFor(store.checkAvailability());
    QCOMPARE(probe.failure, SecretFailure::Locked);
    // The caller's fallback: the memory store works.
    MemorySecretStore memory;
    QVERIFY(waitFor(memory.write(ref, "session only")).ok);
    QCOMPARE(waitFor(memory.read(ref)).secret, QByteArray("session only"));
}

QTEST_GUILESS_MAIN(TestKeychainSecretStore)
#include "TestKeychainSecretStore.moc"
