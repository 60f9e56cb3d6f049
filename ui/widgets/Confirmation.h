#pragma once

#include <QString>

#include <optional>

class QWidget;

namespace mwauth::ui {

// The one way the console asks "are you sure?" before a destructive action: a modal question
// with the action's own verb on the accept button, Cancel as the default (Escape cancels).
// Tests answer it without a dialog: setNextAnswer(true/false) makes the next ask() return
// that answer at once (KeePassXC's MessageBox::setNextAnswer), and askedCount() tells a
// test whether a question was asked at all.
class Confirmation
{
public:
    static bool ask(QWidget *parent, const QString &title, const QString &text, const QString &acceptText);

    static void setNextAnswer(std::optional<bool> answer);
    static int askedCount();
    static QString lastText();
};

} // namespace mwauth::ui
