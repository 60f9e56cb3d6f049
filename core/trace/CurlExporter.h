#pragma once

#include "trace/Trace.h"

#include "common/Result.h"

namespace mwauth::trace {

// One runnable curl command per exchange (POSIX shell quoting), each after a comment line
// naming the exchange: "# 2 clientlogin: POST http://... -> 200". The request's headers go
// in -H options, its body in --data-binary; cookies are the Cookie header the session sent.
// Secrets are redacted (redactedExchange with the trace's Redactor) unless `revealSecrets`:
// a redacted command still runs but the server will refuse the masked values.
class CurlExporter
{
public:
    static QString command(const Exchange &exchange);
    static QString script(const Trace &trace, bool revealSecrets = false);
    static Result<void> write(const Trace &trace, const QString &path, bool revealSecrets = false);
    // 'text' for a POSIX shell.
    static QString shellQuote(const QString &text);
};

} // namespace mwauth::trace
