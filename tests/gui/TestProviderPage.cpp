// The "Local provider" panel: the console's embedded provider started and stopped from the
// GUI (on its own thread), its addresses, the demo accounts with live TOTP codes, the request
// log with its filter, the port-in-use error, the automatic first-run start and the reset of
// the demo data behind a confirmation. Real HTTP against the real provider on 127.0.0.1.

#include "GuiTestSupport.h"

#include "MainWindow.h"
#include "otp/Base32.h"
#include "otp/Otp.h"
#include "otp/OtpAuthUri.h"
#include "provider/ProviderHost.h"
#include "provider/ProviderPage.h"
#include "provider/RequestLogModel.h"
#include "widgets/Confirmation.h"
#include "widgets/QrCodeView.h"

#include <QCheckBox>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTcpServer>
#include <QTemporaryDir>

using namespace mwauth;
using namespace mwauth::ui;
using State = provider::ProviderHost::State;

class TestProviderPage : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();

    void firstRunStartsWithDemoData();
    void requestLogFillsAndFilters();
    void stopFreesThePort();
    void portInUseIsReported();
    void automaticStartFallsBackToAnyPort();
    void autostartCanBeSwitchedOff();
    void resetAsksAndWipes();
    void totpQrCodeScans();
    void mainWindowHostsTheProvider();

private:
    void configure(quint16 port);
    QByteArray get(const QUrl &url, int *status = nullptr);
    QByteArray post(const QUrl &url, const QByteArray &body, int *status = nullptr);
    QString address(int row) const;

    test::IsolatedSettings m_settings;
    QTemporaryDir m_dir;
    FixedClock m_clock {1'700'000'000.0}; // the page's (TOTP codes); the provider runs on real time
    SystemClock m_hostClock;
    SystemRandom m_random;
    provider::ProviderHost *m_host = nullptr;
    ProviderPage *m_page = nullptr;
    QNetworkAccessManager m_network;
};

void TestProviderPage::initTestCase()
{
    QVERIFY(m_settings.isValid() && m_settings.isolates());
    QVERIFY(m_dir.isValid());
}

void TestProviderPage::configure(quint16 port)
{
    QSettings settings;
    settings.setValue(QStringLiteral("provider/port"), port);
    settings.setValue(QStringLiteral("provider/database"), m_dir.filePath(QStringLiteral("provider.sqlite")));
}

void TestProviderPage::init()
{
    QSettings().clear();
    QVERIFY(provider::ProviderHost::removeDatabaseFiles(m_dir.filePath(QStringLiteral("provider.sqlite"))));
    configure(0);
    m_host = new provider::ProviderHost(m_hostClock, m_random);
    m_page = new ProviderPage(m_host, &m_clock);
    m_page->resize(1280, 800);
    m_page->show();
}

void TestProviderPage::cleanup()
{
    delete m_page;
    m_page = nullptr;
    delete m_host; // stops the provider and waits for it
    m_host = nullptr;
    Confirmation::setNextAnswer(std::nullopt);
}

QByteArray TestProviderPage::get(const QUrl &url, int *status)
{
    QNetworkReply *reply = m_network.get(QNetworkRequest(url));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    [&] { QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 20000); }();
    if (status)
        *status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    reply->deleteLater();
    return body;
}

QByteArray TestProviderPage::post(const QUrl &url, const QByteArray &body, int *status)
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader,
                      QByteArrayLiteral("application/x-www-form-urlencoded"));
    QNetworkReply *reply = m_network.post(request, body);
    [&] { QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 20000); }();
    if (status)
        *status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray answer = reply->readAll();
    reply->deleteLater();
    return answer;
}

QString TestProviderPage::address(int row) const
{
    auto *field = m_page->findChild<QLineEdit *>(QStringLiteral("address%1").arg(row));
    return field ? field->text() : QString();
}

void TestProviderPage::firstRunStartsWithDemoData()
{
    QSignalSpy started(m_host, &provider::ProviderHost::started);
    m_page->startIfWanted();
    QCOMPARE(m_host->state(), State::Starting); // the GUI thread did not wait for it
    QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, 60000);
    QVERIFY2(m_page->statusText().startsWith(QStringLiteral("Running on http://127.0.0.1:")),
             qPrintable(m_page->statusText()));
    QVERIFY(QFile::exists(m_dir.filePath(QStringLiteral("provider.sqlite"))));

    // The addresses work: api.php answers as a wiki does.
    const QUrl api(address(2));
    QVERIFY2(api.path() == QStringLiteral("/w/api.php"), qPrintable(api.toString()));
    int status = 0;
    QUrl siteinfo = api;
    siteinfo.setQuery(QStringLiteral("action=query&meta=siteinfo&format=json"));
    const QJsonObject answer = QJsonDocument::fromJson(get(siteinfo, &status)).object();
    QCOMPARE(status, 200);
    QVERIFY(answer.value(QStringLiteral("query")).toObject().contains(QStringLiteral("general")));
    QVERIFY(address(4).endsWith(QStringLiteral("/.well-known/openid-configuration")));
    QCOMPARE(get(QUrl(address(4)), &status).contains("\"issuer\""), true);
    QCOMPARE(status, 200);

    // The demo accounts with their TOTP codes for the page's clock.
    auto *accounts = m_page->findChild<QTableWidget *>(QStringLiteral("demoAccounts"));
    QCOMPARE(accounts->rowCount(), m_host->info().demoAccounts.size());
    QVERIFY(accounts->rowCount() >= 5);
    int withTotp = 0;
    for (int row = 0; row < accounts->rowCount(); ++row) {
        const provider::DemoAccount &account = m_host->info().demoAccounts.at(row);
        QCOMPARE(accounts->item(row, 0)->text(), account.name);
        if (account.totpSecret.isEmpty()) {
            QVERIFY(accounts->item(row, 3)->text().isEmpty());
            continue;
        }
        otp::TotpParameters params;
        params.secret = *otp::Base32::decode(account.totpSecret.toLatin1());
        QCOMPARE(accounts->item(row, 3)->text(), *otp::totp(params, m_clock.nowSeconds()));
        ++withTotp;
    }
    QVERIFY(withTotp >= 2);
    // The codes tick with the clock.
    const QString before = accounts->item(1, 3)->text();
    m_clock.advance(30);
    QTRY_VERIFY(accounts->item(1, 3)->text() != before);

    // Client secrets are masked until asked for.
    auto *clients = m_page->findChild<QTableWidget *>(QStringLiteral("demoClients"));
    QVERIFY(clients->rowCount() >= 4);
    int confidential = -1;
    for (int i = 0; i < m_host->info().demoClients.size(); ++i) {
        if (!m_host->info().demoClients.at(i).clientSecret.isEmpty())
            confidential = i;
    }
    QVERIFY(confidential >= 0);
    const QString secret = m_host->info().demoClients.at(confidential).clientSecret;
    for (int row = 0; row < clients->rowCount(); ++row) {
        for (int column = 0; column < clients->columnCount(); ++column)
            QVERIFY(!clients->item(row, column)->text().contains(secret));
    }
    m_page->findChild<QCheckBox *>(QStringLiteral("showSecrets"))->setChecked(true);
    QCOMPARE(clients->item(confidential, 3)->text(), secret);
}

void TestProviderPage::requestLogFillsAndFilters()
{
    QSignalSpy started(m_host, &provider::ProviderHost::started);
    m_page->startProvider();
    QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, 60000);
    RequestLogModel *log = m_page->requestLog();
    QCOMPARE(log->rowCount(), 0);

    QUrl siteinfo(address(2));
    siteinfo.setQuery(QStringLiteral("action=query&meta=siteinfo&format=json"));
    int status = 0;
    get(siteinfo, &status);
    QCOMPARE(status, 200);
    QUrl token(address(3) + QStringLiteral("/oauth2/access_token"));
    post(token, "grant_type=client_credentials&client_id=no-such-client&client_secret=wrong", &status);
    QVERIFY(status >= 400);
    QTRY_COMPARE(log->rowCount(), 2);

    const auto &first = log->at(0);
    QCOMPARE(first.method, QByteArray("GET"));
    QCOMPARE(first.target, QStringLiteral("/w/api.php"));
    QCOMPARE(first.status, 200);
    const auto &second = log->at(1);
    QCOMPARE(second.method, QByteArray("POST"));
    QCOMPARE(second.target, QStringLiteral("/w/rest.php/oauth2/access_token"));
    QCOMPARE(second.status, status);
    QCOMPARE(second.client, QStringLiteral("no-such-client"));
    // Nothing secret in the log's rows.
    for (int column = 0; column < log->columnCount(); ++column)
        QVERIFY(!log->data(log->index(1, column)).toString().contains(QStringLiteral("wrong")));

    // index.php pages are logged with their title.
    QUrl index(address(1));
    get(index, &status);
    QCOMPARE(status, 200);
    QTRY_COMPARE(log->rowCount(), 3);
    QVERIFY(log->at(2).target.endsWith(QStringLiteral("?title=Special:UserLogin")));

    auto *filter = m_page->findChild<QLineEdit *>(QStringLiteral("logFilter"));
    QTest::keyClicks(filter, QStringLiteral("access_token"));
    QCOMPARE(m_page->requestLogFilter()->rowCount(), 1);
    filter->clear();
    QCOMPARE(m_page->requestLogFilter()->rowCount(), 3);
}

void TestProviderPage::stopFreesThePort()
{
    QSignalSpy started(m_host, &provider::ProviderHost::started);
    QSignalSpy stopped(m_host, &provider::ProviderHost::stopped);
    auto *button = m_page->findChild<QPushButton *>(QStringLiteral("startStopButton"));
    QCOMPARE(button->text(), QStringLiteral("&Start"));
    QTest::mouseClick(button, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, 60000);
    const quint16 port = m_host->info().port;
    QVERIFY(port > 0);
    QCOMPARE(button->text(), QStringLiteral("S&top"));
    // The form cannot change under a running provider.
    QVERIFY(!m_page->findChild<QSpinBox *>(QStringLiteral("portSpin"))->isEnabled());

    QTest::mouseClick(button, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(stopped.count(), 1, 20000);
    QCOMPARE(m_host->state(), State::Stopped);
    QCOMPARE(m_page->statusText(), QStringLiteral("Stopped."));
    QVERIFY(address(2).isEmpty());
    QTcpServer again;
    QVERIFY2(again.listen(QHostAddress::LocalHost, port), qPrintable(again.errorString()));
    QVERIFY(m_page->findChild<QSpinBox *>(QStringLiteral("portSpin"))->isEnabled());
}

void TestProviderPage::portInUseIsReported()
{
    QTcpServer occupant;
    QVERIFY(occupant.listen(QHostAddress::LocalHost, 0));
    m_page->findChild<QSpinBox *>(QStringLiteral("portSpin"))->setValue(occupant.serverPort());
    QSignalSpy failed(m_host, &provider::ProviderHost::startFailed);
    QTest::mouseClick(m_page->findChild<QPushButton *>(QStringLiteral("startStopButton")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 60000);
    QCOMPARE(m_host->state(), State::Stopped);
    QVERIFY2(m_page->statusText().startsWith(QStringLiteral("Could not start: ")),
             qPrintable(m_page->statusText()));
    QVERIFY2(m_page->statusText().contains(QString::number(occupant.serverPort())),
             qPrintable(m_page->statusText()));
    // The choice was kept for the next try.
    QCOMPARE(QSettings().value(QStringLiteral("provider/port")).toInt(), occupant.serverPort());
    QVERIFY(m_page->findChild<QPushButton *>(QStringLiteral("startStopButton"))->isEnabled());
}

void TestProviderPage::automaticStartFallsBackToAnyPort()
{
    // The default port is taken (by us here; on a user's machine by anything).
    QTcpServer occupant;
    const bool occupied = occupant.listen(QHostAddress::LocalHost, ProviderPage::DefaultPort);
    QVERIFY2(occupied || occupant.serverError() == QAbstractSocket::AddressInUseError,
             qPrintable(occupant.errorString()));
    QSettings().remove(QStringLiteral("provider/port"));
    delete m_page;
    m_page = new ProviderPage(m_host, &m_clock);
    QCOMPARE(m_page->findChild<QSpinBox *>(QStringLiteral("portSpin"))->value(),
             int(ProviderPage::DefaultPort));
    QSignalSpy started(m_host, &provider::ProviderHost::started);
    m_page->startIfWanted();
    QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, 60000);
    QVERIFY(m_host->info().port != ProviderPage::DefaultPort);
    QVERIFY(m_host->info().port > 0);
}

void TestProviderPage::autostartCanBeSwitchedOff()
{
    QSettings().setValue(QStringLiteral("provider/autostart"), false);
    QSignalSpy state(m_host, &provider::ProviderHost::stateChanged);
    m_page->startIfWanted();
    QCOMPARE(state.count(), 0);
    QCOMPARE(m_host->state(), State::Stopped);
}

void TestProviderPage::resetAsksAndWipes()
{
    QSignalSpy started(m_host, &provider::ProviderHost::started);
    m_page->startProvider();
    QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, 60000);
    const auto secretOf = [this] {
        for (const provider::DemoClient &client : m_host->info().demoClients) {
            if (!client.clientSecret.isEmpty())
                return client.clientSecret;
        }
        return QString();
    };
    const QString secretBefore = secretOf();
    QVERIFY(!secretBefore.isEmpty());
    const quint16 port = m_host->info().port;

    // "No": nothing happens.
    const int asked = Confirmation::askedCount();
    Confirmation::setNextAnswer(false);
    QTest::mouseClick(m_page->findChild<QPushButton *>(QStringLiteral("resetButton")), Qt::LeftButton);
    QCOMPARE(Confirmation::askedCount(), asked + 1);
    QVERIFY(Confirmation::lastText().contains(QStringLiteral("provider.sqlite")));
    QCOMPARE(m_host->state(), State::Running);
    QCOMPARE(m_host->info().port, port);

    // "Yes": a new database (so a new provider secret, so new derived client secrets).
    Confirmation::setNextAnswer(true);
    QTest::mouseClick(m_page->findChild<QPushButton *>(QStringLiteral("resetButton")), Qt::LeftButton);
    QCOMPARE(Confirmation::askedCount(), asked + 2);
    QTRY_COMPARE_WITH_TIMEOUT(started.count(), 2, 60000);
    QCOMPARE(m_host->state(), State::Running);
    QVERIFY(!secretOf().isEmpty());
    QVERIFY(secretOf() != secretBefore);
    QVERIFY(m_host->info().demoAccounts.size() >= 5);
}

void TestProviderPage::totpQrCodeScans()
{
    QSignalSpy started(m_host, &provider::ProviderHost::started);
    m_page->startProvider();
    QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, 60000);
    auto *accounts = m_page->findChild<QTableWidget *>(QStringLiteral("demoAccounts"));
    auto *qr = m_page->findChild<QrCodeView *>(QStringLiteral("totpQrCode"));
    QVERIFY(qr);
    // The first account with TOTP is shown.
    const provider::DemoAccount &shown = m_host->info().demoAccounts.at(accounts->currentRow());
    QVERIFY(!shown.totpSecret.isEmpty());
    QCOMPARE(qr->text(), ProviderPage::totpUri(shown));

    // A real QR decoder (zbar) reads back the same URI, and the URI carries the account's key.
    const QString zbar = QStandardPaths::findExecutable(QStringLiteral("zbarimg"));
    QVERIFY2(!zbar.isEmpty(), "zbarimg is missing: install the Debian package zbar-tools");
    const QString png = m_dir.filePath(QStringLiteral("totp-qr.png"));
    QVERIFY(qr->render(6).save(png));
    QProcess decoder;
    decoder.start(zbar, {QStringLiteral("--raw"), QStringLiteral("-q"), png});
    QVERIFY(decoder.waitForFinished(30000));
    QCOMPARE(decoder.exitCode(), 0);
    const QString scanned = QString::fromUtf8(decoder.readAllStandardOutput()).trimmed();
    QCOMPARE(scanned, qr->text());
    const auto uri = otp::OtpAuthUri::parse(scanned);
    QVERIFY2(uri, qPrintable(uri ? QString() : uri.error().message()));
    QCOMPARE(uri->account, shown.name);
    QCOMPARE(uri->parameters.secret, *otp::Base32::decode(shown.totpSecret.toLatin1()));
    // The widget paints it (dark modules on white) at its size.
    const QImage painted = qr->grab().toImage();
    int dark = 0;
    int light = 0;
    for (int y = 0; y < painted.height(); y += 2) {
        for (int x = 0; x < painted.width(); x += 2) {
            const QRgb pixel = painted.pixel(x, y);
            dark += pixel == qRgb(0, 0, 0);
            light += pixel == qRgb(255, 255, 255);
        }
    }
    QVERIFY2(dark > 100 && light > 100, qPrintable(QStringLiteral("%1 dark, %2 light").arg(dark).arg(light)));

    // An account without TOTP shows no code and says why.
    for (int row = 0; row < accounts->rowCount(); ++row) {
        if (m_host->info().demoAccounts.at(row).totpSecret.isEmpty()) {
            accounts->setCurrentCell(row, 0);
            QVERIFY(qr->text().isEmpty());
            QVERIFY(qr->modules().isNull());
            QVERIFY(m_page->findChild<QLabel *>(QStringLiteral("qrCaption"))
                        ->text()
                        .contains(QStringLiteral("no TOTP key")));
            return;
        }
    }
    QFAIL("no demo account without TOTP");
}

void TestProviderPage::mainWindowHostsTheProvider()
{
    MainWindow window;
    QCOMPARE(window.currentPageId(), QStringLiteral("provider"));
    QSignalSpy started(window.providerHost(), &provider::ProviderHost::started);
    window.startLocalProviderIfWanted();
    QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, 60000);
    auto *label = window.findChild<QLabel *>(QStringLiteral("statusProviderLabel"));
    QCOMPARE(label->text(),
             QStringLiteral("Local provider: ") + window.providerHost()->info().baseUrl.toString());

    const QString dir = qEnvironmentVariable("MWAUTH_SCREENSHOT_DIR");
    window.resize(1280, 800);
    window.show();
    if (!dir.isEmpty())
        QVERIFY(window.grab().save(dir + QStringLiteral("/mwauth-console-provider.png")));
}

QTEST_MAIN(TestProviderPage)
#include "TestProviderPage.moc"
