#include "refusals.hpp"

#include "call_text.hpp"

#include <vector>

namespace workitem::detail {

bool keeps_refusal(const Statement& statement) {
    return statement.has_key() && !statement.key_generated;
}

std::optional<std::string> refused_key(const Statement& statement, const Error& error) {
    if (!keeps_refusal(statement)) return std::nullopt;
    const std::string& state = error.sqlstate();
    if (!state.starts_with("WI") || state == "WI428" || state == "WI501") return std::nullopt;
    return statement.parameters[static_cast<std::size_t>(statement.text.key_parameter)];
}

ResultSet end_storing_refusal(Connection& connection, std::string_view end, const std::string& key,
                              std::chrono::milliseconds timeout, const Log& log) {
    // The text Operations::remember_refusal sends, unnamed here: it runs on refusals only.
    const CallText& remember =
        call_text("workitem_remember_refusal", {"idempotency_key"}, Shape::value, Replay::safe);
    static const std::vector<Parameter> none;
    const std::vector<Parameter> parameters{key};
    std::vector<ResultSet> answers =
        connection.execute_texts({{end, none}, {remember.sql, parameters}}, timeout);
    const auto failed = [](const ResultSet& answer) {
        return answer.get() && PQresultStatus(answer.get()) == PGRES_FATAL_ERROR;
    };
    if (failed(answers[0])) throw_error(error_from_result(answers[0].get()));
    if (failed(answers[1]) || !answers[1].get()) {
        // An older extension without the function, say: the key stays free, as before; the
        // retry runs again.
        const std::string reason =
            answers[1].get() ? error_from_result(answers[1].get()).what() : "no answer";
        log(LogLevel::warning, "could not store the refusal of a call with an idempotency key: {}",
            reason);
    }
    return std::move(answers[0]);
}

void end_failed_block(Connection& connection, const std::optional<std::string>& key,
                      std::chrono::milliseconds timeout, const Log& log) {
    // A failed COMMIT ends the block itself; a lost connection leaves nothing to end.
    if (!connection.in_transaction()) return;
    try {
        if (key) {
            end_storing_refusal(connection, "ROLLBACK", *key, timeout, log);
        } else {
            connection.execute_text("ROLLBACK", {}, timeout);
        }
    } catch (const Error& error) {
        // The connection is marked broken when it failed, and is closed instead of pooled.
        log(LogLevel::warning, "could not roll back after a failed call: {}", error.what());
    }
}

}  // namespace workitem::detail
