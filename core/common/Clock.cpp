#include "Clock.h"

#include <chrono>
#include <cmath>

namespace mwauth {

QDateTime Clock::now() const
{
    return QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(std::floor(nowSeconds() * 1000.0)), Qt::UTC);
}

double SystemClock::nowSeconds() const
{
    using namespace std::chrono;
    const auto us = duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
    return static_cast<double>(us) / 1e6;
}

} // namespace mwauth
