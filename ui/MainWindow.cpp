#include "MainWindow.h"

#include "PlaceholderPage.h"
#include "UiResources.h"
#include "admin/LocalProviderAdmin.h"
#include "keys/KeysPage.h"
#include "provider/ProviderHost.h"
#include "provider/ProviderPage.h"
#include "workbench/JwtWorkbenchPage.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>

namespace mwauth::ui {

namespace {
const QString geometryKey = QStringLiteral("mainWindow/geometry");
const QString pageKey = QStringLiteral("mainWindow/page");
// The first run lands on the embedded provider with its demo data.
const QString defaultPage = QStringLiteral("provider");
constexpr int pageIdRole = Qt::UserRole;
} // namespace

QStringList MainWindow::pageIds()
{
    return {QStringLiteral("inspector"), QStringLiteral("consumers"), QStringLiteral("grants"),
            QStringLiteral("keys"),      QStringLiteral("provider"),  QStringLiteral("profiles"),
            QStringLiteral("workbench")};
}

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_navigation(new QListWidget(this))
    , m_pages(new QStackedWidget(this))
    , m_pageLabel(new QLabel(this))
    , m_providerHost(new provider::ProviderHost(m_clock, m_random, this))
    , m_providerLabel(new QLabel(this))
    , m_network(new QNetworkAccessManager(this))
    , m_localAdmin(
          std::make_unique<admin::LocalProviderAdmin>(*m_providerHost, QStringLiteral("MWAuth Console")))
{
    initResources();
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("MWAuth Console"));
    setWindowIcon(icon(QStringLiteral("app")));

    m_navigation->setObjectName(QStringLiteral("navigation"));
    m_navigation->setAccessibleName(tr("Tools"));
    m_navigation->setIconSize(QSize(24, 24));
    m_navigation->setSpacing(2);
    m_navigation->setFixedWidth(190);
    m_navigation->setSelectionMode(QAbstractItemView::SingleSelection);
    m_pages->setObjectName(QStringLiteral("pages"));

    auto *central = new QWidget(this);
    auto *layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_navigation);
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);

    m_pageLabel->setObjectName(QStringLiteral("statusPageLabel"));
    statusBar()->setObjectName(QStringLiteral("statusBar"));
    statusBar()->addPermanentWidget(m_providerLabel);
    statusBar()->addPermanentWidget(m_pageLabel);
    m_providerLabel->setObjectName(QStringLiteral("statusProviderLabel"));
    const auto showProviderState = [this] {
        using State = provider::ProviderHost::State;
        switch (m_providerHost->state()) {
        case State::Running:
            m_providerLabel->setText(tr("Local provider: %1").arg(m_providerHost->info().baseUrl.toString()));
            break;
        case State::Starting:
            m_providerLabel->setText(tr("Local provider: starting…"));
            break;
        case State::Stopping:
            m_providerLabel->setText(tr("Local provider: stopping…"));
            break;
        case State::Stopped:
            m_providerLabel->setText(tr("Local provider: stopped"));
            break;
        }
    };
    connect(m_providerHost, &provider::ProviderHost::stateChanged, this, showProviderState);
    connect(m_providerHost, &provider::ProviderHost::started, this, showProviderState);
    showProviderState();

    createPages();
    createMenus();
    connect(m_navigation, &QListWidget::currentRowChanged, this, &MainWindow::onPageChanged);
    restoreSettings();
    statusBar()->showMessage(tr("Ready"), 3000);
}

MainWindow::~MainWindow() = default;

void MainWindow::startLocalProviderIfWanted()
{
    m_providerPage->startIfWanted();
}

void MainWindow::addPage(const QString &id, const QString &title, const QString &iconName, QWidget *page)
{
    page->setProperty("pageId", id);
    if (page->objectName().isEmpty())
        page->setObjectName(id + QStringLiteral("Page"));
    page->setAccessibleName(title);
    m_pages->addWidget(page);
    auto *item = new QListWidgetItem(icon(iconName), title, m_navigation);
    item->setData(pageIdRole, id);
    const int number = m_navigation->count();
    item->setToolTip(tr("%1 (Ctrl+%2)").arg(title).arg(number));
}

void MainWindow::createPages()
{
    addPage(
        QStringLiteral("inspector"), tr("Inspector"), QStringLiteral("inspector"),
        new PlaceholderPage(tr("Inspector"),
                            tr("Runs a login or OAuth flow against a wiki or provider and shows every "
                               "request, response, redirect and token on the way, with HAR and curl export."),
                            tr("The flow inspector is not built yet: it comes with the flow engine."), this));
    addPage(QStringLiteral("consumers"), tr("Consumers"), QStringLiteral("consumers"),
            new PlaceholderPage(tr("Consumers"),
                                tr("Registers OAuth 1.0a and OAuth 2.0 consumers and lets an admin approve, "
                                   "reject or disable them."),
                                tr("Consumer management is not built yet: it comes with the admin client."),
                                this));
    addPage(QStringLiteral("grants"), tr("Grants & tokens"), QStringLiteral("grants"),
            new PlaceholderPage(
                tr("Grants & tokens"),
                tr("Lists the apps a user granted access to and their tokens; revokes one or all."),
                tr("Grants and tokens are not built yet: they come with the admin client and the "
                   "MediaWiki OAuth API client."),
                this));
    auto *keys = new KeysPage(m_localAdmin.get(), m_providerHost, m_network, this);
    connect(keys, &KeysPage::statusMessage, this,
            [this](const QString &message) { statusBar()->showMessage(message, 8000); });
    addPage(QStringLiteral("keys"), tr("Keys"), QStringLiteral("keys"), keys);
    m_providerPage = new ProviderPage(m_providerHost, &m_clock, this);
    connect(m_providerPage, &ProviderPage::statusMessage, this,
            [this](const QString &message) { statusBar()->showMessage(message, 8000); });
    addPage(QStringLiteral("provider"), tr("Local provider"), QStringLiteral("provider"), m_providerPage);
    addPage(
        QStringLiteral("profiles"), tr("Profiles"), QStringLiteral("profiles"),
        new PlaceholderPage(tr("Profiles"),
                            tr("Keeps the wikis and providers you work with (api.php, rest.php, index.php "
                               "or an issuer URL) and their consumers; secrets stay in the keychain."),
                            tr("Profiles are not built yet: they come with the app database and the "
                               "keychain store."),
                            this));
    auto *workbench = new JwtWorkbenchPage(&m_clock, this);
    connect(workbench, &JwtWorkbenchPage::statusMessage, this,
            [this](const QString &message) { statusBar()->showMessage(message, 8000); });
    addPage(QStringLiteral("workbench"), tr("JWT & JWKS"), QStringLiteral("workbench"), workbench);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setObjectName(QStringLiteral("quitAction"));
    // QKeySequence::Quit is empty under some platform themes (Windows scheme, offscreen):
    // Ctrl+Q always works too.
    QList<QKeySequence> quitKeys = QKeySequence::keyBindings(QKeySequence::Quit);
    if (!quitKeys.contains(QKeySequence(Qt::CTRL | Qt::Key_Q)))
        quitKeys.append(QKeySequence(Qt::CTRL | Qt::Key_Q));
    quit->setShortcuts(quitKeys);
    quit->setShortcutContext(Qt::ApplicationShortcut);
    quit->setMenuRole(QAction::QuitRole);

    QMenu *go = menuBar()->addMenu(tr("&Go"));
    for (int row = 0; row < m_navigation->count(); ++row) {
        const QListWidgetItem *item = m_navigation->item(row);
        QAction *action = go->addAction(item->icon(), item->text());
        action->setObjectName(item->data(pageIdRole).toString() + QStringLiteral("Action"));
        if (row < 9)
            action->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + row)));
        connect(action, &QAction::triggered, this, [this, row] { m_navigation->setCurrentRow(row); });
    }

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = help->addAction(tr("&About MWAuth Console"), this, &MainWindow::showAbout);
    about->setObjectName(QStringLiteral("aboutAction"));
    about->setShortcut(QKeySequence(Qt::Key_F1));
    about->setMenuRole(QAction::AboutRole);
    QAction *aboutQt = help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
    aboutQt->setMenuRole(QAction::AboutQtRole);
}

QString MainWindow::currentPageId() const
{
    const QListWidgetItem *item = m_navigation->currentItem();
    return item ? item->data(pageIdRole).toString() : QString();
}

void MainWindow::setCurrentPage(const QString &id)
{
    const int row = static_cast<int>(pageIds().indexOf(id));
    if (row >= 0)
        m_navigation->setCurrentRow(row);
}

void MainWindow::onPageChanged(int row)
{
    if (row < 0)
        return;
    m_pages->setCurrentIndex(row);
    const QListWidgetItem *item = m_navigation->item(row);
    m_pageLabel->setText(item->text());
    QSettings().setValue(pageKey, item->data(pageIdRole).toString());
}

void MainWindow::showAbout()
{
    auto *box = findChild<QMessageBox *>(QStringLiteral("aboutBox"));
    if (!box) {
        box = new QMessageBox(this);
        box->setObjectName(QStringLiteral("aboutBox"));
        box->setWindowTitle(tr("About MWAuth Console"));
        box->setIconPixmap(icon(QStringLiteral("app")).pixmap(64, 64));
        box->setTextFormat(Qt::RichText);
        box->setText(tr("<h3>MWAuth Console %1</h3>"
                        "<p>A console for MediaWiki's authentication stack: OAuth 1.0a and 2.0, "
                        "OpenID Connect, two-factor login and clientlogin.</p>"
                        "<p>Built with Qt %2, running on Qt %3.</p>")
                         .arg(QCoreApplication::applicationVersion().isEmpty()
                                  ? QStringLiteral(MWAUTH_VERSION)
                                  : QCoreApplication::applicationVersion(),
                              QStringLiteral(QT_VERSION_STR), QString::fromLatin1(qVersion())));
        box->setStandardButtons(QMessageBox::Close);
    }
    box->open();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    QMainWindow::closeEvent(event);
}

void MainWindow::restoreSettings()
{
    const QSettings settings;
    const QByteArray geometry = settings.value(geometryKey).toByteArray();
    if (geometry.isEmpty() || !restoreGeometry(geometry))
        resize(1280, 800);
    QString page = settings.value(pageKey, defaultPage).toString();
    if (!pageIds().contains(page))
        page = defaultPage;
    setCurrentPage(page);
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(geometryKey, saveGeometry());
    settings.setValue(pageKey, currentPageId());
}

} // namespace mwauth::ui
