#include "parameters.hpp"

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include <array>
#include <random>

namespace workitem {

Parameter to_parameter(std::nullptr_t) {
    return std::nullopt;
}
Parameter to_parameter(std::string_view text) {
    return std::string(text);
}
Parameter to_parameter(const char* text) {
    return text ? Parameter(text) : std::nullopt;
}
Parameter to_parameter(const std::string& text) {
    return text;
}
Parameter to_parameter(bool value) {
    return value ? "true" : "false";
}
Parameter to_parameter(std::int64_t value) {
    return std::to_string(value);
}
Parameter to_parameter(int value) {
    return std::to_string(value);
}
Parameter to_parameter(double value) {
    return fmt::format("{}", value);
}
Parameter to_parameter(Timestamp value) {
    return format_timestamp(value);
}

std::string_view to_string(LogLevel level) {
    constexpr std::array<std::string_view, 4> names{"debug", "info", "warning", "error"};
    return names.at(static_cast<std::size_t>(level));
}

std::string generate_idempotency_key() {
    thread_local std::mt19937_64 random(std::random_device{}());
    return fmt::format("wi-{:016x}{:016x}", random(), random());
}

}  // namespace workitem

namespace workitem::detail {
namespace {

using nlohmann::json;

void put_if_any(json& object, const char* key, const std::vector<std::string>& values) {
    if (!values.empty()) object[key] = values;
}

json people(const std::vector<std::string>& users, const std::vector<std::string>& groups) {
    json part = json::object();
    put_if_any(part, "users", users);
    put_if_any(part, "groups", groups);
    return part;
}

bool has_typed_fields(const Assignment& a) {
    return !a.users.empty() || !a.groups.empty() || !a.excluded_users.empty() ||
           !a.excluded_groups.empty() || !a.administrator_users.empty() ||
           !a.administrator_groups.empty() || !a.strategy.empty() || !a.four_eyes_with.empty() ||
           !a.retain_familiar.empty() || a.lease_seconds || a.max_lease_expiries;
}

void put_time(json& object, const char* key, const std::optional<Timestamp>& time) {
    if (time) object[key] = format_timestamp(*time);
}

json parse_document(const std::string& text, const char* field) {
    try {
        return json::parse(text);
    } catch (const json::parse_error& error) {
        throw_error(ErrorKind::invalid_argument,
                    fmt::format("{} is not JSON: {}", field, error.what()));
    }
}

template <class T>
void put_optional(json& object, const char* key, const std::optional<T>& value) {
    if (value) object[key] = *value;
}

}  // namespace

Parameter bigint_array(const std::vector<std::int64_t>& values) {
    return fmt::format("{{{}}}", fmt::join(values, ","));
}

Parameter optional_bigint_array(const ExpectedVersions& values) {
    if (values.empty()) return std::nullopt;
    std::string text = "{";
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i) text += ',';
        text += values[i] ? std::to_string(*values[i]) : "NULL";
    }
    return text + "}";
}

Parameter text_array(const std::vector<std::string>& values) {
    std::string text = "{";
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i) text += ',';
        text += '"';
        for (char c : values[i]) {
            if (c == '"' || c == '\\') text += '\\';
            text += c;
        }
        text += '"';
    }
    return text + "}";
}

std::string assignment_json(const Assignment& a) {
    if (!a.json.empty()) {
        if (has_typed_fields(a)) {
            throw_error(ErrorKind::invalid_argument,
                        "an assignment is either a json document or typed fields, not both");
        }
        return a.json;
    }
    json spec = json::object();
    if (!a.users.empty() || !a.groups.empty()) spec["potential_owners"] = people(a.users, a.groups);
    if (!a.excluded_users.empty() || !a.excluded_groups.empty()) {
        spec["excluded_owners"] = people(a.excluded_users, a.excluded_groups);
    }
    if (!a.administrator_users.empty() || !a.administrator_groups.empty()) {
        spec["administrators"] = people(a.administrator_users, a.administrator_groups);
    }
    if (!a.strategy.empty()) spec["strategy"] = a.strategy;
    json constraints = json::object();
    put_if_any(constraints, "four_eyes_with", a.four_eyes_with);
    if (!a.retain_familiar.empty()) constraints["retain_familiar"] = a.retain_familiar;
    if (!constraints.empty()) spec["constraints"] = constraints;
    put_optional(spec, "lease_seconds", a.lease_seconds);
    put_optional(spec, "max_lease_expiries", a.max_lease_expiries);
    return spec.dump();
}

std::string create_commands_json(const std::vector<CreateCommand>& commands) {
    json items = json::array();
    for (const auto& c : commands) {
        // workitem_create_many takes them once, for the whole call (CreateManyOptions): sent in
        // an element, the database would refuse every element (WI422).
        if (c.actor || c.idempotency_key) {
            throw_error(ErrorKind::invalid_argument,
                        "create_many: a command's actor and idempotency_key are not per item; "
                        "set them in CreateManyOptions");
        }
        json item = {{"workflow_id", c.workflow_id},
                     {"task_name", c.task_name},
                     {"assignment", parse_document(assignment_json(c.assignment), "assignment")},
                     {"priority", c.priority},
                     {"skippable", c.skippable}};
        if (c.input) item["input"] = parse_document(*c.input, "input");
        put_optional(item, "queue", c.queue);
        put_time(item, "due_at", c.due_at);
        put_time(item, "activate_at", c.activate_at);
        put_time(item, "expires_at", c.expires_at);
        put_optional(item, "step_ref", c.step_ref);
        put_optional(item, "run_id", c.run_id);
        put_time(item, "follow_up_at", c.follow_up_at);
        if (c.deadlines) item["deadlines"] = parse_document(*c.deadlines, "deadlines");
        items.push_back(std::move(item));
    }
    return items.dump();
}

std::string outcomes_json(const std::vector<Outcome>& outcomes) {
    json list = json::array();
    for (const auto& o : outcomes) {
        json entry = {{"id", o.id}};
        if (o.fault) {
            entry["fault"] = parse_document(*o.fault, "fault");
            if (o.output)
                throw_error(ErrorKind::invalid_argument,
                            "an outcome has an output or a fault, not both");
        } else if (o.output) {
            entry["output"] = parse_document(*o.output, "output");
        }
        if (o.expected_version) entry["expected_version"] = *o.expected_version;
        list.push_back(std::move(entry));
    }
    return list.dump();
}

std::string users_json(const std::vector<PutUserCommand>& users) {
    json list = json::array();
    for (const auto& u : users) {
        json user = {{"user_id", u.user_id}, {"groups", u.groups}, {"available", u.available}};
        user["capacity"] = u.capacity ? json(*u.capacity) : json(nullptr);
        put_time(user, "away_until", u.away_until);
        list.push_back(std::move(user));
    }
    return list.dump();
}

}  // namespace workitem::detail
