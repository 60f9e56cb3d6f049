#include "PlaceholderPage.h"

#include "UiResources.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace mwauth::ui {

PlaceholderPage::PlaceholderPage(const QString &title, const QString &purpose, const QString &notBuilt,
                                 QWidget *parent)
    : QWidget(parent)
    , m_notBuilt(notBuilt)
{
    auto *heading = new QLabel(QStringLiteral("<h2>%1</h2>").arg(title.toHtmlEscaped()), this);
    heading->setObjectName(QStringLiteral("pageTitle"));

    auto *purposeLabel = new QLabel(purpose, this);
    purposeLabel->setObjectName(QStringLiteral("pagePurpose"));
    purposeLabel->setWordWrap(true);
    purposeLabel->setTextFormat(Qt::PlainText);

    auto *notice = new QLabel(notBuilt, this);
    notice->setObjectName(QStringLiteral("notBuiltNotice"));
    notice->setWordWrap(true);
    notice->setTextFormat(Qt::PlainText);
    notice->setTextInteractionFlags(Qt::TextSelectableByMouse);
    notice->setAccessibleName(tr("Not built yet"));
    QFont bold = notice->font();
    bold.setBold(true);
    notice->setFont(bold);

    auto *info = new QLabel(this);
    info->setPixmap(icon(QStringLiteral("info")).pixmap(24, 24));
    info->setFixedSize(28, 28);
    auto *noticeRow = new QHBoxLayout;
    noticeRow->addWidget(info, 0, Qt::AlignTop);
    noticeRow->addWidget(notice, 1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 16, 24, 16);
    layout->addWidget(heading);
    layout->addWidget(purposeLabel);
    layout->addSpacing(12);
    layout->addLayout(noticeRow);
    layout->addStretch(1);
}

} // namespace mwauth::ui
