#include "ProviderPage.h"

#include "RequestLogModel.h"
#include "UiResources.h"
#include "otp/Base32.h"
#include "otp/Otp.h"
#include "otp/OtpAuthUri.h"
#include "widgets/Confirmation.h"
#include "widgets/QrCodeView.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

namespace mwauth::ui {

namespace {
const QString portKey = QStringLiteral("provider/port");
const QString databaseKey = QStringLiteral("provider/database");
const QString scriptPathKey = QStringLiteral("provider/scriptPath");
const QString demoKey = QStringLiteral("provider/demo");
const QString autostartKey = QStringLiteral("provider/autostart");
const QString secretMask = QStringLiteral("••••••••");

// The rows of the address box, in order.
enum Address { MainPage, LoginPage, ApiPhp, RestPhp, Discovery, AddressCount };

QTableWidgetItem *readOnlyItem(const QString &text)
{
    auto *item = new QTableWidgetItem(text);
    item->setFlags(item->flags() & ~Qt::ItemIsEditable);
    return item;
}
} // namespace

ProviderPage::ProviderPage(provider::ProviderHost *host, const Clock *clock, QWidget *parent)
    : QWidget(parent)
    , m_host(host)
    , m_clock(clock)
    , m_log(new RequestLogModel(5000, this))
    , m_logFilter(new QSortFilterProxyModel(this))
    , m_totpTimer(new QTimer(this))
{
    buildUi();
    loadSettings();
    connect(m_host, &provider::ProviderHost::stateChanged, this, &ProviderPage::onStateChanged);
    connect(m_host, &provider::ProviderHost::started, this, &ProviderPage::onStarted);
    connect(m_host, &provider::ProviderHost::startFailed, this, &ProviderPage::onStartFailed);
    connect(m_host, &provider::ProviderHost::requestsServed, m_log, &RequestLogModel::append);
    connect(m_totpTimer, &QTimer::timeout, this, &ProviderPage::refreshTotpCodes);
    m_totpTimer->start(1000);
    onStateChanged(m_host->state());
}

ProviderPage::~ProviderPage() = default;

QString ProviderPage::defaultDatabasePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
        + QStringLiteral("/local-provider.sqlite");
}

void ProviderPage::buildUi()
{
    // Everything in a scroll area: the page never forces the window to grow on a small screen.
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto *scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("providerScroll"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *content = new QWidget(scroll);
    scroll->setWidget(content);
    outer->addWidget(scroll);
    auto *layout = new QVBoxLayout(content);

    auto *title = new QLabel(tr("<h2>Local provider</h2>A MediaWiki look-alike OAuth 1.0a, OAuth 2.0 and "
                                "OpenID Connect provider on this computer (127.0.0.1 only), with demo "
                                "users and consumers. It is for tests and demos, not a production server."),
                             this);
    title->setWordWrap(true);
    layout->addWidget(title);

    auto *serverBox = new QGroupBox(tr("Server"), this);
    auto *form = new QFormLayout(serverBox);
    m_port = new QSpinBox(serverBox);
    m_port->setObjectName(QStringLiteral("portSpin"));
    m_port->setRange(0, 65535);
    m_port->setSpecialValueText(tr("any free port"));
    m_port->setAccessibleName(tr("Port"));
    form->addRow(tr("&Port:"), m_port);

    auto *databaseRow = new QHBoxLayout;
    m_database = new QLineEdit(serverBox);
    m_database->setObjectName(QStringLiteral("databaseEdit"));
    m_database->setAccessibleName(tr("Database file"));
    m_database->setToolTip(tr("A SQLite file (kept between runs), or :memory: for a provider that forgets "
                              "everything when it stops."));
    auto *browse = new QToolButton(serverBox);
    browse->setText(tr("Browse…"));
    browse->setAccessibleName(tr("Choose the database file"));
    connect(browse, &QToolButton::clicked, this, [this] {
        const QString file
            = QFileDialog::getSaveFileName(this, tr("Provider database"), m_database->text(),
                                           tr("SQLite databases (*.sqlite *.db);;All files (*)"), nullptr,
                                           QFileDialog::DontConfirmOverwrite);
        if (!file.isEmpty())
            m_database->setText(file);
    });
    databaseRow->addWidget(m_database, 1);
    databaseRow->addWidget(browse);
    auto *databaseLabel = new QLabel(tr("&Database:"), serverBox);
    databaseLabel->setBuddy(m_database);
    form->addRow(databaseLabel, databaseRow);

    m_scriptPath = new QLineEdit(serverBox);
    m_scriptPath->setObjectName(QStringLiteral("scriptPathEdit"));
    m_scriptPath->setAccessibleName(tr("Script path"));
    m_scriptPath->setToolTip(tr("Where api.php, rest.php and index.php live, like $wgScriptPath: \"/w\" or "
                                "empty for the root."));
    form->addRow(tr("&Script path:"), m_scriptPath);
    m_demo = new QCheckBox(tr("Create the demo &users and consumers when they are missing"), serverBox);
    m_demo->setObjectName(QStringLiteral("demoCheck"));
    form->addRow(QString(), m_demo);

    auto *buttons = new QHBoxLayout;
    m_startStop = new QPushButton(serverBox);
    m_startStop->setObjectName(QStringLiteral("startStopButton"));
    connect(m_startStop, &QPushButton::clicked, this, [this] {
        if (m_host->state() == provider::ProviderHost::State::Running)
            stopProvider();
        else
            startProvider();
    });
    m_reset = new QPushButton(tr("&Reset demo data…"), serverBox);
    m_reset->setObjectName(QStringLiteral("resetButton"));
    m_reset->setToolTip(tr("Deletes the database file (every user, consumer, grant and token in it) and "
                           "starts again with only the demo data."));
    connect(m_reset, &QPushButton::clicked, this, &ProviderPage::resetDemoData);
    m_status = new QLabel(serverBox);
    m_status->setObjectName(QStringLiteral("statusLabel"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    buttons->addWidget(m_startStop);
    buttons->addWidget(m_reset);
    buttons->addWidget(m_status, 1);
    form->addRow(buttons);
    layout->addWidget(serverBox);

    auto *addressBox = new QGroupBox(tr("Addresses"), this);
    auto *addresses = new QFormLayout(addressBox);
    const QStringList labels
        = {tr("Main page:"), tr("Login page:"), tr("api.php:"), tr("rest.php:"), tr("OpenID discovery:")};
    for (int i = 0; i < AddressCount; ++i) {
        auto *row = new QHBoxLayout;
        auto *field = new QLineEdit(addressBox);
        field->setReadOnly(true);
        field->setObjectName(QStringLiteral("address%1").arg(i));
        field->setAccessibleName(labels.at(i));
        auto *copy = new QToolButton(addressBox);
        copy->setIcon(icon(QStringLiteral("copy")));
        copy->setToolTip(tr("Copy"));
        copy->setAccessibleName(tr("Copy %1").arg(labels.at(i)));
        connect(copy, &QToolButton::clicked, this, [this, field] {
            if (field->text().isEmpty())
                return;
            QApplication::clipboard()->setText(field->text());
            emit statusMessage(tr("Copied %1").arg(field->text()));
        });
        row->addWidget(field, 1);
        row->addWidget(copy);
        addresses->addRow(labels.at(i), row);
        m_addressFields.append(field);
    }
    layout->addWidget(addressBox);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("providerTabs"));

    m_accounts = new QTableWidget(0, 5, m_tabs);
    m_accounts->setObjectName(QStringLiteral("demoAccounts"));
    m_accounts->setHorizontalHeaderLabels(
        {tr("User"), tr("Password"), tr("Second factors"), tr("TOTP code"), tr("Code changes in")});
    m_accounts->horizontalHeader()->setStretchLastSection(true);
    m_accounts->verticalHeader()->hide();
    m_accounts->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_accounts->setSelectionMode(QAbstractItemView::SingleSelection);
    auto *accountsPage = new QWidget(m_tabs);
    auto *accountsLayout = new QHBoxLayout(accountsPage);
    accountsLayout->addWidget(m_accounts, 1);
    auto *qrColumn = new QVBoxLayout;
    m_qrCaption = new QLabel(accountsPage);
    m_qrCaption->setObjectName(QStringLiteral("qrCaption"));
    m_qrCaption->setWordWrap(true);
    m_qrCaption->setAlignment(Qt::AlignHCenter);
    m_qrCode = new QrCodeView(accountsPage);
    m_qrCode->setObjectName(QStringLiteral("totpQrCode"));
    m_qrCode->setMinimumSize(150, 150);
    qrColumn->addWidget(m_qrCode, 1);
    qrColumn->addWidget(m_qrCaption);
    accountsLayout->addLayout(qrColumn);
    connect(m_accounts, &QTableWidget::currentCellChanged, this, &ProviderPage::showTotpQrCode);
    m_tabs->addTab(accountsPage, tr("Demo &accounts"));

    auto *clientsPage = new QWidget(m_tabs);
    auto *clientsLayout = new QVBoxLayout(clientsPage);
    m_showSecrets = new QCheckBox(tr("Show client s&ecrets"), clientsPage);
    m_showSecrets->setObjectName(QStringLiteral("showSecrets"));
    connect(m_showSecrets, &QCheckBox::toggled, this, &ProviderPage::fillDemoTables);
    m_clients = new QTableWidget(0, 6, clientsPage);
    m_clients->setObjectName(QStringLiteral("demoClients"));
    m_clients->setHorizontalHeaderLabels(
        {tr("Consumer"), tr("Protocol"), tr("Client ID"), tr("Secret"), tr("Redirect URI"), tr("State")});
    m_clients->horizontalHeader()->setStretchLastSection(true);
    m_clients->verticalHeader()->hide();
    m_clients->setSelectionBehavior(QAbstractItemView::SelectRows);
    clientsLayout->addWidget(m_showSecrets);
    clientsLayout->addWidget(m_clients, 1);
    m_tabs->addTab(clientsPage, tr("Demo &consumers"));

    auto *logPage = new QWidget(m_tabs);
    auto *logLayout = new QVBoxLayout(logPage);
    auto *filterRow = new QHBoxLayout;
    m_logFilterText = new QLineEdit(logPage);
    m_logFilterText->setObjectName(QStringLiteral("logFilter"));
    m_logFilterText->setPlaceholderText(tr("Filter by path, method, status, client or user"));
    m_logFilterText->setAccessibleName(tr("Filter the request log"));
    m_logFilterText->setClearButtonEnabled(true);
    auto *clear = new QPushButton(tr("C&lear log"), logPage);
    connect(clear, &QPushButton::clicked, m_log, &RequestLogModel::clear);
    filterRow->addWidget(m_logFilterText, 1);
    filterRow->addWidget(clear);
    m_logFilter->setSourceModel(m_log);
    m_logFilter->setFilterKeyColumn(-1); // every column
    m_logFilter->setFilterCaseSensitivity(Qt::CaseInsensitive);
    connect(m_logFilterText, &QLineEdit::textChanged, m_logFilter,
            &QSortFilterProxyModel::setFilterFixedString);
    m_logView = new QTableView(logPage);
    m_logView->setObjectName(QStringLiteral("requestLog"));
    m_logView->setAccessibleName(tr("Requests served"));
    m_logView->setModel(m_logFilter);
    m_logView->verticalHeader()->hide();
    m_logView->horizontalHeader()->setSectionResizeMode(RequestLogModel::Target, QHeaderView::Stretch);
    m_logView->setSelectionBehavior(QAbstractItemView::SelectRows);
    // Follow new rows while the view is at the bottom.
    connect(m_logFilter, &QAbstractItemModel::rowsInserted, this, [this] {
        if (!m_logView->verticalScrollBar()
            || m_logView->verticalScrollBar()->value() >= m_logView->verticalScrollBar()->maximum() - 2)
            QTimer::singleShot(0, m_logView, &QTableView::scrollToBottom);
    });
    logLayout->addLayout(filterRow);
    logLayout->addWidget(m_logView, 1);
    m_tabs->addTab(logPage, tr("&Requests"));

    layout->addWidget(m_tabs, 1);
}

void ProviderPage::loadSettings()
{
    QSettings settings;
    m_port->setValue(settings.value(portKey, DefaultPort).toInt());
    m_database->setText(settings.value(databaseKey, defaultDatabasePath()).toString());
    m_scriptPath->setText(settings.value(scriptPathKey, QStringLiteral("/w")).toString());
    m_demo->setChecked(settings.value(demoKey, true).toBool());
}

void ProviderPage::saveSettings() const
{
    QSettings settings;
    settings.setValue(portKey, m_port->value());
    settings.setValue(databaseKey, m_database->text());
    settings.setValue(scriptPathKey, m_scriptPath->text());
    settings.setValue(demoKey, m_demo->isChecked());
}

provider::LocalProviderOptions ProviderPage::formOptions() const
{
    provider::LocalProviderOptions options;
    options.port = static_cast<quint16>(m_port->value());
    options.database = m_database->text().trimmed();
    if (options.database.isEmpty())
        options.database = defaultDatabasePath();
    options.scriptPath = m_scriptPath->text().trimmed();
    options.demo = m_demo->isChecked();
    return options;
}

void ProviderPage::startProvider()
{
    saveSettings();
    const provider::LocalProviderOptions options = formOptions();
    if (options.database != QLatin1StringView(":memory:") && !options.database.contains(u"://")) {
        // The SQLite driver does not make missing folders (the first run's AppDataLocation).
        QDir().mkpath(QFileInfo(options.database).absolutePath());
    }
    m_host->start(options);
}

void ProviderPage::stopProvider()
{
    m_host->stop();
}

void ProviderPage::resetDemoData()
{
    const provider::LocalProviderOptions options = formOptions();
    if (options.database == QLatin1StringView(":memory:") || options.database.contains(u"://")) {
        m_status->setText(
            tr("Reset works on a SQLite database file; \"%1\" is not one.").arg(options.database));
        return;
    }
    if (!Confirmation::ask(
            this, tr("Reset demo data"),
            tr("Delete %1 and start the provider again with only the demo data?\n\nEvery user, "
               "consumer, grant, token and signing key in it is lost.")
                .arg(QDir::toNativeSeparators(options.database)),
            tr("Delete and reset")))
        return;
    saveSettings();
    m_log->clear();
    m_host->resetDemoData(options);
}

void ProviderPage::startIfWanted()
{
    if (!QSettings().value(autostartKey, true).toBool()
        || m_host->state() != provider::ProviderHost::State::Stopped)
        return;
    m_fallBackToAnyPort = m_port->value() == DefaultPort;
    startProvider();
}

QString ProviderPage::statusText() const
{
    return m_status->text();
}

void ProviderPage::setFormEnabled(bool enabled)
{
    m_port->setEnabled(enabled);
    m_database->setEnabled(enabled);
    m_scriptPath->setEnabled(enabled);
    m_demo->setEnabled(enabled);
}

void ProviderPage::onStateChanged(provider::ProviderHost::State state)
{
    using State = provider::ProviderHost::State;
    setFormEnabled(state == State::Stopped);
    m_startStop->setEnabled(state == State::Stopped || state == State::Running);
    m_startStop->setText(state == State::Running ? tr("S&top") : tr("&Start"));
    m_startStop->setAccessibleName(state == State::Running ? tr("Stop the provider")
                                                           : tr("Start the provider"));
    m_reset->setEnabled(state == State::Stopped || state == State::Running);
    switch (state) {
    case State::Starting:
        m_status->setText(tr("Starting…"));
        break;
    case State::Stopping:
        m_status->setText(tr("Stopping…"));
        break;
    case State::Stopped:
        for (QLineEdit *field : std::as_const(m_addressFields))
            field->clear();
        m_qrCode->setText(QString());
        m_qrCaption->clear();
        if (!m_status->text().startsWith(tr("Could not start")))
            m_status->setText(tr("Stopped."));
        break;
    case State::Running:
        break;
    }
}

void ProviderPage::onStarted()
{
    const provider::ProviderHost::Info &info = m_host->info();
    m_fallBackToAnyPort = false;
    m_status->setText(
        info.workers == 1
            ? tr("Running on %1 (one serving thread).").arg(info.baseUrl.toString())
            : tr("Running on %1 (%2 serving threads).").arg(info.baseUrl.toString()).arg(info.workers));
    showAddresses();
    fillDemoTables();
    emit statusMessage(tr("Local provider running on %1").arg(info.baseUrl.toString()));
}

void ProviderPage::onStartFailed(const mwauth::Error &error)
{
    if (m_fallBackToAnyPort && error.code() == ErrorCode::Network) {
        // The automatic start's default port is taken: any free port will do for a demo.
        m_fallBackToAnyPort = false;
        provider::LocalProviderOptions options = formOptions();
        options.port = 0;
        m_host->start(options);
        return;
    }
    m_fallBackToAnyPort = false;
    m_status->setText(tr("Could not start: %1").arg(error.message()));
    emit statusMessage(m_status->text());
}

void ProviderPage::showAddresses()
{
    const provider::ProviderHost::Info &info = m_host->info();
    QUrl main = info.indexUrl;
    main.setQuery(QStringLiteral("title=Main_Page"));
    QUrl login = info.indexUrl;
    login.setQuery(QStringLiteral("title=Special:UserLogin"));
    QUrl discovery = info.issuer;
    discovery.setPath(QStringLiteral("/.well-known/openid-configuration"));
    const QList<QUrl> urls = {main, login, info.apiUrl, info.restUrl, discovery};
    for (int i = 0; i < AddressCount; ++i)
        m_addressFields.at(i)->setText(urls.at(i).toString());
}

void ProviderPage::fillDemoTables()
{
    const provider::ProviderHost::Info &info = m_host->info();
    m_accounts->setRowCount(static_cast<int>(info.demoAccounts.size()));
    for (int row = 0; row < info.demoAccounts.size(); ++row) {
        const provider::DemoAccount &account = info.demoAccounts.at(row);
        m_accounts->setItem(row, 0, readOnlyItem(account.name));
        m_accounts->setItem(row, 1, readOnlyItem(account.password)); // demo passwords are public
        m_accounts->setItem(
            row, 2, readOnlyItem(account.modules.isEmpty() ? tr("none") : account.modules.join(u", ")));
        m_accounts->setItem(row, 3, readOnlyItem(QString()));
        m_accounts->setItem(row, 4, readOnlyItem(QString()));
    }
    m_clients->setRowCount(static_cast<int>(info.demoClients.size()));
    for (int row = 0; row < info.demoClients.size(); ++row) {
        const provider::DemoClient &client = info.demoClients.at(row);
        QString protocol = client.oauthVersion == 1 ? tr("OAuth 1.0a") : tr("OAuth 2.0");
        if (client.oauthVersion == 2)
            protocol += client.confidential ? tr(", confidential") : tr(", public");
        if (client.ownerOnly)
            protocol += tr(", owner-only");
        const QString secret = client.clientSecret.isEmpty()
            ? tr("(none: public client)")
            : (m_showSecrets->isChecked() ? client.clientSecret : secretMask);
        m_clients->setItem(row, 0, readOnlyItem(client.name));
        m_clients->setItem(row, 1, readOnlyItem(protocol));
        m_clients->setItem(row, 2, readOnlyItem(client.clientId));
        m_clients->setItem(row, 3, readOnlyItem(secret));
        m_clients->setItem(row, 4, readOnlyItem(client.redirectUri));
        m_clients->setItem(row, 5, readOnlyItem(client.approved ? tr("approved") : tr("proposed")));
    }
    m_accounts->resizeColumnsToContents();
    m_clients->resizeColumnsToContents();
    refreshTotpCodes();
    // Show the first account with TOTP, ready to be scanned.
    for (int row = 0; row < info.demoAccounts.size(); ++row) {
        if (!info.demoAccounts.at(row).totpSecret.isEmpty()) {
            m_accounts->setCurrentCell(row, 0);
            break;
        }
    }
    showTotpQrCode(m_accounts->currentRow());
}

QString ProviderPage::totpUri(const provider::DemoAccount &account)
{
    const auto key = otp::Base32::decode(account.totpSecret.toLatin1());
    if (account.totpSecret.isEmpty() || !key)
        return {};
    otp::OtpAuthUri uri;
    uri.issuer = QStringLiteral("MWAuth Local Provider"); // the provider's sitename, as OATHAuth uses it
    uri.account = account.name;
    uri.parameters.secret = *key;
    return uri.toString();
}

void ProviderPage::showTotpQrCode(int row)
{
    const QList<provider::DemoAccount> &accounts = m_host->info().demoAccounts;
    const QString uri = row >= 0 && row < accounts.size() ? totpUri(accounts.at(row)) : QString();
    m_qrCode->setText(uri);
    if (uri.isEmpty())
        m_qrCaption->setText(row >= 0 && row < accounts.size()
                                 ? tr("%1 has no TOTP key.").arg(accounts.at(row).name)
                                 : QString());
    else
        m_qrCaption->setText(
            tr("Scan with an authenticator app to log in as %1.").arg(accounts.at(row).name));
}

void ProviderPage::refreshTotpCodes()
{
    const QList<provider::DemoAccount> &accounts = m_host->info().demoAccounts;
    if (accounts.size() != m_accounts->rowCount())
        return;
    const double now = m_clock->nowSeconds();
    for (int row = 0; row < accounts.size(); ++row) {
        const provider::DemoAccount &account = accounts.at(row);
        if (account.totpSecret.isEmpty())
            continue;
        const auto key = otp::Base32::decode(account.totpSecret.toLatin1());
        if (!key)
            continue;
        otp::TotpParameters params;
        params.secret = *key;
        const auto code = otp::totp(params, now);
        m_accounts->item(row, 3)->setText(code ? *code : code.error().message());
        const int left = params.period - static_cast<int>(std::fmod(now, params.period));
        m_accounts->item(row, 4)->setText(tr("%n s", nullptr, left));
    }
}

} // namespace mwauth::ui
