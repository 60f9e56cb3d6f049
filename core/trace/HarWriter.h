#pragma once

#include "trace/Trace.h"

#include "common/Result.h"

#include <QJsonObject>

namespace mwauth::trace {

// Writes a Trace as HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/), the format
// browsers' devtools import: log {version "1.2", creator, entries[]}, each entry with
// startedDateTime, time, request, response, cache and timings. Our extras use HAR's
// custom-field convention (a leading underscore): _step, _error, _note, _redirectedFrom.
// An exchange that got no response has status 0 and its error in _error.
//
// Secrets are redacted (redactedExchange with the trace's Redactor) unless `revealSecrets`.
class HarWriter
{
public:
    struct Options
    {
        bool revealSecrets = false;
        QString creatorVersion = QStringLiteral("1.0");
    };

    static QJsonObject toJson(const Trace &trace, const Options &options);
    static QJsonObject toJson(const Trace &trace) { return toJson(trace, Options()); }
    // Io when the file cannot be written.
    static Result<void> write(const Trace &trace, const QString &path, const Options &options);
    static Result<void> write(const Trace &trace, const QString &path)
    {
        return write(trace, path, Options());
    }
};

} // namespace mwauth::trace
