// Administration: feature flags, custom validators and strategies, and the timer's tick.
#pragma once

#include <workitem/types.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace workitem {

struct SetFlagOptions {
    std::optional<std::string> tenant{};  // none: the whole database (a tenant's flag wins)
};

// Which claims a default lease applies to: exactly one of queue and task_name (a task's default
// wins over its queue's).
struct LeaseDefaultScope {
    std::optional<std::string> queue{};
    std::optional<std::string> task_name{};
};

// A field of the input declared for search (docs/search.md, Declaring fields).
struct IndexedField {
    std::optional<std::string> task_name{};  // none: every task of the tenant
    std::string field{};                     // a key path: "amount", "customer.tier"
    std::string type{};                      // numeric, text or timestamptz
    std::string declared_by{};
    Timestamp declared_at{};
};

// A feature flag as stored: tenant_id "*" for the whole database.
struct FeatureFlag {
    std::string tenant_id{};
    std::string name{};
    bool enabled{};
    Timestamp updated_at{};
};

// Where a custom validator applies; none: every task, every operation, every tenant.
struct ValidatorScope {
    std::optional<std::string> task_name{};
    std::optional<std::string> operation{};  // "claim", "complete", ...
    std::optional<std::string> tenant{};
};

struct CustomValidator {
    std::int64_t id{};  // for unregister_validator
    std::string tenant_id{};
    std::optional<std::string> task_name{};
    std::optional<std::string> operation{};
    std::string function{};  // its signature, e.g. "check_amount(workitem.item,text,text)"
    Timestamp created_at{};
};

struct CustomStrategy {
    std::string name{};
    std::string function{};
    Timestamp created_at{};
};

// What one tick did of one kind of action ("activate", "expire", "purge.items", ...).
struct TickResult {
    std::string action{};
    std::int64_t done{};
    std::int64_t failed{};
};

}  // namespace workitem
