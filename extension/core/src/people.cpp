#include "workitem/core/people.hpp"

#include <algorithm>

namespace workitem::core {

bool names(const Principals& principals, const Actor& actor) {
    const auto& users = principals.users;
    if (std::find(users.begin(), users.end(), actor.id) != users.end()) return true;
    return std::any_of(actor.groups.begin(), actor.groups.end(), [&](std::string_view group) {
        return std::find(principals.groups.begin(), principals.groups.end(), group) !=
               principals.groups.end();
    });
}

}  // namespace workitem::core
