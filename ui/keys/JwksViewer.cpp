#include "JwksViewer.h"

#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPushButton>
#include <QTableWidget>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

namespace mwauth::ui {

JwksViewer::JwksViewer(QNetworkAccessManager *network, QWidget *parent)
    : QWidget(parent)
    , m_network(network)
    , m_source(new QLineEdit(this))
    , m_load(new QPushButton(tr("&Load"), this))
    , m_status(new QLabel(this))
    , m_table(new QTableWidget(0, 6, this))
{
    auto *layout = new QVBoxLayout(this);
    auto *row = new QHBoxLayout;
    m_source->setObjectName(QStringLiteral("jwksSource"));
    m_source->setPlaceholderText(
        tr("A JWKS URL (e.g. https://wiki.example/w/rest.php/oauth2/jwks) or a file"));
    m_source->setAccessibleName(tr("JWKS URL or file"));
    m_load->setObjectName(QStringLiteral("jwksLoad"));
    auto *open = new QToolButton(this);
    open->setText(tr("Open file…"));
    connect(open, &QToolButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("Open a JWKS"), QString(),
                                                          tr("JSON files (*.json *.jwks);;All files (*)"));
        if (!file.isEmpty()) {
            m_source->setText(file);
            load(file);
        }
    });
    connect(m_load, &QPushButton::clicked, this, [this] { load(m_source->text()); });
    connect(m_source, &QLineEdit::returnPressed, this, [this] { load(m_source->text()); });
    row->addWidget(m_source, 1);
    row->addWidget(m_load);
    row->addWidget(open);
    layout->addLayout(row);
    m_status->setObjectName(QStringLiteral("jwksStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);
    m_table->setObjectName(QStringLiteral("jwksTable"));
    m_table->setHorizontalHeaderLabels(
        {tr("Key ID"), tr("Type"), tr("Size"), tr("Algorithm"), tr("Use"), tr("RFC 7638 thumbprint")});
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    layout->addWidget(m_table, 1);
}

QString JwksViewer::errorText() const
{
    return m_status->property("error").toBool() ? m_status->text() : QString();
}

void JwksViewer::load(const QString &source)
{
    const QString trimmed = source.trimmed();
    if (trimmed.isEmpty()) {
        showError(tr("Enter a JWKS URL or choose a file."));
        return;
    }
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
        m_reply = nullptr;
    }
    const QUrl url(trimmed, QUrl::StrictMode);
    if (url.scheme() == u"http" || url.scheme() == u"https") {
        if (url.host().isEmpty()) {
            showError(tr("\"%1\" is not a usable URL: it has no host.").arg(trimmed));
            return;
        }
        QNetworkRequest request(url);
        request.setTransferTimeout(20000);
        request.setRawHeader("Accept", "application/jwk-set+json, application/json");
        m_loadingSource = trimmed;
        m_reply = m_network->get(request);
        connect(m_reply, &QNetworkReply::downloadProgress, this, [this](qint64 received, qint64) {
            if (received > MaxDocumentSize && m_reply)
                m_reply->abort();
        });
        connect(m_reply, &QNetworkReply::finished, this, &JwksViewer::onReplyFinished);
        m_load->setEnabled(false);
        m_status->setProperty("error", false);
        m_status->setText(tr("Loading %1 …").arg(trimmed));
        return;
    }
    if (!url.scheme().isEmpty() && url.scheme() != u"file" && url.scheme().size() > 1) {
        showError(tr("Only http, https and files are supported, not \"%1:\".").arg(url.scheme()));
        return;
    }
    const QString path = url.scheme() == u"file" ? url.toLocalFile() : trimmed;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        showError(tr("%1 could not be read: %2").arg(path, file.errorString()));
        return;
    }
    if (file.size() > MaxDocumentSize) {
        showError(tr("%1 is larger than 1 MiB; that is not a JWKS.").arg(path));
        return;
    }
    show(file.readAll(), path);
}

void JwksViewer::onReplyFinished()
{
    QNetworkReply *reply = m_reply;
    m_reply = nullptr;
    m_load->setEnabled(true);
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    if (body.size() > MaxDocumentSize || reply->error() == QNetworkReply::OperationCanceledError) {
        showError(tr("%1 sent more than 1 MiB; that is not a JWKS.").arg(m_loadingSource));
        return;
    }
    if (reply->error() != QNetworkReply::NoError && status == 0) {
        showError(tr("%1 could not be fetched: %2").arg(m_loadingSource, reply->errorString()));
        return;
    }
    if (status != 200) {
        showError(tr("%1 answered HTTP %2, not a JWKS.").arg(m_loadingSource).arg(status));
        return;
    }
    show(body, m_loadingSource);
}

void JwksViewer::show(const QByteArray &document, const QString &source)
{
    Result<jose::Jwks> jwks = jose::Jwks::fromJson(document);
    if (!jwks) {
        showError(tr("%1 is not a usable JWKS: %2").arg(source, jwks.error().message()));
        return;
    }
    m_jwks = std::move(*jwks);
    const QList<jose::Jwk> &keys = m_jwks.keys();
    m_table->setRowCount(static_cast<int>(keys.size() + m_jwks.skipped().size()));
    int row = 0;
    for (const jose::Jwk &key : keys) {
        const QString size = key.curve().isEmpty() ? tr("%1 bits").arg(key.bits()) : key.curve();
        const QStringList cells
            = {key.kid(), key.typeName(), size, key.alg(), key.use(), QString::fromLatin1(key.thumbprint())};
        for (int column = 0; column < cells.size(); ++column)
            m_table->setItem(row, column, new QTableWidgetItem(cells.at(column)));
        ++row;
    }
    for (const QString &skipped : m_jwks.skipped()) {
        auto *item = new QTableWidgetItem(tr("not usable: %1").arg(skipped));
        item->setForeground(QColor(0xb3, 0x5c, 0x00));
        m_table->setItem(row, 0, item);
        m_table->setSpan(row, 0, 1, m_table->columnCount());
        ++row;
    }
    m_table->resizeColumnsToContents();
    m_status->setProperty("error", false);
    const int count = static_cast<int>(keys.size());
    QString summary = count == 1 ? tr("%1: 1 key").arg(source) : tr("%1: %2 keys").arg(source).arg(count);
    if (!m_jwks.skipped().isEmpty())
        summary += tr(", %1 not usable").arg(m_jwks.skipped().size());
    m_status->setText(summary);
    emit loaded();
}

void JwksViewer::showError(const QString &message)
{
    m_load->setEnabled(true);
    m_status->setProperty("error", true);
    m_status->setText(message);
    emit failed(message);
}

} // namespace mwauth::ui
