#include <workitem/event_consumer.hpp>

#include "listener.hpp"

namespace workitem {

EventConsumer::EventConsumer(Client& client, std::string consumer, EventConsumerOptions options)
    : client_(client), consumer_(std::move(consumer)), options_(options) {
    if (options_.wake_on_notify) {
        const ClientOptions& settings = client_.options();
        listener_ = std::make_unique<detail::Listener>(
            detail::ConnectSettings{.dsn = settings.dsn,
                                    .application_name = settings.application_name + " (wake-up)",
                                    .connect_timeout = settings.connect_timeout,
                                    .log = detail::Log(settings.logger)},
            detail::Log(settings.logger), "event consumer",
            detail::Registration{.text = &detail::await_events_text(),
                                 .parameters = {consumer_},
                                 .tenant = settings.tenant,
                                 .on_behalf = settings.on_behalf});
    }
}

EventConsumer::~EventConsumer() = default;

bool EventConsumer::handle_next(const BatchHandler& handler) {
    auto batch = client_.next_batch(consumer_, options_.batch);
    if (!batch) return false;
    handler(*batch);  // throws: not finished, so the batch comes again
    client_.finish_batch(batch->id);
    return true;
}

bool EventConsumer::handle_next_in_transaction(const TransactionalBatchHandler& handler) {
    return client_.in_transaction([&](Tx& tx) {
        auto batch = tx.next_batch(consumer_, options_.batch);
        if (!batch) return false;
        handler(tx, *batch);
        tx.finish_batch(batch->id);
        return true;
    });
}

void EventConsumer::run(const BatchHandler& handler, std::stop_token stop) {
    while (!stop.stop_requested()) {
        if (listener_) listener_->arm();  // register, look, and only then wait
        if (!handle_next(handler)) wait_for_events(stop);
    }
}

void EventConsumer::wait_for_events(const std::stop_token& stop) {
    if (listener_) {
        listener_->arm();  // a no-op in run(), which registered before it looked
        listener_->wait(options_.idle_wait, stop);
    } else {
        detail::sleep_unless_stopped(options_.idle_wait, stop);
    }
}

void EventConsumer::prepare_wait() {
    if (listener_) listener_->arm();
}

}  // namespace workitem
