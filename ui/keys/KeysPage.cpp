#include "KeysPage.h"

#include "JwksViewer.h"
#include "KeyTimeline.h"
#include "UiResources.h"
#include "admin/KeyRotationPlan.h"
#include "jose/Jwk.h"
#include "widgets/Confirmation.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <utility>

namespace mwauth::ui {

namespace {
enum Column { Kid, Algorithm, KeyKind, State, Created, SignsFrom, StopsSigning, PublishedUntil, ColumnCount };

QString timeText(qint64 seconds)
{
    return seconds > 0
        ? QDateTime::fromSecsSinceEpoch(seconds).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
        : QString();
}

QString keyKind(const QJsonObject &publicJwk)
{
    const Result<jose::Jwk> key = jose::Jwk::fromJson(publicJwk);
    if (!key)
        return {};
    return key->curve().isEmpty() ? QStringLiteral("%1 %2").arg(key->typeName()).arg(key->bits())
                                  : QStringLiteral("%1 %2").arg(key->typeName(), key->curve());
}

QToolButton *copyButton(QWidget *parent, const QString &what, std::function<QString()> text)
{
    auto *button = new QToolButton(parent);
    button->setIcon(icon(QStringLiteral("copy")));
    button->setToolTip(QObject::tr("Copy %1").arg(what));
    button->setAccessibleName(QObject::tr("Copy %1").arg(what));
    QObject::connect(button, &QToolButton::clicked, parent, [text = std::move(text)] {
        const QString value = text();
        if (!value.isEmpty())
            QApplication::clipboard()->setText(value);
    });
    return button;
}
} // namespace

KeysPage::KeysPage(admin::AdminClient *admin, provider::ProviderHost *host, QNetworkAccessManager *network,
                   QWidget *parent)
    : QWidget(parent)
    , m_admin(admin)
    , m_host(host)
    , m_viewer(new JwksViewer(network, this))
{
    buildUi();
    connect(m_host, &provider::ProviderHost::started, this, &KeysPage::refresh);
    connect(m_host, &provider::ProviderHost::stateChanged, this, [this](provider::ProviderHost::State state) {
        if (state != provider::ProviderHost::State::Running) {
            showRing({});
            m_status->setText(tr("The local provider is not running: start it on the Local provider page."));
        }
        updateActions();
    });
    if (m_host->isRunning())
        refresh();
    else
        m_status->setText(tr("The local provider is not running: start it on the Local provider page."));
    updateActions();
}

void KeysPage::buildUi()
{
    auto *layout = new QVBoxLayout(this);
    auto *title
        = new QLabel(tr("<h2>Keys</h2>The signing keys of the local provider: a <b>next</b> key is published "
                        "before it signs, the <b>current</b> key signs, a <b>retiring</b> key stays "
                        "published until every token it signed has expired."),
                     this);
    title->setWordWrap(true);
    layout->addWidget(title);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("keysTabs"));
    auto *providerTab = new QWidget(m_tabs);
    auto *providerLayout = new QVBoxLayout(providerTab);

    auto *actions = new QHBoxLayout;
    m_refresh = new QPushButton(tr("Re&fresh"), providerTab);
    m_refresh->setObjectName(QStringLiteral("refreshKeys"));
    m_refresh->setToolTip(tr("Read the keys again (F5)"));
    connect(m_refresh, &QPushButton::clicked, this, &KeysPage::refresh);
    auto *f5 = new QShortcut(QKeySequence::Refresh, this);
    f5->setContext(Qt::WidgetWithChildrenShortcut);
    connect(f5, &QShortcut::activated, this, &KeysPage::refresh);
    m_rotate = new QPushButton(tr("&Rotate…"), providerTab);
    m_rotate->setObjectName(QStringLiteral("rotateKeys"));
    m_rotate->setToolTip(
        tr("The next key starts signing, the current key starts retiring, a new next key is made"));
    connect(m_rotate, &QPushButton::clicked, this, &KeysPage::rotate);
    m_algorithm = new QComboBox(providerTab);
    m_algorithm->setObjectName(QStringLiteral("generateAlgorithm"));
    m_algorithm->setAccessibleName(tr("Algorithm of a new key"));
    m_algorithm->addItems(provider::SigningKeyStore::supportedAlgorithmNames());
    m_generate = new QPushButton(tr("&Generate next key"), providerTab);
    m_generate->setObjectName(QStringLiteral("generateKey"));
    m_generate->setToolTip(tr("A new next key of the chosen algorithm, replacing the current next key "
                              "(which never signed)"));
    connect(m_generate, &QPushButton::clicked, this, &KeysPage::generate);
    m_retire = new QPushButton(tr("Retire &early…"), providerTab);
    m_retire->setObjectName(QStringLiteral("retireKey"));
    m_retire->setToolTip(tr("Stop publishing the selected next or retiring key now"));
    connect(m_retire, &QPushButton::clicked, this, &KeysPage::retireSelected);
    m_progress = new QProgressBar(providerTab);
    m_progress->setObjectName(QStringLiteral("keysProgress"));
    m_progress->setRange(0, 0); // busy
    m_progress->setMaximumWidth(120);
    m_progress->setTextVisible(false);
    m_progress->hide();
    actions->addWidget(m_refresh);
    actions->addWidget(m_rotate);
    actions->addSpacing(12);
    actions->addWidget(m_algorithm);
    actions->addWidget(m_generate);
    actions->addSpacing(12);
    actions->addWidget(m_retire);
    actions->addWidget(m_progress);
    actions->addStretch(1);
    providerLayout->addLayout(actions);

    m_status = new QLabel(providerTab);
    m_status->setObjectName(QStringLiteral("keysStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    providerLayout->addWidget(m_status);

    auto *split = new QSplitter(Qt::Vertical, providerTab);
    m_table = new QTableWidget(0, ColumnCount, split);
    m_table->setObjectName(QStringLiteral("keysTable"));
    m_table->setHorizontalHeaderLabels({tr("Key ID"), tr("Algorithm"), tr("Key"), tr("State"), tr("Created"),
                                        tr("Signs from"), tr("Stopped signing"), tr("Published until")});
    m_table->horizontalHeader()->setSectionResizeMode(Kid, QHeaderView::Stretch);
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAccessibleName(tr("Signing keys"));
    connect(m_table, &QTableWidget::itemSelectionChanged, this, [this] {
        m_timeline->setSelectedKid(selectedKid());
        showDetails();
        updateActions();
    });
    m_timeline = new KeyTimeline(split);
    m_timeline->setObjectName(QStringLiteral("keyTimeline"));
    connect(m_timeline, &KeyTimeline::kidClicked, this, &KeysPage::selectKid);

    auto *details = new QWidget(split);
    auto *form = new QFormLayout(details);
    m_jwk = new QPlainTextEdit(details);
    m_jwk->setObjectName(QStringLiteral("keyJwk"));
    m_jwk->setReadOnly(true);
    m_jwk->setAccessibleName(tr("Public JWK"));
    m_thumbprint = new QLineEdit(details);
    m_thumbprint->setObjectName(QStringLiteral("keyThumbprint"));
    m_thumbprint->setReadOnly(true);
    m_thumbprint->setAccessibleName(tr("RFC 7638 thumbprint"));
    m_pem = new QPlainTextEdit(details);
    m_pem->setObjectName(QStringLiteral("keyPem"));
    m_pem->setReadOnly(true);
    m_pem->setAccessibleName(tr("Public key PEM"));
    const auto row = [details](QWidget *field, QToolButton *copy) {
        auto *line = new QHBoxLayout;
        line->addWidget(field, 1);
        line->addWidget(copy, 0, Qt::AlignTop);
        return line;
    };
    form->addRow(tr("Public JWK:"), row(m_jwk, copyButton(details, tr("the public JWK"), [this] {
                                            return m_jwk->toPlainText();
                                        })));
    form->addRow(tr("Thumbprint:"), row(m_thumbprint, copyButton(details, tr("the thumbprint"), [this] {
                                            return m_thumbprint->text();
                                        })));
    form->addRow(tr("PEM:"),
                 row(m_pem, copyButton(details, tr("the PEM"), [this] { return m_pem->toPlainText(); })));
    split->addWidget(m_table);
    split->addWidget(m_timeline);
    split->addWidget(details);
    // Small minimums: the page must fit a 1000x700 window (everything scrolls inside).
    m_table->setMinimumHeight(60);
    m_jwk->setMinimumHeight(40);
    m_pem->setMinimumHeight(40);
    split->setChildrenCollapsible(false);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 2);
    split->setStretchFactor(2, 2);
    providerLayout->addWidget(split, 1);
    m_tabs->addTab(providerTab, tr("Local &provider"));

    m_viewer->setObjectName(QStringLiteral("jwksViewer"));
    m_tabs->addTab(m_viewer, tr("Any &JWKS"));
    layout->addWidget(m_tabs, 1);
}

QString KeysPage::statusText() const
{
    return m_status->text();
}

QString KeysPage::selectedKid() const
{
    const QList<QTableWidgetItem *> selected = m_table->selectedItems();
    if (selected.isEmpty())
        return {};
    return m_table->item(selected.constFirst()->row(), Kid)->text();
}

void KeysPage::selectKid(const QString &kid)
{
    for (int row = 0; row < m_table->rowCount(); ++row) {
        if (m_table->item(row, Kid)->text() == kid) {
            m_table->selectRow(row);
            return;
        }
    }
}

void KeysPage::setBusy(bool busy, const QString &what)
{
    m_busy = busy;
    m_progress->setVisible(busy);
    if (busy)
        m_status->setText(what);
    updateActions();
}

void KeysPage::updateActions()
{
    const bool ready = !m_busy && m_host->isRunning();
    m_refresh->setEnabled(ready);
    m_rotate->setEnabled(ready && admin::KeyRotationPlan::forRing(m_ring).possible);
    m_generate->setEnabled(ready);
    m_algorithm->setEnabled(ready);
    bool retirable = false;
    const QString kid = selectedKid();
    for (const provider::SigningKeyInfo &key : std::as_const(m_ring.keys)) {
        if (key.kid == kid)
            retirable = key.state == provider::SigningKeyState::Next
                || key.state == provider::SigningKeyState::Retiring;
    }
    m_retire->setEnabled(ready && retirable);
}

void KeysPage::showError(const QString &what, const Error &error)
{
    m_status->setText(tr("%1: %2").arg(what, error.message()));
    emit statusMessage(m_status->text());
}

void KeysPage::refresh()
{
    if (m_busy || !m_host->isRunning())
        return;
    setBusy(true, tr("Reading the keys…"));
    m_admin->signingKeys(this, [this](Result<admin::KeyRing> ring) {
        setBusy(false);
        if (!ring) {
            showError(tr("The keys could not be read"), ring.error());
            return;
        }
        showRing(*ring);
        m_status->setText(tr("%1 published keys; tokens live at most %2 s.")
                              .arg(m_ring.jwks.value(QStringLiteral("keys")).toArray().size())
                              .arg(m_ring.maxTokenLifetime));
    });
}

void KeysPage::showRing(const admin::KeyRing &ring)
{
    const QString kept = selectedKid();
    m_ring = ring;
    m_table->setRowCount(static_cast<int>(ring.keys.size()));
    for (int row = 0; row < ring.keys.size(); ++row) {
        const provider::SigningKeyInfo &key = ring.keys.at(row);
        const qint64 publishedUntil = key.state == provider::SigningKeyState::Retiring ? key.retireAfter
            : key.state == provider::SigningKeyState::Retired
            ? (key.retireAfter > 0 && key.retireAfter < key.retired ? key.retireAfter : key.retired)
            : 0;
        const QStringList cells
            = {key.kid,
               key.alg,
               keyKind(key.publicJwk),
               provider::signingKeyStateName(key.state),
               timeText(key.created),
               timeText(key.activated),
               timeText(key.retiringSince),
               publishedUntil > 0
                   ? timeText(publishedUntil)
                   : (key.state == provider::SigningKeyState::Retired ? QString() : tr("until rotated"))};
        for (int column = 0; column < ColumnCount; ++column) {
            auto *item = new QTableWidgetItem(cells.at(column));
            if (key.state == provider::SigningKeyState::Retired)
                item->setForeground(palette().color(QPalette::Disabled, QPalette::Text));
            m_table->setItem(row, column, item);
        }
    }
    m_table->resizeColumnsToContents();
    m_timeline->setSchedule(admin::keySchedule(ring), ring.now, ring.maxTokenLifetime);
    if (!m_selectAfterRefresh.isEmpty())
        selectKid(std::exchange(m_selectAfterRefresh, QString()));
    else if (!kept.isEmpty())
        selectKid(kept);
    showDetails();
    updateActions();
}

void KeysPage::showDetails()
{
    const QString kid = selectedKid();
    m_jwk->clear();
    m_thumbprint->clear();
    m_pem->clear();
    for (const provider::SigningKeyInfo &key : std::as_const(m_ring.keys)) {
        if (key.kid != kid)
            continue;
        m_jwk->setPlainText(QString::fromUtf8(QJsonDocument(key.publicJwk).toJson(QJsonDocument::Indented)));
        const Result<jose::Jwk> jwk = jose::Jwk::fromJson(key.publicJwk);
        if (jwk) {
            m_thumbprint->setText(QString::fromLatin1(jwk->thumbprint()));
            const Result<QByteArray> pem = jwk->toPublicPem();
            m_pem->setPlainText(pem ? QString::fromLatin1(*pem) : pem.error().message());
        }
    }
}

void KeysPage::rotate()
{
    if (m_busy)
        return;
    const admin::KeyRotationPlan plan = admin::KeyRotationPlan::forRing(m_ring);
    if (!plan.possible) {
        m_status->setText(plan.describe());
        return;
    }
    if (!Confirmation::ask(this, tr("Rotate the signing keys"), plan.describe(), tr("Rotate")))
        return;
    setBusy(true, tr("Rotating (generating the new next key)…"));
    m_admin->rotateSigningKeys(this, [this](Result<provider::SigningKeyRotation> rotation) {
        setBusy(false);
        if (!rotation) {
            showError(tr("The keys were not rotated"), rotation.error());
            return;
        }
        emit statusMessage(tr("Rotated: %1 signs now.").arg(rotation->current));
        refresh();
    });
}

void KeysPage::generate()
{
    if (m_busy)
        return;
    const Result<jose::JwsAlgorithm> alg = jose::algorithmFromName(m_algorithm->currentText());
    if (!alg) {
        showError(tr("No key was generated"), alg.error());
        return;
    }
    setBusy(true, tr("Generating a %1 key…").arg(m_algorithm->currentText()));
    m_admin->generateSigningKey(*alg, this, [this](Result<provider::SigningKeyInfo> key) {
        setBusy(false);
        if (!key) {
            showError(tr("No key was generated"), key.error());
            return;
        }
        emit statusMessage(tr("New next key %1 (%2).").arg(key->kid, key->alg));
        m_selectAfterRefresh = key->kid;
        refresh();
    });
}

void KeysPage::retireSelected()
{
    const QString kid = selectedKid();
    if (m_busy || kid.isEmpty())
        return;
    QString warning;
    for (const provider::SigningKeyInfo &key : std::as_const(m_ring.keys)) {
        if (key.kid != kid)
            continue;
        if (key.state == provider::SigningKeyState::Retiring)
            warning
                = tr("Key %1 still verifies tokens it signed until %2. Retiring it now makes those tokens "
                     "fail verification at once: their users must get new ones.")
                      .arg(kid, timeText(key.retireAfter));
        else
            warning = tr("Key %1 is the next key; it never signed anything. It stops being published, and a "
                         "rotation needs a new next key first.")
                          .arg(kid);
    }
    if (!Confirmation::ask(this, tr("Retire a key early"), warning, tr("Retire now")))
        return;
    setBusy(true, tr("Retiring %1…").arg(kid));
    m_admin->retireSigningKey(kid, this, [this](Result<provider::SigningKeyInfo> key) {
        setBusy(false);
        if (!key) {
            showError(tr("The key was not retired"), key.error());
            return;
        }
        emit statusMessage(tr("Retired %1.").arg(key->kid));
        refresh();
    });
}

} // namespace mwauth::ui
