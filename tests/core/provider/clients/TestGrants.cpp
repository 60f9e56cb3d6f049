// The provider's grant table against the one dumped from a running MediaWiki 1.39.17 with
// Extension:OAuth (peers/mediawiki/fixtures/oauth-ext/grants-1.39.json), and the grant helpers.

#include "provider/clients/Grants.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTest>

using namespace mwauth;
using namespace mwauth::provider;

class TestGrants : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void sameGrantsAsMediaWiki();
    void grantMatchesFixture_data();
    void grantMatchesFixture();
    void specialGrants();
    void groupTitles();
    void backCompatNames_data();
    void backCompatNames();
    void validate_data();
    void validate();
    void rightsOfASet();
    void normalizedForClient_data();
    void normalizedForClient();

private:
    QJsonObject m_fixture;
};

void TestGrants::initTestCase()
{
    QFile file(QStringLiteral(MWAUTH_SHARED_DIR "/peers/mediawiki/fixtures/oauth-ext/grants-1.39.json"));
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
    QJsonParseError error;
    const QJsonDocument json = QJsonDocument::fromJson(file.readAll(), &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    m_fixture = json.object();
    QVERIFY(m_fixture.value(QStringLiteral("grants")).isObject());
}

void TestGrants::sameGrantsAsMediaWiki()
{
    const QJsonObject grants = m_fixture.value(QStringLiteral("grants")).toObject();
    QStringList ours;
    for (const GrantInfo &grant : Grants::all())
        ours << grant.name;
    // The same names (QJsonObject sorts its keys, so the order cannot be compared).
    QStringList theirs;
    for (auto it = grants.begin(); it != grants.end(); ++it)
        theirs << it.key();
    QCOMPARE(QSet<QString>(ours.begin(), ours.end()), QSet<QString>(theirs.begin(), theirs.end()));
    QCOMPARE(ours.size(), theirs.size());
    QCOMPARE(ours.first(), Grants::Basic);
    // The fixture's hidden grants are ours too.
    const QJsonArray hidden = m_fixture.value(QStringLiteral("hidden")).toArray();
    QCOMPARE(hidden.size(), 1);
    QCOMPARE(hidden.at(0).toString(), Grants::Basic);
    QCOMPARE(Grants::find(Grants::Basic)->group, QStringLiteral("hidden"));
}

void TestGrants::grantMatchesFixture_data()
{
    QTest::addColumn<QString>("name");
    const QJsonObject grants = m_fixture.value(QStringLiteral("grants")).toObject();
    for (auto it = grants.begin(); it != grants.end(); ++it)
        QTest::newRow(qPrintable(it.key())) << it.key();
}

void TestGrants::grantMatchesFixture()
{
    QFETCH(QString, name);
    const QJsonObject expected = m_fixture.value(QStringLiteral("grants")).toObject().value(name).toObject();
    const GrantInfo *grant = Grants::find(name);
    QVERIFY2(grant, qPrintable(name));
    QCOMPARE(grant->name, name);
    // null in the fixture: no group in 1.39's $wgGrantPermissionGroups.
    QCOMPARE(grant->group, expected.value(QStringLiteral("group")).toString());
    QCOMPARE(grant->description, expected.value(QStringLiteral("desc")).toString());
    QStringList rights;
    for (const QJsonValue &right : expected.value(QStringLiteral("rights")).toArray())
        rights << right.toString();
    QCOMPARE(grant->rights, rights);
    QCOMPARE(Grants::description(name), grant->description);
    QVERIFY(Grants::isKnown(name));
    QVERIFY(!Grants::isSpecial(name));
}

void TestGrants::specialGrants()
{
    const QJsonObject special = m_fixture.value(QStringLiteral("special")).toObject();
    QCOMPARE(special.size(), 2);
    for (const QString &name : {Grants::AuthOnly, Grants::AuthOnlyPrivate}) {
        QVERIFY(Grants::isSpecial(name));
        QVERIFY(Grants::isKnown(name));
        QVERIFY(!Grants::find(name)); // not in $wgGrantPermissions
        QVERIFY(Grants::names().contains(name));
        QCOMPARE(Grants::description(name), special.value(name).toString());
        QVERIFY(Grants::rights({name}).isEmpty());
    }
    QVERIFY(Grants::description(QStringLiteral("nosuchgrant")).isEmpty());
}

void TestGrants::groupTitles()
{
    const QJsonObject groups = m_fixture.value(QStringLiteral("groups")).toObject();
    int checked = 0;
    for (auto it = groups.begin(); it != groups.end(); ++it) {
        if (it.key() == u"hidden")
            continue; // MediaWiki shows no title for it (the fixture has the raw message key)
        QCOMPARE(Grants::groupTitle(it.key()), it.value().toString());
        ++checked;
    }
    QCOMPARE(checked, 8);
    QVERIFY(Grants::groupTitle(QStringLiteral("nosuchgroup")).isEmpty());
}

void TestGrants::backCompatNames_data()
{
    QTest::addColumn<QString>("grant");
    QTest::addColumn<QString>("stored");
    QTest::newRow("basic") << QStringLiteral("basic") << QStringLiteral("useoauth");
    QTest::newRow("authonly") << QStringLiteral("mwoauth-authonly") << QStringLiteral("authonly");
    QTest::newRow("authonlyprivate") << QStringLiteral("mwoauth-authonlyprivate")
                                     << QStringLiteral("authonlyprivate");
    QTest::newRow("editpage unchanged") << QStringLiteral("editpage") << QStringLiteral("editpage");
}

void TestGrants::backCompatNames()
{
    QFETCH(QString, grant);
    QFETCH(QString, stored);
    QCOMPARE(Grants::toDatabaseName(grant), stored);
    QCOMPARE(Grants::fromDatabaseName(stored), grant);
}

void TestGrants::validate_data()
{
    QTest::addColumn<QStringList>("grants");
    QTest::addColumn<QString>("unknown");
    QTest::newRow("empty") << QStringList() << QString();
    QTest::newRow("normal") << QStringList {QStringLiteral("basic"), QStringLiteral("editpage")} << QString();
    QTest::newRow("special") << QStringList {QStringLiteral("mwoauth-authonlyprivate")} << QString();
    QTest::newRow("duplicates") << QStringList {QStringLiteral("patrol"), QStringLiteral("patrol")}
                                << QString();
    QTest::newRow("unknown") << QStringList {QStringLiteral("editpage"), QStringLiteral("fly")}
                             << QStringLiteral("fly");
    QTest::newRow("back-compat name is not a grant")
        << QStringList {QStringLiteral("useoauth")} << QStringLiteral("useoauth");
    QTest::newRow("case matters") << QStringList {QStringLiteral("EditPage")} << QStringLiteral("EditPage");
    QTest::newRow("a right is not a grant") << QStringList {QStringLiteral("edit")} << QStringLiteral("edit");
}

void TestGrants::validate()
{
    QFETCH(QStringList, grants);
    QFETCH(QString, unknown);
    const Result<void> result = Grants::validate(grants);
    if (unknown.isEmpty()) {
        QVERIFY2(result.ok(), qPrintable(result.error().message()));
        return;
    }
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code(), ErrorCode::InvalidInput);
    QVERIFY2(result.error().message().startsWith(u'\'' + unknown + QStringLiteral("' is not a grant")),
             qPrintable(result.error().message()));
}

void TestGrants::rightsOfASet()
{
    // editpage's rights come once although three grants include them.
    const QStringList rights = Grants::rights({QStringLiteral("editpage"), QStringLiteral("protect"),
                                               QStringLiteral("delete"), QStringLiteral("nosuch")});
    QCOMPARE(rights.count(QStringLiteral("edit")), 1);
    QCOMPARE(rights.mid(0, 5), Grants::find(QStringLiteral("editpage"))->rights);
    for (const QString &right : {QStringLiteral("editprotected"), QStringLiteral("protect"),
                                 QStringLiteral("bigdelete"), QStringLiteral("undelete")})
        QVERIFY2(rights.contains(right), qPrintable(right));
    QVERIFY(!rights.contains(QStringLiteral("read"))); // basic was not asked for
    QCOMPARE(QSet<QString>(rights.begin(), rights.end()).size(), rights.size());
    QVERIFY(Grants::rights({}).isEmpty());
}

void TestGrants::normalizedForClient_data()
{
    QTest::addColumn<QStringList>("requested");
    QTest::addColumn<QStringList>("stored");
    const QString basic = QStringLiteral("basic");
    QTest::newRow("nothing -> basic") << QStringList() << QStringList {basic};
    QTest::newRow("basic first, once")
        << QStringList {QStringLiteral("editpage"), basic, QStringLiteral("editpage")}
        << QStringList {basic, QStringLiteral("editpage")};
    QTest::newRow("authonly alone") << QStringList {QStringLiteral("editpage"), Grants::AuthOnly}
                                    << QStringList {Grants::AuthOnly};
    QTest::newRow("authonlyprivate wins")
        << QStringList {Grants::AuthOnly, Grants::AuthOnlyPrivate} << QStringList {Grants::AuthOnlyPrivate};
}

void TestGrants::normalizedForClient()
{
    QFETCH(QStringList, requested);
    QFETCH(QStringList, stored);
    QCOMPARE(Grants::normalizedForClient(requested), stored);
}

QTEST_GUILESS_MAIN(TestGrants)
#include "TestGrants.moc"
