#include "session.hpp"

#include <algorithm>
#include <thread>

namespace load {

Session::Session(int client, Transport& transport, Journal& journal, World& world)
    : client_(client),
      transport_(transport),
      journal_(journal),
      world_(world),
      actor_(world.actor_of(client)),
      random_(world.settings().seed * 1000003u + static_cast<std::uint64_t>(client)) {}

Answer Session::send(const Call& call, std::optional<std::int64_t> replay_of,
                     std::int64_t& number) {
    const auto started = std::chrono::system_clock::now();
    const auto clock = std::chrono::steady_clock::now();
    Answer answer = transport_.send(call);
    const auto latency = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - clock);
    number = journal_.record(call, answer, started, latency, replay_of);
    world_.count(answer.outcome);
    world_.timeline.record(call.op, answer.outcome, started, latency, world_.open_system_items);
    if (answer.outcome == Outcome::in_doubt || answer.outcome == Outcome::failed)
        world_.report_unanswered(actor_, call, answer);
    return answer;
}

Answer Session::call(Call call) {
    // Keys name their run, client and call, so a journal line leads to the key's row and events.
    if (!is_read(call.op) && call.op != Op::heartbeat)  // a heartbeat takes no key
        call.idempotency_key = "load-" + world_.run_id() + "-" + std::to_string(client_) + "-" +
                               std::to_string(++keys_);
    std::int64_t first_number = 0;
    Answer first = send(call, std::nullopt, first_number);
    const bool answered = first.outcome == Outcome::ok || first.outcome == Outcome::refused;
    if (!is_read(call.op) && call.op != Op::heartbeat && answered &&
        chance(world_.settings().replay_rate)) {
        std::int64_t number = 0;
        const Answer again = send(call, first_number, number);
        if (!same_answer(first, again)) ++world_.replay_mismatches;
    }
    return first;
}

bool Session::chance(double probability) {
    return std::uniform_real_distribution<double>(0.0, 1.0)(random_) < probability;
}

int Session::pick(int count) {
    return std::uniform_int_distribution<int>(0, std::max(0, count - 1))(random_);
}

void Session::pause(std::chrono::milliseconds base) {
    const auto low = base.count() / 2;
    const auto length = std::chrono::milliseconds(
        std::uniform_int_distribution<std::int64_t>(low, base.count() + low)(random_));
    const auto until = std::chrono::steady_clock::now() + length;
    // In slices, so a run ends on time whatever the pauses.
    constexpr std::chrono::steady_clock::duration slice = std::chrono::milliseconds(100);
    while (!world_.stopping()) {
        const auto left = until - std::chrono::steady_clock::now();
        if (left <= std::chrono::steady_clock::duration::zero()) break;
        std::this_thread::sleep_for(std::min(left, slice));
    }
}

bool same_answer(const Answer& first, const Answer& second) {
    if (first.outcome != second.outcome || first.sqlstate != second.sqlstate ||
        first.rows.size() != second.rows.size())
        return false;
    for (std::size_t i = 0; i < first.rows.size(); ++i) {
        const Row& a = first.rows[i];
        const Row& b = second.rows[i];
        if (a.outcome != b.outcome || a.sqlstate != b.sqlstate || a.item_id != b.item_id ||
            a.item.has_value() != b.item.has_value())
            return false;
        if (a.item && (a.item->version != b.item->version || a.item->state != b.item->state ||
                       a.item->owner != b.item->owner))
            return false;
    }
    return true;
}

}  // namespace load
