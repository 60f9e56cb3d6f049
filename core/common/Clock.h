#pragma once

#include <QDateTime>

namespace mwauth {

// Where "now" comes from: TOTP windows, token expiry, key rotation. Injected so
// tests can fix time (FixedClock) instead of sleeping.
class Clock
{
public:
    virtual ~Clock() = default;
    // Seconds since the Unix epoch, with sub-second precision.
    virtual double nowSeconds() const = 0;

    QDateTime now() const;
};

class SystemClock final : public Clock
{
public:
    double nowSeconds() const override;
};

class FixedClock final : public Clock
{
public:
    explicit FixedClock(double seconds = 0)
        : m_seconds(seconds)
    { }
    double nowSeconds() const override { return m_seconds; }
    void set(double seconds) { m_seconds = seconds; }
    void advance(double seconds) { m_seconds += seconds; }

private:
    double m_seconds;
};

} // namespace mwauth
