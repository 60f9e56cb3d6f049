#include "workbench/KeyGeneratorPanel.h"

#include "UiResources.h"
#include "widgets/SecretField.h"
#include "workbench/KeyGenerationJob.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

namespace mwauth::ui {

namespace {
using jose::JwsAlgorithm;

QPlainTextEdit *readOnlyText(QWidget *parent, const QString &name, const QString &accessible)
{
    auto *edit = new QPlainTextEdit(parent);
    edit->setObjectName(name);
    edit->setAccessibleName(accessible);
    edit->setReadOnly(true);
    edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    edit->setMaximumHeight(90);
    return edit;
}

// A field with a copy button beside it.
QWidget *withCopy(QWidget *field, const QString &name, std::function<QString()> text)
{
    auto *row = new QWidget(field->parentWidget());
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    field->setParent(row);
    layout->addWidget(field, 1);
    auto *copy = new QToolButton(row);
    copy->setObjectName(name);
    copy->setIcon(icon(QStringLiteral("copy")));
    copy->setToolTip(KeyGeneratorPanel::tr("Copy"));
    copy->setAccessibleName(KeyGeneratorPanel::tr("Copy %1").arg(field->accessibleName()));
    QObject::connect(copy, &QToolButton::clicked, row, [text = std::move(text)] {
        const QString value = text();
        if (!value.isEmpty())
            QApplication::clipboard()->setText(value);
    });
    layout->addWidget(copy, 0, Qt::AlignTop);
    return row;
}
} // namespace

KeyGeneratorPanel::KeyGeneratorPanel(QWidget *parent)
    : QWidget(parent)
    , m_alg(new QComboBox(this))
    , m_bits(new QComboBox(this))
    , m_generate(new QPushButton(tr("&Generate key"), this))
    , m_busy(new QProgressBar(this))
    , m_status(new QLabel(this))
    , m_thumbprint(new QLineEdit(this))
    , m_publicJwk(readOnlyText(this, QStringLiteral("publicJwkText"), tr("Public JWK")))
    , m_publicPem(readOnlyText(this, QStringLiteral("publicPemText"), tr("Public key PEM")))
    , m_privateJwk(new SecretField(this))
    , m_use(new QPushButton(tr("&Use as verification key"), this))
    , m_sign(new QPushButton(tr("&Sign current payload"), this))
{
    m_alg->setObjectName(QStringLiteral("algCombo"));
    m_alg->setAccessibleName(tr("Algorithm"));
    for (JwsAlgorithm alg :
         {JwsAlgorithm::RS256, JwsAlgorithm::RS384, JwsAlgorithm::RS512, JwsAlgorithm::PS256,
          JwsAlgorithm::ES256, JwsAlgorithm::ES384, JwsAlgorithm::EdDSA, JwsAlgorithm::HS256,
          JwsAlgorithm::HS384, JwsAlgorithm::HS512})
        m_alg->addItem(jose::algorithmName(alg), static_cast<int>(alg));
    m_bits->setObjectName(QStringLiteral("rsaBitsCombo"));
    m_bits->setAccessibleName(tr("RSA key size"));
    for (int bits : {2048, 3072, 4096})
        m_bits->addItem(tr("%1 bits").arg(bits), bits);

    m_generate->setObjectName(QStringLiteral("generateKeyButton"));
    m_busy->setObjectName(QStringLiteral("generateBusy"));
    m_busy->setAccessibleName(tr("Generating a key"));
    m_busy->setRange(0, 0);
    m_busy->setMaximumHeight(12);
    m_busy->setTextVisible(false);
    m_busy->hide();
    m_status->setObjectName(QStringLiteral("generateStatus"));
    m_status->setWordWrap(true);

    m_thumbprint->setObjectName(QStringLiteral("thumbprintEdit"));
    m_thumbprint->setAccessibleName(tr("RFC 7638 thumbprint"));
    m_thumbprint->setReadOnly(true);
    m_privateJwk->setObjectName(QStringLiteral("privateJwkField"));
    m_privateJwk->setAccessibleName(tr("Private JWK"));
    m_privateJwk->setMaximumHeight(90);
    m_use->setObjectName(QStringLiteral("useKeyButton"));
    m_use->setToolTip(tr("Put the public key in the Verify tab"));
    m_sign->setObjectName(QStringLiteral("signButton"));
    m_sign->setToolTip(tr("Sign the decoded payload (or a fresh demo payload when no token "
                          "decodes) with this key and put the token in the token field"));

    auto *choose = new QHBoxLayout;
    choose->addWidget(new QLabel(tr("Algorithm:"), this));
    choose->addWidget(m_alg);
    choose->addWidget(m_bits);
    choose->addWidget(m_generate);
    choose->addStretch();

    auto *form = new QFormLayout;
    form->addRow(tr("Thumbprint:"), withCopy(m_thumbprint, QStringLiteral("copyThumbprintButton"), [this] {
                     return m_thumbprint->text();
                 }));
    form->addRow(tr("Public JWK:"), withCopy(m_publicJwk, QStringLiteral("copyPublicJwkButton"), [this] {
                     return m_publicJwk->toPlainText();
                 }));
    form->addRow(tr("Public PEM:"), withCopy(m_publicPem, QStringLiteral("copyPublicPemButton"), [this] {
                     return m_publicPem->toPlainText();
                 }));
    form->addRow(tr("Private JWK:"), m_privateJwk);

    auto *actions = new QHBoxLayout;
    actions->addWidget(m_use);
    actions->addWidget(m_sign);
    actions->addStretch();

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(choose);
    layout->addWidget(m_busy);
    layout->addWidget(m_status);
    layout->addLayout(form);
    layout->addLayout(actions);
    layout->addStretch();

    connect(m_alg, &QComboBox::currentIndexChanged, this, &KeyGeneratorPanel::onAlgorithmChanged);
    connect(m_generate, &QPushButton::clicked, this, &KeyGeneratorPanel::generate);
    connect(m_use, &QPushButton::clicked, this, [this] {
        if (m_key)
            emit useKeyRequested(KeyMode::JwksOrJwk, verificationKeyText());
    });
    connect(m_sign, &QPushButton::clicked, this, [this] {
        if (m_key)
            emit signRequested(*m_key);
    });
    onAlgorithmChanged();
    clearKey();
    m_status->setText(tr("No key generated yet."));
}

KeyGeneratorPanel::~KeyGeneratorPanel() = default;

bool KeyGeneratorPanel::isGenerating() const
{
    return !m_job.isNull();
}

QString KeyGeneratorPanel::verificationKeyText() const
{
    if (!m_key)
        return {};
    const QJsonObject json
        = m_key->type() == jose::Jwk::Type::Oct ? m_key->toPrivateJson() : m_key->toPublicJson();
    return QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Indented));
}

void KeyGeneratorPanel::generate()
{
    if (m_job)
        return;
    const auto alg = static_cast<JwsAlgorithm>(m_alg->currentData().toInt());
    const int bits = jose::isRsa(alg) ? m_bits->currentData().toInt() : 0;
    setBusy(true);
    m_status->setText(
        jose::isRsa(alg)
            ? tr("Generating an RSA %1-bit key for %2...").arg(bits).arg(jose::algorithmName(alg))
            : tr("Generating a key for %1...").arg(jose::algorithmName(alg)));
    m_job = KeyGenerationJob::create(alg, bits);
    connect(m_job.data(), &KeyGenerationJob::finished, this, &KeyGeneratorPanel::onGenerated);
    emit generationStarted();
    m_job->start();
}

void KeyGeneratorPanel::onGenerated()
{
    if (!m_job || !m_job->isFinished())
        return;
    const QSharedPointer<KeyGenerationJob> job = std::exchange(m_job, {});
    setBusy(false);
    const Result<jose::Jwk> key = job->result();
    if (!key) {
        clearKey();
        m_status->setText(tr("Could not generate the key: %1").arg(key.error().message()));
        emit generationFinished(key.error().message());
        return;
    }
    showKey(*key);
    m_status->setText(tr("Generated a new %1 key in %2 ms.")
                          .arg(jose::algorithmName(job->algorithm()))
                          .arg(job->elapsedMs(), 0, 'f', 1));
    emit generationFinished(QString());
}

void KeyGeneratorPanel::onAlgorithmChanged()
{
    const auto alg = static_cast<JwsAlgorithm>(m_alg->currentData().toInt());
    m_bits->setEnabled(jose::isRsa(alg));
}

void KeyGeneratorPanel::showKey(const jose::Jwk &key)
{
    m_key = key;
    const bool oct = key.type() == jose::Jwk::Type::Oct;
    m_thumbprint->setText(QString::fromLatin1(key.thumbprint()));
    m_publicJwk->setLineWrapMode(oct ? QPlainTextEdit::WidgetWidth : QPlainTextEdit::NoWrap);
    m_publicJwk->setPlainText(
        oct ? tr("A shared secret has no public form: both sides hold "
                 "the same key (use the private JWK to verify).")
            : QString::fromUtf8(QJsonDocument(key.toPublicJson()).toJson(QJsonDocument::Indented)));
    const Result<QByteArray> pem = key.toPublicPem();
    m_publicPem->setPlainText(oct       ? tr("Not applicable to a shared secret.")
                                  : pem ? QString::fromLatin1(*pem)
                                        : tr("No PEM form: %1").arg(pem.error().message()));
    m_privateJwk->setSecret(
        QString::fromUtf8(QJsonDocument(key.toPrivateJson()).toJson(QJsonDocument::Indented)));
    m_use->setEnabled(true);
    m_sign->setEnabled(true);
}

void KeyGeneratorPanel::clearKey()
{
    m_key.reset();
    m_thumbprint->clear();
    m_publicJwk->clear();
    m_publicPem->clear();
    m_privateJwk->clearSecret();
    m_use->setEnabled(false);
    m_sign->setEnabled(false);
}

void KeyGeneratorPanel::setBusy(bool busy)
{
    m_busy->setVisible(busy);
    m_generate->setEnabled(!busy);
    m_alg->setEnabled(!busy);
    m_bits->setEnabled(!busy && jose::isRsa(static_cast<JwsAlgorithm>(m_alg->currentData().toInt())));
}

} // namespace mwauth::ui
