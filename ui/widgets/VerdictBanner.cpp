#include "widgets/VerdictBanner.h"

#include "UiResources.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace mwauth::ui {

namespace {
struct Look
{
    const char16_t *icon;
    const char16_t *background;
    const char16_t *border;
};

Look lookFor(VerdictBanner::State state)
{
    switch (state) {
    case VerdictBanner::State::Valid:
        return {u"valid", u"#e6f4ea", u"#1e7e34"};
    case VerdictBanner::State::Warning:
        return {u"warning", u"#fff4e0", u"#b35c00"};
    case VerdictBanner::State::Invalid:
        return {u"invalid", u"#fce8e6", u"#b3261e"};
    case VerdictBanner::State::Neutral:
        break;
    }
    return {u"info", u"#f1f3f4", u"#5f6b76"};
}
} // namespace

VerdictBanner::VerdictBanner(QWidget *parent)
    : QFrame(parent)
    , m_icon(new QLabel(this))
    , m_headline(new QLabel(this))
    , m_detail(new QLabel(this))
{
    setObjectName(QStringLiteral("verdictBanner"));
    setAccessibleName(tr("Verdict"));
    m_icon->setFixedSize(28, 28);
    m_headline->setObjectName(QStringLiteral("verdictHeadline"));
    m_headline->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_headline->setWordWrap(true);
    QFont bold = m_headline->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.15);
    m_headline->setFont(bold);
    m_detail->setObjectName(QStringLiteral("verdictDetail"));
    m_detail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_detail->setWordWrap(true);

    auto *text = new QVBoxLayout;
    text->setSpacing(2);
    text->addWidget(m_headline);
    text->addWidget(m_detail);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 6, 10, 6);
    layout->addWidget(m_icon, 0, Qt::AlignTop);
    layout->addLayout(text, 1);
    setVerdict(State::Neutral, QString());
}

void VerdictBanner::setVerdict(State state, const QString &headline, const QString &detail)
{
    m_state = state;
    const Look look = lookFor(state);
    m_icon->setPixmap(icon(QString::fromUtf16(look.icon)).pixmap(24, 24));
    m_headline->setText(headline);
    m_detail->setText(detail);
    m_detail->setVisible(!detail.isEmpty());
    // Dark text on a light tint keeps the contrast whatever the widget style.
    setStyleSheet(QStringLiteral("QFrame#verdictBanner { background: %1; border: 1px solid %2;"
                                 " border-radius: 4px; } QLabel { color: #1f1f1f; }")
                      .arg(QString::fromUtf16(look.background), QString::fromUtf16(look.border)));
    setAccessibleDescription(detail.isEmpty() ? headline : headline + QStringLiteral(". ") + detail);
}

QString VerdictBanner::headline() const
{
    return m_headline->text();
}

QString VerdictBanner::detail() const
{
    return m_detail->text();
}

} // namespace mwauth::ui
