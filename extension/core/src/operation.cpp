#include "workitem/core/operation.hpp"

namespace workitem::core {

namespace {
struct OperationNames {
    std::string_view name;
    std::string_view event_type;
};

// Indexed by Operation. A claim is recorded as what happened to the item: it was allocated.
constexpr std::array<OperationNames, all_operations.size()> names{{
    {"create", "workitem.created"},
    {"activate", "workitem.offered"},
    {"claim", "workitem.allocated"},
    {"claim_next", "workitem.allocated"},
    {"allocate", "workitem.allocated"},
    {"start", "workitem.started"},
    {"stop", "workitem.stopped"},
    {"release", "workitem.released"},
    {"delegate", "workitem.delegated"},
    {"resolve", "workitem.resolved"},
    {"forward", "workitem.forwarded"},
    {"suspend", "workitem.suspended"},
    {"resume", "workitem.resumed"},
    {"complete", "workitem.completed"},
    {"fail", "workitem.failed"},
    {"skip", "workitem.skipped"},
    {"cancel", "workitem.cancelled"},
    {"cancel_workflow", "workitem.cancelled"},
    {"expire", "workitem.expired"},
    {"escalate", "workitem.escalated"},
    {"lease_expire", "workitem.lease_expired"},
    {"mark_error", "workitem.errored"},
    {"heartbeat", "workitem.heartbeat"},
    {"update", "workitem.updated"},
    {"save_output", "workitem.output_saved"},
}};
}  // namespace

std::string_view to_string(Operation op) {
    return names[static_cast<std::size_t>(op)].name;
}

std::optional<Operation> parse_operation(std::string_view name) {
    for (Operation op : all_operations) {
        if (to_string(op) == name) return op;
    }
    return std::nullopt;
}

std::string_view event_type(Operation op) {
    return names[static_cast<std::size_t>(op)].event_type;
}

}  // namespace workitem::core
