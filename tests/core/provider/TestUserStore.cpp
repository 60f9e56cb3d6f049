#include "provider/accounts/UserStore.h"

#include <QJsonArray>
#include <QSqlQuery>
#include <QTest>
#include <QThread>

#include "TestDatabase.h"

#include <algorithm>
#include <array>
#include <ctime>
#include <latch>
#include <memory>

using namespace mwauth;
using namespace mwauth::provider;

// Built twice: test_user_store runs on in-memory SQLite, test_user_store_postgres (label
// `provider`) on a throwaway PostgreSQL server, which must start or the test fails.
class TestUserStore : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();

    void nameRules_data();
    void nameRules();
    void createAndFind();
    void duplicates_data();
    void duplicates();
    void emptyPasswordRefused();
    void passwordCheck_data();
    void passwordCheck();
    void setPassword();
    void rehashOnLogin();
    void unknownUserCostsAHash();
    void listUsers();
    void groups();
    void twoFactorRecords();
    void updateTwoFactor();
    void updateTwoFactorErrors_data();
    void updateTwoFactorErrors();
    void recoveryCodeUsedOnceAcrossStores();
    void recoveryCodeRace();
    void concurrentFirstOpen();

private:
    std::unique_ptr<UserStore> makeStore();

    // 2023-11-14 22:13:20 UTC
    FixedClock m_clock {1700000000};
    SystemRandom m_random;
    PasswordHasher m_hasher {m_random, 1000};
    std::unique_ptr<ProviderDatabase> m_db;
    std::unique_ptr<UserStore> m_store;
    // In-memory SQLite for each test, except where several connections share a database.
    TestDatabase m_databases {QStringLiteral("test")};
};

void TestUserStore::initTestCase()
{
    QVERIFY2(m_databases.start(), qPrintable(m_databases.errorString()));
}

void TestUserStore::init()
{
    m_clock.set(1700000000);
    const QString url = TestDatabase::isPostgres() ? m_databases.newLocation() : QStringLiteral(":memory:");
    QVERIFY(!url.isEmpty());
    auto db = ProviderDatabase::open(url);
    QVERIFY2(db.ok(), qPrintable(db.error().toString()));
    m_db = std::move(*db);
    QCOMPARE(m_db->dialect(), TestDatabase::dialect());
    if (TestDatabase::isPostgres())
        QCOMPARE(m_db->database().driverName(), QStringLiteral("QPSQL"));
    m_store = makeStore();
}

void TestUserStore::cleanup()
{
    m_store.reset();
    m_db.reset();
}

void TestUserStore::cleanupTestCase()
{
    m_databases.stop();
}

std::unique_ptr<UserStore> TestUserStore::makeStore()
{
    return std::make_unique<UserStore>(*m_db, m_hasher, m_clock);
}

void TestUserStore::nameRules_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("canonical"); // empty: refused
    QTest::addColumn<QString>("messagePart");

    QTest::newRow("lower first letter") << QStringLiteral("alice") << QStringLiteral("Alice") << QString();
    QTest::newRow("underscores to spaces")
        << QStringLiteral("alice_in_chains") << QStringLiteral("Alice in chains") << QString();
    QTest::newRow("surrounding space") << QStringLiteral("  bob \t") << QStringLiteral("Bob") << QString();
    QTest::newRow("accented first letter") << QStringLiteral("éva") << QStringLiteral("Éva") << QString();
    QTest::newRow("non-BMP first letter") << QStringLiteral("𐐨x") << QStringLiteral("𐐀x") << QString();
    QTest::newRow("digits stay") << QStringLiteral("1984") << QStringLiteral("1984") << QString();
    QTest::newRow("rest keeps case") << QStringLiteral("mcDonald") << QStringLiteral("McDonald") << QString();
    QTest::newRow("255 bytes") << QString(255, u'a') << QStringLiteral("A") + QString(254, u'a') << QString();
    QTest::newRow("256 bytes") << QString(256, u'a') << QString() << QStringLiteral("256 bytes long");
    QTest::newRow("128 two-byte letters")
        << QString(128, u'é') << QString() << QStringLiteral("256 bytes long");
    QTest::newRow("empty") << QString() << QString() << QStringLiteral("empty");
    QTest::newRow("only spaces") << QStringLiteral("   ") << QString() << QStringLiteral("empty");
    QTest::newRow("only underscores") << QStringLiteral("___") << QString() << QStringLiteral("empty");
    for (const char c : QByteArrayView("#<>[]|{}/")) {
        const QString ch(QLatin1Char {c});
        QTest::addRow("contains %c", c) << QStringLiteral("Bad") + ch + QStringLiteral("name") << QString()
                                        << QStringLiteral("contains '") + ch + QStringLiteral("'");
    }
    QTest::newRow("control character")
        << QStringLiteral("Bad\u0001name") << QString() << QStringLiteral("control character");
}

void TestUserStore::nameRules()
{
    QFETCH(QString, input);
    QFETCH(QString, canonical);
    QFETCH(QString, messagePart);
    const Result<QString> result = UserStore::canonicalName(input);
    if (!canonical.isEmpty()) {
        QVERIFY2(result.ok(), qPrintable(result.error().message()));
        QCOMPARE(*result, canonical);
        // And the store accepts it and finds it under the raw spelling.
        const Result<User> user = m_store->createUser(input, QStringLiteral("pw"));
        QVERIFY2(user.ok(), qPrintable(user.error().toString()));
        QCOMPARE(user->name, canonical);
        QCOMPARE(m_store->findUser(input).valueOr(User {}).id, user->id);
        return;
    }
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code(), ErrorCode::InvalidInput);
    QVERIFY2(result.error().message().contains(messagePart), qPrintable(result.error().message()));
    const Result<User> user = m_store->createUser(input, QStringLiteral("pw"));
    QVERIFY(!user.ok());
    QCOMPARE(user.error().code(), ErrorCode::InvalidInput);
    QCOMPARE(m_store->listUsers().valueOr({}).size(), 0);
}

void TestUserStore::createAndFind()
{
    const Result<User> created = m_store->createUser(QStringLiteral("alice"), QStringLiteral("s3cret"),
                                                     QStringLiteral("alice@example.org"));
    QVERIFY2(created.ok(), qPrintable(created.error().toString()));
    QVERIFY(created->id > 0);
    const Result<User> found = m_store->findUser(QStringLiteral("Alice"));
    QVERIFY2(found.ok(), qPrintable(found.error().toString()));
    QCOMPARE(found->id, created->id);
    QCOMPARE(found->name, QStringLiteral("Alice"));
    QCOMPARE(found->email, QStringLiteral("alice@example.org"));
    QCOMPARE(found->registration, QStringLiteral("20231114221320"));
    QCOMPARE(found->touched, QStringLiteral("20231114221320"));
    QCOMPARE(found->editCount, 0);
    QCOMPARE(m_store->userById(created->id).valueOr(User {}).name, QStringLiteral("Alice"));

    // The stored password is a hash, not the password.
    QSqlQuery query(m_db->database());
    QVERIFY(query.exec(QStringLiteral("SELECT user_password FROM \"user\"")));
    QVERIFY(query.next());
    QVERIFY(query.value(0).toString().startsWith(QLatin1StringView(":pbkdf2:sha256:1000:32:")));
    QVERIFY(!query.value(0).toString().contains(QLatin1StringView("s3cret")));

    const Result<User> missing = m_store->findUser(QStringLiteral("Nobody"));
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error().code(), ErrorCode::NotFound);
    QCOMPARE(missing.error().message(), QStringLiteral("There is no user named 'Nobody'."));
    const Result<User> missingId = m_store->userById(created->id + 100);
    QVERIFY(!missingId.ok());
    QVERIFY(missingId.error().message().contains(QLatin1StringView("no user with the id")));
}

void TestUserStore::duplicates_data()
{
    QTest::addColumn<QString>("second");
    QTest::newRow("same") << QStringLiteral("Alice");
    QTest::newRow("lower-case first letter") << QStringLiteral("alice");
    QTest::newRow("trailing underscore") << QStringLiteral("alice_");
    QTest::newRow("leading space") << QStringLiteral(" Alice");
}

void TestUserStore::duplicates()
{
    QFETCH(QString, second);
    QVERIFY(m_store->createUser(QStringLiteral("Alice"), QStringLiteral("one")).ok());
    const Result<User> again = m_store->createUser(second, QStringLiteral("two"));
    QVERIFY(!again.ok());
    QCOMPARE(again.error().code(), ErrorCode::Conflict);
    QCOMPARE(again.error().message(), QStringLiteral("A user named 'Alice' already exists."));
    QCOMPARE(m_store->listUsers().valueOr({}).size(), 1);
    // The first password still works.
    QVERIFY(m_store->checkPassword(QStringLiteral("Alice"), QStringLiteral("one")).valueOr({}).matches);
}

void TestUserStore::emptyPasswordRefused()
{
    const Result<User> user = m_store->createUser(QStringLiteral("Alice"), QString());
    QVERIFY(!user.ok());
    QCOMPARE(user.error().code(), ErrorCode::InvalidInput);
    QCOMPARE(user.error().message(), QStringLiteral("The password is empty."));
    QVERIFY(m_store->createUser(QStringLiteral("Alice"), QStringLiteral("x")).ok());
    const Result<void> set = m_store->setPassword(m_store->findUser(QStringLiteral("Alice"))->id, QString());
    QVERIFY(!set.ok());
    QCOMPARE(set.error().message(), QStringLiteral("The password is empty."));
}

void TestUserStore::passwordCheck_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("password");
    QTest::addColumn<bool>("matches");
    QTest::newRow("right") << QStringLiteral("Alice") << QStringLiteral("correct horse ✓") << true;
    QTest::newRow("right, raw name") << QStringLiteral("alice") << QStringLiteral("correct horse ✓") << true;
    QTest::newRow("wrong") << QStringLiteral("Alice") << QStringLiteral("correct horse") << false;
    QTest::newRow("empty password") << QStringLiteral("Alice") << QString() << false;
    QTest::newRow("other user's password")
        << QStringLiteral("Bob") << QStringLiteral("correct horse ✓") << false;
    QTest::newRow("unknown user") << QStringLiteral("Mallory") << QStringLiteral("correct horse ✓") << false;
    QTest::newRow("invalid name") << QStringLiteral("Mal<lory") << QStringLiteral("correct horse ✓") << false;
}

void TestUserStore::passwordCheck()
{
    QFETCH(QString, name);
    QFETCH(QString, password);
    QFETCH(bool, matches);
    QVERIFY(m_store->createUser(QStringLiteral("Alice"), QStringLiteral("correct horse ✓")).ok());
    QVERIFY(m_store->createUser(QStringLiteral("Bob"), QStringLiteral("battery staple")).ok());
    const Result<PasswordCheck> check = m_store->checkPassword(name, password);
    QVERIFY2(check.ok(), qPrintable(check.error().toString()));
    QCOMPARE(check->matches, matches);
    QCOMPARE(check->user.name, matches ? QStringLiteral("Alice") : QString());
    QCOMPARE(check->user.id, matches ? m_store->findUser(QStringLiteral("Alice"))->id : 0);
    QVERIFY(!check->rehashed);
}

void TestUserStore::setPassword()
{
    const Result<User> alice = m_store->createUser(QStringLiteral("Alice"), QStringLiteral("old"));
    QVERIFY(alice.ok());
    m_clock.advance(3600);
    QVERIFY(m_store->setPassword(alice->id, QStringLiteral("new")).ok());
    QVERIFY(!m_store->checkPassword(QStringLiteral("Alice"), QStringLiteral("old")).valueOr({}).matches);
    QVERIFY(m_store->checkPassword(QStringLiteral("Alice"), QStringLiteral("new")).valueOr({}).matches);
    QCOMPARE(m_store->findUser(QStringLiteral("Alice"))->touched, QStringLiteral("20231114231320"));
    QCOMPARE(m_store->findUser(QStringLiteral("Alice"))->registration, QStringLiteral("20231114221320"));

    const Result<void> unknown = m_store->setPassword(alice->id + 100, QStringLiteral("x"));
    QVERIFY(!unknown.ok());
    QCOMPARE(unknown.error().code(), ErrorCode::NotFound);
    QVERIFY(unknown.error().message().contains(QLatin1StringView("no user with the id")));
}

void TestUserStore::rehashOnLogin()
{
    QVERIFY(m_store->createUser(QStringLiteral("Alice"), QStringLiteral("pw")).ok());
    const PasswordHasher stronger(m_random, 2000);
    UserStore store(*m_db, stronger, m_clock);

    const Result<PasswordCheck> wrong = store.checkPassword(QStringLiteral("Alice"), QStringLiteral("nope"));
    QVERIFY(wrong.ok() && !wrong->matches && !wrong->rehashed);
    const Result<PasswordCheck> first = store.checkPassword(QStringLiteral("Alice"), QStringLiteral("pw"));
    QVERIFY(first.ok() && first->matches);
    QVERIFY(first->rehashed);
    QSqlQuery query(m_db->database());
    QVERIFY(query.exec(QStringLiteral("SELECT user_password FROM \"user\"")));
    QVERIFY(query.next());
    QVERIFY2(query.value(0).toString().startsWith(QLatin1StringView(":pbkdf2:sha256:2000:32:")),
             qPrintable(query.value(0).toString()));
    const Result<PasswordCheck> second = store.checkPassword(QStringLiteral("Alice"), QStringLiteral("pw"));
    QVERIFY(second.ok() && second->matches);
    QVERIFY(!second->rehashed);
}

void TestUserStore::unknownUserCostsAHash()
{
    // An unknown name must cost a password hash like a wrong password does, so timing does
    // not tell which names exist. Counted in PBKDF2 iterations, not timed: the same work
    // for a wrong password, an unknown name, and (the first time) the dummy hash's making.
    const PasswordHasher hasher(m_random, 5000);
    UserStore store(*m_db, hasher, m_clock);
    QVERIFY(store.createUser(QStringLiteral("Alice"), QStringLiteral("correct horse")).ok());
    const auto spentOn = [&](const QString &name) -> qint64 {
        const quint64 before = hasher.iterationsSpent();
        const Result<PasswordCheck> check = store.checkPassword(name, QStringLiteral("wrong"));
        if (!check || check->matches)
            return -1;
        return static_cast<qint64>(hasher.iterationsSpent() - before);
    };
    QVERIFY(spentOn(QStringLiteral("Nobody")) >= 5000); // also makes the dummy hash
    const qint64 known = spentOn(QStringLiteral("Alice"));
    const qint64 unknown = spentOn(QStringLiteral("Nobody"));
    QCOMPARE(known, 5000);
    QCOMPARE(unknown, known);
}

void TestUserStore::listUsers()
{
    QCOMPARE(m_store->listUsers().valueOr({User {}}).size(), 0);
    for (const char *name : {"carol", "Alice", "bob"})
        QVERIFY(m_store->createUser(QString::fromLatin1(name), QStringLiteral("pw")).ok());
    const Result<QList<User>> users = m_store->listUsers();
    QVERIFY2(users.ok(), qPrintable(users.error().toString()));
    QStringList names;
    for (const User &user : *users)
        names << user.name;
    QCOMPARE(names, (QStringList {QStringLiteral("Alice"), QStringLiteral("Bob"), QStringLiteral("Carol")}));
}

void TestUserStore::groups()
{
    const Result<User> alice = m_store->createUser(QStringLiteral("Alice"), QStringLiteral("pw"));
    const Result<User> bob = m_store->createUser(QStringLiteral("Bob"), QStringLiteral("pw"));
    QVERIFY(alice.ok() && bob.ok());
    QVERIFY(m_store->addToGroup(alice->id, QStringLiteral("sysop")).ok());
    QVERIFY(m_store->addToGroup(alice->id, QStringLiteral("bureaucrat")).ok());
    QVERIFY(m_store->addToGroup(alice->id, QStringLiteral("sysop")).ok()); // twice is fine
    QVERIFY(m_store->addToGroup(bob->id, QStringLiteral("oauthadmin")).ok());
    QCOMPARE(m_store->groups(alice->id).valueOr({}),
             (QStringList {QStringLiteral("bureaucrat"), QStringLiteral("sysop")}));
    QCOMPARE(m_store->groups(bob->id).valueOr({}), QStringList {QStringLiteral("oauthadmin")});

    QVERIFY(m_store->removeFromGroup(alice->id, QStringLiteral("sysop")).ok());
    QCOMPARE(m_store->groups(alice->id).valueOr({}), QStringList {QStringLiteral("bureaucrat")});
    const Result<void> notMember = m_store->removeFromGroup(alice->id, QStringLiteral("sysop"));
    QVERIFY(!notMember.ok());
    QVERIFY2(notMember.error().message().contains(QLatin1StringView("is not in the group 'sysop'")),
             qPrintable(notMember.error().message()));

    const Result<void> unknownUser = m_store->addToGroup(bob->id + 100, QStringLiteral("sysop"));
    QVERIFY(!unknownUser.ok());
    QVERIFY(unknownUser.error().message().contains(QLatin1StringView("no user with the id")));
    const Result<void> emptyGroup = m_store->addToGroup(bob->id, QStringLiteral(" "));
    QVERIFY(!emptyGroup.ok());
    QCOMPARE(emptyGroup.error().code(), ErrorCode::InvalidInput);
}

void TestUserStore::twoFactorRecords()
{
    const Result<User> alice = m_store->createUser(QStringLiteral("Alice"), QStringLiteral("pw"));
    const Result<User> bob = m_store->createUser(QStringLiteral("Bob"), QStringLiteral("pw"));
    QVERIFY(alice.ok() && bob.ok());

    const QJsonObject totp {{QStringLiteral("secret"), QStringLiteral("JBSWY3DPEHPK3PXP")},
                            {QStringLiteral("digits"), 6}};
    const QJsonObject codes {{QStringLiteral("recoverycodes"),
                              QJsonArray {QStringLiteral("aaaa1111"), QStringLiteral("bbbb2222")}}};
    const Result<TwoFactorRecord> t = m_store->addTwoFactor(alice->id, QStringLiteral("totp"), totp);
    QVERIFY2(t.ok(), qPrintable(t.error().toString()));
    const Result<TwoFactorRecord> r
        = m_store->addTwoFactor(alice->id, QStringLiteral("recoverycodes"), codes);
    QVERIFY(r.ok());
    QVERIFY(m_store->addTwoFactor(bob->id, QStringLiteral("totp"), totp).ok());

    const Result<QList<TwoFactorRecord>> all = m_store->twoFactorRecords(alice->id);
    QVERIFY2(all.ok(), qPrintable(all.error().toString()));
    QCOMPARE(all->size(), 2);
    QCOMPARE(all->at(0).id, t->id);
    QCOMPARE(all->at(0).module, QStringLiteral("totp"));
    QCOMPARE(all->at(0).data, totp);
    QCOMPARE(all->at(0).userId, alice->id);
    QCOMPARE(all->at(0).created, QStringLiteral("20231114221320"));
    QCOMPARE(all->at(1).data, codes);

    const Result<QList<TwoFactorRecord>> onlyCodes
        = m_store->twoFactorRecords(alice->id, QStringLiteral("recoverycodes"));
    QVERIFY(onlyCodes.ok());
    QCOMPARE(onlyCodes->size(), 1);
    QCOMPARE(onlyCodes->at(0).id, r->id);
    QCOMPARE(
        m_store->twoFactorRecords(alice->id, QStringLiteral("webauthn")).valueOr({TwoFactorRecord {}}).size(),
        0);

    const Result<TwoFactorRecord> unknownModule = m_store->addTwoFactor(alice->id, QStringLiteral("sms"), {});
    QVERIFY(!unknownModule.ok());
    QCOMPARE(unknownModule.error().code(), ErrorCode::InvalidInput);
    QVERIFY(
        unknownModule.error().message().contains(QLatin1StringView("'sms' is not a second-factor module")));
    const Result<TwoFactorRecord> unknownUser
        = m_store->addTwoFactor(bob->id + 100, QStringLiteral("totp"), totp);
    QVERIFY(!unknownUser.ok());

    // Bob cannot remove Alice's record; Alice can.
    const Result<void> foreign = m_store->removeTwoFactor(bob->id, t->id);
    QVERIFY(!foreign.ok());
    QVERIFY(foreign.error().message().contains(QLatin1StringView("has no second-factor record")));
    QCOMPARE(m_store->twoFactorRecords(alice->id).valueOr({}).size(), 2);
    QVERIFY(m_store->removeTwoFactor(alice->id, t->id).ok());
    const Result<QList<TwoFactorRecord>> left = m_store->twoFactorRecords(alice->id);
    QCOMPARE(left.valueOr({}).size(), 1);
    QCOMPARE(left->at(0).module, QStringLiteral("recoverycodes"));
    QCOMPARE(m_store->twoFactorRecords(bob->id).valueOr({}).size(), 1);
}

namespace {

QJsonObject recoveryCodes(const QStringList &codes)
{
    return {{QStringLiteral("recoverycodes"), QJsonArray::fromStringList(codes)}};
}

// What a login does with a recovery code: read the record, drop the code, compare-and-swap.
Result<void> consumeCode(UserStore &store, qint64 userId, const QString &code)
{
    const Result<QList<TwoFactorRecord>> records
        = store.twoFactorRecords(userId, QStringLiteral("recoverycodes"));
    if (!records)
        return records.error();
    if (records->size() != 1)
        return fail(ErrorCode::Internal, QStringLiteral("expected one recoverycodes record"));
    const TwoFactorRecord &record = records->first();
    QStringList codes;
    for (const QJsonValue &value : record.data.value(QStringLiteral("recoverycodes")).toArray())
        codes << value.toString();
    if (!codes.removeOne(code))
        return fail(ErrorCode::NotFound, QStringLiteral("the code is not there"));
    return store.updateTwoFactor(userId, record.id, record.data, recoveryCodes(codes));
}

} // namespace

void TestUserStore::updateTwoFactor()
{
    const Result<User> alice = m_store->createUser(QStringLiteral("Alice"), QStringLiteral("pw"));
    QVERIFY(alice.ok());
    const QJsonObject before = recoveryCodes({QStringLiteral("AAAA"), QStringLiteral("BBBB")});
    const Result<TwoFactorRecord> record
        = m_store->addTwoFactor(alice->id, QStringLiteral("recoverycodes"), before);
    QVERIFY(record.ok());
    const QJsonObject totp {{QStringLiteral("secret"), QStringLiteral("JBSWY3DPEHPK3PXP")}};
    const Result<TwoFactorRecord> other = m_store->addTwoFactor(alice->id, QStringLiteral("totp"), totp);
    QVERIFY(other.ok());

    // `expected` built in another key order is the same object: the serialization is stable.
    QJsonObject reordered;
    reordered.insert(QStringLiteral("zzz"), 1);
    reordered.insert(QStringLiteral("recoverycodes"), QJsonArray {QStringLiteral("BBBB")});
    QJsonObject sameReordered;
    sameReordered.insert(QStringLiteral("recoverycodes"), QJsonArray {QStringLiteral("BBBB")});
    sameReordered.insert(QStringLiteral("zzz"), 1);

    const Result<void> first = m_store->updateTwoFactor(alice->id, record->id, before, reordered);
    QVERIFY2(first.ok(), qPrintable(first.error().toString()));
    const Result<QList<TwoFactorRecord>> after = m_store->twoFactorRecords(alice->id);
    QVERIFY(after.ok());
    QCOMPARE(after->size(), 2);
    QCOMPARE(after->at(0).id, record->id);
    QCOMPARE(after->at(0).data, sameReordered);
    QCOMPARE(after->at(0).created, record->created);
    QCOMPARE(after->at(1).data, totp); // the other record is untouched

    const Result<void> second
        = m_store->updateTwoFactor(alice->id, record->id, sameReordered, recoveryCodes({}));
    QVERIFY2(second.ok(), qPrintable(second.error().toString()));
    QCOMPARE(m_store->twoFactorRecords(alice->id, QStringLiteral("recoverycodes")).valueOr({}).value(0).data,
             recoveryCodes({}));
}

void TestUserStore::updateTwoFactorErrors_data()
{
    QTest::addColumn<QString>("whose"); // "alice" or "bob": who asks
    QTest::addColumn<int>("recordOffset"); // added to Alice's record id
    QTest::addColumn<bool>("staleExpected");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("messagePart");
    QTest::newRow("changed in between") << QStringLiteral("alice") << 0 << true << int(ErrorCode::Conflict)
                                        << QStringLiteral("was changed by someone else");
    QTest::newRow("another user's record") << QStringLiteral("bob") << 0 << false << int(ErrorCode::NotFound)
                                           << QStringLiteral("has no second-factor record");
    QTest::newRow("unknown record") << QStringLiteral("alice") << 1000 << false << int(ErrorCode::NotFound)
                                    << QStringLiteral("has no second-factor record");
}

void TestUserStore::updateTwoFactorErrors()
{
    QFETCH(QString, whose);
    QFETCH(int, recordOffset);
    QFETCH(bool, staleExpected);
    QFETCH(int, code);
    QFETCH(QString, messagePart);
    const Result<User> alice = m_store->createUser(QStringLiteral("Alice"), QStringLiteral("pw"));
    const Result<User> bob = m_store->createUser(QStringLiteral("Bob"), QStringLiteral("pw"));
    QVERIFY(alice.ok() && bob.ok());
    const QJsonObject stored = recoveryCodes({QStringLiteral("AAAA"), QStringLiteral("BBBB")});
    const Result<TwoFactorRecord> record
        = m_store->addTwoFactor(alice->id, QStringLiteral("recoverycodes"), stored);
    QVERIFY(record.ok());

    const qint64 userId = whose == QStringLiteral("bob") ? bob->id : alice->id;
    const QJsonObject expected = staleExpected ? recoveryCodes({QStringLiteral("AAAA")}) : stored;
    const Result<void> result
        = m_store->updateTwoFactor(userId, record->id + recordOffset, expected, recoveryCodes({}));
    QVERIFY(!result.ok());
    QCOMPARE(int(result.error().code()), code);
    QVERIFY2(result.error().message().contains(messagePart), qPrintable(result.error().message()));
    // Nothing changed.
    QCOMPARE(m_store->twoFactorRecords(alice->id).valueOr({}).value(0).data, stored);
}

void TestUserStore::recoveryCodeUsedOnceAcrossStores()
{
    // Two provider instances (two connections, two stores) on one database read the same
    // recovery code record; both try to use the same code. Only the first may succeed.
    const QString location = m_databases.namedLocation(QStringLiteral("mwauth_two_stores"));
    QVERIFY(!location.isEmpty());
    auto dbA = ProviderDatabase::open(location);
    auto dbB = ProviderDatabase::open(location);
    QVERIFY2(dbA.ok(), qPrintable(dbA.error().toString()));
    QVERIFY2(dbB.ok(), qPrintable(dbB.error().toString()));
    UserStore storeA(**dbA, m_hasher, m_clock);
    UserStore storeB(**dbB, m_hasher, m_clock);
    const Result<User> carol = storeA.createUser(QStringLiteral("Carol"), QStringLiteral("pw"));
    QVERIFY(carol.ok());
    const QStringList codes {QStringLiteral("CODE-ONE"), QStringLiteral("CODE-TWO")};
    QVERIFY(storeA.addTwoFactor(carol->id, QStringLiteral("recoverycodes"), recoveryCodes(codes)).ok());

    const Result<QList<TwoFactorRecord>> readA = storeA.twoFactorRecords(carol->id);
    const Result<QList<TwoFactorRecord>> readB = storeB.twoFactorRecords(carol->id);
    QVERIFY(readA.ok() && readB.ok());
    QCOMPARE(readA->size(), 1);
    QCOMPARE(readB->size(), 1);
    const QJsonObject remaining = recoveryCodes({QStringLiteral("CODE-TWO")});
    const Result<void> usedByA
        = storeA.updateTwoFactor(carol->id, readA->first().id, readA->first().data, remaining);
    QVERIFY2(usedByA.ok(), qPrintable(usedByA.error().toString()));
    const Result<void> usedByB
        = storeB.updateTwoFactor(carol->id, readB->first().id, readB->first().data, remaining);
    QVERIFY(!usedByB.ok());
    QCOMPARE(usedByB.error().code(), ErrorCode::Conflict);
    QVERIFY2(usedByB.error().message().contains(QLatin1StringView("recoverycodes record")),
             qPrintable(usedByB.error().message()));

    // B, reading again, no longer finds the used code; the other code still works once.
    QCOMPARE(consumeCode(storeB, carol->id, QStringLiteral("CODE-ONE")).error().code(), ErrorCode::NotFound);
    QVERIFY(consumeCode(storeB, carol->id, QStringLiteral("CODE-TWO")).ok());
    QCOMPARE(storeA.twoFactorRecords(carol->id).valueOr({}).value(0).data, recoveryCodes({}));
}

void TestUserStore::recoveryCodeRace()
{
    // Several threads, each with its own connection and store, read the record and then use
    // the same code at the same moment: exactly one wins, every other one gets Conflict.
    const QString location = m_databases.namedLocation(QStringLiteral("mwauth_race"));
    QVERIFY(!location.isEmpty());
    qint64 userId = 0;
    {
        auto db = ProviderDatabase::open(location);
        QVERIFY2(db.ok(), qPrintable(db.error().toString()));
        UserStore store(**db, m_hasher, m_clock);
        const Result<User> carol = store.createUser(QStringLiteral("Carol"), QStringLiteral("pw"));
        QVERIFY(carol.ok());
        userId = carol->id;
        QVERIFY(store
                    .addTwoFactor(userId, QStringLiteral("recoverycodes"),
                                  recoveryCodes({QStringLiteral("SHARED"), QStringLiteral("OTHER")}))
                    .ok());
    }
    constexpr int consumers = 4;
    std::latch haveRead(consumers);
    std::array<int, consumers> outcomes {}; // -1: setup failed, 0: ok, else ErrorCode + 1
    std::array<QString, consumers> messages;
    std::array<std::unique_ptr<QThread>, consumers> threads;
    for (int i = 0; i < consumers; ++i) {
        threads[i].reset(QThread::create([&, i] {
            auto db = ProviderDatabase::open(location);
            if (!db) {
                messages[i] = db.error().toString();
                outcomes[i] = -1;
                haveRead.count_down();
                return;
            }
            UserStore store(**db, m_hasher, m_clock);
            const Result<QList<TwoFactorRecord>> records = store.twoFactorRecords(userId);
            haveRead.arrive_and_wait(); // everyone holds the same, soon stale, copy
            if (!records || records->size() != 1) {
                messages[i] = records.error().toString();
                outcomes[i] = -1;
                return;
            }
            const Result<void> used = store.updateTwoFactor(
                userId, records->first().id, records->first().data, recoveryCodes({QStringLiteral("OTHER")}));
            outcomes[i] = used ? 0 : int(used.error().code()) + 1;
            messages[i] = used.error().toString();
        }));
        threads[i]->start();
    }
    for (auto &thread : threads)
        QVERIFY(thread->wait(60000));
    int winners = 0;
    for (int i = 0; i < consumers; ++i) {
        QVERIFY2(outcomes[i] != -1, qPrintable(messages[i]));
        if (outcomes[i] == 0)
            ++winners;
        else
            QVERIFY2(outcomes[i] == int(ErrorCode::Conflict) + 1,
                     qPrintable(QStringLiteral("consumer %1: ").arg(i) + messages[i]));
    }
    QCOMPARE(winners, 1);
    auto db = ProviderDatabase::open(location);
    QVERIFY(db.ok());
    UserStore store(**db, m_hasher, m_clock);
    QCOMPARE(store.twoFactorRecords(userId).valueOr({}).value(0).data,
             recoveryCodes({QStringLiteral("OTHER")}));
}

void TestUserStore::concurrentFirstOpen()
{
    // Several provider instances starting at once on one new database: every one of them
    // must come up at the latest version (migrations lock, re-check and skip what another
    // instance applied), none may fail on "table already exists".
    const QString location = m_databases.namedLocation(QStringLiteral("mwauth_concurrent"));
    QVERIFY(!location.isEmpty());
    constexpr int instances = 4;
    std::latch ready(instances);
    std::array<QString, instances> errors;
    std::array<int, instances> versions {};
    std::array<std::unique_ptr<QThread>, instances> threads;
    for (int i = 0; i < instances; ++i) {
        threads[i].reset(QThread::create([&, i] {
            ready.arrive_and_wait();
            auto db = ProviderDatabase::open(location);
            if (db)
                versions[i] = (*db)->schemaVersion();
            else
                errors[i] = db.error().toString();
        }));
        threads[i]->start();
    }
    for (auto &thread : threads)
        QVERIFY(thread->wait(60000));
    for (int i = 0; i < instances; ++i) {
        QVERIFY2(errors[i].isEmpty(), qPrintable(QStringLiteral("instance %1: ").arg(i) + errors[i]));
        QCOMPARE(versions[i], Migrations::standard().latestVersion());
    }
    auto db = ProviderDatabase::open(location);
    QVERIFY2(db.ok(), qPrintable(db.error().toString()));
    QSqlQuery query((*db)->database());
    QVERIFY(query.exec(QStringLiteral("SELECT COUNT(*) FROM schema_version")));
    QVERIFY(query.next());
    QCOMPARE(query.value(0).toInt(), Migrations::standard().latestVersion());
    UserStore store(**db, m_hasher, m_clock);
    QVERIFY(store.createUser(QStringLiteral("Alice"), QStringLiteral("pw")).ok());
}

QTEST_GUILESS_MAIN(TestUserStore)
#include "TestUserStore.moc"
