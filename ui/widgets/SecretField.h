#pragma once

#include <QWidget>

class QPlainTextEdit;
class QToolButton;

namespace mwauth::ui {

// Shows a secret (a private key, a client secret) only on request. Until the user presses
// "Reveal" the field shows a mask and the secret is not in any widget's text; "Hide" masks
// it again, and so does every setSecret(). "Copy" copies the secret without revealing it.
class SecretField : public QWidget
{
    Q_OBJECT
public:
    explicit SecretField(QWidget *parent = nullptr);

    void setSecret(const QString &secret);
    void clearSecret();
    const QString &secret() const { return m_secret; }

    bool isRevealed() const { return m_revealed; }
    void setRevealed(bool revealed);

    // Text currently on screen (the mask while hidden).
    QString displayedText() const;

signals:
    void revealedChanged(bool revealed);

private:
    void refresh();

    QString m_secret;
    bool m_revealed = false;
    QPlainTextEdit *m_view;
    QToolButton *m_reveal;
    QToolButton *m_copy;
};

} // namespace mwauth::ui
