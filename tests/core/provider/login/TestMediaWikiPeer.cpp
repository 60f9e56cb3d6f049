// The wiki's setup (start, users, stop), the documented conversation and the comparison of
// both peers; the other scenarios are in TestMediaWikiPeerScenarios.cpp.

#include "TestMediaWikiPeer.h"

using namespace mwauth;
using namespace mwauth::provider;
using namespace mwauth::provider::testing::peer;
using mwauth::provider::testing::LoginTestProvider;

QProcessEnvironment TestMediaWikiPeer::wikiEnvironment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"MW_PORT"_qs, QString::number(m_wikiPort));
    env.insert(u"MW_DIR"_qs, m_wikiDir.filePath(u"wiki"_qs));
    // The wiki's own throttles stay on (MediaWiki's defaults: 5 password attempts per name
    // and IP in 300 s, 150 in 48 h; OATHAuth's 10 codes per user in 60 s).
    env.remove(u"MW_NO_THROTTLE"_qs);
    return env;
}

QString TestMediaWikiPeer::runScript(const QString &script, bool &ok) const
{
    QProcess process;
    process.setProcessEnvironment(wikiEnvironment());
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(u"bash"_qs, {QStringLiteral(MWAUTH_SHARED_DIR "/peers/mediawiki/") + script});
    const bool finished = process.waitForFinished(kStartTimeoutMs);
    if (!finished)
        process.kill();
    process.waitForFinished(5000);
    ok = finished && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
    QString output = QString::fromUtf8(process.readAll());
    if (!finished)
        output += u"\n(" + script + u" did not finish within "_qs + QString::number(kStartTimeoutMs / 1000)
            + u" s)"_qs;
    return output;
}

QString TestMediaWikiPeer::runMaintenance(const QStringList &arguments) const
{
    // The variables start.sh uses to point the Debian MediaWiki code at this wiki's config.
    QProcessEnvironment env = wikiEnvironment();
    env.insert(u"MW_INSTALL_PATH"_qs, u"/usr/share/mediawiki"_qs);
    env.insert(u"MW_CONFIG_FILE"_qs, m_wikiDir.filePath(u"wiki/LocalSettings.php"_qs));
    QProcess process;
    process.setProcessEnvironment(env);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(u"php"_qs, arguments);
    const bool finished = process.waitForFinished(kMaintenanceTimeoutMs);
    if (!finished)
        process.kill();
    process.waitForFinished(5000);
    const QString output = QString::fromUtf8(process.readAll());
    if (finished && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0)
        return {};
    return u"php "_qs + arguments.join(u' ') + u" failed:\n"_qs + output;
}

QString TestMediaWikiPeer::addUser(const QString &name, const QString &password, bool totp)
{
    // start.sh's own ways: createAndPromote.php, and its setTOTP.php (OATHAuth's repository).
    QString error = runMaintenance(
        {u"/usr/share/mediawiki/maintenance/createAndPromote.php"_qs, u"--force"_qs, name, password});
    if (error.isEmpty() && totp)
        error = runMaintenance({m_wikiDir.filePath(u"wiki/setTOTP.php"_qs), name, kBobSecret});
    if (!error.isEmpty())
        return error;
    const Result<User> user = m_users->createUser(name, password);
    if (!user)
        return user.error().toString();
    if (totp) {
        const QJsonObject record {{u"keys"_qs, QJsonArray {QJsonObject {{u"secret"_qs, kBobSecret}}}}};
        if (const auto added = m_users->addTwoFactor(user->id, u"totp"_qs, record); !added)
            return added.error().toString();
    }
    return {};
}

void TestMediaWikiPeer::compareOnBoth(const Scenario &scenario, const QList<Step> &wanted)
{
    const QList<Step> wiki = scenario(wikiBase());
    const QList<Step> ours = scenario(m_server->baseUrl());
    QVERIFY2(
        wiki == wanted,
        qPrintable(u"MediaWiki answered:\n  "_qs + describe(wiki) + u"\nwanted:\n  "_qs + describe(wanted)));
    QVERIFY2(ours == wiki,
             qPrintable(u"the provider answered:\n  "_qs + describe(ours) + u"\nMediaWiki answered:\n  "_qs
                        + describe(wiki)));
}

bool TestMediaWikiPeer::portOpen() const
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, static_cast<quint16>(m_wikiPort));
    return socket.waitForConnected(2000);
}

void TestMediaWikiPeer::initTestCase()
{
    QVERIFY(m_wikiDir.isValid());
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        m_wikiPort = probe.serverPort();
    }
    bool ok = false;
    const QString output = runScript(u"start.sh"_qs, ok);
    m_wikiStarted = true; // stop.sh is harmless if nothing was started
    QVERIFY2(ok, qPrintable(u"start.sh failed:\n"_qs + output));

    m_provider = std::make_unique<LoginTestProvider>(m_clock, m_random);
    QCOMPARE(m_provider->open(), QString());
    m_users = m_provider->users();
    auto alice = m_users->createUser(u"Alice"_qs, kAlicePassword);
    auto bob = m_users->createUser(u"Bob"_qs, kBobPassword);
    QVERIFY(alice.ok() && bob.ok());
    const QJsonObject totp {{u"keys"_qs, QJsonArray {QJsonObject {{u"secret"_qs, kBobSecret}}}}};
    QVERIFY(m_users->addTwoFactor(bob->id, u"totp"_qs, totp).ok());
    QCOMPARE(m_provider->start(), QString());
    m_server = m_provider->server();
}

void TestMediaWikiPeer::cleanupTestCase()
{
    m_server = nullptr;
    m_users = nullptr;
    m_provider.reset();
    if (!m_wikiStarted)
        return;
    bool ok = false;
    const QString output = runScript(u"stop.sh"_qs, ok);
    QVERIFY2(ok, qPrintable(u"stop.sh failed:\n"_qs + output));
    QVERIFY2(!QFile::exists(m_wikiDir.filePath(u"wiki/server.pid"_qs)), qPrintable(output));
    QVERIFY2(!portOpen(), qPrintable(u"the wiki still answers on its port after stop.sh:\n"_qs + output));
}

QList<Step> TestMediaWikiPeer::runConversation(const QUrl &base)
{
    QList<Step> steps;
    {
        Conversation alice(base);
        steps.append(stepOf(alice.login(u"Alice"_qs, kAlicePassword, alice.loginToken())));
        Conversation wrong(base);
        steps.append(stepOf(wrong.login(u"Alice"_qs, kWrongPassword, wrong.loginToken())));
    }
    {
        Conversation bob(base);
        const QString token = bob.loginToken();
        steps.append(stepOf(bob.login(u"Bob"_qs, kBobPassword, token)));
        steps.append(stepOf(bob.continueWith(wrongBobCode(m_clock.nowSeconds()), token)));
        // One accepted code per peer and run: the wiki's replay guard was cleared by start.sh.
        steps.append(stepOf(bob.continueWith(bobCode(m_clock.nowSeconds()), token)));
        if (!bob.lastError().isEmpty())
            qWarning("%s", qPrintable(bob.lastError()));
    }
    {
        Conversation idle(base);
        steps.append(stepOf(idle.continueWith(bobCode(m_clock.nowSeconds()), idle.loginToken())));
    }
    return steps;
}

void TestMediaWikiPeer::conversationIsTheDocumentedOne_data()
{
    QTest::addColumn<bool>("realWiki");
    QTest::newRow("mediawiki") << true;
    QTest::newRow("provider") << false;
}

void TestMediaWikiPeer::conversationIsTheDocumentedOne()
{
    QFETCH(bool, realWiki);
    const QUrl base = realWiki ? wikiBase() : m_server->baseUrl();
    const QList<Step> steps = runConversation(base);
    m_transcripts.insert(QString::fromLatin1(QTest::currentDataTag()), steps);
    QVERIFY2(
        steps == documentedSteps(),
        qPrintable(u"got:\n  "_qs + describe(steps) + u"\nwanted:\n  "_qs + describe(documentedSteps())));
}

void TestMediaWikiPeer::bothPeersAnswerAlike()
{
    QVERIFY(m_transcripts.contains(u"mediawiki"_qs));
    QVERIFY(m_transcripts.contains(u"provider"_qs));
    const QList<Step> wiki = m_transcripts.value(u"mediawiki"_qs);
    const QList<Step> ours = m_transcripts.value(u"provider"_qs);
    QCOMPARE(ours.size(), wiki.size());
    for (qsizetype i = 0; i < wiki.size(); ++i)
        QVERIFY2(ours.at(i) == wiki.at(i),
                 qPrintable(QStringLiteral("step %1: MediaWiki %2, provider %3")
                                .arg(i + 1)
                                .arg(wiki.at(i).describe(), ours.at(i).describe())));
}

// A login renews the session: the login token from before it is refused afterwards, a new
// one works.

QTEST_GUILESS_MAIN(TestMediaWikiPeer)
