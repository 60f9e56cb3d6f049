// Profiles and consumer records in the app database; JSON export and import (no secrets; a
// malformed or conflicting file changes nothing).

#include "profiles/AppDatabase.h"
#include "profiles/ProfileStore.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace mwauth;
using namespace mwauth::profiles;
using namespace Qt::StringLiterals;

class TestProfileStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void builtInLocalProvider();
    void addFindRemove();
    void badProfiles_data();
    void badProfiles();
    void consumers();
    void fileIsPrivateAndReopens();
    void exportImportRoundTrip();
    void malformedImport_data();
    void malformedImport();

private:
    Profile wiki(const QString &name) const;
    QStringList names() const;

    std::unique_ptr<AppDatabase> m_db;
    std::unique_ptr<ProfileStore> m_store;
    SystemRandom m_random;
};

void TestProfileStore::init()
{
    Result<std::unique_ptr<AppDatabase>> db = AppDatabase::open(u":memory:"_s);
    QVERIFY2(db.ok(), qPrintable(db.error().toString()));
    m_db = std::move(*db);
    m_store = std::make_unique<ProfileStore>(*m_db, m_random);
}

void TestProfileStore::cleanup()
{
    m_store.reset();
    m_db.reset();
}

Profile TestProfileStore::wiki(const QString &name) const
{
    Profile p;
    p.name = name;
    p.kind = Profile::Kind::MediaWiki;
    p.baseUrl = QUrl(u"https://wiki.example/"_s);
    p.apiUrl = QUrl(u"https://wiki.example/w/api.php"_s);
    p.restUrl = QUrl(u"https://wiki.example/w/rest.php"_s);
    p.indexUrl = QUrl(u"https://wiki.example/w/index.php"_s);
    p.issuer = QUrl(u"https://wiki.example"_s);
    p.siteName = u"Example"_s;
    p.generator = u"MediaWiki 1.39.17"_s;
    return p;
}

QStringList TestProfileStore::names() const
{
    QStringList list;
    const Result<QList<Profile>> profiles = m_store->list();
    for (const Profile &p : *profiles)
        list << p.name;
    return list;
}

void TestProfileStore::builtInLocalProvider()
{
    const Result<QList<Profile>> profiles = m_store->list();
    QVERIFY(profiles.ok());
    QCOMPARE(profiles->size(), 1);
    QVERIFY(profiles->first().isBuiltIn());
    QCOMPARE(profiles->first().name, u"Local provider"_s);
    QCOMPARE(m_store->find(u"Local provider"_s)->id, u"local"_s);
    const Result<void> removed = m_store->remove(u"local"_s);
    QCOMPARE(removed.error().code(), ErrorCode::InvalidInput);
    Profile clash = wiki(u"Local provider"_s);
    QCOMPARE(m_store->add(clash).error().code(), ErrorCode::Conflict);
    Profile local = Profile::localProvider();
    local.name = u"Another local"_s;
    QCOMPARE(m_store->add(local).error().code(), ErrorCode::InvalidInput);
}

void TestProfileStore::addFindRemove()
{
    const Result<Profile> a = m_store->add(wiki(u"Wiki A"_s));
    QVERIFY2(a.ok(), qPrintable(a.error().toString()));
    QCOMPARE(a->id.size(), 16);
    const Result<Profile> b = m_store->add(wiki(u"Wiki B"_s));
    QVERIFY(b.ok());
    QVERIFY(a->id != b->id);
    QCOMPARE(names(), QStringList({u"Local provider"_s, u"Wiki A"_s, u"Wiki B"_s}));
    const Result<Profile> found = m_store->find(u"Wiki A"_s);
    QVERIFY(found.ok());
    QCOMPARE(found->apiUrl, QUrl(u"https://wiki.example/w/api.php"_s));
    QCOMPARE(found->generator, u"MediaWiki 1.39.17"_s);
    QCOMPARE(m_store->find(b->id)->name, u"Wiki B"_s);
    QCOMPARE(m_store->add(wiki(u"Wiki A"_s)).error().code(), ErrorCode::Conflict);
    QVERIFY(m_store->remove(a->id).ok());
    QCOMPARE(m_store->find(u"Wiki A"_s).error().code(), ErrorCode::NotFound);
    QCOMPARE(m_store->remove(a->id).error().code(), ErrorCode::NotFound);
    QCOMPARE(names(), QStringList({u"Local provider"_s, u"Wiki B"_s}));
}

void TestProfileStore::badProfiles_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("id");
    QTest::newRow("empty name") << QString() << QString();
    QTest::newRow("blank name") << u"   "_s << QString();
    QTest::newRow("long name") << QString(101, u'n') << QString();
    QTest::newRow("control in name") << u"a\tb"_s << QString();
    QTest::newRow("bad id") << u"ok"_s << u"has:colon"_s;
}

void TestProfileStore::badProfiles()
{
    QFETCH(QString, name);
    QFETCH(QString, id);
    Profile p = wiki(name);
    p.id = id;
    const Result<Profile> added = m_store->add(p);
    QVERIFY(!added.ok());
    QCOMPARE(added.error().code(), ErrorCode::InvalidInput);
    QCOMPARE(names(), QStringList({u"Local provider"_s}));
}

void TestProfileStore::consumers()
{
    const Result<Profile> a = m_store->add(wiki(u"Wiki A"_s));
    QVERIFY(a.ok());
    ConsumerRecord c {a->id, u"abc"_s, u"My tool"_s, 1, true, false, u"oob"_s, {u"basic"_s, u"editpage"_s}};
    QVERIFY(m_store->saveConsumer(c).ok());
    ConsumerRecord d {a->id, u"def"_s, u"Bot"_s, 2, false, true, QString(), {}};
    QVERIFY(m_store->saveConsumer(d).ok());
    QCOMPARE(*m_store->consumers(a->id), QList<ConsumerRecord>({d, c}));
    c.name = u"Renamed"_s;
    QVERIFY(m_store->saveConsumer(c).ok()); // replaces
    QCOMPARE(m_store->consumers(a->id)->size(), 2);
    QCOMPARE(m_store->saveConsumer({u"nosuch"_s, u"x"_s, {}, 2, true, false, {}, {}}).error().code(),
             ErrorCode::NotFound);
    QCOMPARE(m_store->saveConsumer({a->id, u"x"_s, {}, 3, true, false, {}, {}}).error().code(),
             ErrorCode::InvalidInput);
    QCOMPARE(m_store->saveConsumer({a->id, QString(), {}, 2, true, false, {}, {}}).error().code(),
             ErrorCode::InvalidInput);
    QVERIFY(m_store->remove(a->id).ok());
    QVERIFY(m_store->consumers(a->id)->isEmpty());
}

void TestProfileStore::fileIsPrivateAndReopens()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"sub/app.sqlite"_s);
    {
        auto db = AppDatabase::open(path);
        QVERIFY2(db.ok(), qPrintable(db.error().toString()));
        ProfileStore store(**db, m_random);
        QVERIFY(store.add(wiki(u"Persisted"_s)).ok());
    }
    QCOMPARE(QFile::permissions(path) & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
             QFileDevice::Permissions());
    auto db = AppDatabase::open(path);
    QVERIFY(db.ok());
    ProfileStore store(**db, m_random);
    QCOMPARE(store.find(u"Persisted"_s)->siteName, u"Example"_s);
    // Not a database: a clear error.
    QFile junk(dir.filePath(u"junk.sqlite"_s));
    QVERIFY(junk.open(QIODevice::WriteOnly));
    junk.write(QByteArray(4096, 'x'));
    junk.close();
    auto bad = AppDatabase::open(junk.fileName());
    QVERIFY(!bad.ok());
    QVERIFY(bad.error().message().contains(u"junk.sqlite"_s));
}

void TestProfileStore::exportImportRoundTrip()
{
    Profile oidc;
    oidc.name = u"Issuer"_s;
    oidc.kind = Profile::Kind::OidcIssuer;
    oidc.baseUrl = QUrl(u"https://id.example"_s);
    oidc.issuer = QUrl(u"https://id.example"_s);
    oidc.metadata = QJsonObject {{u"issuer"_s, u"https://id.example"_s}};
    const Result<Profile> o = m_store->add(oidc);
    const Result<Profile> w = m_store->add(wiki(u"Wiki"_s));
    QVERIFY(o.ok() && w.ok());
    const ConsumerRecord c {w->id,       u"abc"_s, u"Tool"_s, 2, true, false, u"http://127.0.0.1/cb"_s,
                            {u"basic"_s}};
    QVERIFY(m_store->saveConsumer(c).ok());
    const Result<QByteArray> exported = m_store->exportJson();
    QVERIFY(exported.ok());
    const QJsonObject root = QJsonDocument::fromJson(*exported).object();
    QCOMPARE(root[u"format"_s].toString(), u"mwauth-profiles"_s);
    QCOMPARE(root[u"profiles"_s].toArray().size(), 2); // not the built-in one
    QVERIFY(!exported->contains("secret"));

    // Into a fresh database: the same profiles (new ids) and consumers.
    auto other = AppDatabase::open(u":memory:"_s);
    QVERIFY(other.ok());
    ProfileStore target(**other, m_random);
    const Result<QList<Profile>> imported = target.importJson(*exported);
    QVERIFY2(imported.ok(), qPrintable(imported.error().toString()));
    QCOMPARE(imported->size(), 2);
    const Result<Profile> back = target.find(u"Wiki"_s);
    QVERIFY(back.ok());
    QVERIFY(back->id != w->id);
    QCOMPARE(back->apiUrl, w->apiUrl);
    QCOMPARE(back->restUrl, w->restUrl);
    QCOMPARE(back->indexUrl, w->indexUrl);
    QCOMPARE(back->generator, w->generator);
    QCOMPARE(target.find(u"Issuer"_s)->metadata, oidc.metadata);
    QCOMPARE(target.find(u"Issuer"_s)->kind, Profile::Kind::OidcIssuer);
    ConsumerRecord expected = c;
    expected.profileId = back->id;
    QCOMPARE(*target.consumers(back->id), QList<ConsumerRecord>({expected}));
    // Importing again conflicts on the names and adds nothing.
    const Result<QList<Profile>> again = target.importJson(*exported);
    QCOMPARE(again.error().code(), ErrorCode::Conflict);
    QCOMPARE(target.list()->size(), 3);
}

void TestProfileStore::malformedImport_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<int>("code");
    const QByteArray head = R"({"format":"mwauth-profiles","version":1,"profiles":[)";
    const QByteArray good = R"({"name":"Good","kind":"mediawiki","api_url":"https://a.example/api.php"})";
    const int malformed = int(ErrorCode::MalformedJson);
    QTest::newRow("not JSON") << QByteArray("{\"format\":") << malformed;
    QTest::newRow("array") << QByteArray("[]") << malformed;
    QTest::newRow("other format") << QByteArray(R"({"format":"x","version":1,"profiles":[]})") << malformed;
    QTest::newRow("newer version") << QByteArray(R"({"format":"mwauth-profiles","version":2,"profiles":[]})")
                                   << malformed;
    QTest::newRow("no profiles") << QByteArray(R"({"format":"mwauth-profiles","version":1})") << malformed;
    QTest::newRow("profile not object") << head + good + ",3]}" << malformed;
    QTest::newRow("no name") << head + good + R"(,{"kind":"mediawiki","api_url":"https://b/api.php"}]})"
                             << malformed;
    QTest::newRow("bad kind") << head + good + R"(,{"name":"B","kind":"local-provider"}]})" << malformed;
    QTest::newRow("bad url") << head + good
            + R"(,{"name":"B","kind":"mediawiki","api_url":"ftp://x/api.php"}]})"
                             << malformed;
    QTest::newRow("mediawiki without api")
        << head + good + R"(,{"name":"B","kind":"mediawiki"}]})" << malformed;
    QTest::newRow("oidc without issuer") << head + good + R"(,{"name":"B","kind":"oidc"}]})" << malformed;
    QTest::newRow("secret in consumer") << head
            + R"({"name":"B","kind":"mediawiki","api_url":"https://b/api.php","consumers":[{"client_id":"c","oauth_version":2,"client_secret":"s"}]}]})"
                                        << malformed;
    QTest::newRow("bad oauth version") << head
            + R"({"name":"B","kind":"mediawiki","api_url":"https://b/api.php","consumers":[{"client_id":"c","oauth_version":3}]}]})"
                                       << malformed;
    QTest::newRow("grants not strings") << head
            + R"({"name":"B","kind":"mediawiki","api_url":"https://b/api.php","consumers":[{"client_id":"c","oauth_version":2,"grants":[1]}]}]})"
                                        << malformed;
    QTest::newRow("name twice") << head + good + "," + good + "]}" << int(ErrorCode::Conflict);
    QTest::newRow("name taken") << head + good
            + R"(,{"name":"Existing","kind":"oidc","issuer":"https://i"}]})"
                                << int(ErrorCode::Conflict);
}

void TestProfileStore::malformedImport()
{
    QFETCH(QByteArray, json);
    QFETCH(int, code);
    Profile existing = wiki(u"Existing"_s);
    QVERIFY(m_store->add(existing).ok());
    const QStringList before = names();
    const Result<QList<Profile>> imported = m_store->importJson(json);
    QVERIFY(!imported.ok());
    QCOMPARE(int(imported.error().code()), code);
    QVERIFY(!imported.error().message().isEmpty());
    QCOMPARE(names(), before); // nothing lost, nothing half-added
    QSqlQuery q(m_db->database());
    QVERIFY(q.exec(u"SELECT COUNT(*) FROM consumer"_s) && q.next());
    QCOMPARE(q.value(0).toInt(), 0);
}

QTEST_GUILESS_MAIN(TestProfileStore)
#include "TestProfileStore.moc"
