// Discovery against our provider (in-process LocalProvider: siteinfo and OIDC discovery) and
// against small QHttpServers in the test for what a real server seldom does wrong on purpose:
// a page that is not a wiki, malformed JSON, a discovery document naming another issuer. An
// unreachable URL is a closed loopback port.

#include "DiscoveryTestSupport.h"

#include "provider/LocalProvider.h"

#include <QHttpServer>
#include <QHttpServerResponse>
#include <QNetworkAccessManager>
#include <QTcpServer>

using namespace mwauth;
using namespace mwauth::profiles;
using namespace mwauth::profiles::test;
using namespace Qt::StringLiterals;

class TestProfileDiscovery : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void candidates_data();
    void candidates();
    void oidcAgainstOurProvider();
    void mediaWikiAgainstOurProvider();
    void unreachable();
    void notAWiki();
    void malformedJson();
    void jsonWithoutSiteInfo();
    void oidcWrongIssuer();
    void oidcMalformed();
    void notHttp();

private:
    QUrl fakeUrl(const QString &path) const
    {
        return QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_fakePort).arg(path));
    }

    SystemClock m_clock;
    SystemRandom m_random;
    std::unique_ptr<provider::LocalProvider> m_provider;
    QNetworkAccessManager m_network;
    QHttpServer m_fake;
    QTcpServer *m_fakeSocket = nullptr;
    quint16 m_fakePort = 0;
};

void TestProfileDiscovery::initTestCase()
{
    m_provider = std::make_unique<provider::LocalProvider>(m_clock, m_random);
    provider::LocalProviderOptions options;
    options.passwordIterations = 1000;
    const Result<void> started = m_provider->start(options);
    QVERIFY2(started.ok(), qPrintable(started.error().toString()));

    m_fake.route(u"/html/<arg>"_s, [](const QString &) {
        return QHttpServerResponse("text/html", "<html><body>Just a page</body></html>");
    });
    m_fake.route(u"/broken/api.php"_s, [] {
        return QHttpServerResponse("application/json", R"({"batchcomplete":true,"query":{"general":)");
    });
    m_fake.route(u"/nogeneral/api.php"_s, [] {
        return QHttpServerResponse("application/json", R"({"batchcomplete":true,"query":{}})");
    });
    m_fake.route(u"/other/.well-known/openid-configuration"_s, [] {
        return QHttpServerResponse(
            "application/json",
            R"({"issuer":"https://elsewhere.example","authorization_endpoint":"https://e/a",)"
            R"("token_endpoint":"https://e/t","jwks_uri":"https://e/j","response_types_supported":["code"]})");
    });
    m_fake.route(u"/garbled/.well-known/openid-configuration"_s,
                 [] { return QHttpServerResponse("application/json", "[1, 2"); });
    m_fakeSocket = new QTcpServer(this);
    QVERIFY(m_fakeSocket->listen(QHostAddress::LocalHost, 0));
    m_fake.bind(m_fakeSocket);
    m_fakePort = m_fakeSocket->serverPort();
}

void TestProfileDiscovery::cleanupTestCase()
{
    m_provider->stop();
    m_provider.reset();
}

void TestProfileDiscovery::candidates_data()
{
    QTest::addColumn<QString>("given");
    QTest::addColumn<QStringList>("tried");
    QTest::newRow("origin") << u"https://w.example"_s
                            << QStringList {u"https://w.example/api.php"_s, u"https://w.example/w/api.php"_s};
    QTest::newRow("slash") << u"https://w.example/"_s
                           << QStringList {u"https://w.example/api.php"_s, u"https://w.example/w/api.php"_s};
    QTest::newRow("api.php") << u"https://w.example/w/api.php?x=1"_s
                             << QStringList {u"https://w.example/w/api.php"_s};
    QTest::newRow("index.php") << u"https://w.example/w/index.php?title=Main"_s
                               << QStringList {u"https://w.example/w/api.php"_s};
    QTest::newRow("ftp") << u"ftp://w.example/"_s << QStringList {};
    QTest::newRow("no host") << u"https:///api.php"_s << QStringList {};
}

void TestProfileDiscovery::candidates()
{
    QFETCH(QString, given);
    QFETCH(QStringList, tried);
    QStringList urls;
    for (const QUrl &url : ProfileDiscovery::mediaWikiCandidates(QUrl(given)))
        urls << url.toString();
    QCOMPARE(urls, tried);
}

void TestProfileDiscovery::oidcAgainstOurProvider()
{
    ProfileDiscovery discovery(m_network);
    const QUrl issuer = m_provider->issuer();
    const Result<Profile> profile = discover(discovery, [&] { discovery.discoverOidc(issuer); });
    QVERIFY2(profile.ok(), qPrintable(profile.error().toString()));
    QCOMPARE(profile->kind, Profile::Kind::OidcIssuer);
    QCOMPARE(profile->issuer, issuer);
    QCOMPARE(profile->metadata.value(u"issuer"_s).toString(), issuer.toString());
    QVERIFY(profile->metadata.value(u"token_endpoint"_s)
                .toString()
                .endsWith(u"/w/rest.php/oauth2/access_token"_s));
    QVERIFY(profile->metadata.value(u"jwks_uri"_s).toString().startsWith(issuer.toString()));
}

void TestProfileDiscovery::mediaWikiAgainstOurProvider()
{
    // From the bare base URL (found at /w/api.php after /api.php answers 404) and from its
    // api.php and index.php: the same three script URLs as the provider has.
    const QList<QUrl> given {m_provider->baseUrl(), m_provider->apiUrl(), m_provider->indexUrl()};
    for (const QUrl &url : given) {
        ProfileDiscovery discovery(m_network);
        const Result<Profile> profile = discover(discovery, [&] { discovery.discoverMediaWiki(url); });
        QVERIFY2(profile.ok(), qPrintable(profile.error().toString()));
        QCOMPARE(profile->kind, Profile::Kind::MediaWiki);
        QCOMPARE(profile->baseUrl, url);
        QCOMPARE(profile->apiUrl, m_provider->apiUrl());
        QCOMPARE(profile->restUrl, m_provider->restUrl());
        QCOMPARE(profile->indexUrl, m_provider->indexUrl());
        QCOMPARE(profile->issuer, m_provider->issuer());
        QVERIFY2(profile->generator.startsWith(u"MediaWiki"_s), qPrintable(profile->generator));
        QVERIFY(!profile->siteName.isEmpty());
    }
}

void TestProfileDiscovery::unreachable()
{
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    }
    ProfileDiscovery discovery(m_network);
    const QUrl url(u"http://127.0.0.1:%1/"_s.arg(port));
    const Result<Profile> wiki = discover(discovery, [&] { discovery.discoverMediaWiki(url); });
    QVERIFY(!wiki.ok());
    QCOMPARE(wiki.error().code(), ErrorCode::Network);
    QVERIFY2(wiki.error().message().startsWith(u"Could not reach http://127.0.0.1:%1/api.php"_s.arg(port)),
             qPrintable(wiki.error().message()));
    QVERIFY(wiki.error().message().contains(u"refused"_s, Qt::CaseInsensitive));
    const Result<Profile> oidc = discover(discovery, [&] { discovery.discoverOidc(url); });
    QCOMPARE(oidc.error().code(), ErrorCode::Network);
    QVERIFY(oidc.error().message().contains(u"refused"_s, Qt::CaseInsensitive));
}

void TestProfileDiscovery::notAWiki()
{
    ProfileDiscovery discovery(m_network);
    const Result<Profile> profile
        = discover(discovery, [&] { discovery.discoverMediaWiki(fakeUrl(u"/nowhere"_s)); });
    QVERIFY(!profile.ok());
    QCOMPARE(profile.error().code(), ErrorCode::Network);
    const QString message = profile.error().message();
    QVERIFY2(message.startsWith(u"No MediaWiki found at "_s), qPrintable(message));
    // Each candidate tried is named with its reason.
    QVERIFY(message.contains(u"/nowhere/api.php: HTTP 404"_s));
    QVERIFY(message.contains(u"/nowhere/w/api.php: HTTP 404"_s));
    const Result<Profile> html
        = discover(discovery, [&] { discovery.discoverMediaWiki(fakeUrl(u"/html/api.php"_s)); });
    QVERIFY2(html.error().message().contains(u"not JSON (text/html)"_s), qPrintable(html.error().message()));
}

void TestProfileDiscovery::malformedJson()
{
    ProfileDiscovery discovery(m_network);
    const Result<Profile> profile
        = discover(discovery, [&] { discovery.discoverMediaWiki(fakeUrl(u"/broken"_s)); });
    QVERIFY(!profile.ok());
    QCOMPARE(profile.error().code(), ErrorCode::MalformedJson);
    QVERIFY2(profile.error().message().contains(u"malformed JSON"_s), qPrintable(profile.error().message()));
}

void TestProfileDiscovery::jsonWithoutSiteInfo()
{
    ProfileDiscovery discovery(m_network);
    const Result<Profile> profile
        = discover(discovery, [&] { discovery.discoverMediaWiki(fakeUrl(u"/nogeneral/api.php"_s)); });
    QCOMPARE(profile.error().code(), ErrorCode::MalformedJson);
    QVERIFY(profile.error().message().contains(u"without the MediaWiki siteinfo"_s));
}

void TestProfileDiscovery::oidcWrongIssuer()
{
    ProfileDiscovery discovery(m_network);
    const Result<Profile> profile
        = discover(discovery, [&] { discovery.discoverOidc(fakeUrl(u"/other"_s)); });
    QCOMPARE(profile.error().code(), ErrorCode::MalformedJson);
    QVERIFY2(profile.error().message().contains(u"names the issuer \"https://elsewhere.example\""_s),
             qPrintable(profile.error().message()));
}

void TestProfileDiscovery::oidcMalformed()
{
    ProfileDiscovery discovery(m_network);
    const Result<Profile> garbled
        = discover(discovery, [&] { discovery.discoverOidc(fakeUrl(u"/garbled"_s)); });
    QCOMPARE(garbled.error().code(), ErrorCode::MalformedJson);
    QVERIFY(garbled.error().message().contains(u"is not a JSON object"_s));
    const Result<Profile> missing = discover(discovery, [&] { discovery.discoverOidc(fakeUrl(u"/none"_s)); });
    QCOMPARE(missing.error().code(), ErrorCode::Network);
    QVERIFY(missing.error().message().contains(u"HTTP 404"_s));
}

void TestProfileDiscovery::notHttp()
{
    ProfileDiscovery discovery(m_network);
    const Result<Profile> wiki
        = discover(discovery, [&] { discovery.discoverMediaWiki(QUrl(u"file:///etc/passwd"_s)); });
    QCOMPARE(wiki.error().code(), ErrorCode::MalformedUrl);
    const Result<Profile> oidc
        = discover(discovery, [&] { discovery.discoverOidc(QUrl(u"https://id.example/?q=1"_s)); });
    QCOMPARE(oidc.error().code(), ErrorCode::MalformedUrl);
}

QTEST_GUILESS_MAIN(TestProfileDiscovery)
#include "TestProfileDiscovery.moc"
