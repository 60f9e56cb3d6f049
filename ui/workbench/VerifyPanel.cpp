#include "workbench/VerifyPanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDoubleSpinBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QVBoxLayout>

namespace mwauth::ui {

VerifyPanel::VerifyPanel(QWidget *parent)
    : QWidget(parent)
    , m_mode(new QComboBox(this))
    , m_key(new QPlainTextEdit(this))
    , m_keySummary(new QLabel(this))
    , m_issuer(new QLineEdit(this))
    , m_audience(new QLineEdit(this))
    , m_nonce(new QLineEdit(this))
    , m_leeway(new QDoubleSpinBox(this))
    , m_atNow(new QCheckBox(tr("Now"), this))
    , m_at(new QDateTimeEdit(this))
    , m_requireExp(new QCheckBox(tr("Require an expiry time (exp)"), this))
{
    m_mode->setObjectName(QStringLiteral("keyModeCombo"));
    m_mode->setAccessibleName(tr("Key type"));
    m_mode->addItem(tr("JWKS / JWK"), static_cast<int>(KeyMode::JwksOrJwk));
    m_mode->addItem(tr("PEM"), static_cast<int>(KeyMode::Pem));
    m_mode->addItem(tr("Secret (HS*)"), static_cast<int>(KeyMode::Secret));

    m_key->setObjectName(QStringLiteral("keyEdit"));
    m_key->setAccessibleName(tr("Verification key"));
    m_key->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_key->setTabChangesFocus(true);
    m_key->setMinimumHeight(110);
    m_key->setMaximumHeight(240);

    m_keySummary->setObjectName(QStringLiteral("keySummary"));
    m_keySummary->setWordWrap(true);
    m_keySummary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    const QString notChecked = tr("(not checked)");
    m_issuer->setObjectName(QStringLiteral("issuerEdit"));
    m_issuer->setAccessibleName(tr("Expected issuer"));
    m_issuer->setPlaceholderText(notChecked);
    m_audience->setObjectName(QStringLiteral("audienceEdit"));
    m_audience->setAccessibleName(tr("Expected audience"));
    m_audience->setPlaceholderText(notChecked);
    m_nonce->setObjectName(QStringLiteral("nonceEdit"));
    m_nonce->setAccessibleName(tr("Expected nonce"));
    m_nonce->setPlaceholderText(notChecked);

    m_leeway->setObjectName(QStringLiteral("leewaySpin"));
    m_leeway->setAccessibleName(tr("Leeway in seconds"));
    m_leeway->setRange(0, 86400);
    m_leeway->setDecimals(0);
    m_leeway->setValue(60);
    m_leeway->setSuffix(tr(" s"));

    m_atNow->setObjectName(QStringLiteral("verifyAtNowCheck"));
    m_atNow->setAccessibleName(tr("Verify at the current time"));
    m_atNow->setChecked(true);
    m_at->setObjectName(QStringLiteral("verifyAtEdit"));
    m_at->setAccessibleName(tr("Verify at this time (UTC)"));
    m_at->setTimeSpec(Qt::UTC);
    m_at->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"));
    m_at->setCalendarPopup(true);
    m_at->setDateTime(QDateTime::currentDateTimeUtc());
    m_at->setEnabled(false);

    m_requireExp->setObjectName(QStringLiteral("requireExpCheck"));
    m_requireExp->setChecked(true);

    auto *modeRow = new QHBoxLayout;
    modeRow->addWidget(new QLabel(tr("Key type:"), this));
    modeRow->addWidget(m_mode);
    modeRow->addStretch();
    auto *atRow = new QHBoxLayout;
    atRow->addWidget(m_atNow);
    atRow->addWidget(m_at, 1);

    auto *form = new QFormLayout;
    form->addRow(tr("Expected &issuer:"), m_issuer);
    form->addRow(tr("Expected &audience:"), m_audience);
    form->addRow(tr("Expected &nonce:"), m_nonce);
    form->addRow(tr("&Leeway:"), m_leeway);
    auto *atLabel = new QLabel(tr("Verify &at:"), this);
    atLabel->setBuddy(m_atNow);
    form->addRow(atLabel, atRow);
    form->addRow(QString(), m_requireExp);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(modeRow);
    layout->addWidget(m_key);
    layout->addWidget(m_keySummary);
    layout->addLayout(form);
    layout->addStretch(1);

    connect(m_mode, &QComboBox::currentIndexChanged, this, &VerifyPanel::onModeChanged);
    connect(m_key, &QPlainTextEdit::textChanged, this, &VerifyPanel::onKeyTextChanged);
    for (QLineEdit *edit : {m_issuer, m_audience, m_nonce})
        connect(edit, &QLineEdit::textChanged, this, &VerifyPanel::changed);
    connect(m_leeway, &QDoubleSpinBox::valueChanged, this, &VerifyPanel::changed);
    connect(m_atNow, &QCheckBox::toggled, this, [this](bool now) {
        // Start from the current time rather than whenever the page was opened.
        if (!now) {
            const QSignalBlocker block(m_at);
            m_at->setDateTime(QDateTime::currentDateTimeUtc());
        }
        m_at->setEnabled(!now);
        emit changed();
    });
    connect(m_at, &QDateTimeEdit::dateTimeChanged, this, &VerifyPanel::changed);
    connect(m_requireExp, &QCheckBox::toggled, this, &VerifyPanel::changed);
    onModeChanged();
}

KeyMode VerifyPanel::mode() const
{
    return static_cast<KeyMode>(m_mode->currentData().toInt());
}

QString VerifyPanel::keyText() const
{
    return m_key->toPlainText();
}

bool VerifyPanel::hasKeyText() const
{
    return !m_key->toPlainText().trimmed().isEmpty();
}

void VerifyPanel::setKey(KeyMode mode, const QString &text)
{
    m_settingKey = true;
    m_mode->setCurrentIndex(m_mode->findData(static_cast<int>(mode)));
    m_key->setPlainText(text);
    m_settingKey = false;
    emit changed();
}

Result<jose::Jwks> VerifyPanel::keys() const
{
    return KeyMaterial::parse(mode(), m_key->toPlainText());
}

VerificationSettings VerifyPanel::settings(double now) const
{
    VerificationSettings s;
    s.issuer = m_issuer->text().trimmed();
    s.audience = m_audience->text().trimmed();
    s.nonce = m_nonce->text().trimmed();
    s.leeway = m_leeway->value();
    s.atIsNow = m_atNow->isChecked();
    s.at = s.atIsNow ? now : static_cast<double>(m_at->dateTime().toMSecsSinceEpoch()) / 1000.0;
    return s;
}

bool VerifyPanel::requireExpiry() const
{
    return m_requireExp->isChecked();
}

void VerifyPanel::showKeySummary(const Result<jose::Jwks> &keys)
{
    if (!hasKeyText()) {
        m_keySummary->clear();
        return;
    }
    if (!keys) {
        m_keySummary->setText(tr("Cannot use this key: %1").arg(keys.error().message()));
        return;
    }
    QStringList parts;
    for (const jose::Jwk &key : keys->keys()) {
        QString part = key.typeName();
        if (!key.curve().isEmpty())
            part += QLatin1Char(' ') + key.curve();
        else
            part += QLatin1Char(' ') + tr("%1 bits").arg(key.bits());
        if (!key.kid().isEmpty())
            part += tr(", kid \"%1\"").arg(key.kid());
        parts.append(part);
    }
    QString text = tr("%n key(s): ", "", static_cast<int>(parts.size())) + parts.join(QStringLiteral("; "));
    if (!keys->skipped().isEmpty())
        text += QLatin1Char(' ') + tr("Skipped: %1").arg(keys->skipped().join(QLatin1Char(' ')));
    m_keySummary->setText(text);
}

void VerifyPanel::onModeChanged()
{
    switch (mode()) {
    case KeyMode::JwksOrJwk:
        m_key->setPlaceholderText(tr("Paste a JWKS ({\"keys\": [...]}) or a single JWK ({\"kty\": ...})."));
        break;
    case KeyMode::Pem:
        m_key->setPlaceholderText(tr("Paste a PEM public key (-----BEGIN PUBLIC KEY----- ...)."));
        break;
    case KeyMode::Secret:
        m_key->setPlaceholderText(tr("Type or paste the shared secret (client or consumer secret). "
                                     "Leading and trailing spaces are ignored."));
        break;
    }
    emit changed();
}

void VerifyPanel::onKeyTextChanged()
{
    if (!m_settingKey) {
        const KeyMode detected = KeyMaterial::detect(m_key->toPlainText(), mode());
        if (detected != mode())
            m_mode->setCurrentIndex(m_mode->findData(static_cast<int>(detected)));
    }
    emit changed();
}

} // namespace mwauth::ui
