#pragma once

#include "admin/KeyRotationPlan.h"

#include <QWidget>

namespace mwauth::ui {

// The rotation schedule as a picture: one lane per key (newest at the bottom), a thin bar for
// when it is published and a thick bar for when it signs, an arrow tip for "until further
// notice", a "now" line, and the end of the longest token lifetime after now (when a key that
// retired now would stop being published). Time runs left to right over the keys' history up to
// now + 1.5 token lifetimes. Clicking a lane selects that key.
class KeyTimeline : public QWidget
{
    Q_OBJECT
public:
    explicit KeyTimeline(QWidget *parent = nullptr);

    void setSchedule(const QList<admin::KeySpan> &spans, qint64 now, qint64 maxTokenLifetime);
    void setSelectedKid(const QString &kid);
    QString selectedKid() const { return m_selected; }
    // The time range drawn, Unix seconds.
    qint64 startTime() const { return m_start; }
    qint64 endTime() const { return m_end; }
    // Where a time falls, in widget x coordinates; and the lane rectangle of a key (empty if absent).
    double xForTime(qint64 time) const;
    QRect laneRect(const QString &kid) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    void kidClicked(const QString &kid);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;

private:
    QRect plotRect() const;

    QList<admin::KeySpan> m_spans;
    qint64 m_now = 0;
    qint64 m_lifetime = 0;
    qint64 m_start = 0;
    qint64 m_end = 0;
    QString m_selected;
};

} // namespace mwauth::ui
