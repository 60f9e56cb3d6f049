#include "Confirmation.h"

#include <QMessageBox>
#include <QPushButton>

namespace mwauth::ui {

namespace {
// GUI thread only, like every widget.
std::optional<bool> s_nextAnswer;
int s_asked = 0;
QString s_lastText;
} // namespace

bool Confirmation::ask(QWidget *parent, const QString &title, const QString &text, const QString &acceptText)
{
    ++s_asked;
    s_lastText = text;
    if (s_nextAnswer) {
        const bool answer = *s_nextAnswer;
        s_nextAnswer.reset();
        return answer;
    }
    QMessageBox box(QMessageBox::Warning, title, text, QMessageBox::NoButton, parent);
    QPushButton *accept = box.addButton(acceptText, QMessageBox::DestructiveRole);
    QPushButton *cancel = box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(cancel);
    box.setEscapeButton(cancel);
    box.exec();
    return box.clickedButton() == accept;
}

void Confirmation::setNextAnswer(std::optional<bool> answer)
{
    s_nextAnswer = answer;
}

int Confirmation::askedCount()
{
    return s_asked;
}

QString Confirmation::lastText()
{
    return s_lastText;
}

} // namespace mwauth::ui
