#pragma once

#include "admin/AdminClient.h"
#include "provider/ProviderHost.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QNetworkAccessManager;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QTabWidget;

namespace mwauth::ui {

class JwksViewer;
class KeyTimeline;

// The "Keys" tool: the local provider's signing keys (through the AdminClient) as a table and
// a timeline of the rotation schedule, with a details pane (public JWK, RFC 7638 thumbprint,
// PEM, copy buttons); Rotate (the plan is shown and confirmed first), Generate with a chosen
// algorithm (on the provider's thread, with a busy indicator), Retire early (with a warning
// about the tokens that stop verifying). A second tab views any JWKS from a URL or file.
// Every operation is asynchronous; the page is refreshed whenever the provider starts.
class KeysPage : public QWidget
{
    Q_OBJECT
public:
    // `admin`, `host` and `network` must outlive the page.
    KeysPage(admin::AdminClient *admin, provider::ProviderHost *host, QNetworkAccessManager *network,
             QWidget *parent = nullptr);

    void refresh();
    void rotate();
    void generate();
    void retireSelected();

    const admin::KeyRing &ring() const { return m_ring; }
    QString selectedKid() const;
    void selectKid(const QString &kid);
    bool isBusy() const { return m_busy; }
    QString statusText() const;

signals:
    void statusMessage(const QString &message);

private:
    void buildUi();
    void setBusy(bool busy, const QString &what = {});
    void showRing(const admin::KeyRing &ring);
    void showDetails();
    void showError(const QString &what, const Error &error);
    void updateActions();

    admin::AdminClient *m_admin;
    provider::ProviderHost *m_host;
    admin::KeyRing m_ring;
    bool m_busy = false;
    QString m_selectAfterRefresh; // a key just generated

    QTabWidget *m_tabs;
    QPushButton *m_refresh;
    QPushButton *m_rotate;
    QComboBox *m_algorithm;
    QPushButton *m_generate;
    QPushButton *m_retire;
    QProgressBar *m_progress;
    QLabel *m_status;
    QTableWidget *m_table;
    KeyTimeline *m_timeline;
    QPlainTextEdit *m_jwk;
    QLineEdit *m_thumbprint;
    QPlainTextEdit *m_pem;
    JwksViewer *m_viewer;
};

} // namespace mwauth::ui
