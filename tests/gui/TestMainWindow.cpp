// The main window: navigation, placeholder pages, shortcuts, settings. Settings live in a
// temporary directory (IsolatedSettings), never in the user's configuration.

#include "GuiTestSupport.h"

#include "MainWindow.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>

using namespace mwauth;
using namespace mwauth::ui;

class TestMainWindow : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();

    void titleAndAccessibleNames();
    void navigationSwitchesPages_data();
    void navigationSwitchesPages();
    void placeholdersSayNotBuiltYet_data();
    void placeholdersSayNotBuiltYet();
    void iconsRender();
    void pageShortcuts();
    void f1ShowsAbout();
    void ctrlQCloses();
    void geometryAndPageRestored();
    void unknownStoredPageFallsBack();
    void screenshot();

private:
    void showWindow(MainWindow *window);
    QWidget *currentPage(MainWindow *window)
    {
        return window->findChild<QStackedWidget *>(QStringLiteral("pages"))->currentWidget();
    }

    test::IsolatedSettings m_settings;
    MainWindow *m_window = nullptr;
};

void TestMainWindow::initTestCase()
{
    QVERIFY(m_settings.isValid());
    QVERIFY2(m_settings.isolates(), qPrintable(QSettings().fileName()));
}

void TestMainWindow::showWindow(MainWindow *window)
{
    window->show();
    QApplication::setActiveWindow(window);
    QVERIFY(QTest::qWaitForWindowActive(window));
}

void TestMainWindow::init()
{
    QSettings().clear();
    m_window = new MainWindow;
    showWindow(m_window);
}

void TestMainWindow::cleanup()
{
    delete m_window;
    m_window = nullptr;
}

void TestMainWindow::titleAndAccessibleNames()
{
    QCOMPARE(m_window->windowTitle(), QStringLiteral("MWAuth Console"));
    auto *navigation = m_window->findChild<QListWidget *>(QStringLiteral("navigation"));
    QVERIFY(navigation);
    QCOMPARE(navigation->accessibleName(), QStringLiteral("Tools"));
    QCOMPARE(navigation->count(), 7);
    QVERIFY(m_window->statusBar()->isVisible());
    // First start: the embedded provider with its demo data.
    QCOMPARE(m_window->currentPageId(), QStringLiteral("provider"));
    QCOMPARE(m_window->findChild<QLabel *>(QStringLiteral("statusPageLabel"))->text(),
             QStringLiteral("Local provider"));
    for (int i = 0; i < navigation->count(); ++i) {
        QWidget *page = m_window->findChild<QStackedWidget *>(QStringLiteral("pages"))->widget(i);
        QCOMPARE(page->accessibleName(), navigation->item(i)->text());
    }
}

void TestMainWindow::navigationSwitchesPages_data()
{
    QTest::addColumn<int>("row");
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("title");
    const QStringList titles
        = {QStringLiteral("Inspector"), QStringLiteral("Consumers"),      QStringLiteral("Grants & tokens"),
           QStringLiteral("Keys"),      QStringLiteral("Local provider"), QStringLiteral("Profiles"),
           QStringLiteral("JWT & JWKS")};
    const QStringList ids = MainWindow::pageIds();
    for (int i = 0; i < ids.size(); ++i)
        QTest::newRow(qPrintable(ids.at(i))) << i << ids.at(i) << titles.at(i);
}

void TestMainWindow::navigationSwitchesPages()
{
    QFETCH(int, row);
    QFETCH(QString, id);
    QFETCH(QString, title);
    // Start elsewhere so every row is a real switch.
    m_window->setCurrentPage(row == 0 ? QStringLiteral("profiles") : QStringLiteral("inspector"));
    auto *navigation = m_window->findChild<QListWidget *>(QStringLiteral("navigation"));
    QCOMPARE(navigation->item(row)->text(), title);
    const QRect rect = navigation->visualItemRect(navigation->item(row));
    QTest::mouseClick(navigation->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(m_window->currentPageId(), id);
    QCOMPARE(currentPage(m_window)->property("pageId").toString(), id);
    QCOMPARE(currentPage(m_window)->accessibleName(), title);
    QCOMPARE(m_window->findChild<QLabel *>(QStringLiteral("statusPageLabel"))->text(), title);
}

void TestMainWindow::placeholdersSayNotBuiltYet_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("notice");
    QTest::newRow("inspector") << "inspector"
                               << "The flow inspector is not built yet: it comes with the flow engine.";
    QTest::newRow("consumers") << "consumers"
                               << "Consumer management is not built yet";
    QTest::newRow("grants") << "grants"
                            << "Grants and tokens are not built yet";
    QTest::newRow("profiles") << "profiles"
                              << "Profiles are not built yet";
}

void TestMainWindow::placeholdersSayNotBuiltYet()
{
    QFETCH(QString, id);
    QFETCH(QString, notice);
    m_window->setCurrentPage(id);
    QWidget *page = currentPage(m_window);
    auto *label = page->findChild<QLabel *>(QStringLiteral("notBuiltNotice"));
    QVERIFY(label);
    QVERIFY(label->isVisible());
    QVERIFY2(label->text().startsWith(notice), qPrintable(label->text()));
    // Nothing to click on a page that does nothing yet.
    QVERIFY(page->findChildren<QAbstractButton *>().isEmpty());
    // The workbench, the provider panel and the keys are not placeholders.
    for (const QString &working :
         {QStringLiteral("workbench"), QStringLiteral("provider"), QStringLiteral("keys")}) {
        m_window->setCurrentPage(working);
        QVERIFY(!currentPage(m_window)->findChild<QLabel *>(QStringLiteral("notBuiltNotice")));
    }
}

void TestMainWindow::iconsRender()
{
    // Fails when the Qt SVG icon engine plugin (Debian: libqt6svg6) is missing.
    auto *navigation = m_window->findChild<QListWidget *>(QStringLiteral("navigation"));
    for (int i = 0; i < navigation->count(); ++i) {
        const QImage image = navigation->item(i)->icon().pixmap(24, 24).toImage();
        QVERIFY2(!image.isNull(), qPrintable(navigation->item(i)->text()));
        bool painted = false;
        for (int y = 0; y < image.height() && !painted; ++y)
            for (int x = 0; x < image.width() && !painted; ++x)
                painted = qAlpha(image.pixel(x, y)) > 0;
        QVERIFY2(painted, qPrintable(navigation->item(i)->text()));
    }
    QVERIFY(!m_window->windowIcon().isNull());
}

void TestMainWindow::pageShortcuts()
{
    const QStringList ids = MainWindow::pageIds();
    // Backwards, so each shortcut changes the page.
    for (int i = static_cast<int>(ids.size()) - 1; i >= 0; --i) {
        QTest::keyClick(m_window, static_cast<Qt::Key>(Qt::Key_1 + i), Qt::ControlModifier);
        QCOMPARE(m_window->currentPageId(), ids.at(i));
    }
}

void TestMainWindow::f1ShowsAbout()
{
    QVERIFY(!m_window->findChild<QMessageBox *>(QStringLiteral("aboutBox")));
    QTest::keyClick(m_window, Qt::Key_F1);
    QMessageBox *about = nullptr;
    QTRY_VERIFY((about = m_window->findChild<QMessageBox *>(QStringLiteral("aboutBox")))
                && about->isVisible());
    QVERIFY(about->text().contains(QStringLiteral("MWAuth Console")));
    QVERIFY(about->text().contains(QString::fromLatin1(qVersion())));
    about->close();
    QTRY_VERIFY(!about->isVisible());
}

void TestMainWindow::ctrlQCloses()
{
    QVERIFY(m_window->isVisible());
    QTest::keyClick(m_window, Qt::Key_Q, Qt::ControlModifier);
    QTRY_VERIFY(!m_window->isVisible());
}

void TestMainWindow::geometryAndPageRestored()
{
    m_window->resize(1000, 700);
    m_window->move(40, 30);
    QTest::keyClick(m_window, Qt::Key_4, Qt::ControlModifier);
    QCOMPARE(m_window->currentPageId(), QStringLiteral("keys"));
    QTRY_COMPARE(m_window->size(), QSize(1000, 700));
    QVERIFY(m_window->close());
    QVERIFY(QFile::exists(QSettings().fileName()));

    MainWindow second;
    QCOMPARE(second.currentPageId(), QStringLiteral("keys"));
    QCOMPARE(second.size(), QSize(1000, 700));
    QCOMPARE(currentPage(&second)->property("pageId").toString(), QStringLiteral("keys"));
}

void TestMainWindow::unknownStoredPageFallsBack()
{
    m_window->close();
    QSettings().setValue(QStringLiteral("mainWindow/page"), QStringLiteral("no-such-page"));
    QSettings().setValue(QStringLiteral("mainWindow/geometry"), QByteArray("garbage"));
    MainWindow window;
    QCOMPARE(window.currentPageId(), QStringLiteral("provider"));
    QCOMPARE(window.size(), QSize(1280, 800));
}

void TestMainWindow::screenshot()
{
    // For looking at the layout: MWAUTH_SCREENSHOT_DIR=/tmp ctest -R test_main_window
    const QString dir = qEnvironmentVariable("MWAUTH_SCREENSHOT_DIR");
    m_window->resize(1280, 800);
    const QPixmap shot = m_window->grab();
    QCOMPARE(shot.size(), QSize(1280, 800) * shot.devicePixelRatio());
    if (dir.isEmpty())
        return;
    const auto save = [&](const QString &name) {
        return m_window->grab().save(dir + QStringLiteral("/mwauth-console-") + name
                                     + QStringLiteral(".png"));
    };
    m_window->setCurrentPage(QStringLiteral("inspector"));
    QVERIFY(save(QStringLiteral("inspector")));
    m_window->setCurrentPage(QStringLiteral("workbench"));
    QVERIFY(save(QStringLiteral("workbench-empty")));

    // The workbench with the MediaWiki fixture token and its key.
    const QString fixtures = QStringLiteral(MWAUTH_SHARED_DIR "/peers/mediawiki/fixtures/oauth-ext/");
    QFile token(fixtures + QStringLiteral("access-token-authorization-code.jwt"));
    QFile key(fixtures + QStringLiteral("oauth2-public-key.pem"));
    QVERIFY(token.open(QIODevice::ReadOnly) && key.open(QIODevice::ReadOnly));
    auto *tokenEdit = m_window->findChild<QPlainTextEdit *>(QStringLiteral("tokenEdit"));
    test::pasteInto(tokenEdit, QString::fromLatin1(token.readAll()));
    test::pasteInto(m_window->findChild<QPlainTextEdit *>(QStringLiteral("keyEdit")),
                    QString::fromLatin1(key.readAll()));
    tokenEdit->setFocus();
    QTest::keyClick(tokenEdit, Qt::Key_Return, Qt::ControlModifier);
    QVERIFY(m_window->findChild<QLabel *>(QStringLiteral("verdictHeadline"))->text().startsWith(u"Expired "));
    QCoreApplication::processEvents(); // let the layouts follow the new texts
    QVERIFY(save(QStringLiteral("workbench-verify")));

    // The key generator after an ES256 key, private part still masked.
    auto *tabs = m_window->findChild<QTabWidget *>(QStringLiteral("workbenchTabs"));
    tabs->setCurrentIndex(1);
    auto *alg = m_window->findChild<QComboBox *>(QStringLiteral("algCombo"));
    alg->setCurrentIndex(alg->findText(QStringLiteral("ES256")));
    auto *generate = m_window->findChild<QPushButton *>(QStringLiteral("generateKeyButton"));
    QTest::mouseClick(generate, Qt::LeftButton);
    QTRY_VERIFY(!m_window->findChild<QLineEdit *>(QStringLiteral("thumbprintEdit"))->text().isEmpty());
    QCoreApplication::processEvents();
    QVERIFY(save(QStringLiteral("workbench-generate")));
}

QTEST_MAIN(TestMainWindow)
#include "TestMainWindow.moc"
