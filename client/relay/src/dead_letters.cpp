#include "dead_letters.hpp"

namespace workitem::relay {

namespace {

constexpr const char* columns =
    "d.id, d.tenant_id, d.sink, d.consumer, d.event_id, d.event_seq, d.aggregateid, "
    "d.aggregate_version, d.event_type, d.reason, d.error, d.attempts, d.dead_at, d.state, "
    "d.resolved_at, d.resolved_by, d.event::text";

DeadLetter from_row(const QueryRow& row) {
    return DeadLetter{.id = row.get<std::int64_t>(0),
                      .tenant_id = row.get<std::string>(1),
                      .sink = row.get<std::string>(2),
                      .consumer = row.get<std::string>(3),
                      .event_id = row.get<std::string>(4),
                      .event_seq = row.get<std::int64_t>(5),
                      .item_id = row.get<std::int64_t>(6),
                      .item_version = row.get<std::int64_t>(7),
                      .event_type = row.get<std::string>(8),
                      .reason = row.get<std::string>(9),
                      .error = row.get<std::optional<std::string>>(10),
                      .attempts = row.get<int>(11),
                      .dead_at = row.get<std::string>(12),
                      .state = row.get<std::string>(13),
                      .resolved_at = row.get<std::optional<std::string>>(14),
                      .resolved_by = row.get<std::optional<std::string>>(15),
                      .event = row.get<std::string>(16)};
}

DeadLetter one(const QueryResult& result) {
    if (result.rows.size() != 1) {
        throw std::runtime_error("the database answered " + std::to_string(result.rows.size()) +
                                 " rows for one dead letter");
    }
    return from_row(result.rows.front());
}

}  // namespace

std::int64_t DeadLetterStore::add(const std::string& sink, const std::string& consumer,
                                  const RelayEvent& event, const std::string& reason,
                                  const std::string& error, int attempts) {
    // Bounded: a receiver's answer may be long.
    const auto detail = error.substr(0, 2000);
    const auto result = client_.exec(
        "SELECT workitem.relay_dead_letter_add(sink => $1, consumer => $2, event_seq => $3, "
        "event_id => $4::uuid, reason => $5, error => $6, attempts => $7)",
        sink, consumer, event.seq, event.id, reason.substr(0, 200), detail, attempts);
    return result.rows.at(0).get<std::int64_t>(0);
}

std::vector<DeadLetter> DeadLetterStore::list(const std::string& sink, const std::string& state,
                                              int limit) {
    const auto result = client_.exec(
        std::string("SELECT ") + columns +
            " FROM workitem.relay_dead_letters(sink => $1, state => $2, max_rows => $3) AS d",
        sink.empty() ? Parameter{} : Parameter{sink}, state, limit);
    std::vector<DeadLetter> out;
    for (const auto& row : result.rows) out.push_back(from_row(row));
    return out;
}

DeadLetter DeadLetterStore::get(std::int64_t id) {
    return one(client_.exec(
        std::string("SELECT ") + columns + " FROM workitem.relay_dead_letter_get($1) AS d", id));
}

DeadLetter DeadLetterStore::resolve(std::int64_t id, const std::string& outcome) {
    return one(client_.exec(
        std::string("SELECT ") + columns + " FROM workitem.relay_dead_letter_resolve($1, $2) AS d",
        id, outcome));
}

}  // namespace workitem::relay
