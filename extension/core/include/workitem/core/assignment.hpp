// The assignment spec (domain.md §3): parsed and checked once, on create, forward and update.
#pragma once
#include "workitem/core/pure_cpp.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "workitem/core/limits.hpp"
#include "workitem/core/people.hpp"
#include "workitem/core/result.hpp"

namespace workitem::core {

struct OwnedPrincipals {
    std::vector<std::string> users;
    std::vector<std::string> groups;
};

struct AssignmentSpec {
    OwnedPrincipals potential_owners;
    OwnedPrincipals excluded_owners;
    OwnedPrincipals administrators;
    std::string strategy = "offer";
    std::vector<std::string> four_eyes_with;     // task names whose completers may not act
    std::optional<std::string> retain_familiar;  // step whose completer the strategy prefers
    std::optional<std::int32_t> lease_seconds;   // default lease for claims
    std::optional<std::int32_t> max_lease_expiries;
};

// Views of the spec's names, for the rules that take People.
People view_people(const AssignmentSpec& spec);

// Parses the JSON text of an assignment spec. Unknown keys, wrong types, empty names, the
// reserved user 'system', strategy names that are neither built in nor among
// `custom_strategies` (the registered ones), and documents beyond the limits (names per part,
// bytes, nesting) are WI422, naming the offending field.
Result<AssignmentSpec> parse_assignment(std::string_view json, const Limits& limits,
                                        std::span<const std::string_view> custom_strategies = {});

// The top-level keys an assignment document names (the parts a forward or update replaces: the
// stored assignment keeps the keys it does not name). Empty for a malformed document.
std::vector<std::string> assignment_keys(std::string_view json);

}  // namespace workitem::core
