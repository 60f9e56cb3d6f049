#pragma once

// Shared helpers for the GUI tests: an isolated settings location and real-input helpers.

#include <QApplication>
#include <QClipboard>
#include <QPlainTextEdit>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

namespace mwauth::test {

// Points QSettings and QStandardPaths away from the user's files for the whole process.
// Keep the object alive for the test's lifetime.
class IsolatedSettings
{
public:
    IsolatedSettings()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.path());
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.path());
        QCoreApplication::setOrganizationName(QStringLiteral("MWAuthTests"));
        QCoreApplication::setApplicationName(QCoreApplication::applicationName() + QStringLiteral("-gui"));
    }
    bool isValid() const { return m_dir.isValid(); }
    QString path() const { return m_dir.path(); }
    // True when QSettings() writes inside the temporary directory.
    bool isolates() const { return QSettings().fileName().startsWith(m_dir.path() + QLatin1Char('/')); }

private:
    QTemporaryDir m_dir;
};

// Pastes `text` over the whole content of `edit` through the clipboard and Ctrl+V, as a
// user does.
inline void pasteInto(QPlainTextEdit *edit, const QString &text)
{
    QApplication::clipboard()->setText(text);
    edit->setFocus();
    QTest::keyClick(edit, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClick(edit, Qt::Key_V, Qt::ControlModifier);
}

} // namespace mwauth::test
