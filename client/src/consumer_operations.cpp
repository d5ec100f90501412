// The event consumer functions (extension/sql/parts/30-events.sql) as typed operations.
#include <workitem/operations.hpp>

#include "call.hpp"
#include "decoding.hpp"
#include "event_decoding.hpp"

namespace workitem {

using detail::call;
using detail::p;
using detail::Replay;
using detail::Shape;

bool Operations::consumer_create(const std::string& consumer,
                                 const ConsumerCreateOptions& options) {
    // Creating an existing consumer changes nothing, so a resend is harmless.
    return detail::single_value(
               call(*this, "workitem_consumer_create", Shape::value, Replay::safe,
                    {{"consumer", p(consumer)}, {"all_tenants", p(options.all_tenants)}})) == "t";
}

void Operations::consumer_drop(const std::string& consumer) {
    // A second drop is WI404: in doubt after a lost connection rather than a misleading error.
    call(*this, "workitem_consumer_drop", Shape::value, Replay::with_key_only,
         {{"consumer", p(consumer)}});
}

std::optional<EventBatch> Operations::next_batch(const std::string& consumer,
                                                 const NextBatchOptions& options) {
    // An unfinished batch is handed out again, so taking one may be repeated.
    return detail::event_batch(
        call(*this, "workitem_next_batch", Shape::event_batch, Replay::safe,
             {{"consumer", p(consumer)}, {"max_events", p(options.max_events)}}));
}

std::vector<Event> Operations::batch_events(std::int64_t batch_id) {
    // Reading a batch changes nothing but its read count.
    return detail::events(call(*this, "workitem_batch_events", Shape::rows, Replay::safe,
                               {{"batch_id", p(batch_id)}}));
}

int Operations::finish_batch(std::int64_t batch_id) {
    // A second finish is WI404, so a lost reply is in doubt: the next batch tells (the same
    // batch again, or the one after it).
    const auto value =
        detail::single_value(call(*this, "workitem_finish_batch", Shape::value,
                                  Replay::with_key_only, {{"batch_id", p(batch_id)}}));
    return std::stoi(value);
}

std::int64_t Operations::consumer_rewind(const std::string& consumer, const RewindTarget& target) {
    // The same target leaves the same position however often it is sent.
    const auto value = detail::single_value(call(
        *this, "workitem_consumer_rewind", Shape::value, Replay::safe,
        {{"consumer", p(consumer)}, {"to_seq", p(target.to_seq)}, {"to_time", p(target.to_time)}}));
    return std::stoll(value);
}

bool Operations::event_notify(bool enabled) {
    // A switch: setting it twice leaves it as once.
    return detail::single_value(call(*this, "workitem_event_notify", Shape::value, Replay::safe,
                                     {{"enabled", p(enabled)}})) == "t";
}

std::vector<EventLag> Operations::event_lag() {
    return detail::event_lag_rows(call(*this, "workitem.event_lag", Shape::view, Replay::safe, {}));
}

}  // namespace workitem
