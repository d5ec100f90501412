#include "workitem/core/errors.hpp"

namespace workitem::core {

const ErrorCodeInfo& info(ErrorCode code) {
    for (const auto& entry : error_codes) {
        if (entry.code == code) return entry;
    }
    return error_codes[0];  // unreachable: every enumerator has a row (tested)
}

}  // namespace workitem::core
