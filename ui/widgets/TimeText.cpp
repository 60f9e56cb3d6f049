#include "widgets/TimeText.h"

#include <QCoreApplication>
#include <QDateTime>

#include <cmath>

namespace mwauth::ui::TimeText {

namespace {
QString tr(const char *text, int n = -1)
{
    return QCoreApplication::translate("mwauth::ui::TimeText", text, nullptr, n);
}
} // namespace

QString absolute(double epochSeconds)
{
    if (!std::isfinite(epochSeconds) || std::fabs(epochSeconds) > 253402300799.0)
        return tr("(out of range: %1)").arg(epochSeconds, 0, 'g', 17);
    const qint64 ms = std::llround(epochSeconds * 1000.0);
    const bool fractional = ms % 1000 != 0;
    const QDateTime utc = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
    const QDateTime local = utc.toLocalTime();
    const QString timeFormat = fractional ? QStringLiteral("HH:mm:ss.zzz") : QStringLiteral("HH:mm:ss");
    const QString utcText = utc.toString(QStringLiteral("yyyy-MM-dd ") + timeFormat);
    if (local.offsetFromUtc() == 0 && local.timeZoneAbbreviation() == u"UTC")
        return tr("%1 UTC").arg(utcText); // local time is UTC: say it once
    const QString localFormat
        = local.date() == utc.date() ? QStringLiteral("HH:mm:ss") : QStringLiteral("yyyy-MM-dd HH:mm:ss");
    return tr("%1 UTC (%2 %3 local)").arg(utcText, local.toString(localFormat), local.timeZoneAbbreviation());
}

QString duration(double seconds)
{
    const double s = std::fabs(seconds);
    if (s < 1.0)
        return tr("less than a second");
    const qint64 total = static_cast<qint64>(std::floor(s));
    if (total < 60)
        return tr("%n s", static_cast<int>(total));
    if (total < 3600)
        return tr("%n min", static_cast<int>(total / 60));
    if (total < 2 * 86400) {
        const int hours = static_cast<int>(total / 3600);
        const int minutes = static_cast<int>((total % 3600) / 60);
        if (hours < 10 && minutes > 0)
            return tr("%1 h %2 min").arg(hours).arg(minutes);
        return tr("%n h", hours);
    }
    const qint64 days = total / 86400;
    const int hours = static_cast<int>((total % 86400) / 3600);
    if (days < 10 && hours > 0)
        return tr("%1 days %2 h").arg(days).arg(hours);
    return tr("%1 days").arg(days);
}

QString relative(double when, double reference)
{
    const double delta = when - reference;
    if (std::fabs(delta) < 1.0)
        return tr("now");
    return delta > 0 ? tr("in %1").arg(duration(delta)) : tr("%1 ago").arg(duration(delta));
}

} // namespace mwauth::ui::TimeText
