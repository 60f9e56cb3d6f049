// rest.php/oauth2/resource/{profile,scopes} over real HTTP (reference/mediawiki-oauth.md
// section 1.4): the profile's shape for a user and for a client_credentials token, private
// information only with the private-information grants, rights within the grants, the
// client's grants as scopes, and the errors.

#include "BearerTestSupport.h"

#include <QJsonArray>

using namespace mwauth;
using namespace mwauth::provider;
using namespace mwauth::provider::testing;

class TestResourceApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void profile_data();
    void profile();
    void scopesAreTheClientsGrants();
    void errors_data();
    void errors();

private:
    BearerFixture f;
    TestClient m_app;
    qint64 m_alice = 0;
};

void TestResourceApi::initTestCase()
{
    QVERIFY(f.start());
    m_app = f.registerClient(u"Resource app"_qs, {u"basic"_qs, u"editpage"_qs, u"privateinfo"_qs});
    QVERIFY(!m_app.id.isEmpty());
    const auto alice = f.provider->users()->createUser(u"Resource alice"_qs, u"secret password 1"_qs,
                                                       u"alice@example.org"_qs);
    QVERIFY(alice.ok());
    m_alice = alice->id;
}

void TestResourceApi::cleanupTestCase()
{
    f.stop();
}

void TestResourceApi::profile_data()
{
    QTest::addColumn<bool>("user");
    QTest::addColumn<QStringList>("grants");
    QTest::addColumn<bool>("privateInfo");
    QTest::newRow("user, basic") << true << QStringList {u"basic"_qs} << false;
    QTest::newRow("user, privateinfo") << true << QStringList {u"basic"_qs, u"privateinfo"_qs} << true;
    QTest::newRow("user, mwoauth-authonlyprivate")
        << true << QStringList {u"mwoauth-authonlyprivate"_qs} << true;
    QTest::newRow("user, mwoauth-authonly") << true << QStringList {u"mwoauth-authonly"_qs} << false;
    QTest::newRow("client_credentials") << false << QStringList {u"basic"_qs} << false;
}

void TestResourceApi::profile()
{
    QFETCH(bool, user);
    QFETCH(QStringList, grants);
    QFETCH(bool, privateInfo);
    const IssuedAccessToken token = f.userToken(m_app, user ? m_alice : 0, grants);
    QVERIFY(!token.jwt.isEmpty());
    const Reply reply = f.get(u"/oauth2/resource/profile"_qs, token.jwt);
    QCOMPARE(reply.status, 200);
    const QJsonObject json = reply.json();
    // The members 1.39 sends (observed), in any order.
    for (const char *key : {"sub", "username", "editcount", "confirmed_email", "blocked", "registered",
                            "groups", "rights", "grants"})
        QVERIFY2(json.contains(QLatin1String(key)), key);
    QCOMPARE(json.contains(u"email"), privateInfo);
    QCOMPARE(json.contains(u"realname"), privateInfo);
    QCOMPARE(json[u"grants"].toArray(), QJsonArray::fromStringList(grants));
    QVERIFY(json[u"blocked"].isBool());
    const QJsonArray rights = json[u"rights"].toArray();
    if (user) {
        QCOMPARE(json[u"sub"].toString(), QString::number(m_alice));
        QCOMPARE(json[u"username"].toString(), u"Resource alice"_qs);
        QVERIFY(json[u"registered"].isString());
        QCOMPARE(json[u"registered"].toString().size(), 14); // a MediaWiki timestamp
        QVERIFY(json[u"groups"].toArray().contains(u"user"_qs));
        QVERIFY(json[u"groups"].toArray().contains(u"*"_qs));
        if (privateInfo)
            QCOMPARE(json[u"email"].toString(), u"alice@example.org"_qs);
    } else {
        // As 1.39 answers a client_credentials token (observed).
        QCOMPARE(json[u"sub"].toString(), u"0"_qs);
        QCOMPARE(json[u"username"].toString(), u"127.0.0.1"_qs);
        QCOMPARE(json[u"registered"].toBool(true), false);
        QCOMPARE(json[u"groups"].toArray(), QJsonArray {u"*"_qs});
        QCOMPARE(rights, (QJsonArray {u"read"_qs, u"writeapi"_qs}));
    }
    // The special grants give identity, no rights; "edit" needs editpage.
    if (grants.contains(u"mwoauth-authonly"_qs) || grants.contains(u"mwoauth-authonlyprivate"_qs))
        QCOMPARE(rights, QJsonArray());
    QVERIFY(!rights.contains(u"edit"_qs));
}

void TestResourceApi::scopesAreTheClientsGrants()
{
    const IssuedAccessToken token = f.userToken(m_app, m_alice, {u"basic"_qs});
    const Reply reply = f.get(u"/oauth2/resource/scopes"_qs, token.jwt);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json().keys(), QStringList {u"scopes"_qs});
    QCOMPARE(reply.json()[u"scopes"].toArray(),
             (QJsonArray {u"basic"_qs, u"editpage"_qs, u"privateinfo"_qs}));
}

void TestResourceApi::errors_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("withToken");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");
    QTest::newRow("unknown type, before the token is looked at")
        << QByteArray("GET") << u"/oauth2/resource/secrets"_qs << false << 400
        << u"parameter-validation-failed"_qs;
    QTest::newRow("no Authorization header")
        << QByteArray("GET") << u"/oauth2/resource/profile"_qs << false << 401 << u"access_denied"_qs;
    QTest::newRow("POST") << QByteArray("POST") << u"/oauth2/resource/profile"_qs << true << 405 << QString();
}

void TestResourceApi::errors()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(bool, withToken);
    QFETCH(int, status);
    QFETCH(QString, error);
    QList<std::pair<QByteArray, QByteArray>> headers;
    if (withToken)
        headers.append({"Authorization", "Bearer " + f.userToken(m_app, m_alice, {u"basic"_qs}).jwt});
    const Reply reply
        = f.http->send(method, f.rest(path), method == "POST" ? QByteArray("a=b") : QByteArray(),
                       "application/x-www-form-urlencoded", headers);
    QCOMPARE(reply.status, status);
    if (!error.isEmpty())
        QCOMPARE(reply.json()[u"error"].toString(), error);
    if (status == 405)
        QCOMPARE(reply.header("Allow"), QByteArray("GET"));
}

QTEST_GUILESS_MAIN(TestResourceApi)
#include "TestResourceApi.moc"
