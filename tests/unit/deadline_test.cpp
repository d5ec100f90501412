// Deadline lists: what a caller may write, how they are stored, and what each due entry makes
// the timer do (an ordinary transition by `system`, escalation_level + 1).
#include <nlohmann/json.hpp>

#include "workitem/core/deadline.hpp"

#include "test_support.hpp"

namespace workitem::test {
namespace {

using enum State;
using nlohmann::json;

const Limits kLimits{};

std::string refusal(std::string_view list) {
    auto r = read_deadlines(list, kLimits);
    return r.has_value() ? "ok" : r.error().message;
}

// ================================ reading a list as written ==================================

TEST(ReadDeadlines, AcceptsEveryActionWithItsParameters) {
    auto r = read_deadlines(R"([
        {"after": "1 hour", "action": "notify", "message": "reminder"},
        {"after": 7200, "action": "escalate", "raise_priority": 10},
        {"at": "2026-12-01 09:00+01", "action": "reoffer", "to": {"groups": ["managers"]}},
        {"after": "P1D", "action": "allocate_admin", "to_user": "boss"},
        {"after": "2 days", "action": "expire"}])",
                            kLimits);
    ASSERT_EQ(code_of(r), "ok") << message_of(r);
    ASSERT_EQ(r->size(), 5u);
    EXPECT_EQ(*r->at(0).after, "1 hour");
    EXPECT_EQ(*r->at(1).after_seconds, 7200);
    EXPECT_EQ(*r->at(2).at, "2026-12-01 09:00+01");
    EXPECT_FALSE(r->at(2).after.has_value());
}

TEST(ReadDeadlines, AnEmptyListIsNoDeadlines) {
    auto r = read_deadlines("[]", kLimits);
    ASSERT_EQ(code_of(r), "ok");
    EXPECT_TRUE(r->empty());
}

TEST(ReadDeadlines, RefusesWhatIsNotAListOfEntries) {
    EXPECT_EQ(refusal("{}"), "invalid deadlines: must be a JSON array");
    EXPECT_EQ(refusal("null"), "invalid deadlines: must be a JSON array");
    EXPECT_EQ(refusal("[1"), "invalid deadlines: not valid JSON");
    EXPECT_EQ(refusal("[5]"), "invalid deadlines: entry 1 must be an object");
}

TEST(ReadDeadlines, EveryEntryNeedsAKnownActionAndExactlyOneTime) {
    EXPECT_EQ(refusal(R"([{"after": 1}])"),
              "invalid deadlines: entry 1 action is required: escalate, reoffer, allocate_admin, "
              "notify or expire");
    EXPECT_EQ(refusal(R"([{"after": 1, "action": "panic"}])"),
              "invalid deadlines: entry 1 action must be escalate, reoffer, allocate_admin, "
              "notify or expire");
    EXPECT_EQ(refusal(R"([{"action": "notify"}])"),
              "invalid deadlines: entry 1 needs exactly one of \"at\" and \"after\"");
    EXPECT_EQ(refusal(R"([{"at": "2026-01-01", "after": 5, "action": "notify"}])"),
              "invalid deadlines: entry 1 needs exactly one of \"at\" and \"after\"");
    EXPECT_EQ(refusal(R"([{"after": -5, "action": "notify"}])"),
              "invalid deadlines: entry 1 after must be a number of seconds from 0 to 100 years");
    EXPECT_EQ(refusal(R"([{"after": true, "action": "notify"}])"),
              "invalid deadlines: entry 1 after must be an interval string or a number of seconds");
    EXPECT_EQ(refusal(R"([{"at": 5, "action": "notify"}])"),
              "invalid deadlines: entry 1 at must be a timestamp string");
}

TEST(ReadDeadlines, ParametersBelongToTheirAction) {
    EXPECT_EQ(refusal(R"([{"after": 1, "action": "notify", "to": {"users": ["x"]}}])"),
              "invalid deadlines: entry 1 to is not a parameter of the notify action");
    EXPECT_EQ(refusal(R"([{"after": 1, "action": "escalate", "raise_priority": -1}])"),
              "invalid deadlines: entry 1 raise_priority must be an integer between 0 and 1000000");
    EXPECT_EQ(refusal(R"([{"after": 1, "action": "reoffer"}])"),
              "invalid deadlines: entry 1 to is required for reoffer");
    EXPECT_EQ(refusal(R"([{"after": 1, "action": "reoffer", "to": {}}])"),
              "invalid deadlines: entry 1 to must name at least one user or group");
    EXPECT_EQ(refusal(R"([{"after": 1, "action": "reoffer", "to": {"teams": ["x"]}}])"),
              "invalid deadlines: entry 1 to invalid assignment: potential_owners.teams is not a "
              "known key (users, groups)");
    EXPECT_EQ(refusal(R"([{"after": 1, "action": "allocate_admin", "to_user": "system"}])"),
              "invalid deadlines: entry 1 to_user must not be 'system', which is reserved");
    EXPECT_EQ(refusal(R"([{"after": 1, "action": "notify", "message": 5}])"),
              "invalid deadlines: entry 1 message must be a string");
    EXPECT_EQ(refusal(R"([{"after": 1, "action": "notify", "fired_at": "x"}])"),
              "invalid deadlines: entry 1 fired_at is not a parameter of the notify action");
}

TEST(ReadDeadlines, RefusesTooManyEntries) {
    json list = json::array();
    for (std::size_t i = 0; i <= max_deadlines; ++i)
        list.push_back({{"after", 1}, {"action", "notify"}});
    EXPECT_EQ(refusal(list.dump()), "invalid deadlines: more than 100 entries");
}

// ================================ storing ====================================================

TEST(StoredDeadlines, EveryTimeBecomesAnAtInUtcWithMicroseconds) {
    const std::string written =
        R"([{"after": "1 hour", "action": "notify"}, {"at": "tomorrow", "action": "expire"}])";
    const Timestamp times[] = {in_seconds(3600) + Microseconds{250}, in_seconds(86400)};
    auto stored = stored_deadlines(written, times);
    ASSERT_EQ(code_of(stored), "ok");
    const json list = json::parse(stored.value());
    EXPECT_EQ(list[0], json({{"at", "2026-05-28T21:26:40.000250Z"}, {"action", "notify"}}));
    EXPECT_EQ(list[1]["at"], "2026-05-29T20:26:40.000000Z");
}

TEST(StoredDeadlines, NeedsOneTimePerEntry) {
    const Timestamp times[] = {kNow};
    EXPECT_EQ(code_of(stored_deadlines("[]", times)), "WI422");
}

// ================================ taking a due entry =========================================

const std::string kStored = R"([
    {"at": "2026-05-28T20:00:00.000000Z", "action": "escalate", "raise_priority": 5,
     "message": "late"},
    {"at": "2026-05-28T20:10:00.000000Z", "action": "reoffer", "to": {"groups": ["managers"]}},
    {"at": "2026-05-28T20:20:00.000000Z", "action": "allocate_admin"},
    {"at": "2026-05-28T20:30:00.000000Z", "action": "expire"}])";

DeadlineStep take(std::size_t index) {
    auto step = take_deadline(kStored, index, kNow);
    EXPECT_EQ(code_of(step), "ok") << message_of(step);
    return step.has_value() ? step.value() : DeadlineStep{};
}

TEST(TakeDeadline, MarksTheEntryFiredAndLeavesTheOthers) {
    const DeadlineStep step = take(0);
    EXPECT_EQ(step.action, DeadlineAction::escalate);
    EXPECT_EQ(step.raise_priority, 5);
    EXPECT_EQ(step.reason, "deadline 1 (escalate): late");
    const json list = json::parse(step.fired_list);
    EXPECT_EQ(list[0]["fired_at"], "2026-05-28T20:26:40.000000Z");
    EXPECT_FALSE(list[1].contains("fired_at"));
}

TEST(TakeDeadline, ReofferCarriesTheNewPotentialOwners) {
    const DeadlineStep step = take(1);
    EXPECT_EQ(step.action, DeadlineAction::reoffer);
    EXPECT_EQ(json::parse(step.reoffer_assignment),
              json::parse(R"({"potential_owners": {"groups": ["managers"]}})"));
}

TEST(TakeDeadline, RefusesAnEntryThatIsNotThere) {
    EXPECT_EQ(code_of(take_deadline(kStored, 4, kNow)), "WI422");
    EXPECT_EQ(code_of(take_deadline("{}", 0, kNow)), "WI422");
}

// ================================ deciding ===================================================

Result<DeadlineDecision> run(std::size_t index, const Item& item,
                             std::optional<std::string_view> admin = std::nullopt) {
    return decide_deadline(take(index), item, 3, admin, {}, kNow);
}

TEST(DecideDeadline, EscalateRaisesPriorityAndLevelInTheSameState) {
    Item item = held_item(started, "ann");
    item.escalation_level = 2;
    auto d = run(0, item);
    ASSERT_EQ(code_of(d), "ok") << message_of(d);
    EXPECT_EQ(d->change.state, started);
    EXPECT_EQ(d->change.escalation_level, 3);
    EXPECT_EQ(d->priority, 8);
    EXPECT_TRUE(d->change.writes_attributes);
    EXPECT_EQ(d->recorded_as, Operation::escalate);
}

TEST(DecideDeadline, ReofferTakesTheItemFromItsHolderAndOffersIt) {
    auto d = run(1, held_item(allocated, "ann"));
    ASSERT_EQ(code_of(d), "ok") << message_of(d);
    EXPECT_EQ(d->change.state, offered);
    EXPECT_TRUE(d->change.owner.set && !d->change.owner.value);
    EXPECT_TRUE(d->change.writes_assignment);
    EXPECT_EQ(d->change.escalation_level, 1);
    EXPECT_FALSE(d->priority.has_value());
    EXPECT_EQ(d->recorded_as, Operation::escalate);
}

TEST(DecideDeadline, ReofferOfASuspendedItemIsRefused) {
    Item item = held_item(suspended, "ann");
    item.resume_to = allocated;
    EXPECT_EQ(code_of(run(1, item)), "WI423");  // the refusal says someone holds it
    item.owner.reset();
    EXPECT_EQ(code_of(run(1, item)), "WI409");
}

TEST(DecideDeadline, AllocateAdminHandsTheItemToTheAdministrator) {
    auto d = run(2, held_item(started, "ann"), "admin");
    ASSERT_EQ(code_of(d), "ok") << message_of(d);
    EXPECT_EQ(d->change.state, allocated);
    EXPECT_EQ(d->change.owner.value, std::optional<std::string_view>("admin"));
}

TEST(DecideDeadline, AllocateAdminWithoutAnAdministratorIsRefused) {
    auto d = run(2, make_item(offered));
    EXPECT_EQ(code_of(d), "WI460");
    EXPECT_EQ(message_of(d),
              "cannot allocate item 42 to an administrator: it has none in the directory");
}

TEST(DecideDeadline, AllocateAdminRespectsTheAdministratorsCapacity) {
    const ConstraintFacts full{2, 2, false};
    auto d = decide_deadline(take(2), make_item(offered), 0, "admin", full, kNow);
    EXPECT_EQ(code_of(d), "WI460");
}

TEST(DecideDeadline, ExpireEndsTheItemAndIsRecordedAsExpire) {
    auto d = run(3, make_item(offered));
    ASSERT_EQ(code_of(d), "ok") << message_of(d);
    EXPECT_EQ(d->change.state, expired);
    EXPECT_EQ(d->recorded_as, Operation::expire);
    EXPECT_EQ(d->change.escalation_level, 1);
}

TEST(DecideDeadline, ATerminalItemHasNoDeadlinesLeft) {
    EXPECT_EQ(code_of(run(0, make_item(completed))), "WI409");
}

}  // namespace
}  // namespace workitem::test
