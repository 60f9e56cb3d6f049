#pragma once

#include "jose/Jwk.h"
#include "workbench/KeyMaterial.h"

#include <QSharedPointer>
#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

namespace mwauth::ui {

class KeyGenerationJob;
class SecretField;

// The "Generate key" side of the JWT workbench: pick an algorithm (and RSA size), generate
// a key off the GUI thread, see its private JWK (masked until revealed), public JWK, public
// PEM and thumbprint, then use it: as the verification key, or to sign the current payload.
class KeyGeneratorPanel : public QWidget
{
    Q_OBJECT
public:
    explicit KeyGeneratorPanel(QWidget *parent = nullptr);
    ~KeyGeneratorPanel() override;

    bool isGenerating() const;
    // The last generated key (with its private part), if any.
    const std::optional<jose::Jwk> &key() const { return m_key; }

    // The form of the key that verifies its signatures: the public JWK, or for an HMAC
    // secret the oct JWK itself (a shared secret has no public half).
    QString verificationKeyText() const;

public slots:
    void generate();

signals:
    void generationStarted();
    // Emitted when a generation ends, with an empty message on success.
    void generationFinished(const QString &error);
    void useKeyRequested(KeyMode mode, const QString &text);
    void signRequested(const jose::Jwk &privateKey);

private:
    void onGenerated();
    void onAlgorithmChanged();
    void showKey(const jose::Jwk &key);
    void clearKey();
    void setBusy(bool busy);

    QComboBox *m_alg;
    QComboBox *m_bits;
    QPushButton *m_generate;
    QProgressBar *m_busy;
    QLabel *m_status;
    QLineEdit *m_thumbprint;
    QPlainTextEdit *m_publicJwk;
    QPlainTextEdit *m_publicPem;
    SecretField *m_privateJwk;
    QPushButton *m_use;
    QPushButton *m_sign;
    QSharedPointer<KeyGenerationJob> m_job;
    std::optional<jose::Jwk> m_key;
};

} // namespace mwauth::ui
