#include "KeyTimeline.h"

#include <QDateTime>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>

namespace mwauth::ui {

namespace {
constexpr int laneHeight = 26;
constexpr int labelWidth = 150;
constexpr int axisHeight = 22;

QColor stateColor(provider::SigningKeyState state, const QPalette &palette)
{
    switch (state) {
    case provider::SigningKeyState::Current:
        return QColor(0x2e, 0x8b, 0x57); // signing: green
    case provider::SigningKeyState::Next:
        return QColor(0x33, 0x66, 0xcc); // published, waiting: blue
    case provider::SigningKeyState::Retiring:
        return QColor(0xd9, 0x8c, 0x1f); // still verifying: amber
    case provider::SigningKeyState::Retired:
        break;
    }
    return palette.color(QPalette::Disabled, QPalette::WindowText);
}
} // namespace

KeyTimeline::KeyTimeline(QWidget *parent)
    : QWidget(parent)
{
    setAccessibleName(tr("Key rotation timeline"));
    setMouseTracking(false);
}

void KeyTimeline::setSchedule(const QList<admin::KeySpan> &spans, qint64 now, qint64 maxTokenLifetime)
{
    m_spans = spans;
    m_now = now;
    m_lifetime = qMax<qint64>(1, maxTokenLifetime);
    // From the oldest key still of interest (published within the last two token lifetimes, or
    // not retired) to well after now + the longest token lifetime.
    m_start = now;
    for (const admin::KeySpan &span : spans) {
        const bool recent = span.publishedUntil == 0 || span.publishedUntil >= now - 2 * m_lifetime;
        if (span.publishedFrom > 0 && recent)
            m_start = qMin(m_start, span.publishedFrom);
    }
    m_start = qMax(m_start, now - 4 * m_lifetime);
    m_end = now + m_lifetime * 3 / 2;
    for (const admin::KeySpan &span : spans)
        m_end = qMax(m_end, span.publishedUntil + m_lifetime / 4);
    // A little room before the first key.
    m_start -= qMax<qint64>(m_lifetime / 6, (m_end - m_start) / 40 + 1);
    setAccessibleDescription(tr("%n key(s); now is %1", nullptr, static_cast<int>(spans.size()))
                                 .arg(QDateTime::fromSecsSinceEpoch(now, Qt::UTC).toString(Qt::ISODate)));
    updateGeometry();
    update();
}

void KeyTimeline::setSelectedKid(const QString &kid)
{
    m_selected = kid;
    update();
}

QRect KeyTimeline::plotRect() const
{
    return QRect(labelWidth, axisHeight, qMax(10, width() - labelWidth - 12),
                 static_cast<int>(m_spans.size()) * laneHeight);
}

double KeyTimeline::xForTime(qint64 time) const
{
    const QRect plot = plotRect();
    if (m_end <= m_start)
        return plot.left();
    return plot.left() + plot.width() * double(time - m_start) / double(m_end - m_start);
}

QRect KeyTimeline::laneRect(const QString &kid) const
{
    for (int i = 0; i < m_spans.size(); ++i) {
        if (m_spans.at(i).kid == kid)
            return QRect(0, axisHeight + i * laneHeight, width(), laneHeight);
    }
    return {};
}

QSize KeyTimeline::sizeHint() const
{
    return {720, axisHeight + qMax<int>(3, static_cast<int>(m_spans.size())) * laneHeight + 28};
}

QSize KeyTimeline::minimumSizeHint() const
{
    // Room for up to four lanes and the labels under them; more lanes grow into the space given.
    return {360, axisHeight + qBound(1, static_cast<int>(m_spans.size()), 4) * laneHeight + 26};
}

void KeyTimeline::mousePressEvent(QMouseEvent *event)
{
    for (const admin::KeySpan &span : std::as_const(m_spans)) {
        if (laneRect(span.kid).contains(event->position().toPoint())) {
            setSelectedKid(span.kid);
            emit kidClicked(span.kid);
            return;
        }
    }
    QWidget::mousePressEvent(event);
}

void KeyTimeline::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    painter.fillRect(rect(), pal.color(QPalette::Base));
    if (m_spans.isEmpty()) {
        painter.setPen(pal.color(QPalette::PlaceholderText));
        painter.drawText(rect(), Qt::AlignCenter, tr("No keys to show."));
        return;
    }
    const QRect plot = plotRect();
    const QFontMetrics metrics(font());

    // Time axis: a few ticks with local times.
    painter.setPen(pal.color(QPalette::Mid));
    painter.drawLine(plot.left(), plot.top() - 2, plot.right(), plot.top() - 2);
    const int ticks = qMax(2, plot.width() / 140);
    for (int i = 0; i <= ticks; ++i) {
        const qint64 t = m_start + (m_end - m_start) * i / ticks;
        const int x = static_cast<int>(xForTime(t));
        painter.setPen(pal.color(QPalette::Mid));
        painter.drawLine(x, plot.top() - 6, x, plot.bottom());
        painter.setPen(pal.color(QPalette::WindowText));
        const QString label = QDateTime::fromSecsSinceEpoch(t).toString(QStringLiteral("MM-dd HH:mm"));
        const int w = metrics.horizontalAdvance(label);
        painter.drawText(qBound(plot.left(), x - w / 2, width() - w - 2), plot.top() - 8, label);
    }

    for (int i = 0; i < m_spans.size(); ++i) {
        const admin::KeySpan &span = m_spans.at(i);
        const QRect lane(0, plot.top() + i * laneHeight, width(), laneHeight);
        if (span.kid == m_selected)
            painter.fillRect(lane, pal.color(QPalette::Highlight).lighter(170));
        const QColor color = stateColor(span.state, pal);
        painter.setPen(pal.color(QPalette::WindowText));
        const QString name = metrics.elidedText(span.kid, Qt::ElideMiddle, labelWidth - 60);
        painter.drawText(QRect(6, lane.top(), labelWidth - 8, laneHeight), Qt::AlignVCenter | Qt::AlignLeft,
                         name + QStringLiteral("  ") + span.alg);

        const int mid = lane.center().y();
        // Published: a thin bar; open-ended ones end in an arrow at the right edge.
        const double from = xForTime(span.publishedFrom);
        const bool open = span.publishedUntil == 0;
        const double to = open ? plot.right() : xForTime(span.publishedUntil);
        painter.setPen(Qt::NoPen);
        painter.setBrush(color.lighter(140));
        painter.drawRoundedRect(QRectF(from, mid - 3, qMax(2.0, to - from), 6), 3, 3);
        if (open) {
            QPainterPath arrow;
            arrow.moveTo(to, mid - 7);
            arrow.lineTo(to + 8, mid);
            arrow.lineTo(to, mid + 7);
            arrow.closeSubpath();
            painter.setBrush(color);
            painter.drawPath(arrow);
        }
        // Signing: a thick bar.
        if (span.signingFrom > 0) {
            const double signFrom = xForTime(span.signingFrom);
            const double signTo = span.signingUntil > 0 ? xForTime(span.signingUntil) : plot.right();
            painter.setBrush(color);
            painter.drawRoundedRect(QRectF(signFrom, mid - 7, qMax(2.0, signTo - signFrom), 14), 4, 4);
        }
    }

    painter.setPen(pal.color(QPalette::PlaceholderText));
    painter.drawText(6, plot.bottom() + 18, tr("thick: signs · thin: published"));

    // Now, and now + the longest token lifetime.
    const int nowX = static_cast<int>(xForTime(m_now));
    painter.setPen(QPen(QColor(0xc0, 0x20, 0x20), 2));
    painter.drawLine(nowX, plot.top() - 6, nowX, plot.bottom() + 4);
    painter.drawText(nowX + 4, plot.bottom() + 18, tr("now"));
    const int lifetimeX = static_cast<int>(xForTime(m_now + m_lifetime));
    painter.setPen(QPen(pal.color(QPalette::WindowText), 1, Qt::DashLine));
    painter.drawLine(lifetimeX, plot.top() - 6, lifetimeX, plot.bottom() + 4);
    painter.drawText(lifetimeX + 4, plot.bottom() + 18, tr("+ longest token lifetime"));
}

} // namespace mwauth::ui
