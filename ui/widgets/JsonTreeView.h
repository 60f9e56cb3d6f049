#pragma once

#include <QJsonObject>
#include <QTreeWidget>

#include <functional>

namespace mwauth::ui {

// A read-only tree of a JSON object: one row per member, nested objects and arrays as
// children. Three columns: name, value (as JSON writes it, strings without quotes) and an
// explanation that an Explainer supplies for top-level members (ClaimExplainer for JWT
// claims and headers). Ctrl+C copies the selected row's value.
class JsonTreeView : public QTreeWidget
{
    Q_OBJECT
public:
    // (member name, member value) -> explanation or empty.
    using Explainer = std::function<QString(const QString &, const QJsonValue &)>;

    explicit JsonTreeView(QWidget *parent = nullptr);

    void setExplainer(Explainer explainer);
    void setJson(const QJsonObject &object);
    void clearJson();

    const QJsonObject &json() const { return m_object; }
    // The object indented as JSON text (empty when there is none).
    QString jsonText() const;
    // The explanation shown for a top-level member (empty if none or absent).
    QString explanationFor(const QString &name) const;

    // Value as it appears in the value column: numbers without exponent where possible.
    static QString displayValue(const QJsonValue &value);

private:
    void addChildren(QTreeWidgetItem *parent, const QJsonValue &value);
    QTreeWidgetItem *makeItem(const QString &name, const QJsonValue &value, bool topLevel);
    void copySelectedValue();

    QJsonObject m_object;
    Explainer m_explainer;
};

} // namespace mwauth::ui
