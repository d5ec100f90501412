#include "worklist_stream.hpp"

#include "item_json.hpp"
#include "long_poll.hpp"
#include "problem.hpp"
#include "query.hpp"
#include "route_support.hpp"
#include "wakeups.hpp"

#include <workitem/workitem.hpp>

#include <algorithm>
#include <map>

namespace workitem::gateway {

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using Items = std::vector<workitem::Item>;

// Wake-ups closer together than this are read once.
constexpr std::chrono::milliseconds coalesce{100};
// The contract's LastEventId.
constexpr std::size_t max_last_event_id = 64;

// One open stream: what the client was last sent (id -> version), and the loop that keeps it
// current. Runs on its waiter's strand.
class WorklistStream : public std::enable_shared_from_this<WorklistStream> {
  public:
    WorklistStream(std::shared_ptr<Waiter> waiter, Registration registration, Identity who,
                   workitem::WorklistOptions options, DatabasePool& database, WaitSettings settings,
                   Items snapshot)
        : waiter_(std::move(waiter)),
          registration_(std::move(registration)),
          who_(std::move(who)),
          options_(std::move(options)),
          database_(database),
          settings_(settings),
          snapshot_(std::move(snapshot)) {
        if (who_.expires_at) {
            ends_at_ = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                          *who_.expires_at - std::chrono::system_clock::now());
        }
    }

    void start(std::shared_ptr<ResponseStream> stream) {
        waiter_->post([self = shared_from_this(), stream = std::move(stream)] {
            self->begin(std::move(stream));
        });
    }

  private:
    void begin(std::shared_ptr<ResponseStream> stream) {
        stream_ = std::move(stream);
        stream_->on_closed([self = shared_from_this()] {
            self->ended_ = true;
            self->waiter_->notify();
        });
        stream_->send("retry: 2000\n\n");
        json items = json::array();
        for (const auto& item : snapshot_) {
            items.push_back(item_json(item));
            versions_[item.id] = item.version;
        }
        snapshot_.clear();
        send_event("snapshot", {{"items", std::move(items)}});
        const auto now = Clock::now();
        next_poll_ = now + settings_.poll_interval;
        next_keep_alive_ = now + settings_.keep_alive;
        loop();
    }

    void loop() {
        if (ended_) return end();
        const auto now = Clock::now();
        if (waiter_->stopping() || (ends_at_ && now >= *ends_at_)) {
            stream_->close();
            return end();
        }
        if (waiter_->notified()) {
            return waiter_->pause(coalesce, [self = shared_from_this()] { self->look(); });
        }
        if (now >= next_poll_) return look();
        if (now >= next_keep_alive_) {
            stream_->send(": keep-alive\n\n");
            next_keep_alive_ = now + settings_.keep_alive;
        }
        auto until = std::min(next_poll_, next_keep_alive_);
        if (ends_at_) until = std::min(until, *ends_at_);
        waiter_->sleep(until, [self = shared_from_this()] { self->loop(); });
    }

    // Register, then read the worklist on a pooled connection (for that call only).
    void look() {
        if (ended_) return end();
        waiter_->arm(registration_, [self = shared_from_this()] {
            self->database_.submit([self](Admission admission) {
                auto items = std::make_shared<std::optional<Items>>();
                if (admission == Admission::in_time) {
                    try {
                        *items = self->database_.as(self->who_)
                                     .worklist(self->who_.subject, self->options_);
                    } catch (const std::exception&) {
                        // The database is away for now: the next poll reads again.
                    }
                }
                self->waiter_->post([self, items] {
                    if (*items) self->send_changes(**items);
                    self->next_poll_ = Clock::now() + self->settings_.poll_interval;
                    self->loop();
                });
            });
        });
    }

    void send_changes(const Items& items) {
        if (ended_) return;
        std::map<std::int64_t, std::int64_t> now;
        for (const auto& item : items) {
            now[item.id] = item.version;
            const auto sent = versions_.find(item.id);
            if (sent == versions_.end() || sent->second != item.version) {
                send_event("upsert", item_json(item));
            }
        }
        for (const auto& [id, version] : versions_) {
            if (!now.contains(id)) send_event("remove", {{"id", id}});
        }
        versions_ = std::move(now);
    }

    void send_event(const char* name, const json& data) {
        stream_->send("event: " + std::string(name) + "\nid: " + std::to_string(next_event_id_++) +
                      "\ndata: " + data.dump() + "\n\n");
    }

    // Lets go of the stream; the last handler holding this object ends it.
    void end() { stream_.reset(); }

    std::shared_ptr<Waiter> waiter_;
    Registration registration_;
    Identity who_;
    workitem::WorklistOptions options_;
    DatabasePool& database_;
    WaitSettings settings_;
    Items snapshot_;
    std::shared_ptr<ResponseStream> stream_;
    std::atomic<bool> ended_{false};
    std::optional<Clock::time_point> ends_at_;
    Clock::time_point next_poll_{};
    Clock::time_point next_keep_alive_{};
    std::map<std::int64_t, std::int64_t> versions_;
    std::int64_t next_event_id_{1};
};

}  // namespace

Response stream_worklist(Call& call) {
    if (call.request.version() < 11) {
        throw_problem(400, "invalid_request", "the stream needs HTTP/1.1: its events are chunked");
    }
    const auto options = worklist_options(call.request);
    // Accepted, and answered like a first connection: with a snapshot.
    const auto last_event_id = call.request.find("Last-Event-ID");
    if (last_event_id != call.request.end() && last_event_id->value().size() > max_last_event_id) {
        throw_problem(400, "invalid_header", "Last-Event-ID is at most 64 bytes");
    }
    Wakeups& wakeups = call.later->wakeups;
    auto waiter = wakeups.waiter(WaiterKind::stream);
    if (!waiter) {
        Problem refusal = make_problem(503, "too_many_waiters",
                                       "too many streams and long polls are open; try again");
        refusal.retry_after = 1;
        throw ProblemError(std::move(refusal));
    }
    const Identity who = caller(call);
    const auto registration = work_registration(who, options.queue);
    // Registered before the snapshot is read: what commits after it wakes the stream.
    waiter->arm_now(registration);
    auto snapshot = call.database.as(who).worklist(who.subject, options);
    auto stream =
        std::make_shared<WorklistStream>(std::move(waiter), registration, who, options,
                                         call.database, wakeups.settings(), std::move(snapshot));
    Response head{http::status::ok, call.request.version()};
    head.set(http::field::content_type, "text/event-stream");
    head.set(http::field::cache_control, "no-cache");
    head.set("X-Accel-Buffering", "no");  // nginx would otherwise hold the events back
    call.parked = true;
    call.later->stream(std::move(head), [stream](std::shared_ptr<ResponseStream> started) {
        stream->start(std::move(started));
    });
    return Response{};
}

}  // namespace workitem::gateway
