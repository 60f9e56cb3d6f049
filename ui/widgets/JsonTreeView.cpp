#include "widgets/JsonTreeView.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

namespace mwauth::ui {

namespace {
constexpr int ValueRole = Qt::UserRole + 1;
} // namespace

JsonTreeView::JsonTreeView(QWidget *parent)
    : QTreeWidget(parent)
{
    setColumnCount(3);
    setHeaderLabels({tr("Name"), tr("Value"), tr("Meaning")});
    setUniformRowHeights(true);
    setAlternatingRowColors(true);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setWordWrap(false);
    header()->setStretchLastSection(true);
    header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    header()->setSectionResizeMode(1, QHeaderView::Interactive);
    setColumnWidth(1, 180);

    auto *copy = new QAction(tr("Copy value"), this);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetShortcut);
    connect(copy, &QAction::triggered, this, &JsonTreeView::copySelectedValue);
    addAction(copy);
    setContextMenuPolicy(Qt::ActionsContextMenu);
}

void JsonTreeView::setExplainer(Explainer explainer)
{
    m_explainer = std::move(explainer);
}

void JsonTreeView::clearJson()
{
    m_object = {};
    clear();
}

void JsonTreeView::setJson(const QJsonObject &object)
{
    clear();
    m_object = object;
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        QTreeWidgetItem *item = makeItem(it.key(), it.value(), true);
        addTopLevelItem(item);
        addChildren(item, it.value());
    }
    expandAll();
}

QString JsonTreeView::jsonText() const
{
    if (m_object.isEmpty())
        return {};
    return QString::fromUtf8(QJsonDocument(m_object).toJson(QJsonDocument::Indented));
}

QString JsonTreeView::explanationFor(const QString &name) const
{
    const QList<QTreeWidgetItem *> items = findItems(name, Qt::MatchExactly, 0);
    for (const QTreeWidgetItem *item : items) {
        if (!item->parent())
            return item->text(2);
    }
    return {};
}

QString JsonTreeView::displayValue(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Double: {
        const double d = value.toDouble();
        if (std::isfinite(d) && std::fabs(d) < 1e21)
            return QString::number(d, 'f', QLocale::FloatingPointShortest);
        return QString::number(d, 'g', QLocale::FloatingPointShortest);
    }
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Array:
        return tr("[%n item(s)]", "", static_cast<int>(value.toArray().size()));
    case QJsonValue::Object:
        return tr("{%n member(s)}", "", static_cast<int>(value.toObject().size()));
    case QJsonValue::Undefined:
        break;
    }
    return {};
}

QTreeWidgetItem *JsonTreeView::makeItem(const QString &name, const QJsonValue &value, bool topLevel)
{
    auto *item = new QTreeWidgetItem;
    item->setText(0, name);
    item->setText(1, displayValue(value));
    item->setData(1, ValueRole, QVariant::fromValue(value));
    item->setToolTip(1, item->text(1));
    if (value.isString())
        item->setToolTip(1, tr("String: %1").arg(value.toString()));
    if (topLevel && m_explainer) {
        const QString explanation = m_explainer(name, value);
        item->setText(2, explanation);
        item->setToolTip(2, explanation);
    }
    return item;
}

void JsonTreeView::addChildren(QTreeWidgetItem *parent, const QJsonValue &value)
{
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            QTreeWidgetItem *child = makeItem(it.key(), it.value(), false);
            parent->addChild(child);
            addChildren(child, it.value());
        }
    } else if (value.isArray()) {
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            QTreeWidgetItem *child = makeItem(QStringLiteral("[%1]").arg(i), array.at(i), false);
            parent->addChild(child);
            addChildren(child, array.at(i));
        }
    }
}

void JsonTreeView::copySelectedValue()
{
    const QTreeWidgetItem *item = currentItem();
    if (!item)
        return;
    const QJsonValue value = item->data(1, ValueRole).toJsonValue();
    QString text;
    if (value.isObject())
        text = QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Indented));
    else if (value.isArray())
        text = QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Indented));
    else
        text = displayValue(value);
    QApplication::clipboard()->setText(text);
}

} // namespace mwauth::ui
