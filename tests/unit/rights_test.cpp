// What a change may touch (issue 16): an owner's forward or an initiator's update changes only
// the potential owners; deadline actions are authorized as if the setter did them; the actor
// 'system' is never an owner; assignments and times are bounded.
#include <string>

#include "workitem/core/assignment.hpp"
#include "workitem/core/deadline.hpp"

#include "test_support.hpp"

namespace workitem::test {
namespace {

using enum State;
using Op = Operation;

Command forward_with(std::string_view assignment) {
    Command c = command(Op::forward);
    c.assignment = assignment;
    return c;
}

Command update_with(std::string_view assignment) {
    Command c = command(Op::update);
    c.assignment = assignment;
    return c;
}

constexpr std::string_view become_admin =
    R"({"potential_owners": {"users": ["ann"]}, "administrators": {"users": ["ann"]}})";

// ---- forward and update: only potential_owners unless the actor administers the item --------

TEST(ChangeRights, AnOwnerMayNotMakeItselfAdministratorByForward) {
    const auto r = decide(forward_with(become_admin), held_item(allocated), user("ann"), {}, kNow);
    EXPECT_EQ(code_of(r), "WI403");
    EXPECT_NE(message_of(r).find("may not change administrators of item 42"), std::string::npos)
        << message_of(r);
}

TEST(ChangeRights, AnOwnerMayForwardToNewPotentialOwners) {
    const auto r = decide(forward_with(R"({"potential_owners": {"users": ["cy"]}})"),
                          held_item(allocated), user("ann"), {}, kNow);
    EXPECT_EQ(code_of(r), "ok") << message_of(r);
}

TEST(ChangeRights, EveryOtherPartIsNamedInTheRefusal) {
    for (std::string_view key :
         {"excluded_owners", "administrators", "constraints", "strategy", "lease_seconds"}) {
        const std::string json = R"({")" + std::string(key) + R"(": {}})";
        const auto r = decide(forward_with(json), held_item(started), user("ann"), {}, kNow);
        EXPECT_EQ(code_of(r), "WI403") << key;
        EXPECT_NE(message_of(r).find(key), std::string::npos) << message_of(r);
    }
}

TEST(ChangeRights, AnInitiatorsUpdateChangesOnlyThePotentialOwners) {
    const auto refused = decide(update_with(R"({"excluded_owners": {"users": []}})"),
                                make_item(offered), user("init"), {}, kNow);
    EXPECT_EQ(code_of(refused), "WI403");
    EXPECT_NE(message_of(refused).find("excluded_owners"), std::string::npos);
    const auto allowed = decide(update_with(R"({"potential_owners": {"users": ["cy"]}})"),
                                make_item(offered), user("init"), {}, kNow);
    EXPECT_EQ(code_of(allowed), "ok") << message_of(allowed);
}

// (A service holds no role that may forward or update an item: the table refuses it earlier.)
TEST(ChangeRights, AdministratorsAndTheTimerChangeEveryPart) {
    for (const Actor& actor : {user("admin"), user("x", {"ops"}), tenant_admin(), timer()}) {
        const auto r = decide(forward_with(become_admin), held_item(allocated), actor, {}, kNow);
        EXPECT_EQ(code_of(r), "ok") << actor.id << ": " << message_of(r);
    }
}

// ---- deadlines: the setter must be allowed to do what the timer will do ---------------------

constexpr std::string_view allocate_to_alice =
    R"([{"after": 0, "action": "allocate_admin", "to_user": "alice"}])";
constexpr std::string_view reoffer_to_cy =
    R"([{"after": 0, "action": "reoffer", "to": {"users": ["cy"]}}])";
constexpr std::string_view harmless =
    R"([{"after": 0, "action": "escalate"}, {"after": 0, "action": "notify"},
        {"after": 0, "action": "expire"}])";

TEST(DeadlineRights, AnInitiatorMayNotSetAnAdministratorsAction) {
    for (std::string_view list : {allocate_to_alice, reoffer_to_cy}) {
        Command c = command(Op::update);
        c.deadlines = list;
        const auto r = decide(c, make_item(offered), user("init"), {}, kNow);
        EXPECT_EQ(code_of(r), "WI403") << list;
        EXPECT_NE(message_of(r).find("deadline 1"), std::string::npos) << message_of(r);
    }
}

TEST(DeadlineRights, AnInitiatorMaySetItsOwnActions) {
    Command c = command(Op::update);
    c.deadlines = harmless;
    EXPECT_EQ(code_of(decide(c, make_item(offered), user("init"), {}, kNow)), "ok");
}

TEST(DeadlineRights, AnAdministratorMaySetAnyAction) {
    for (const Actor& actor : {user("admin"), user("x", {"ops"}), tenant_admin()}) {
        Command c = command(Op::update);
        c.deadlines = allocate_to_alice;
        const auto r = decide(c, make_item(offered), actor, {}, kNow);
        EXPECT_EQ(code_of(r), "ok") << actor.id << ": " << message_of(r);
    }
}

CreateCommand create_by_user(std::string_view assignment, std::string_view deadlines) {
    CreateCommand c;
    c.workflow_id = "wf-1";
    c.task_name = "Approve";
    c.assignment = assignment;
    c.deadlines = deadlines;
    return c;
}

TEST(DeadlineRights, ACreatorMaySetThemOnlyWhenItAdministersTheNewItem) {
    const auto refused =
        plan_create(create_by_user("{}", allocate_to_alice), user("alice"), Limits{}, kNow);
    EXPECT_EQ(code_of(refused), "WI403");
    EXPECT_NE(message_of(refused).find("the new item"), std::string::npos);
    const auto as_admin =
        plan_create(create_by_user(R"({"administrators": {"users": ["alice"]}})", reoffer_to_cy),
                    user("alice"), Limits{}, kNow);
    EXPECT_EQ(code_of(as_admin), "ok") << message_of(as_admin);
    EXPECT_EQ(
        code_of(plan_create(create_by_user("{}", allocate_to_alice), service(), Limits{}, kNow)),
        "ok");
}

// ---- the reserved actor 'system' is never an owner -------------------------------------------

TEST(ReservedSystem, AnAssignmentMayNotNameSystemAsAUser) {
    for (std::string_view part : {"potential_owners", "excluded_owners", "administrators"}) {
        const std::string json = R"({")" + std::string(part) + R"(": {"users": ["system"]}})";
        const auto r = parse_assignment(json, Limits{});
        EXPECT_EQ(code_of(r), "WI422") << json;
        EXPECT_NE(message_of(r).find(std::string(part) + ".users"), std::string::npos);
    }
    // A group may be called system: groups are not actors.
    EXPECT_EQ(
        code_of(parse_assignment(R"({"potential_owners": {"groups": ["system"]}})", Limits{})),
        "ok");
}

TEST(ReservedSystem, NoStrategyAllocatesToSystem) {
    People people;
    people.potential_owners.users = {"system"};
    const auto direct = place("direct", people);
    ASSERT_EQ(code_of(direct), "ok");
    EXPECT_EQ(direct->state, offered);

    DistributionFacts facts;
    facts.eligible = {Candidate{"system", 0}};
    facts.custom_choice = "system";
    EXPECT_EQ(place("round_robin", people, facts)->state, offered);
    const std::string_view custom[] = {"mine"};
    EXPECT_EQ(place("mine", people, facts, custom)->state, offered);
}

// ---- bounds ---------------------------------------------------------------------------------

TEST(AssignmentBounds, TheWholeDocumentIsBounded) {
    Limits limits;
    limits.max_assignment_bytes = 100;
    std::string users = R"({"potential_owners": {"users": [)";
    for (int i = 0; i < 20; ++i)
        users += (i ? ",\"" : "\"") + std::string("user") + std::to_string(i) + "\"";
    users += "]}}";
    const auto r = parse_assignment(users, limits);
    EXPECT_EQ(code_of(r), "WI422");
    EXPECT_NE(message_of(r).find("more than the limit of 100 bytes"), std::string::npos);
}

TEST(AssignmentBounds, DeepNestingIsRefusedBeforeParsing) {
    const std::string deep =
        R"({"constraints": {"x": )" + std::string(40, '[') + std::string(40, ']') + "}}";
    const auto r = parse_assignment(deep, Limits{});
    EXPECT_EQ(code_of(r), "WI422");
    EXPECT_NE(message_of(r).find("nests deeper than 32 levels"), std::string::npos);
    // Brackets inside strings do not count.
    EXPECT_FALSE(nests_deeper_than(R"(["[[[[[[[[[[[[\"[[[[["])", 1));
    EXPECT_TRUE(nests_deeper_than(std::string(100'000, '['), 32));
}

TEST(AssignmentBounds, DeadlineListsAreBoundedInDepth) {
    const std::string deep = R"([{"after": 0, "action": "reoffer", "to": )" +
                             std::string(100'000, '[') + std::string(100'000, ']') + "}]";
    const auto r = read_deadlines(deep, Limits{});
    EXPECT_EQ(code_of(r), "WI422");
    EXPECT_NE(message_of(r).find("nests deeper"), std::string::npos);
    // A list stored before the bound is not taken apart recursively by the timer either.
    const auto step = take_deadline(deep, 0, kNow);
    EXPECT_EQ(code_of(step), "WI422");
    EXPECT_NE(message_of(step).find("nests deeper"), std::string::npos);
}

// ---- times ----------------------------------------------------------------------------------

TEST(Times, FormattingNeverOverflows) {
    // 2300-01-01: system_clock's nanoseconds overflow after 2262; the core's microseconds do not.
    const Timestamp t = from_unix_micros(10'413'792'000'000'000);
    EXPECT_EQ(format_timestamp(t), "2300-01-01T00:00:00Z");
    EXPECT_EQ(format_stored_time(t), "2300-01-01T00:00:00.000000Z");
    EXPECT_EQ(format_timestamp(max_time), "9999-12-31T23:59:59Z");
    EXPECT_EQ(format_timestamp(min_time), "0001-01-01T00:00:00Z");
}

TEST(Times, EveryTimeInputIsCheckedForRange) {
    const Timestamp beyond = max_time + Microseconds{1};
    CreateCommand c;
    c.workflow_id = "wf";
    c.task_name = "t";
    for (auto field : {&CreateCommand::due_at, &CreateCommand::activate_at,
                       &CreateCommand::expires_at, &CreateCommand::follow_up_at}) {
        CreateCommand bad = c;
        bad.*field = beyond;
        const auto r = plan_create(bad, service(), Limits{}, kNow);
        EXPECT_EQ(code_of(r), "WI422");
        EXPECT_NE(message_of(r).find("must be a finite time"), std::string::npos);
    }
    for (auto field :
         {&Command::until, &Command::expires_at, &Command::due_at, &Command::follow_up_at}) {
        Command bad = command(Op::update);
        bad.*field = from_unix_micros(std::numeric_limits<std::int64_t>::min());
        EXPECT_EQ(code_of(validate_input(bad, service(), Limits{}, kNow)), "WI422");
    }
    EXPECT_EQ(code_of(check_time("due_at", max_time)), "ok");
    EXPECT_NE(message_of(check_time("due_at", beyond)).find("due_at"), std::string::npos);
}

}  // namespace
}  // namespace workitem::test
