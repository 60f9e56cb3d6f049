// The "Keys" tool against a real local provider on its ProviderHost thread: the table, the
// timeline and the details; rotation shown first and confirmed, after which a token signed
// before the rotation still verifies against the JWKS clients fetch, and no longer once its key
// is retired early; generation of an ES256 next key; refusals; the viewer for any JWKS.

#include "GuiTestSupport.h"

#include "admin/LocalProviderAdmin.h"
#include "jose/Jwks.h"
#include "jose/Jws.h"
#include "keys/JwksViewer.h"
#include "keys/KeyTimeline.h"
#include "keys/KeysPage.h"
#include "provider/ProviderHost.h"
#include "widgets/Confirmation.h"

#include <QComboBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTcpServer>
#include <QTemporaryDir>

using namespace mwauth;
using namespace mwauth::ui;

class TestKeysPage : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();

    void showsTheKeys();
    void rotationIsPlannedConfirmedAndKeepsOldTokensValid();
    void generateEs256NextKey();
    void currentKeyCannotBeRetired();
    void stoppedProvider();
    void viewerLoadsUrlsAndFiles();
    void viewerErrorsLoseNothing();

private:
    QByteArray fetch(const QUrl &url, int *status = nullptr, const QByteArray &post = {});
    QByteArray clientCredentialsToken();
    Result<jose::Jwk> verifyWithPublishedJwks(const QByteArray &token);
    int rowOfState(const QString &state) const;
    void waitIdle() { QTRY_VERIFY_WITH_TIMEOUT(!m_page->isBusy(), 60000); }

    test::IsolatedSettings m_settings;
    QTemporaryDir m_dir;
    SystemClock m_clock;
    SystemRandom m_random;
    QNetworkAccessManager m_network;
    std::unique_ptr<provider::ProviderHost> m_host;
    std::unique_ptr<admin::LocalProviderAdmin> m_admin;
    KeysPage *m_page = nullptr;
};

void TestKeysPage::initTestCase()
{
    QVERIFY(m_settings.isValid() && m_dir.isValid());
}

void TestKeysPage::init()
{
    m_host = std::make_unique<provider::ProviderHost>(m_clock, m_random);
    m_admin = std::make_unique<admin::LocalProviderAdmin>(*m_host, QStringLiteral("Admin"));
    m_page = new KeysPage(m_admin.get(), m_host.get(), &m_network);
    m_page->resize(1280, 800);
    m_page->show();
    QSignalSpy started(m_host.get(), &provider::ProviderHost::started);
    provider::LocalProviderOptions options;
    options.demo = true;
    options.passwordIterations = 1000;
    QVERIFY(m_host->start(options));
    QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, 60000);
    // The page reads the keys when the provider starts.
    QTRY_COMPARE_WITH_TIMEOUT(m_page->ring().keys.size(), 2, 60000);
    waitIdle();
}

void TestKeysPage::cleanup()
{
    delete m_page;
    m_page = nullptr;
    m_admin.reset();
    m_host.reset();
    Confirmation::setNextAnswer(std::nullopt);
}

QByteArray TestKeysPage::fetch(const QUrl &url, int *status, const QByteArray &post)
{
    QNetworkRequest request(url);
    QNetworkReply *reply = nullptr;
    if (post.isNull()) {
        reply = m_network.get(request);
    } else {
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/x-www-form-urlencoded"));
        reply = m_network.post(request, post);
    }
    [&] { QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 20000); }();
    if (status)
        *status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    delete reply;
    return body;
}

QByteArray TestKeysPage::clientCredentialsToken()
{
    for (const provider::DemoClient &client : m_host->info().demoClients) {
        if (!client.grantTypes.contains(QStringLiteral("client_credentials")))
            continue;
        const QByteArray body
            = "grant_type=client_credentials&client_id=" + QUrl::toPercentEncoding(client.clientId)
            + "&client_secret=" + QUrl::toPercentEncoding(client.clientSecret);
        int status = 0;
        const QJsonObject answer
            = QJsonDocument::fromJson(
                  fetch(QUrl(m_host->info().restUrl.toString() + QStringLiteral("/oauth2/access_token")),
                        &status, body))
                  .object();
        if (status == 200)
            return answer.value(QStringLiteral("access_token")).toString().toLatin1();
    }
    return {};
}

Result<jose::Jwk> TestKeysPage::verifyWithPublishedJwks(const QByteArray &token)
{
    const QByteArray document
        = fetch(QUrl(m_host->info().restUrl.toString() + QStringLiteral("/oauth2/jwks")));
    const Result<jose::Jwks> jwks = jose::Jwks::fromJson(document);
    if (!jwks)
        return jwks.error();
    const Result<jose::JwsParts> parts = jose::Jws::parse(token);
    if (!parts)
        return parts.error();
    return jose::Jws::verify(*parts, *jwks);
}

int TestKeysPage::rowOfState(const QString &state) const
{
    auto *table = m_page->findChild<QTableWidget *>(QStringLiteral("keysTable"));
    for (int row = 0; row < table->rowCount(); ++row) {
        if (table->item(row, 3)->text() == state)
            return row;
    }
    return -1;
}

void TestKeysPage::showsTheKeys()
{
    auto *table = m_page->findChild<QTableWidget *>(QStringLiteral("keysTable"));
    QCOMPARE(table->rowCount(), 2);
    const int current = rowOfState(QStringLiteral("current"));
    QVERIFY(current >= 0 && rowOfState(QStringLiteral("next")) >= 0);
    QCOMPARE(table->item(current, 1)->text(), QStringLiteral("RS256"));
    QCOMPARE(table->item(current, 2)->text(), QStringLiteral("RSA 2048"));
    QVERIFY(!table->item(current, 5)->text().isEmpty()); // signs from

    // Details of the selected key: the JWK, its thumbprint (= kid) and a PEM.
    table->selectRow(current);
    const QString kid = table->item(current, 0)->text();
    QCOMPARE(m_page->selectedKid(), kid);
    QCOMPARE(m_page->findChild<QLineEdit *>(QStringLiteral("keyThumbprint"))->text(), kid);
    QVERIFY(m_page->findChild<QPlainTextEdit *>(QStringLiteral("keyJwk"))->toPlainText().contains(kid));
    QVERIFY(m_page->findChild<QPlainTextEdit *>(QStringLiteral("keyPem"))
                ->toPlainText()
                .startsWith(QStringLiteral("-----BEGIN PUBLIC KEY-----")));

    // The timeline has a lane per key, selection follows clicks on it.
    auto *timeline = m_page->findChild<KeyTimeline *>(QStringLiteral("keyTimeline"));
    const QString next = table->item(rowOfState(QStringLiteral("next")), 0)->text();
    const QRect lane = timeline->laneRect(next);
    QVERIFY(!lane.isEmpty());
    QTest::mouseClick(timeline, Qt::LeftButton, {}, lane.center());
    QCOMPARE(m_page->selectedKid(), next);
    QVERIFY(timeline->xForTime(m_page->ring().now) > timeline->xForTime(timeline->startTime()));
    QVERIFY(timeline->endTime() >= m_page->ring().now + m_page->ring().maxTokenLifetime);
}

void TestKeysPage::rotationIsPlannedConfirmedAndKeepsOldTokensValid()
{
    const QByteArray before = clientCredentialsToken();
    QVERIFY(!before.isEmpty());
    const Result<jose::Jwk> signer = verifyWithPublishedJwks(before);
    QVERIFY(signer);
    auto *table = m_page->findChild<QTableWidget *>(QStringLiteral("keysTable"));
    const QString oldCurrent = table->item(rowOfState(QStringLiteral("current")), 0)->text();
    const QString oldNext = table->item(rowOfState(QStringLiteral("next")), 0)->text();
    QCOMPARE(signer->kid(), oldCurrent);

    // "No": the plan was shown, nothing happened.
    auto *rotate = m_page->findChild<QPushButton *>(QStringLiteral("rotateKeys"));
    Confirmation::setNextAnswer(false);
    QTest::mouseClick(rotate, Qt::LeftButton);
    QVERIFY(Confirmation::lastText().contains(oldNext + QStringLiteral(" (RS256) starts signing")));
    QVERIFY(Confirmation::lastText().contains(oldCurrent + QStringLiteral(" stops signing")));
    QCOMPARE(table->rowCount(), 2);

    Confirmation::setNextAnswer(true);
    QTest::mouseClick(rotate, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(table->rowCount(), 3, 60000);
    waitIdle();
    QCOMPARE(table->item(rowOfState(QStringLiteral("current")), 0)->text(), oldNext);
    QCOMPARE(table->item(rowOfState(QStringLiteral("retiring")), 0)->text(), oldCurrent);
    QVERIFY(!table->item(rowOfState(QStringLiteral("retiring")), 7)->text().isEmpty());
    QVERIFY(!m_page->findChild<KeyTimeline *>(QStringLiteral("keyTimeline"))->laneRect(oldCurrent).isEmpty());

    // The token signed before the rotation still verifies against what clients fetch.
    const Result<jose::Jwk> still = verifyWithPublishedJwks(before);
    QVERIFY2(still, qPrintable(still ? QString() : still.error().toString()));
    QCOMPARE(still->kid(), oldCurrent);
    // New tokens come from the promoted key.
    QCOMPARE(verifyWithPublishedJwks(clientCredentialsToken())->kid(), oldNext);
    const QString dir = qEnvironmentVariable("MWAUTH_SCREENSHOT_DIR");
    if (!dir.isEmpty()) {
        m_page->selectKid(oldCurrent);
        QVERIFY(m_page->grab().save(dir + QStringLiteral("/mwauth-console-keys.png")));
    }

    // Retiring the old key early: warned, then the old token stops verifying.
    m_page->selectKid(oldCurrent);
    auto *retire = m_page->findChild<QPushButton *>(QStringLiteral("retireKey"));
    QVERIFY(retire->isEnabled());
    Confirmation::setNextAnswer(true);
    QTest::mouseClick(retire, Qt::LeftButton);
    QVERIFY(Confirmation::lastText().contains(QStringLiteral("fail verification at once")));
    QTRY_VERIFY_WITH_TIMEOUT(rowOfState(QStringLiteral("retired")) >= 0, 60000);
    waitIdle();
    const Result<jose::Jwk> after = verifyWithPublishedJwks(before);
    QVERIFY(!after);
    QCOMPARE(after.error().code(), ErrorCode::NoMatchingKey);
}

void TestKeysPage::generateEs256NextKey()
{
    auto *algorithm = m_page->findChild<QComboBox *>(QStringLiteral("generateAlgorithm"));
    algorithm->setCurrentText(QStringLiteral("ES256"));
    QTest::mouseClick(m_page->findChild<QPushButton *>(QStringLiteral("generateKey")), Qt::LeftButton);
    QVERIFY(m_page->isBusy()); // asynchronous: the GUI did not wait
    waitIdle();
    QTRY_COMPARE(m_page->ring().keys.size(), 3); // the replaced next key is kept as retired
    auto *table = m_page->findChild<QTableWidget *>(QStringLiteral("keysTable"));
    const int next = rowOfState(QStringLiteral("next"));
    QCOMPARE(table->item(next, 1)->text(), QStringLiteral("ES256"));
    QCOMPARE(table->item(next, 2)->text(), QStringLiteral("EC P-256"));
    QCOMPARE(m_page->selectedKid(), table->item(next, 0)->text());
    QCOMPARE(rowOfState(QStringLiteral("retired")) >= 0, true);
}

void TestKeysPage::currentKeyCannotBeRetired()
{
    m_page->selectKid(m_page->findChild<QTableWidget *>(QStringLiteral("keysTable"))
                          ->item(rowOfState(QStringLiteral("current")), 0)
                          ->text());
    QVERIFY(!m_page->findChild<QPushButton *>(QStringLiteral("retireKey"))->isEnabled());
    // Even when asked directly (and confirmed), the provider refuses with its reason.
    const QString current = m_page->selectedKid();
    Confirmation::setNextAnswer(true);
    m_page->retireSelected();
    waitIdle();
    QVERIFY2(m_page->statusText().contains(QStringLiteral("Rotate first")), qPrintable(m_page->statusText()));
    QCOMPARE(m_page->findChild<QTableWidget *>(QStringLiteral("keysTable"))
                 ->item(rowOfState(QStringLiteral("current")), 0)
                 ->text(),
             current);
}

void TestKeysPage::stoppedProvider()
{
    QSignalSpy stopped(m_host.get(), &provider::ProviderHost::stopped);
    m_host->stop();
    QTRY_COMPARE(stopped.count(), 1);
    QCOMPARE(m_page->findChild<QTableWidget *>(QStringLiteral("keysTable"))->rowCount(), 0);
    QVERIFY(m_page->statusText().contains(QStringLiteral("not running")));
    QVERIFY(!m_page->findChild<QPushButton *>(QStringLiteral("rotateKeys"))->isEnabled());
    QVERIFY(!m_page->findChild<QPushButton *>(QStringLiteral("generateKey"))->isEnabled());
}

void TestKeysPage::viewerLoadsUrlsAndFiles()
{
    auto *viewer = m_page->findChild<JwksViewer *>(QStringLiteral("jwksViewer"));
    QSignalSpy loaded(viewer, &JwksViewer::loaded);
    viewer->load(m_host->info().restUrl.toString() + QStringLiteral("/oauth2/jwks"));
    QVERIFY(viewer->isLoading());
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
    QCOMPARE(viewer->jwks().keys().size(), 2);
    auto *table = viewer->findChild<QTableWidget *>(QStringLiteral("jwksTable"));
    QCOMPARE(table->rowCount(), 2);
    QCOMPARE(table->item(0, 5)->text(), table->item(0, 0)->text()); // the provider's kids are thumbprints

    // A file with one usable key and one that is not.
    QFile file(m_dir.filePath(QStringLiteral("mixed.jwks")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",)"
               R"("y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","kid":"ec1"},{"kty":"XYZ"}]})");
    file.close();
    viewer->load(file.fileName());
    QCOMPARE(loaded.count(), 2);
    QCOMPARE(table->rowCount(), 2);
    QCOMPARE(table->item(0, 0)->text(), QStringLiteral("ec1"));
    QCOMPARE(table->item(0, 2)->text(), QStringLiteral("P-256"));
    QVERIFY(table->item(1, 0)->text().startsWith(QStringLiteral("not usable")));
}

void TestKeysPage::viewerErrorsLoseNothing()
{
    auto *viewer = m_page->findChild<JwksViewer *>(QStringLiteral("jwksViewer"));
    QSignalSpy loaded(viewer, &JwksViewer::loaded);
    QSignalSpy failed(viewer, &JwksViewer::failed);
    viewer->load(m_host->info().restUrl.toString() + QStringLiteral("/oauth2/jwks"));
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
    auto *table = viewer->findChild<QTableWidget *>(QStringLiteral("jwksTable"));
    QCOMPARE(table->rowCount(), 2);

    QFile bad(m_dir.filePath(QStringLiteral("bad.json")));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write("{\"keys\": [");
    bad.close();
    QFile notJwks(m_dir.filePath(QStringLiteral("not-jwks.json")));
    QVERIFY(notJwks.open(QIODevice::WriteOnly));
    notJwks.write("{\"issuer\": \"https://example\"}");
    notJwks.close();

    struct Case
    {
        QString source;
        QString expected;
    };
    const QList<Case> cases = {
        {bad.fileName(), QStringLiteral("is not a usable JWKS")},
        {notJwks.fileName(), QStringLiteral("is not a usable JWKS")},
        {m_dir.filePath(QStringLiteral("missing.json")), QStringLiteral("could not be read")},
        {QString(), QStringLiteral("Enter a JWKS URL")},
        {QStringLiteral("ftp://example.org/jwks"), QStringLiteral("Only http, https and files")},
        {m_host->info().restUrl.toString() + QStringLiteral("/oauth2/no-such-route"),
         QStringLiteral("answered HTTP 404")},
        {m_host->info().indexUrl.toString() + QStringLiteral("?title=Main_Page"),
         QStringLiteral("is not a usable JWKS")},
    };
    for (const Case &c : cases) {
        const int before = static_cast<int>(failed.count());
        viewer->load(c.source);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), before + 1, 20000);
        QVERIFY2(viewer->errorText().contains(c.expected),
                 qPrintable(c.source + QStringLiteral(": ") + viewer->errorText()));
        // The keys shown before are still there.
        QCOMPARE(table->rowCount(), 2);
        QCOMPARE(viewer->jwks().keys().size(), 2);
    }
    // An unreachable server: a closed port on loopback.
    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
    const quint16 port = closed.serverPort();
    closed.close();
    viewer->load(QStringLiteral("http://127.0.0.1:%1/jwks").arg(port));
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), cases.size() + 1, 20000);
    QVERIFY2(viewer->errorText().contains(QStringLiteral("could not be fetched")),
             qPrintable(viewer->errorText()));
}

QTEST_MAIN(TestKeysPage)
#include "TestKeysPage.moc"
