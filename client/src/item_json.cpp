#include "workitem/item_json.hpp"

namespace workitem {

namespace {

using nlohmann::json;

json document_or_null(const std::optional<std::string>& text) {
    return text ? json::parse(*text) : json(nullptr);
}

json time_or_null(const std::optional<Timestamp>& time) {
    return time ? json(format_timestamp(*time)) : json(nullptr);
}

template <class T>
json value_or_null(const std::optional<T>& value) {
    return value ? json(*value) : json(nullptr);
}

}  // namespace

json to_json(const Item& item) {
    return json{{"id", item.id},
                {"tenant_id", item.tenant_id},
                {"workflow_id", item.workflow_id},
                {"run_id", value_or_null(item.run_id)},
                {"step_ref", value_or_null(item.step_ref)},
                {"task_name", item.task_name},
                {"queue", value_or_null(item.queue)},
                {"state", to_string(item.state)},
                {"priority", item.priority},
                {"owner", value_or_null(item.owner)},
                {"version", item.version},
                {"assignment", json::parse(item.assignment)},
                {"delegated_from", value_or_null(item.delegated_from)},
                {"delegation_state", to_string(item.delegation_state)},
                {"input", document_or_null(item.input)},
                {"output", document_or_null(item.output)},
                {"fault", document_or_null(item.fault)},
                {"activate_at", time_or_null(item.activate_at)},
                {"due_at", time_or_null(item.due_at)},
                {"follow_up_at", time_or_null(item.follow_up_at)},
                {"expires_at", time_or_null(item.expires_at)},
                {"lease_until", time_or_null(item.lease_until)},
                {"lease_seconds", value_or_null(item.lease_seconds)},
                {"lease_expiries", item.lease_expiries},
                {"escalation_level", item.escalation_level},
                {"skippable", item.skippable},
                {"resume_to", item.resume_to ? json(to_string(*item.resume_to)) : json(nullptr)},
                {"suspended_until", time_or_null(item.suspended_until)},
                {"created_by", item.created_by},
                {"created_at", format_timestamp(item.created_at)},
                {"updated_at", format_timestamp(item.updated_at)},
                {"completed_at", time_or_null(item.completed_at)}};
}

}  // namespace workitem
