#include "long_poll.hpp"

#include "problem.hpp"
#include "wakeups.hpp"

#include <workitem/workitem.hpp>

#include <charconv>

namespace workitem::gateway {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// The longest sleep between two looks: what a lost notification may cost.
constexpr milliseconds look_at_least_every{1000};

// A parked long poll: its waiter, the looks to come, and the way to answer.
class ParkedPoll : public std::enable_shared_from_this<ParkedPoll> {
  public:
    ParkedPoll(LongPoll poll, std::shared_ptr<Waiter> waiter, Later later, DatabasePool& database,
               Clock::time_point deadline)
        : poll_(std::move(poll)),
          waiter_(std::move(waiter)),
          later_(std::move(later)),
          database_(database),
          deadline_(deadline) {}

    void sleep() {
        waiter_->sleep(std::min(deadline_, Clock::now() + look_at_least_every),
                       [self = shared_from_this()] { self->wake(); });
    }

  private:
    // On the waiter's strand: look again, unless the wait is over.
    void wake() {
        if (waiter_->stopping() || Clock::now() >= deadline_) return answer_nothing();
        waiter_->arm(poll_.registration, [self = shared_from_this()] { self->look(); });
    }

    void look() {
        database_.submit([self = shared_from_this()](Admission admission) {
            // No connection came free in time: this look found nothing; the next may.
            if (admission == Admission::too_late) return self->sleep();
            std::optional<Response> found;
            try {
                found = self->poll_.look(++self->looks_);
            } catch (...) {
                const auto error = std::current_exception();
                return self->later_.answer(
                    [error]() -> Response { std::rethrow_exception(error); });
            }
            if (!found) return self->sleep();
            auto answer = std::make_shared<Response>(std::move(*found));
            self->later_.answer([answer] { return std::move(*answer); });
        });
    }

    void answer_nothing() {
        later_.answer([this] { return poll_.nothing(); });
    }

    LongPoll poll_;
    std::shared_ptr<Waiter> waiter_;
    Later later_;
    DatabasePool& database_;
    Clock::time_point deadline_;
    int looks_{1};  // the handler made the first
};

}  // namespace

std::optional<milliseconds> parse_wait(std::string_view text) {
    if (text.empty() || text.size() > 9 || text.front() < '0' || text.front() > '9') {
        return std::nullopt;
    }
    std::int64_t amount = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), amount);
    if (error != std::errc{} || end == text.data()) return std::nullopt;
    const std::string_view digits(text.data(), static_cast<std::size_t>(end - text.data()));
    if (digits.size() > 6 || (digits.size() > 1 && digits.front() == '0')) return std::nullopt;
    const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
    if (unit.empty() || unit == "s") return milliseconds(amount * 1000);
    if (unit == "ms") return milliseconds(amount);
    if (unit == "m") return milliseconds(amount * 60000);
    return std::nullopt;
}

milliseconds wait_parameter(QueryParameters& query, const Call& call) {
    const auto text = query.text("wait", 16);
    if (!text) return milliseconds::zero();
    const auto wait = parse_wait(*text);
    if (!wait) {
        throw_problem(400, "invalid_parameter",
                      "query parameter wait is a duration such as 30s, 500ms or 1m");
    }
    const auto longest = call.later->wakeups.settings().max_wait;
    if (*wait > longest) {
        throw_problem(400, "invalid_parameter",
                      "query parameter wait is at most " + std::to_string(longest.count()) + "ms");
    }
    return *wait;
}

Registration work_registration(const Identity& who, const std::optional<std::string>& queue) {
    return Registration{.kind = Registration::Kind::work,
                        .tenant = who.tenant,
                        .on_behalf = who.on_behalf(),
                        .actor = who.subject,
                        .queue = queue};
}

Registration events_registration(const Identity& who, const std::string& consumer) {
    return Registration{.kind = Registration::Kind::events,
                        .tenant = who.tenant,
                        .on_behalf = who.on_behalf(),
                        .consumer = consumer};
}

std::optional<std::string> look_key(const std::optional<std::string>& key, int look) {
    if (!key || look < 2) return key;
    return *key + "#" + std::to_string(look);
}

std::vector<workitem::Item> claim_look(DatabasePool& database, const Identity& who,
                                       workitem::ClaimNextOptions options, int max_items, int n) {
    options.idempotency_key = look_key(options.idempotency_key, n);
    return database.as(who).claim_next_many(options, max_items);
}

Response serve_long_poll(Call& call, LongPoll poll) {
    if (poll.wait <= milliseconds::zero()) {
        auto found = poll.look(1);
        return found ? std::move(*found) : poll.nothing();
    }
    const auto deadline = Clock::now() + poll.wait;
    auto waiter = call.later->wakeups.waiter(WaiterKind::long_poll);
    if (!waiter) {
        Problem refusal = make_problem(503, "too_many_waiters",
                                       "too many requests are waiting already; try again");
        refusal.retry_after = 1;
        throw ProblemError(std::move(refusal));
    }
    // Register before the look: whatever commits after it wakes the wait, and what committed
    // before it is seen by the look.
    waiter->arm_now(poll.registration);
    if (auto found = poll.look(1)) return std::move(*found);
    if (waiter->stopping()) return poll.nothing();
    call.parked = true;
    auto parked = std::make_shared<ParkedPoll>(std::move(poll), std::move(waiter), *call.later,
                                               call.database, deadline);
    parked->sleep();
    return Response{};
}

}  // namespace workitem::gateway
