#pragma once

#include "jose/Jwk.h"

#include <QByteArray>
#include <QFile>
#include <QString>
#include <QtDebug>

namespace testutil {

// Parses a JWK the test expects to be valid; a null Jwk (and a warning) otherwise, so the
// test's QVERIFY(!key.isNull()) fails with the reason in the log.
inline mwauth::jose::Jwk key(const char *json)
{
    auto parsed = mwauth::jose::Jwk::fromJson(QByteArrayView(json, qstrlen(json)));
    if (!parsed) {
        qWarning("JWK did not parse: %s", qPrintable(parsed.error().toString()));
        return {};
    }
    return *parsed;
}

inline QByteArray readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        qWarning("cannot read %s", qPrintable(path));
        return {};
    }
    return file.readAll();
}

inline QString fixture(const char *name)
{
    return QStringLiteral(MWAUTH_SHARED_DIR "/peers/mediawiki/fixtures/oauth-ext/") + QLatin1StringView(name);
}

inline QString testData(const char *name)
{
    return QStringLiteral(MWAUTH_SOURCE_DIR "/tests/core/jose/data/") + QLatin1StringView(name);
}

} // namespace testutil

#include "jose/JwsAlgorithm.h"
Q_DECLARE_METATYPE(mwauth::jose::JwsAlgorithm)
Q_DECLARE_METATYPE(mwauth::jose::Jwk::Type)

namespace testutil {
// The error of a Result as text for QVERIFY2 (which evaluates its message even when the
// check passes, and error() of a successful Result is not valid).
template<typename R>
QByteArray why(const R &result)
{
    return result.ok() ? QByteArray() : result.error().toString().toUtf8();
}
} // namespace testutil
