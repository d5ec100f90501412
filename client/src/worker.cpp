// workitem::Worker: the public face of detail::WorkerCore (worker_core.cpp does the work).
#include <workitem/worker.hpp>

#include "worker_core.hpp"

namespace workitem {

namespace {

void check(bool condition, const char* message) {
    if (!condition) throw_error(ErrorKind::invalid_argument, message);
}

WorkerOptions checked(WorkerOptions options) {
    check(!options.actor.empty(), "WorkerOptions::actor is empty");
    check(options.concurrency >= 1, "WorkerOptions::concurrency must be at least 1");
    check(options.prefetch >= 0, "WorkerOptions::prefetch must not be negative");
    check(options.lease_seconds >= 1, "WorkerOptions::lease_seconds must be at least 1");
    check(options.heartbeat_every.count() >= 0, "WorkerOptions::heartbeat_every is negative");
    check(options.ack_batch_size >= 1, "WorkerOptions::ack_batch_size must be at least 1");
    check(options.ack_max_delay.count() >= 0, "WorkerOptions::ack_max_delay is negative");
    check(options.idle_poll.count() >= 1, "WorkerOptions::idle_poll must be positive");
    check(options.grace_period.count() >= 0, "WorkerOptions::grace_period is negative");
    return options;
}

}  // namespace

const Item& WorkerContext::item() const {
    return held_.item;
}
bool WorkerContext::stopping() const {
    return core_.stopping();
}
std::stop_token WorkerContext::stop_token() const {
    return core_.stop_source.get_token();
}
void WorkerContext::heartbeat() {
    core_.heartbeat(held_);
}
bool WorkerContext::lease_lost() const {
    return held_.lease_lost.load();
}
WorkerContext::WorkerContext(detail::WorkerCore& core, detail::HeldItem& held)
    : core_(core), held_(held) {}

Worker::Worker(Client& client, WorkerOptions options, Handler handler) {
    check(static_cast<bool>(handler), "Worker: the handler is empty");
    core_ = std::make_unique<detail::WorkerCore>(client, checked(std::move(options)),
                                                 std::move(handler));
}

Worker::Worker(ClientOptions client_options, WorkerOptions options, Handler handler) {
    check(static_cast<bool>(handler), "Worker: the handler is empty");
    options = checked(std::move(options));
    own_client_ = std::make_unique<Client>(std::move(client_options));
    core_ =
        std::make_unique<detail::WorkerCore>(*own_client_, std::move(options), std::move(handler));
}

Worker::~Worker() {
    core_->stop_now();
    const std::lock_guard wait_for_run(core_->run_mutex);
}

void Worker::run() {
    core_->run();
}
void Worker::stop() {
    core_->stop();
}
void Worker::stop_now() {
    core_->stop_now();
}

WorkerStats Worker::stats() const {
    return {.claimed = core_->claimed.load(),
            .completed = core_->completed.load(),
            .failed = core_->failed.load(),
            .released = core_->released.load(),
            .refused = core_->refused.load()};
}

}  // namespace workitem
