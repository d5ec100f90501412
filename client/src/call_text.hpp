// The SQL text of each call, built once per function from its parameter names: named notation
// ($n => position), so the text reads like the SQL API's documentation and never depends on the
// order of the function's parameters.
#pragma once

#include "statement.hpp"

#include <string_view>
#include <vector>

namespace workitem::detail {

enum class Shape {
    item,          // SELECT * FROM f(...): one item or a set of them
    batch,         // one row per id: batch_id, ok, sqlstate, message and the item's columns
    create_many,   // as batch, with the element number
    acknowledged,  // as batch, with the row's kind (complete, fail, claim)
    rows,          // SELECT * FROM f(...)
    value,         // SELECT f(...) AS value
    event_batch,   // the batch id f(...) returns, with its events (none: one row of NULLs)
    view           // SELECT * FROM the view named (no arguments)
};

const CallText& call_text(std::string_view function,
                          const std::vector<std::string_view>& parameter_names, Shape shape,
                          Replay replay);

}  // namespace workitem::detail
