#include "widgets/SecretField.h"

#include "UiResources.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QPlainTextEdit>
#include <QToolButton>
#include <QVBoxLayout>

namespace mwauth::ui {

SecretField::SecretField(QWidget *parent)
    : QWidget(parent)
    , m_view(new QPlainTextEdit(this))
    , m_reveal(new QToolButton(this))
    , m_copy(new QToolButton(this))
{
    m_view->setObjectName(QStringLiteral("secretText"));
    m_view->setReadOnly(true);
    m_view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_view->setAccessibleName(tr("Secret value"));

    m_reveal->setObjectName(QStringLiteral("revealButton"));
    m_reveal->setIcon(icon(QStringLiteral("reveal")));
    m_reveal->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_reveal->setCheckable(true);
    connect(m_reveal, &QToolButton::toggled, this, &SecretField::setRevealed);

    m_copy->setObjectName(QStringLiteral("copySecretButton"));
    m_copy->setIcon(icon(QStringLiteral("copy")));
    m_copy->setText(tr("Copy"));
    m_copy->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_copy->setToolTip(tr("Copy the secret to the clipboard without showing it"));
    m_copy->setAccessibleName(tr("Copy secret"));
    connect(m_copy, &QToolButton::clicked, this, [this] {
        if (!m_secret.isEmpty())
            QApplication::clipboard()->setText(m_secret);
    });

    auto *buttons = new QVBoxLayout;
    buttons->addWidget(m_reveal);
    buttons->addWidget(m_copy);
    buttons->addStretch();
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view, 1);
    layout->addLayout(buttons);
    refresh();
}

void SecretField::setSecret(const QString &secret)
{
    m_secret = secret;
    setRevealed(false);
    refresh();
}

void SecretField::clearSecret()
{
    setSecret({});
}

void SecretField::setRevealed(bool revealed)
{
    if (m_revealed == revealed) {
        refresh();
        return;
    }
    m_revealed = revealed;
    refresh();
    emit revealedChanged(revealed);
}

QString SecretField::displayedText() const
{
    return m_view->toPlainText();
}

void SecretField::refresh()
{
    const bool empty = m_secret.isEmpty();
    {
        const QSignalBlocker block(m_reveal);
        m_reveal->setChecked(m_revealed);
    }
    m_reveal->setText(m_revealed ? tr("Hide") : tr("Reveal"));
    m_reveal->setAccessibleName(m_revealed ? tr("Hide secret") : tr("Reveal secret"));
    m_reveal->setEnabled(!empty);
    m_copy->setEnabled(!empty);
    if (empty)
        m_view->setPlainText(QString());
    else if (m_revealed)
        m_view->setPlainText(m_secret);
    else
        m_view->setPlainText(
            tr("\u2022\u2022\u2022\u2022\u2022\u2022\u2022\u2022  hidden: press Reveal to show it"));
}

} // namespace mwauth::ui
