// A directory user as workitem_put_user and workitem_put_users write it: one rule for both
// (they call workitem.directory_user_refusal, which asks this).
#pragma once
#include "workitem/core/pure_cpp.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "workitem/core/limits.hpp"
#include "workitem/core/result.hpp"
#include "workitem/core/time.hpp"

namespace workitem::core {

struct DirectoryUser {
    std::optional<std::string_view> user_id;
    // nullopt: the list is NULL; a nullopt entry: a NULL group.
    std::optional<std::span<const std::optional<std::string_view>>> groups;
    std::optional<std::int32_t> capacity;  // nullopt: no limit
    std::optional<bool> available;         // nullopt: NULL, refused
    std::optional<Timestamp> away_until;
};

// WI422 naming the field: no user_id, a user_id longer than max_name_length or the reserved
// 'system', NULL or empty group names or ones longer than max_name_length, more than
// max_groups_per_user groups, a negative capacity, a NULL availability, an away_until outside
// the range of times (check_time).
Status check_directory_user(const DirectoryUser& user, const Limits& limits);

}  // namespace workitem::core
