#include "transport.hpp"

namespace load {

std::string_view to_string(Op op) {
    switch (op) {
        case Op::create:
            return "create";
        case Op::create_many:
            return "create_many";
        case Op::cancel_workflow:
            return "cancel_workflow";
        case Op::worklist:
            return "worklist";
        case Op::list:
            return "list";
        case Op::claim:
            return "claim";
        case Op::start:
            return "start";
        case Op::save_output:
            return "save_output";
        case Op::complete:
            return "complete";
        case Op::fail:
            return "fail";
        case Op::delegate:
            return "delegate";
        case Op::forward:
            return "forward";
        case Op::suspend:
            return "suspend";
        case Op::resume:
            return "resume";
        case Op::release:
            return "release";
        case Op::claim_next:
            return "claim_next";
        case Op::claim_next_many:
            return "claim_next_many";
        case Op::acknowledge_and_claim_next:
            return "acknowledge_and_claim_next";
        case Op::heartbeat:
            return "heartbeat";
    }
    return "unknown";
}

std::string event_operation(Op op) {
    switch (op) {
        case Op::create_many:
            return "create";
        case Op::claim_next_many:
            return "claim_next";
        default:
            return std::string(to_string(op));
    }
}

std::string output_of(const Call& call) {
    return R"({"by": ")" + call.actor + R"(", "load": true})";
}

std::string fault_of(const Call& call) {
    return R"({"error": "load driver", "by": ")" + call.actor + R"("})";
}

bool is_read(Op op) {
    return op == Op::worklist || op == Op::list;
}

std::string_view to_string(Outcome outcome) {
    switch (outcome) {
        case Outcome::ok:
            return "ok";
        case Outcome::refused:
            return "refused";
        case Outcome::in_doubt:
            return "in_doubt";
        case Outcome::failed:
            return "failed";
    }
    return "unknown";
}

}  // namespace load
