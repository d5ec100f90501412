#include "event_decoding.hpp"

#include "decoding.hpp"

#include <string>

namespace workitem {

nlohmann::json parsed_payload(const Event& event) {
    try {
        return nlohmann::json::parse(event.payload);
    } catch (const nlohmann::json::exception& error) {
        throw_error(ErrorKind::unexpected_result,
                    std::string("an event payload is not JSON: ") + error.what());
    }
}

}  // namespace workitem

namespace workitem::detail {
namespace {

[[noreturn]] void unexpected(const std::string& what) {
    throw_error(ErrorKind::unexpected_result, what);
}

// The event as history decodes it, with its payload parsed.
ConsumedEvent decode_consumed_event(const Row& row) {
    Event event = decode_event(row);
    nlohmann::json payload = parsed_payload(event);
    return ConsumedEvent{.seq = event.seq,
                         .id = std::move(event.id),
                         .tenant_id = std::move(event.tenant_id),
                         .item_id = event.item_id,
                         .item_version = event.item_version,
                         .type = std::move(event.type),
                         .operation = std::move(event.operation),
                         .actor = std::move(event.actor),
                         .reason = std::move(event.reason),
                         .payload = std::move(payload),
                         .idempotency_key = std::move(event.idempotency_key),
                         .trace_context = std::move(event.trace_context),
                         .occurred_at = event.occurred_at,
                         .aggregatetype = std::move(event.aggregatetype),
                         .txid = std::move(event.txid),
                         .login = std::move(event.login),
                         .capability = std::move(event.capability)};
}

// float8 and numeric columns, which Row does not read: lag is their only user.
std::optional<double> optional_double(const Row& row, const char* column) {
    const auto text = row.optional_text(column);
    if (!text) return std::nullopt;
    try {
        return std::stod(*text);
    } catch (const std::exception&) {
        unexpected(std::string("column ") + column + " is not a number: " + *text);
    }
}

std::optional<bool> optional_boolean(const Row& row, const char* column) {
    if (row.is_null(column)) return std::nullopt;
    return row.boolean(column);
}

}  // namespace

std::optional<EventBatch> event_batch(const ResultSet& result) {
    if (result.rows() == 0) unexpected("next_batch answered no row");
    const auto id = Row(result, 0).optional_int64("batch_id");
    if (!id) return std::nullopt;
    EventBatch batch{.id = *id};
    for (int i = 0; i < result.rows(); ++i) {
        const Row row(result, i);
        if (!row.is_null("seq")) batch.events.push_back(decode_consumed_event(row));
    }
    return batch;
}

std::vector<EventLag> event_lag_rows(const ResultSet& result) {
    std::vector<EventLag> rows;
    for (int i = 0; i < result.rows(); ++i) {
        const Row row(result, i);
        // numeric: whole bytes, so an integer in practice
        const auto wal_bytes = optional_double(row, "wal_bytes_behind");
        rows.push_back(EventLag{
            .kind = row.text("kind"),
            .name = row.text("name"),
            .tenant_id = row.text("tenant_id"),
            .events_behind = row.optional_int64("events_behind"),
            .seconds_behind = optional_double(row, "seconds_behind"),
            .wal_bytes_behind =
                wal_bytes ? std::optional(static_cast<std::int64_t>(*wal_bytes)) : std::nullopt,
            .open_batch = row.optional_int64("open_batch"),
            .last_finished_at = row.optional_timestamp("last_finished_at"),
            .active = optional_boolean(row, "active"),
            .status = row.optional_text("status")});
    }
    return rows;
}

}  // namespace workitem::detail
