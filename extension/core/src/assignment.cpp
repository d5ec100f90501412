#include "workitem/core/assignment.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "workitem/core/distribution.hpp"

namespace workitem::core {

namespace {
using json = nlohmann::json;

Error invalid(std::string field, std::string why) {
    return Error{ErrorCode::invalid_input, fmt::format("invalid assignment: {} {}", field, why), "",
                 "See the assignment spec in the SQL reference (COMMENT ON workitem_create)."};
}

// Reads a list of names: an array of non-empty strings within the length limit.
// `users`: the names are user ids, and the timer's reserved actor is not one.
Status read_names(const json& value, const std::string& field, const Limits& limits,
                  std::vector<std::string>& out, bool users = false) {
    if (!value.is_array()) return invalid(field, "must be an array of strings");
    if (value.size() > limits.max_principals) {
        return invalid(field, fmt::format("names more than {} entries", limits.max_principals));
    }
    for (const auto& entry : value) {
        if (!entry.is_string()) return invalid(field, "must be an array of strings");
        const auto& name = entry.get_ref<const std::string&>();
        if (name.empty()) return invalid(field, "contains an empty name");
        if (name.size() > limits.max_name_length) {
            return invalid(
                field, fmt::format("contains a name longer than {} bytes", limits.max_name_length));
        }
        if (users && name == system_actor) {
            return invalid(field, "names 'system', which is reserved for the timer");
        }
        out.push_back(name);
    }
    return ok();
}

Status read_principals(const json& value, const std::string& field, const Limits& limits,
                       OwnedPrincipals& out) {
    if (!value.is_object()) return invalid(field, "must be an object with users and groups");
    for (const auto& [key, names] : value.items()) {
        if (key == "users") {
            if (auto s = read_names(names, field + ".users", limits, out.users, true); !s) return s;
        } else if (key == "groups") {
            if (auto s = read_names(names, field + ".groups", limits, out.groups); !s) return s;
        } else {
            return invalid(field + "." + key, "is not a known key (users, groups)");
        }
    }
    // The limit is on the people one part names: users and groups together.
    if (out.users.size() + out.groups.size() > limits.max_principals) {
        return invalid(field, fmt::format("names more than {} users and groups together",
                                          limits.max_principals));
    }
    return ok();
}

Result<std::int32_t> read_positive_int(const json& value, const std::string& field,
                                       std::int64_t max) {
    if (!value.is_number_integer()) return invalid(field, "must be an integer");
    const auto number = value.get<std::int64_t>();
    if (number < 1 || number > max) {
        return invalid(field, fmt::format("must be between 1 and {}", max));
    }
    return static_cast<std::int32_t>(number);
}

Status read_constraints(const json& value, const Limits& limits, AssignmentSpec& spec) {
    if (!value.is_object()) return invalid("constraints", "must be an object");
    for (const auto& [key, entry] : value.items()) {
        if (key == "four_eyes_with") {
            auto s = read_names(entry, "constraints.four_eyes_with", limits, spec.four_eyes_with);
            if (!s) return s;
        } else if (key == "retain_familiar") {
            if (!entry.is_string() || entry.get_ref<const std::string&>().empty()) {
                return invalid("constraints.retain_familiar", "must be a step name");
            }
            spec.retain_familiar = entry.get<std::string>();
        } else {
            return invalid("constraints." + key,
                           "is not a known constraint (four_eyes_with, retain_familiar)");
        }
    }
    return ok();
}
}  // namespace

People view_people(const AssignmentSpec& spec) {
    auto view = [](const OwnedPrincipals& owned) {
        return Principals{{owned.users.begin(), owned.users.end()},
                          {owned.groups.begin(), owned.groups.end()}};
    };
    return People{view(spec.potential_owners), view(spec.excluded_owners),
                  view(spec.administrators)};
}

Result<AssignmentSpec> parse_assignment(std::string_view text, const Limits& limits,
                                        std::span<const std::string_view> custom_strategies) {
    if (text.size() > limits.max_assignment_bytes) {
        return invalid("document", fmt::format("is {} bytes, more than the limit of {} bytes",
                                               text.size(), limits.max_assignment_bytes));
    }
    if (nests_deeper_than(text, limits.max_json_depth)) {
        return invalid("document",
                       fmt::format("nests deeper than {} levels", limits.max_json_depth));
    }
    const json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (document.is_discarded()) return invalid("document", "is not valid JSON");
    if (!document.is_object()) return invalid("document", "must be a JSON object");

    AssignmentSpec spec;
    for (const auto& [key, value] : document.items()) {
        Status status = ok();
        if (key == "potential_owners") {
            status = read_principals(value, key, limits, spec.potential_owners);
        } else if (key == "excluded_owners") {
            status = read_principals(value, key, limits, spec.excluded_owners);
        } else if (key == "administrators") {
            status = read_principals(value, key, limits, spec.administrators);
        } else if (key == "strategy") {
            if (!value.is_string()) return invalid("strategy", "must be a strategy name");
            spec.strategy = value.get<std::string>();
            const bool registered = std::find(custom_strategies.begin(), custom_strategies.end(),
                                              spec.strategy) != custom_strategies.end();
            if (!parse_strategy(spec.strategy) && !registered) {
                return invalid("strategy", fmt::format("'{}' is not a known strategy",
                                                       spec.strategy.substr(0, 100)));
            }
        } else if (key == "constraints") {
            status = read_constraints(value, limits, spec);
        } else if (key == "lease_seconds") {
            auto seconds = read_positive_int(value, key, limits.max_lease_seconds);
            if (!seconds) return seconds.error();
            spec.lease_seconds = seconds.value();
        } else if (key == "max_lease_expiries") {
            auto count = read_positive_int(value, key, 1000);
            if (!count) return count.error();
            spec.max_lease_expiries = count.value();
        } else {
            return invalid(key,
                           "is not a known key (potential_owners, excluded_owners, "
                           "administrators, strategy, constraints, lease_seconds, "
                           "max_lease_expiries)");
        }
        if (!status) return status.error();
    }
    return spec;
}

std::vector<std::string> assignment_keys(std::string_view text) {
    std::vector<std::string> keys;
    if (nests_deeper_than(text, Limits{}.max_json_depth)) return keys;
    const json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!document.is_object()) return keys;
    for (const auto& [key, value] : document.items()) keys.push_back(key);
    return keys;
}

}  // namespace workitem::core
