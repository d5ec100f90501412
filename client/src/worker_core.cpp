// The worker's loop (docs/worker.md): claim with a lease, handle on a thread of its own,
// heartbeat what it holds, report outcomes in batches, release what it did not start.
#include "worker_core.hpp"

#include <nlohmann/json.hpp>

#include <cxxabi.h>

#include <algorithm>
#include <cstdlib>
#include <random>
#include <typeinfo>

namespace workitem::detail {
namespace {

using std::chrono::milliseconds;

// How often an acknowledgement in doubt (the connection dropped during its commit) is sent
// again with the same keys, which replay the first outcome if it committed.
constexpr int ack_attempts = 3;

Logger logger_of(const WorkerOptions& options, const Client& client) {
    return options.logger ? options.logger : client.options().logger;
}

milliseconds heartbeat_interval(const WorkerOptions& options) {
    if (options.heartbeat_every.count() > 0) return options.heartbeat_every;
    return milliseconds(std::max(100, options.lease_seconds * 1000 / 3));
}

// Errors that retrying cannot fix: the worker ends and run() throws them.
bool permanent(const Error& error) {
    switch (error.family()) {
        case ErrorFamily::refused:
        case ErrorFamily::invalid_request:
        case ErrorFamily::not_found:
        case ErrorFamily::database_error:
            return true;
        case ErrorFamily::unavailable:
            return error.kind() == ErrorKind::feature_disabled;
        default:
            return false;
    }
}

std::string type_name(const std::type_info& type) {
    int status = 0;
    char* name = abi::__cxa_demangle(type.name(), nullptr, nullptr, &status);
    std::string result = status == 0 && name ? name : type.name();
    std::free(name);  // NOLINT: __cxa_demangle allocates with malloc
    return result;
}

std::string fault_json(const std::string& message, const std::string& type) {
    return nlohmann::json{{"error", message}, {"type", type}}.dump();
}

}  // namespace

WorkerCore::WorkerCore(Client& client_, WorkerOptions options_, Handler handler_)
    : client(client_),
      options(std::move(options_)),
      handler(std::move(handler_)),
      log(logger_of(options, client)),
      heartbeat_every(heartbeat_interval(options)) {
    if (options.wake_on_notify) {
        const ClientOptions& settings = client.options();
        // Registered before each claim that may come up empty (claim_loop), so that no commit
        // after it goes unnoticed.
        listener = std::make_unique<Listener>(
            ConnectSettings{.dsn = settings.dsn,
                            .application_name = settings.application_name + " (worker wake-up)",
                            .connect_timeout = settings.connect_timeout,
                            .log = log},
            log, "worker",
            Registration{.text = &await_work_text(),
                         .parameters = {options.actor, options.queue},
                         .tenant = settings.tenant,
                         .on_behalf = settings.on_behalf});
    }
}

std::optional<std::string> WorkerCore::key() const {
    if (!options.idempotency_keys) return std::nullopt;
    return generate_idempotency_key();
}

void WorkerCore::stop() {
    stop_source.request_stop();
    const std::lock_guard lock(mutex);
    changed.notify_all();
}

void WorkerCore::stop_now() {
    stop_at_once = true;
    stop();
}

void WorkerCore::run() {
    const std::lock_guard one_run(run_mutex);
    std::vector<std::jthread> handlers;
    for (int i = 0; i < options.concurrency; ++i) handlers.emplace_back([this] { handle_loop(); });
    std::jthread housekeeper([this] { housekeeping_loop(); });

    claim_loop();

    // Stopping. The items not started go back to the queue at once.
    std::vector<std::int64_t> unstarted;
    {
        const std::lock_guard lock(mutex);
        for (HeldItem* item : queue) unstarted.push_back(item->item.id);
        for (const std::int64_t id : unstarted) held.erase(id);
        queue.clear();
    }
    release(unstarted);

    // The running handlers may finish within the grace period; then stop_now gives up on them.
    std::vector<std::int64_t> abandoned;
    {
        std::unique_lock lock(mutex);
        const bool finished = changed.wait_for(
            lock, options.grace_period, [this] { return running == 0 || stop_at_once.load(); });
        if (!finished || stop_at_once) {
            for (auto& [id, item] : held) {
                if (item->phase == HeldItem::Phase::running) {
                    item->abandoned = true;
                    abandoned.push_back(id);
                }
            }
        }
    }
    if (!abandoned.empty()) {
        log(LogLevel::warning, "worker: releasing {} item(s) whose handlers are still running",
            abandoned.size());
        release(abandoned);
    }
    for (auto& thread : handlers) thread.join();
    {
        const std::lock_guard lock(mutex);
        handlers_finished = true;
        changed.notify_all();
    }
    housekeeper.join();
    if (fatal) std::rethrow_exception(fatal);
}

int WorkerCore::room() const {
    return options.concurrency + options.prefetch - static_cast<int>(queue.size()) - running -
           reserved;
}

void WorkerCore::enqueue(std::vector<Item> items) {
    claimed += static_cast<std::int64_t>(items.size());
    for (Item& item : items) {
        auto entry = std::make_unique<HeldItem>();
        entry->item = std::move(item);
        queue.push_back(entry.get());
        held[entry->item.id] = std::move(entry);
    }
    changed.notify_all();
}

void WorkerCore::claim_loop() {
    while (!stopping()) {
        int room_now = 0;
        {
            std::unique_lock lock(mutex);
            // Outcomes waiting to be reported will take items with them (flush): the claimer
            // claims on its own only when a handler would otherwise wait for work.
            changed.wait(lock, [&] {
                return stopping() || (room() > 0 && (acks.empty() || queue.empty()));
            });
            if (stopping()) return;
            room_now = room();
            reserved += room_now;
        }
        std::vector<Item> items;
        if (listener) listener->arm();  // register, claim, and only then wait
        try {
            items = claim(room_now);
        } catch (const Error& error) {
            {
                const std::lock_guard lock(mutex);
                reserved -= room_now;
            }
            if (permanent(error)) {
                log(LogLevel::error, "worker: claiming failed ({}); stopping", error.what());
                {
                    const std::lock_guard lock(mutex);
                    fatal = std::current_exception();
                }
                stop();
                return;
            }
            log(LogLevel::warning, "worker: claiming failed ({}); trying again", error.what());
            idle_wait(options.idle_poll);
            continue;
        }
        const bool none = items.empty();
        {
            const std::lock_guard lock(mutex);
            reserved -= room_now;
            enqueue(std::move(items));
        }
        if (none) idle_wait(options.idle_poll);
    }
}

std::vector<Item> WorkerCore::claim(int room) {
    // A claim that failed without an answer may have claimed items: the next attempt sends the
    // same key, and gets those items instead of more (docs/worker.md, Retries). Room for several
    // takes them in one call (claim_next's max_items), each claimed as if by its own call.
    // The retry asks for as many as the lost call did: the key stands for that request.
    if (!claim_key) {
        claim_key = key();
        claim_room = std::max(room, 1);
    }
    auto items = client.claim_next_many({.actor = options.actor,
                                         .queue = options.queue,
                                         .task_name = options.task_name,
                                         .idempotency_key = claim_key,
                                         .lease_seconds = options.lease_seconds},
                                        claim_room);
    claim_key.reset();
    return items;
}

void WorkerCore::idle_wait(milliseconds wait) {
    // Up to a tenth less, so that workers started together do not poll in step.
    thread_local std::minstd_rand random(std::random_device{}());
    const auto jitter = wait.count() / 10;
    if (jitter > 0) wait -= milliseconds(std::uniform_int_distribution<long>(0, jitter)(random));
    if (listener) {
        listener->wait(wait, stop_source.get_token());
        return;
    }
    std::unique_lock lock(mutex);
    changed.wait_for(lock, wait, [this] { return stopping(); });
}

void WorkerCore::handle_loop() {
    for (;;) {
        HeldItem* item = nullptr;
        {
            std::unique_lock lock(mutex);
            changed.wait(lock, [this] { return stopping() || !queue.empty(); });
            if (stopping()) return;  // what is queued is released by run()
            item = queue.front();
            queue.pop_front();
            item->phase = HeldItem::Phase::running;
            ++running;
        }
        const HandlerResult result = call_handler(*item);
        const std::lock_guard lock(mutex);
        --running;
        if (item->abandoned) {
            held.erase(item->item.id);  // released already: its outcome is dropped
        } else {
            item->phase = HeldItem::Phase::done;
            if (acks.empty()) oldest_ack = WorkerClock::now();
            if (result.fault) {
                acks.push_back({.id = item->item.id, .complete = false, .json = result.fault});
            } else {
                acks.push_back({.id = item->item.id, .complete = true, .json = result.output});
            }
        }
        changed.notify_all();
    }
}

HandlerResult WorkerCore::call_handler(HeldItem& held_item) {
    WorkerContext context(*this, held_item);
    HandlerResult result;
    try {
        result = handler(held_item.item, context);
    } catch (const std::exception& error) {
        return HandlerResult::failed(fault_json(error.what(), type_name(typeid(error))));
    } catch (...) {
        return HandlerResult::failed(fault_json("unknown exception", "unknown"));
    }
    // One malformed document would make the whole batch's statement fail: fail the item instead.
    if (result.fault && !nlohmann::json::accept(*result.fault)) {
        return HandlerResult::failed(
            fault_json("the handler's fault is not JSON", "invalid_fault"));
    }
    if (result.output && !nlohmann::json::accept(*result.output)) {
        return HandlerResult::failed(
            fault_json("the handler's output is not JSON", "invalid_output"));
    }
    return result;
}

void WorkerCore::housekeeping_loop() {
    auto next_heartbeat = WorkerClock::now() + heartbeat_every;
    for (;;) {
        std::vector<Ack> batch;
        bool beat = false;
        bool finished = false;
        {
            std::unique_lock lock(mutex);
            // Wakes on every change (a new outcome moves the deadline), so no predicate wait.
            bool acks_due = false;
            for (;;) {
                const auto now = WorkerClock::now();
                acks_due =
                    !acks.empty() &&
                    (handlers_finished || static_cast<int>(acks.size()) >= options.ack_batch_size ||
                     now >= oldest_ack + options.ack_max_delay);
                beat = now >= next_heartbeat;
                if (acks_due || beat || handlers_finished) break;
                changed.wait_until(
                    lock, acks.empty()
                              ? next_heartbeat
                              : std::min(next_heartbeat, oldest_ack + options.ack_max_delay));
            }
            if (acks_due) {
                // What is left is older than the deadline: it goes out on the next round.
                const auto take = std::min<std::size_t>(acks.size(), options.ack_batch_size);
                batch.assign(acks.begin(), acks.begin() + static_cast<std::ptrdiff_t>(take));
                acks.erase(acks.begin(), acks.begin() + static_cast<std::ptrdiff_t>(take));
            }
            finished = handlers_finished && acks.empty();
        }
        if (!batch.empty()) flush(std::move(batch));
        if (beat) {
            heartbeat_held();
            next_heartbeat = WorkerClock::now() + heartbeat_every;
        }
        if (finished) return;
    }
}

void WorkerCore::flush(std::vector<Ack> batch) {
    // One call reports every outcome (each answered in its own row) and takes as many items as
    // there is room for, in one commit: a busy worker's round trip per batch.
    std::vector<Outcome> outcomes;
    for (const Ack& ack : batch) {
        outcomes.push_back(ack.complete ? Outcome{.id = ack.id, .output = ack.json}
                                        : Outcome{.id = ack.id, .fault = ack.json});
    }
    int take = 0;
    if (!stopping()) {
        const std::lock_guard lock(mutex);
        take = std::max(0, room());
        reserved += take;
    }
    const auto unreserve = [&] {
        const std::lock_guard lock(mutex);
        reserved -= take;
        changed.notify_all();
    };
    // Sent again after a commit in doubt with the same key (and the same request): a committed
    // call replays its first answer instead of reporting or claiming anything a second time.
    const std::optional<std::string> call_key = key();
    for (int attempt = 1;; ++attempt) {
        try {
            AcknowledgeResult answer =
                client.acknowledge_and_claim_next(outcomes,
                                                  {.actor = options.actor,
                                                   .queue = options.queue,
                                                   .task_name = options.task_name,
                                                   .idempotency_key = call_key,
                                                   .lease_seconds = options.lease_seconds},
                                                  take);
            report(batch, answer);
            std::vector<std::int64_t> give_back;  // claimed while a stop began: run() is past
            {                                     // releasing the queue, so release them here
                const std::lock_guard lock(mutex);
                reserved -= take;
                if (stopping()) {
                    claimed += static_cast<std::int64_t>(answer.claimed.size());
                    for (const Item& item : answer.claimed) give_back.push_back(item.id);
                } else {
                    enqueue(std::move(answer.claimed));
                }
            }
            release(give_back);
            return;
        } catch (const Error& error) {
            const bool again = error.kind() == ErrorKind::in_doubt || error.transient() ||
                               error.family() == ErrorFamily::unavailable;
            if (again && attempt < ack_attempts && !permanent(error)) {
                log(LogLevel::warning, "worker: reporting {} outcome(s) failed ({}); again",
                    batch.size(), error.what());
                std::this_thread::sleep_for(milliseconds(100 * attempt));
                continue;
            }
            log(LogLevel::error,
                "worker: could not report {} outcome(s) ({}); their leases will run out",
                batch.size(), error.what());
            refused += static_cast<std::int64_t>(batch.size());
            unreserve();
            const std::lock_guard lock(mutex);
            for (const Ack& ack : batch) held.erase(ack.id);
            return;
        }
    }
}

void WorkerCore::report(const std::vector<Ack>& batch, const AcknowledgeResult& answer) {
    std::map<std::int64_t, bool> completes;
    for (const Ack& ack : batch) completes[ack.id] = ack.complete;
    for (const BatchResult& row : answer.outcomes) {
        if (row.ok) {
            ++(completes[row.id] ? completed : failed);
        } else {
            ++refused;
            log(LogLevel::warning, "worker: the outcome of item {} was refused: {} {}", row.id,
                row.sqlstate, row.message);
        }
    }
    const std::lock_guard lock(mutex);
    for (const Ack& ack : batch) held.erase(ack.id);
}

void WorkerCore::heartbeat_held() {
    std::vector<std::int64_t> ids;
    {
        const std::lock_guard lock(mutex);
        for (const auto& [id, item] : held) {
            if (!item->abandoned && !item->lease_lost) ids.push_back(id);
        }
    }
    if (ids.empty()) return;
    std::vector<BatchResult> rows;
    try {
        rows = client.heartbeat_batch(
            ids, {.actor = options.actor, .lease_seconds = options.lease_seconds});
    } catch (const Error& error) {
        log(LogLevel::warning, "worker: heartbeating {} item(s) failed ({})", ids.size(),
            error.what());
        return;
    }
    const std::lock_guard lock(mutex);
    for (const BatchResult& row : rows) {
        if (row.ok) continue;
        auto item = held.find(row.id);
        if (item == held.end() || item->second->lease_lost.exchange(true)) continue;
        ++refused;
        log(LogLevel::warning, "worker: lost item {}: {} {}", row.id, row.sqlstate, row.message);
    }
}

void WorkerCore::heartbeat(HeldItem& held_item) {
    try {
        client.heartbeat(held_item.item.id,
                         {.actor = options.actor, .lease_seconds = options.lease_seconds});
    } catch (const Error& error) {
        if (error.family() == ErrorFamily::conflict || error.family() == ErrorFamily::not_found)
            held_item.lease_lost = true;
        throw;
    }
}

void WorkerCore::release(const std::vector<std::int64_t>& ids) {
    if (ids.empty()) return;
    try {
        for (const BatchResult& row :
             client.release_batch(ids, {.actor = options.actor, .idempotency_key = key()})) {
            if (row.ok) {
                ++released;
            } else {
                log(LogLevel::warning, "worker: releasing item {} was refused: {} {}", row.id,
                    row.sqlstate, row.message);
            }
        }
    } catch (const Error& error) {
        log(LogLevel::warning,
            "worker: releasing {} item(s) failed ({}); their leases will run out", ids.size(),
            error.what());
    }
}

}  // namespace workitem::detail
