// Sending one call of a SQL function by its parameter names, for every file of operations.
#pragma once

#include "call_text.hpp"
#include "result_set.hpp"

#include <workitem/operations.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace workitem::detail {

struct Argument {
    std::string_view name;
    Parameter value;
};
using Arguments = std::vector<Argument>;

// Builds (once per function and argument list) the call's text and sends it through the
// Client or Tx `operations`. idempotent_by_itself: safe to send again whatever `replay` says.
ResultSet call(Operations& operations, std::string_view function, Shape shape, Replay replay,
               const Arguments& arguments, bool idempotent_by_itself = false);

template <class T>
Parameter p(const T& value) {
    return to_parameter(value);
}
inline Parameter p(const std::optional<std::string>& value) {
    return value;
}

}  // namespace workitem::detail
