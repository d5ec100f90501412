// Turning C++ values into the text parameters libpq sends ($1, $2, ...).
#pragma once

#include <workitem/client.hpp>
#include <workitem/commands.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace workitem::detail {

// A PostgreSQL array literal of bigints: {1,2,3}.
Parameter bigint_array(const std::vector<std::int64_t>& values);
// {1,NULL,3}; no parameter at all for an empty list.
Parameter optional_bigint_array(const ExpectedVersions& values);
// {"a","b"} with every element quoted, so any text survives.
Parameter text_array(const std::vector<std::string>& values);
// The assignment document of domain.md §3.
std::string assignment_json(const Assignment& assignment);
// create_many's items: a JSON array of objects keyed by workitem_create's parameter names.
std::string create_commands_json(const std::vector<CreateCommand>& commands);
// put_users' users: a JSON array of {"user_id", "groups", "capacity", "available", "away_until"}.
// acknowledge_and_claim_next's outcomes array; each output and fault must be JSON.
std::string outcomes_json(const std::vector<Outcome>& outcomes);
std::string users_json(const std::vector<PutUserCommand>& users);

}  // namespace workitem::detail
