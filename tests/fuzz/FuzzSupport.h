#pragma once

#include "common/Result.h"

#include <QByteArray>
#include <QByteArrayView>

#include <cstddef>
#include <cstdint>

// Shared by the libFuzzer targets in tests/fuzz.
namespace mwauth::fuzz {

// The bytes libFuzzer hands us, as a view (no copy).
inline QByteArrayView input(const std::uint8_t *data, std::size_t size)
{
    return QByteArrayView(data, static_cast<qsizetype>(size));
}

// Drops Qt's debug/info/warning output so a run is not flooded with the (expected)
// log lines of rejected input; qFatal still aborts, which libFuzzer reports as a crash.
void silenceQtMessages();

// "Code: message" of a failed result (empty if it succeeded), for invariantFailed().
template<typename T>
QByteArray errorText(const Result<T> &result)
{
    return result.ok() ? QByteArray()
                       : (result.error().codeName() + u": " + result.error().toString()).toUtf8();
}

// Reports a broken invariant and aborts, so libFuzzer saves the input as a crash.
// `what` says which invariant; the values are printed escaped and cut to 200 bytes.
[[noreturn]] void invariantFailed(const char *what, QByteArrayView first = {}, QByteArrayView second = {});

} // namespace mwauth::fuzz

// FUZZ_CHECK(condition, "what must hold"[, value, other]) - abort with a message if false.
#define FUZZ_CHECK(condition, ...)                                                                           \
    do {                                                                                                     \
        if (!(condition))                                                                                    \
            ::mwauth::fuzz::invariantFailed(__VA_ARGS__);                                                    \
    } while (false)
