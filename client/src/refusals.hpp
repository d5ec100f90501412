// Refusals remembered by idempotency keys (docs/domain.md §9, docs/sdk.md): a call made with
// the application's key and refused by the database rolls back, so its key stays free and a
// retry - from this process or another - could do what the first call was refused. The database
// notes the refusal in the session that raised it; on that same session, in the round trip that
// ends the refused call's transaction, the library stores it as the key's outcome
// (workitem_remember_refusal), so every retry gets the same error.
//
// Why in that round trip: behind a transaction pooler (pgbouncer's pool_mode = transaction) a
// connection owns its server session only while a transaction block is open; the next statement
// after the block ended may go to another session, which has no note. So a keyed call runs in an
// explicit block (Connection::Block::explicit_transaction) that its refusal leaves open and
// aborted, and one pipeline - one Sync - ends it and stores the refusal.
#pragma once

#include "connection.hpp"
#include "log.hpp"
#include "statement.hpp"

#include <workitem/errors.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace workitem::detail {

// Whether a refusal of `statement` is worth storing: it carries the application's key (not one
// the library generated: nobody retries those after a refusal).
bool keeps_refusal(const Statement& statement);

// The key whose refusal is worth storing: the application's key of `statement` when `error` is
// the database's refusal (a WI SQLSTATE but WI428, the key's own, and WI501, an operator's
// setting).
std::optional<std::string> refused_key(const Statement& statement, const Error& error);

// Ends the transaction block open on `connection` with `end` ("ROLLBACK" or "COMMIT") and, in
// the same round trip, stores this session's noted refusal of the call made with `key`. Returns
// the answer to `end` and throws its error (the store is then skipped); a failure to store is
// logged as a warning, never thrown: the call's own outcome is what counts.
ResultSet end_storing_refusal(Connection& connection, std::string_view end, const std::string& key,
                              std::chrono::milliseconds timeout, const Log& log);

// After a call sent in an explicit block failed: ends the block if the failure left it open
// (rolling back), storing the refusal of `key` if there is one. Never throws: a connection that
// cannot be rolled back is marked broken and closed instead of pooled.
void end_failed_block(Connection& connection, const std::optional<std::string>& key,
                      std::chrono::milliseconds timeout, const Log& log);

}  // namespace workitem::detail
