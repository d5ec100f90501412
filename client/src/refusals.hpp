// Refusals remembered by idempotency keys (docs/domain.md §9, docs/sdk.md): a call made with
// the application's key and refused by the database rolls back, so its key stays free and a
// retry - from this process or another - could do what the first call was refused. The database
// notes the refusal in the session that raised it; right after, on that same connection, the
// library stores it as the key's outcome (workitem_remember_refusal), so every retry gets the
// same error.
#pragma once

#include "connection.hpp"
#include "log.hpp"
#include "statement.hpp"

#include <workitem/errors.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace workitem::detail {

// The key whose refusal is worth storing: the application's key of `statement` (not one the
// library generated: nobody retries those after a refusal) when `error` is the database's
// refusal (a WI SQLSTATE but WI428, the key's own, and WI501, an operator's setting).
std::optional<std::string> refused_key(const Statement& statement, const Error& error);

// Stores this session's noted refusal of a call made with `key` (outside any transaction of the
// connection's). Never throws: a failure is logged, and the call's own error is what counts.
void remember_refusal(Connection& connection, const std::string& key, StatementMode mode,
                      std::chrono::milliseconds timeout, const Log& log);

}  // namespace workitem::detail
