#pragma once

#include "Error.h"

#include <utility>
#include <variant>

namespace mwauth {

// A value or an Error. std::expected needs C++23 on GCC 12, so this is the small
// in-house one (STYLE.md "Errors and async"). No exceptions cross Qt boundaries.
//
//   Result<Jwk> key = Jwk::fromJson(json);
//   if (!key) return key.error();
//   use(*key);
template<typename T>
class [[nodiscard]] Result
{
public:
    Result(const T &value)
        : m_data(std::in_place_index<0>, value)
    { }
    Result(T &&value)
        : m_data(std::in_place_index<0>, std::move(value))
    { }
    Result(const Error &error)
        : m_data(std::in_place_index<1>, error)
    { }
    Result(Error &&error)
        : m_data(std::in_place_index<1>, std::move(error))
    { }

    bool ok() const { return m_data.index() == 0; }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return std::get<0>(m_data); }
    T &value() & { return std::get<0>(m_data); }
    T &&value() && { return std::get<0>(std::move(m_data)); }
    const T &operator*() const & { return value(); }
    T &operator*() & { return value(); }
    T &&operator*() && { return std::move(*this).value(); }
    const T *operator->() const { return &value(); }
    T *operator->() { return &value(); }

    // The error; for a successful result an empty Error (code Internal, no message), so
    // diagnostics like QVERIFY2(r.ok(), r.error().message()) are safe either way.
    const Error &error() const
    {
        static const Error none;
        const Error *e = std::get_if<1>(&m_data);
        return e ? *e : none;
    }

    T valueOr(T fallback) const { return ok() ? value() : std::move(fallback); }

private:
    std::variant<T, Error> m_data;
};

template<>
class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(const Error &error)
        : m_error(error)
        , m_ok(false)
    { }
    Result(Error &&error)
        : m_error(std::move(error))
        , m_ok(false)
    { }

    bool ok() const { return m_ok; }
    explicit operator bool() const { return m_ok; }
    const Error &error() const { return m_error; }

private:
    Error m_error;
    bool m_ok = true;
};

// Shorthand for an error result: `return fail(ErrorCode::Expired, tr("..."));`
inline Error fail(ErrorCode code, QString message, QString detail = {})
{
    return Error(code, std::move(message), std::move(detail));
}

} // namespace mwauth
