// Size limits for input: the one place they are set (docs/operations.md, Limits). Only
// max_payload_bytes is a setting (workitem.max_payload_bytes); the others are fixed here.
#pragma once
#include "workitem/core/pure_cpp.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace workitem::core {

struct Limits {
    std::size_t max_payload_bytes =
        1024 * 1024;                     // input, output, fault (workitem.max_payload_bytes)
    std::size_t max_name_length = 1000;  // ids and names: workflow, task, queue, users...
    // Users + groups named in one assignment part, and the JSON text of a whole assignment.
    // An offered item has one offer entry per potential owner (docs/architecture.md), so what one
    // item may make the trigger write, and a claim delete, is bounded.
    std::size_t max_principals = 1000;
    std::size_t max_assignment_bytes = 64 * 1024;
    std::int32_t max_lease_seconds = 366 * 24 * 3600;
    std::size_t max_groups_per_user = 1000;  // directory memberships of one user
    // Nesting of an assignment or a deadline list (they need 4 levels). The JSON library copies
    // and writes values recursively: deeper documents are refused before it sees them.
    std::size_t max_json_depth = 32;
};

// Whether the JSON text nests arrays and objects more than `max_depth` levels deep. Iterative
// (a document of 100,000 nested arrays costs one pass and no stack); brackets inside strings do
// not count.
inline bool nests_deeper_than(std::string_view json, std::size_t max_depth) {
    std::size_t depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < json.size(); ++i) {
        const char c = json[i];
        if (in_string) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth) return true;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return false;
}

}  // namespace workitem::core
