// Who an item concerns (the assignment spec, domain.md §3) and who is acting on it.
#pragma once
#include "workitem/core/pure_cpp.hpp"

#include <cstdint>
#include <string_view>
#include <vector>

namespace workitem::core {

// Users and groups named in one part of the assignment spec.
struct Principals {
    std::vector<std::string_view> users;
    std::vector<std::string_view> groups;

    bool empty() const { return users.empty() && groups.empty(); }
};

// The people of an item, as stored in its assignment.
struct People {
    Principals potential_owners;
    Principals excluded_owners;
    Principals administrators;
};

// The user an operation is done for, with what the directory and the database role say of it.
// A caller never asserts its own groups: the glue reads them from the directory.
struct Actor {
    std::string_view id;
    std::vector<std::string_view> groups;
    bool is_system = false;        // the timer: the only caller that may act as `system`
    bool acts_as_service = false;  // calling role is workitem_service (or superuser)
    bool is_tenant_admin = false;  // calling role is workitem_admin acting as itself
};

inline constexpr std::string_view system_actor = "system";

bool names(const Principals& principals, const Actor& actor);

// The roles an actor holds on one item (WS-HumanTask's generic human roles, plus service/system).
enum class Role : std::uint8_t {
    potential_owner = 1u << 0,
    actual_owner = 1u << 1,
    initiator = 1u << 2,
    administrator = 1u << 3,
    service = 1u << 4,
    system = 1u << 5,
};

class Roles {
  public:
    constexpr Roles() = default;
    constexpr Roles(std::initializer_list<Role> roles) {
        for (Role r : roles) bits_ |= static_cast<std::uint8_t>(r);
    }
    constexpr bool has(Role r) const { return (bits_ & static_cast<std::uint8_t>(r)) != 0; }
    constexpr bool any_of(Roles other) const { return (bits_ & other.bits_) != 0; }
    constexpr void add(Role r) { bits_ |= static_cast<std::uint8_t>(r); }
    constexpr bool empty() const { return bits_ == 0; }

  private:
    std::uint8_t bits_ = 0;
};

}  // namespace workitem::core
