#pragma once

#include "common/Clock.h"
#include "common/Random.h"

#include <QMainWindow>

#include <memory>

class QLabel;
class QListWidget;
class QStackedWidget;

class QNetworkAccessManager;

namespace mwauth::admin {
class LocalProviderAdmin;
}
namespace mwauth::provider {
class ProviderHost;
}

namespace mwauth::ui {

class ProviderPage;

// The console's main window: a sidebar of tools (DESIGN.md section 2) beside the current
// tool's page, a menu bar, a status bar.
//
// Shortcuts: Ctrl+1..Ctrl+7 switch tools in sidebar order, Ctrl+Q quits, F1 shows About.
// The window geometry and the last tool are kept in QSettings (the application's
// organisation and name, set in main.cpp) under "mainWindow/geometry" and
// "mainWindow/page" (a stable page id, not an index).
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    // Stable page ids, in sidebar order.
    static QStringList pageIds();

    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    QString currentPageId() const;
    void setCurrentPage(const QString &id);

    // The console's embedded provider and its page.
    provider::ProviderHost *providerHost() const { return m_providerHost; }
    ProviderPage *providerPage() const { return m_providerPage; }
    // What the console does at start (main.cpp): starts the embedded provider with demo data
    // unless the user switched that off (ProviderPage::startIfWanted).
    void startLocalProviderIfWanted();

public slots:
    void showAbout();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void addPage(const QString &id, const QString &title, const QString &iconName, QWidget *page);
    void createPages();
    void createMenus();
    void onPageChanged(int row);
    void restoreSettings();
    void saveSettings() const;

    SystemClock m_clock;
    SystemRandom m_random;
    QListWidget *m_navigation;
    QStackedWidget *m_pages;
    QLabel *m_pageLabel;
    provider::ProviderHost *m_providerHost;
    ProviderPage *m_providerPage = nullptr;
    QLabel *m_providerLabel;
    QNetworkAccessManager *m_network;
    std::unique_ptr<admin::LocalProviderAdmin> m_localAdmin;
};

} // namespace mwauth::ui
