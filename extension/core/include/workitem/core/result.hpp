// A tiny std::expected stand-in: GCC 12 has std::expected only under C++23.
#pragma once
#include "workitem/core/pure_cpp.hpp"

#include <utility>
#include <variant>

#include "workitem/core/errors.hpp"

namespace workitem::core {

template <class T>
class Result {
  public:
    using value_type = T;

    Result(T value) : content_(std::move(value)) {}      // NOLINT: implicit like std::expected
    Result(Error error) : content_(std::move(error)) {}  // NOLINT

    bool has_value() const noexcept { return content_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }
    const T& value() const& { return std::get<0>(content_); }
    T& value() & { return std::get<0>(content_); }
    T&& value() && { return std::get<0>(std::move(content_)); }
    const Error& error() const& { return std::get<1>(content_); }
    const T* operator->() const { return &value(); }
    const T& operator*() const& { return value(); }

  private:
    std::variant<T, Error> content_;
};

// Result<void>: success carries nothing.
struct Ok {};
using Status = Result<Ok>;
inline Status ok() {
    return Ok{};
}

}  // namespace workitem::core
