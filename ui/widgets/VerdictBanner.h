#pragma once

#include <QFrame>

class QLabel;

namespace mwauth::ui {

// A banner that states a verdict with an icon, a headline and a detail line, tinted by
// state. The state is never told by colour alone: the icon differs per state and the
// headline says it in words ("Valid - ...", "Invalid - ...", "Expired 3 h ago").
class VerdictBanner : public QFrame
{
    Q_OBJECT
public:
    enum class State { Neutral, Valid, Warning, Invalid };
    Q_ENUM(State)

    explicit VerdictBanner(QWidget *parent = nullptr);

    void setVerdict(State state, const QString &headline, const QString &detail = {});

    State state() const { return m_state; }
    QString headline() const;
    QString detail() const;

private:
    State m_state = State::Neutral;
    QLabel *m_icon;
    QLabel *m_headline;
    QLabel *m_detail;
};

} // namespace mwauth::ui
