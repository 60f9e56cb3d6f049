#pragma once

#include <QWidget>

namespace mwauth::ui {

// A page for a tool that is not built yet. It says what the tool will do and, plainly,
// that it does not exist yet and what it waits for. No sample data, no dead buttons.
class PlaceholderPage : public QWidget
{
    Q_OBJECT
public:
    PlaceholderPage(const QString &title, const QString &purpose, const QString &notBuilt,
                    QWidget *parent = nullptr);

    const QString &notBuiltText() const { return m_notBuilt; }

private:
    QString m_notBuilt;
};

} // namespace mwauth::ui
