#include "refusals.hpp"

#include "call_text.hpp"

namespace workitem::detail {

std::optional<std::string> refused_key(const Statement& statement, const Error& error) {
    if (!statement.has_key() || statement.key_generated) return std::nullopt;
    const std::string& state = error.sqlstate();
    if (!state.starts_with("WI") || state == "WI428" || state == "WI501") return std::nullopt;
    return statement.parameters[static_cast<std::size_t>(statement.text.key_parameter)];
}

void remember_refusal(Connection& connection, const std::string& key, StatementMode mode,
                      std::chrono::milliseconds timeout, const Log& log) {
    // The text Operations::remember_refusal sends (one prepared statement for both).
    const CallText& text =
        call_text("workitem_remember_refusal", {"idempotency_key"}, Shape::value, Replay::safe);
    const Statement statement{text, {key}};
    static const std::string none;
    try {
        connection.execute(statement, {none, none}, mode, timeout);
    } catch (const Error& error) {
        // An older extension without the function, a lost connection: the key stays free, as
        // before; the retry runs again.
        log(LogLevel::warning, "could not store the refusal of a call with an idempotency key: {}",
            error.what());
    }
}

}  // namespace workitem::detail
