#include "event_source.hpp"

namespace workitem::relay {

namespace {

// The batch's rows, each with its envelope: the text to_jsonb(e)::text gives for the
// workitem.event row (docs/events/README.md), byte for byte, but written out by concatenation.
// to_jsonb builds a jsonb value of the whole row (sorting its keys) and then prints it: about
// 3x the server time of printing the columns, most of a batch's cost. The members are in the
// order jsonb prints them (shorter keys first, then bytewise), with jsonb's ": " and ", ", and
// each string is escaped by to_json, as jsonb escapes it. tests/relay/envelope_test.sh compares
// every line with to_jsonb(e)::text for events of every operation, so a column added to
// workitem.event fails there until it is added here.
//
// The batch is taken and read in one statement, one round trip instead of two between a
// wake-up and the delivery: the first column is the batch's id (NULL: nothing new, and one row
// without an event). OFFSET 0 keeps the NULL test a one-time filter in front of
// workitem_batch_events, which refuses a NULL batch id, rather than a join filter after it.
constexpr const char* next_batch_query = R"SQL(
WITH taken AS MATERIALIZED (SELECT workitem_next_batch($1, max_events => $2) AS batch_id)
SELECT t.batch_id,
       e.seq, e.id, e.tenant_id, e.aggregatetype, e.aggregateid, e.aggregate_version, e.type,
       '{"id": "' || e.id || '", "seq": ' || e.seq || ', "txid": "' || e.txid
       || '", "type": ' || to_json(e.type) || ', "actor": ' || to_json(e.actor)
       || ', "login": ' || coalesce(to_json(e.login)::text, 'null')
       || ', "reason": ' || coalesce(to_json(e.reason)::text, 'null')
       || ', "payload": ' || e.payload || ', "operation": ' || to_json(e.operation)
       || ', "tenant_id": ' || to_json(e.tenant_id)
       || ', "capability": ' || coalesce(to_json(e.capability)::text, 'null')
       || ', "aggregateid": ' || e.aggregateid || ', "occurred_at": ' || to_json(e.occurred_at)
       || ', "aggregatetype": ' || to_json(e.aggregatetype)
       || ', "trace_context": ' || coalesce(to_json(e.trace_context)::text, 'null')
       || ', "idempotency_key": ' || coalesce(to_json(e.idempotency_key)::text, 'null')
       || ', "aggregate_version": ' || e.aggregate_version || '}'
  FROM taken AS t
  LEFT JOIN LATERAL (SELECT * FROM workitem_batch_events(t.batch_id)
                      WHERE t.batch_id IS NOT NULL OFFSET 0) AS e ON true
 ORDER BY e.seq)SQL";

}  // namespace

EventSource::EventSource(Client& client, std::string consumer, bool all_tenants, int batch_size)
    : client_(client),
      consumer_(std::move(consumer)),
      all_tenants_(all_tenants),
      batch_size_(batch_size) {}

bool EventSource::ensure_consumer() {
    return client_.consumer_create(consumer_, {.all_tenants = all_tenants_});
}

std::optional<SourceBatch> EventSource::next_batch() {
    const auto rows = client_.exec(next_batch_query, consumer_, batch_size_);
    if (rows.rows.empty()) return std::nullopt;
    const auto id = rows.rows.front().get<std::optional<std::int64_t>>(0);
    if (!id) return std::nullopt;
    SourceBatch batch{.id = *id, .events = {}};
    batch.events.reserve(rows.rows.size());
    for (const auto& row : rows.rows) {
        if (!row.get<std::optional<std::int64_t>>(1)) continue;  // a batch without events
        batch.events.push_back(RelayEvent{.seq = row.get<std::int64_t>(1),
                                          .id = row.get<std::string>(2),
                                          .tenant_id = row.get<std::string>(3),
                                          .aggregatetype = row.get<std::string>(4),
                                          .item_id = row.get<std::int64_t>(5),
                                          .item_version = row.get<std::int64_t>(6),
                                          .type = row.get<std::string>(7),
                                          .envelope = row.get<std::string>(8)});
    }
    return batch;
}

void EventSource::finish(std::int64_t batch_id) {
    client_.finish_batch(batch_id);
}

}  // namespace workitem::relay
