#include "actors.hpp"

#include <map>

namespace load {

namespace {

using Clock = std::chrono::steady_clock;

constexpr auto heartbeat_every = std::chrono::seconds(3);
constexpr double acknowledge_rate = 0.5;  // reports held items with acknowledge_and_claim_next
constexpr double fail_rate = 0.05;
constexpr double abandon_rate = 0.005;  // of items claimed: dropped as a crashed worker would
constexpr int most_items = 5;           // per claim_next_many and acknowledgement
constexpr auto idle_pause = std::chrono::milliseconds(150);
constexpr auto work_pause = std::chrono::milliseconds(10);

struct Abandoned {
    std::int64_t id;
    Clock::time_point retry_at;
};

class SystemWorker {
  public:
    explicit SystemWorker(Session& session) : session_(session) {}

    // Returns whether there was work.
    bool step() {
        heartbeat_if_due();
        come_back_to_abandoned();
        if (held_.empty()) return claim();
        if (session_.chance(acknowledge_rate))
            acknowledge();
        else
            finish_one();
        return true;
    }

  private:
    Call claim_call(Op op) {
        return {.op = op,
                .actor = session_.actor(),
                .queue = system_queue,
                .lease_seconds = session_.world().settings().lease_seconds};
    }

    bool claim() {
        Call call = claim_call(session_.chance(0.5) ? Op::claim_next : Op::claim_next_many);
        if (call.op == Op::claim_next_many) call.max_items = 1 + session_.pick(most_items);
        const Answer answer = session_.call(call);
        take(answer);
        return !held_.empty();
    }

    // Keeps the items an answer claimed for this worker, a few of them abandoned.
    void take(const Answer& answer) {
        for (const Row& row : answer.rows) {
            if (row.outcome != Outcome::ok || !row.item || row.operation != "claim_next") continue;
            if (session_.chance(abandon_rate)) {
                // Comes back after the lease ran out and the timer offered it again: its late
                // outcome is refused (WI419), unless it claimed the item again meanwhile.
                const auto lease = std::chrono::seconds(session_.world().settings().lease_seconds);
                abandoned_.push_back(
                    {row.item->id, Clock::now() + lease + std::chrono::seconds(3)});
                continue;
            }
            held_[row.item->id] = *row.item;
        }
    }

    void heartbeat_if_due() {
        if (held_.empty() || Clock::now() - last_heartbeat_ < heartbeat_every) return;
        Call call = claim_call(Op::heartbeat);
        for (const auto& [id, item] : held_) call.item_ids.push_back(id);
        const Answer answer = session_.call(call);
        for (const Row& row : answer.rows)
            if (row.outcome == Outcome::refused && row.item_id) held_.erase(*row.item_id);
        last_heartbeat_ = Clock::now();
    }

    void come_back_to_abandoned() {
        if (abandoned_.empty() || Clock::now() < abandoned_.front().retry_at) return;
        const std::int64_t id = abandoned_.front().id;
        abandoned_.erase(abandoned_.begin());
        if (held_.contains(id)) return;
        finished(session_.call({.op = Op::complete, .actor = session_.actor(), .item_id = id}));
    }

    void finish_one() {
        const ItemView item = held_.begin()->second;
        held_.erase(held_.begin());
        finished(session_.call({.op = session_.chance(fail_rate) ? Op::fail : Op::complete,
                                .actor = session_.actor(),
                                .item_id = item.id,
                                .expected_version = item.version}));
    }

    // Reports up to most_items held items and takes up to as many more, in one call.
    void acknowledge() {
        Call call = claim_call(Op::acknowledge_and_claim_next);
        call.max_items = 1 + session_.pick(most_items);
        while (!held_.empty() && static_cast<int>(call.acknowledgements.size()) < most_items) {
            call.acknowledgements.push_back(
                {.item_id = held_.begin()->first, .failed = session_.chance(fail_rate)});
            held_.erase(held_.begin());
        }
        const Answer answer = session_.call(call);
        finished(answer);
        take(answer);
    }

    void finished(const Answer& answer) {
        for (const Row& row : answer.rows)
            if (row.outcome == Outcome::ok && row.operation != "claim_next")
                --session_.world().open_system_items;
    }

    Session& session_;
    std::map<std::int64_t, ItemView> held_;
    std::vector<Abandoned> abandoned_;
    Clock::time_point last_heartbeat_{Clock::now()};
};

}  // namespace

void run_system_worker(Session& session) {
    SystemWorker worker(session);
    while (!session.world().stopping()) session.pause(worker.step() ? work_pause : idle_pause);
}

}  // namespace load
