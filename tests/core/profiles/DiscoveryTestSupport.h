#pragma once

#include "profiles/ProfileDiscovery.h"

#include <QSignalSpy>
#include <QTest>

namespace mwauth::profiles::test {

// Runs one discovery and returns its result (QSignalSpy: no sleeps). finished() must come
// exactly once.
template<typename Start>
Result<Profile> discover(ProfileDiscovery &discovery, Start start)
{
    QList<Result<Profile>> results;
    const QMetaObject::Connection c = QObject::connect(
        &discovery, &ProfileDiscovery::finished, [&results](const Result<Profile> &r) { results << r; });
    start();
    if (!QTest::qWaitFor([&] { return !results.isEmpty(); }, 30000)) {
        QObject::disconnect(c);
        return fail(ErrorCode::Timeout, QStringLiteral("the discovery did not finish (test timeout)"));
    }
    QTest::qWait(0); // let a wrongly repeated emission show up
    QObject::disconnect(c);
    if (results.size() != 1)
        return fail(ErrorCode::Internal, QStringLiteral("finished() came %1 times").arg(results.size()));
    return results.first();
}

} // namespace mwauth::profiles::test
