#pragma once

#include "common/Clock.h"
#include "provider/ProviderHost.h"

#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QSpinBox;
class QTableView;
class QTableWidget;
class QTabWidget;
class QTimer;

namespace mwauth::ui {

class QrCodeView;
class RequestLogModel;

// The "Local provider" tool: starts and stops the embedded MediaWiki look-alike (on the
// ProviderHost's thread, so the GUI never waits for it), shows where it listens with copy
// buttons, the demo accounts with their TOTP codes ticking live, the demo consumers, and a
// live, filterable log of the requests it served. Reset demo data wipes the database file
// after a confirmation.
//
// Settings (QSettings, no secrets): provider/port, provider/database, provider/scriptPath,
// provider/demo, provider/autostart (default true: the console starts its provider with demo
// data on first run, see startIfWanted()).
class ProviderPage : public QWidget
{
    Q_OBJECT
public:
    // The port the console tries first; when it is taken on an automatic start, any free
    // port is used instead.
    static constexpr quint16 DefaultPort = 8780;

    // `host` and `clock` must outlive the page.
    ProviderPage(provider::ProviderHost *host, const Clock *clock, QWidget *parent = nullptr);
    ~ProviderPage() override;

    // Starts the provider with the form's settings (saved to QSettings first).
    void startProvider();
    void stopProvider();
    // Asks for confirmation, then wipes the database file and starts again with demo data.
    void resetDemoData();
    // Starts the provider if provider/autostart is true (the default): the first run of the
    // console lands on a provider with demo data without any configuration.
    void startIfWanted();

    // The SQLite file used when the settings name none: <AppDataLocation>/local-provider.sqlite.
    static QString defaultDatabasePath();

    RequestLogModel *requestLog() const { return m_log; }
    QSortFilterProxyModel *requestLogFilter() const { return m_logFilter; }
    QString statusText() const;
    // The otpauth:// URI of a demo account's TOTP key (empty without one).
    static QString totpUri(const provider::DemoAccount &account);

signals:
    void statusMessage(const QString &message);

private:
    void buildUi();
    void loadSettings();
    void saveSettings() const;
    provider::LocalProviderOptions formOptions() const;
    void onStateChanged(provider::ProviderHost::State state);
    void onStarted();
    void onStartFailed(const mwauth::Error &error);
    void showAddresses();
    void fillDemoTables();
    void refreshTotpCodes();
    void showTotpQrCode(int row);
    void setFormEnabled(bool enabled);

    provider::ProviderHost *m_host;
    const Clock *m_clock;
    bool m_fallBackToAnyPort = false; // set for an automatic start on the default port

    QSpinBox *m_port;
    QLineEdit *m_database;
    QLineEdit *m_scriptPath;
    QCheckBox *m_demo;
    QPushButton *m_startStop;
    QPushButton *m_reset;
    QLabel *m_status;
    QList<QLineEdit *> m_addressFields;
    QTabWidget *m_tabs;
    QTableWidget *m_accounts;
    QrCodeView *m_qrCode;
    QLabel *m_qrCaption;
    QTableWidget *m_clients;
    QCheckBox *m_showSecrets;
    QLineEdit *m_logFilterText;
    QTableView *m_logView;
    RequestLogModel *m_log;
    QSortFilterProxyModel *m_logFilter;
    QTimer *m_totpTimer;
};

} // namespace mwauth::ui
