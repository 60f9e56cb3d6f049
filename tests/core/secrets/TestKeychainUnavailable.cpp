// No keychain: the process has no reachable D-Bus session bus. Every keychain operation fails
// with a specific failure and a message naming the cause and the fix; nothing is written.

#include "SecretTestSupport.h"

#include "secrets/KeychainSecretStore.h"
#include "secrets/MemorySecretStore.h"

using namespace mwauth;
using namespace mwauth::secrets;
using namespace mwauth::secrets::test;
using namespace Qt::StringLiterals;

class TestKeychainUnavailable : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void noSessionBus_data();
    void noSessionBus();
    void memoryFallback();
};

void TestKeychainUnavailable::noSessionBus_data()
{
    QTest::addColumn<QByteArray>("address");
    QTest::newRow("socket that does not exist") << QByteArray("unix:path=/nonexistent/mwauth-test/bus");
    QTest::newRow("unset (no autolaunch without X11)") << QByteArray();
}

void TestKeychainUnavailable::noSessionBus()
{
    QFETCH(QByteArray, address);
    if (address.isEmpty())
        qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    else
        qputenv("DBUS_SESSION_BUS_ADDRESS", address);
    qunsetenv("DISPLAY");
    qunsetenv("WAYLAND_DISPLAY");

    KeychainSecretStore store;
    const SecretRef ref {u"nobus"_s, SecretKind::ClientSecret, u"app"_s};
    const Outcome written = waitFor(store.write(ref, "never stored"));
    QVERIFY(!written.ok);
    QCOMPARE(written.failure, SecretFailure::NoSessionBus);
    QVERIFY(isKeychainUnavailable(written.failure));
    const QString message = written.error.message();
    QVERIFY2(message.contains(u"no D-Bus session bus"_s), qPrintable(message));
    QVERIFY(message.contains(u"dbus-run-session"_s));
    QVERIFY(message.contains(u"session-only memory store"_s));
    QCOMPARE(waitFor(store.read(ref)).failure, SecretFailure::NoSessionBus);
    QCOMPARE(waitFor(store.remove(ref)).failure, SecretFailure::NoSessionBus);
    QCOMPARE(waitFor(store.checkAvailability()).failure, SecretFailure::NoSessionBus);
}

void TestKeychainUnavailable::memoryFallback()
{
    MemorySecretStore memory;
    QVERIFY(!memory.isPersistent());
    const SecretRef ref {u"nobus"_s, SecretKind::ClientSecret, u"app"_s};
    QVERIFY(waitFor(memory.write(ref, "kept in memory")).ok);
    QCOMPARE(memory.size(), 1);
    QCOMPARE(waitFor(memory.read(ref)).secret, QByteArray("kept in memory"));
    QVERIFY(waitFor(memory.remove(ref)).ok);
    QCOMPARE(memory.size(), 0);
    QCOMPARE(waitFor(memory.read(ref)).failure, SecretFailure::NotFound);
}

QTEST_GUILESS_MAIN(TestKeychainUnavailable)
#include "TestKeychainUnavailable.moc"
