#pragma once

#include <QString>

namespace mwauth::ui::TimeText {

// Human forms of NumericDate values (seconds since the epoch, possibly fractional, as
// MediaWiki issues them: 1795404830.89835).

// "2026-11-18 07:53:50.895 UTC (08:53:50 CET local)"; milliseconds only when the value
// has a fractional part; the local part names the date too when it differs from UTC's,
// and is left out when local time is UTC.
QString absolute(double epochSeconds);

// A length of time for people: "less than a second", "45 s", "59 min", "3 h 5 min",
// "3 h", "4 days 20 h", "12 days". Rounds down; the sign is ignored.
QString duration(double seconds);

// "in 59 min" when `when` is after `reference`, "3 h ago" when before, "now" within a second.
QString relative(double when, double reference);

} // namespace mwauth::ui::TimeText
