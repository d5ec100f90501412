#include "workitem/core/directory.hpp"

#include <fmt/format.h>

#include "workitem/core/people.hpp"

namespace workitem::core {

namespace {
Error invalid(std::string message) {
    return Error{ErrorCode::invalid_input, std::move(message), "", ""};
}
}  // namespace

Status check_directory_user(const DirectoryUser& user, const Limits& limits) {
    if (!user.user_id || user.user_id->empty()) return invalid("user_id is required");
    if (user.user_id->size() > limits.max_name_length) {
        return invalid(fmt::format("user_id is longer than {} bytes", limits.max_name_length));
    }
    if (*user.user_id == system_actor) return invalid("user_id 'system' is reserved for the timer");
    if (!user.groups) return invalid("groups must be an array of non-empty group names");
    for (const auto& group : *user.groups) {
        if (!group || group->empty()) {
            return invalid("groups must be an array of non-empty group names");
        }
        if (group->size() > limits.max_name_length) {
            return invalid(
                fmt::format("groups names a group longer than {} bytes", limits.max_name_length));
        }
    }
    if (user.groups->size() > limits.max_groups_per_user) {
        return invalid(fmt::format("groups names {} groups, more than the limit of {}",
                                   user.groups->size(), limits.max_groups_per_user));
    }
    if (user.capacity && *user.capacity < 0) {
        return invalid("capacity must be 0 or more (NULL: no limit)");
    }
    if (!user.available) return invalid("available must be true or false");
    if (user.away_until) return check_time("away_until", *user.away_until);
    return ok();
}

}  // namespace workitem::core
