#include "event_json.hpp"

namespace workitem::gateway {

namespace {

using json = nlohmann::json;

template <class T>
json value_or_null(const std::optional<T>& value) {
    return value ? json(*value) : json(nullptr);
}

// The columns both kinds of event have; the payload is added by the callers.
template <class AnyEvent>
json columns(const AnyEvent& event) {
    return json{{"seq", event.seq},
                {"id", event.id},
                {"tenant_id", event.tenant_id},
                {"aggregatetype", event.aggregatetype},
                {"aggregateid", event.item_id},
                {"aggregate_version", event.item_version},
                {"type", event.type},
                {"operation", event.operation},
                {"actor", event.actor},
                {"reason", value_or_null(event.reason)},
                {"idempotency_key", value_or_null(event.idempotency_key)},
                {"trace_context", value_or_null(event.trace_context)},
                {"txid", event.txid},
                {"occurred_at", workitem::format_timestamp(event.occurred_at)},
                {"login", value_or_null(event.login)},
                {"capability", value_or_null(event.capability)}};
}

}  // namespace

json event_json(const workitem::Event& event) {
    json document = columns(event);
    document["payload"] = workitem::parsed_payload(event);
    return document;
}

json event_json(const workitem::ConsumedEvent& event) {
    json document = columns(event);
    document["payload"] = event.payload;
    return document;
}

}  // namespace workitem::gateway
