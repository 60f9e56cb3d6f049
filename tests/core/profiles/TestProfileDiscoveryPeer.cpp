// Siteinfo discovery against the real MediaWiki 1.39 (peers/mediawiki/start.sh on a free
// loopback port with its own MW_DIR; stopped again at the end).

#include "DiscoveryTestSupport.h"

#include <QNetworkAccessManager>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>

using namespace mwauth;
using namespace mwauth::profiles;
using namespace mwauth::profiles::test;
using namespace Qt::StringLiterals;

class TestProfileDiscoveryPeer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void discoversTheWiki_data();
    void discoversTheWiki();
    void wrongPathOnTheWikiHost();

private:
    bool runScript(const QString &script, QString &output);
    QString base() const { return u"http://127.0.0.1:%1"_s.arg(m_port); }

    QTemporaryDir m_dir;
    quint16 m_port = 0;
    bool m_started = false;
    QNetworkAccessManager m_network;
};

bool TestProfileDiscoveryPeer::runScript(const QString &script, QString &output)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"MW_PORT"_s, QString::number(m_port));
    env.insert(u"MW_DIR"_s, m_dir.filePath(u"wiki"_s));
    env.insert(u"MW_SKIP_APT"_s, u"1"_s);
    QProcess process;
    process.setProcessEnvironment(env);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(u"bash"_s, {QStringLiteral(MWAUTH_SHARED_DIR "/peers/mediawiki/") + script});
    const bool finished = process.waitForFinished(240000);
    if (!finished) {
        process.kill();
        process.waitForFinished(5000);
    }
    output = QString::fromUtf8(process.readAll());
    return finished && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
}

void TestProfileDiscoveryPeer::initTestCase()
{
    QVERIFY(m_dir.isValid());
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        m_port = probe.serverPort();
    }
    QString output;
    m_started = true; // stop.sh is harmless when nothing started
    QVERIFY2(runScript(u"start.sh"_s, output), qPrintable(output));
}

void TestProfileDiscoveryPeer::cleanupTestCase()
{
    if (!m_started)
        return;
    QString output;
    QVERIFY2(runScript(u"stop.sh"_s, output), qPrintable(output));
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_port);
    QVERIFY2(!socket.waitForConnected(2000), "the wiki still answers after stop.sh");
}

void TestProfileDiscoveryPeer::discoversTheWiki_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("server root") << u"/"_s;
    QTest::newRow("api.php") << u"/api.php"_s;
    QTest::newRow("index.php with a title") << u"/index.php?title=Main_Page"_s;
}

void TestProfileDiscoveryPeer::discoversTheWiki()
{
    QFETCH(QString, path);
    ProfileDiscovery discovery(m_network);
    const QUrl url(base() + path);
    const Result<Profile> profile = discover(discovery, [&] { discovery.discoverMediaWiki(url); });
    QVERIFY2(profile.ok(), qPrintable(profile.error().toString()));
    // The peer's wiki is at the root (--scriptpath ""), $wgServer http://127.0.0.1:PORT.
    QCOMPARE(profile->apiUrl, QUrl(base() + u"/api.php"_s));
    QCOMPARE(profile->restUrl, QUrl(base() + u"/rest.php"_s));
    QCOMPARE(profile->indexUrl, QUrl(base() + u"/index.php"_s));
    QCOMPARE(profile->issuer, QUrl(base()));
    QCOMPARE(profile->siteName, u"OATH Test Wiki"_s);
    QVERIFY2(profile->generator.startsWith(u"MediaWiki 1.39"_s), qPrintable(profile->generator));
}

void TestProfileDiscoveryPeer::wrongPathOnTheWikiHost()
{
    // php -S serves /usr/share/mediawiki: a folder without api.php is no wiki.
    ProfileDiscovery discovery(m_network);
    const QUrl url(base() + u"/resources/"_s);
    const Result<Profile> profile = discover(discovery, [&] { discovery.discoverMediaWiki(url); });
    QVERIFY(!profile.ok());
    QVERIFY2(profile.error().message().startsWith(u"No MediaWiki found at"_s),
             qPrintable(profile.error().message()));
}

QTEST_GUILESS_MAIN(TestProfileDiscoveryPeer)
#include "TestProfileDiscoveryPeer.moc"
