// Size limits for input (GUC-backed in the extension; these are the defaults).
#pragma once
#include "workitem/core/pure_cpp.hpp"

#include <cstddef>
#include <cstdint>

namespace workitem::core {

struct Limits {
    std::size_t max_payload_bytes =
        1024 * 1024;                     // input, output, fault (workitem.max_payload_bytes)
    std::size_t max_name_length = 1000;  // ids and names: workflow, task, queue, users...
    std::size_t max_principals = 10000;  // users + groups named in one assignment part
    std::int32_t max_lease_seconds = 366 * 24 * 3600;
};

}  // namespace workitem::core
