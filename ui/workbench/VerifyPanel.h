#pragma once

#include "workbench/KeyMaterial.h"
#include "workbench/VerdictDescriber.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;

namespace mwauth::ui {

// The "Verify" side of the JWT workbench: the key to verify with (JWKS / JWK, PEM or a
// shared secret) and what else to expect (issuer, audience, nonce, leeway, the moment to
// verify at). It only collects input; the page runs jose::JwtValidator with it.
class VerifyPanel : public QWidget
{
    Q_OBJECT
public:
    explicit VerifyPanel(QWidget *parent = nullptr);

    KeyMode mode() const;
    QString keyText() const;
    // Puts a key in the field and selects its mode (used by the key generator).
    void setKey(KeyMode mode, const QString &text);

    // The parsed key field; the error says what is wrong with the paste.
    Result<jose::Jwks> keys() const;
    bool hasKeyText() const;

    // Expectations and the verification moment; `now` is used when "Now" is ticked.
    VerificationSettings settings(double now) const;
    bool requireExpiry() const;

    // Shows what the key field holds ("1 key: RSA 2048, kid ...") or why it cannot be used.
    void showKeySummary(const Result<jose::Jwks> &keys);

signals:
    // Any input changed; the page re-verifies (debounced).
    void changed();

private:
    void onModeChanged();
    void onKeyTextChanged();

    QComboBox *m_mode;
    QPlainTextEdit *m_key;
    QLabel *m_keySummary;
    QLineEdit *m_issuer;
    QLineEdit *m_audience;
    QLineEdit *m_nonce;
    QDoubleSpinBox *m_leeway;
    QCheckBox *m_atNow;
    QDateTimeEdit *m_at;
    QCheckBox *m_requireExp;
    bool m_settingKey = false;
};

} // namespace mwauth::ui
