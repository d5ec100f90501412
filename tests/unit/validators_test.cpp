// The six validators of domain.md §4, one branch at a time.
#include <functional>
#include <string>

#include "test_support.hpp"

namespace workitem::test {
namespace {

using enum State;
using Op = Operation;

const Limits kLimits{};

Limits small_limits() {
    Limits limits;
    limits.max_payload_bytes = 100;
    limits.max_name_length = 5;
    limits.max_principals = 3;
    limits.max_lease_seconds = 600;
    return limits;
}

bool mentions(const std::string& text, std::string_view word) {
    return text.find(word) != std::string::npos;
}

// ================================ 1. input ===================================================

TEST(ValidateInput, AcceptsAPlainClaim) {
    EXPECT_EQ(code_of(validate_input(command(Op::claim), user("ann"), kLimits, kNow)), "ok");
}

TEST(ValidateInput, ActorMustNotBeEmpty) {
    const auto r = validate_input(command(Op::claim), user(""), kLimits, kNow);
    EXPECT_EQ(code_of(r), "WI422");
    EXPECT_TRUE(mentions(message_of(r), "actor")) << message_of(r);
}

TEST(ValidateInput, ActorLengthIsLimited) {
    const Limits limits = small_limits();
    EXPECT_EQ(code_of(validate_input(command(Op::claim), user("abcde"), limits, kNow)), "ok");
    const auto r = validate_input(command(Op::claim), user("abcdef"), limits, kNow);
    EXPECT_EQ(code_of(r), "WI422");
    EXPECT_TRUE(mentions(message_of(r), "actor")) << message_of(r);
}

TEST(ValidateInput, ExpectedVersionMustBePositive) {
    for (std::int64_t bad : {std::int64_t{0}, std::int64_t{-1}, INT64_MIN}) {
        Command c = command(Op::claim);
        c.expected_version = bad;
        const auto r = validate_input(c, user("ann"), kLimits, kNow);
        EXPECT_EQ(code_of(r), "WI422") << bad;
        EXPECT_TRUE(mentions(message_of(r), "expected_version")) << message_of(r);
    }
    Command c = command(Op::claim);
    c.expected_version = 1;
    EXPECT_EQ(code_of(validate_input(c, user("ann"), kLimits, kNow)), "ok");
}

TEST(ValidateInput, LeaseSecondsMustBeWithinLimits) {
    const Limits limits = small_limits();
    for (std::int32_t bad : {0, -1, 601, INT32_MIN, INT32_MAX}) {
        Command c = command(Op::claim);
        c.lease_seconds = bad;
        const auto r = validate_input(c, user("ann"), limits, kNow);
        EXPECT_EQ(code_of(r), "WI422") << bad;
        EXPECT_TRUE(mentions(message_of(r), "lease_seconds")) << message_of(r);
    }
    for (std::int32_t good : {1, 600}) {
        Command c = command(Op::heartbeat);
        c.lease_seconds = good;
        EXPECT_EQ(code_of(validate_input(c, user("ann"), limits, kNow)), "ok") << good;
    }
}

TEST(ValidateInput, AllocateAndDelegateRequireToUser) {
    for (Operation op : {Op::allocate, Op::delegate}) {
        const auto r = validate_input(command(op), user("admin"), kLimits, kNow);
        EXPECT_EQ(code_of(r), "WI422") << to_string(op);
        EXPECT_TRUE(mentions(message_of(r), "to_user")) << message_of(r);
        EXPECT_EQ(code_of(validate_input(give(op, "bob"), user("admin"), kLimits, kNow)), "ok");
    }
    // Other operations do not need one.
    EXPECT_EQ(code_of(validate_input(command(Op::release), user("ann"), kLimits, kNow)), "ok");
}

TEST(ValidateInput, ToUserMustBeANonEmptyNameWithinLimits) {
    const Limits limits = small_limits();
    for (Operation op : {Op::allocate, Op::delegate}) {
        auto empty = validate_input(give(op, ""), user("admin"), limits, kNow);
        EXPECT_EQ(code_of(empty), "WI422");
        EXPECT_TRUE(mentions(message_of(empty), "to_user")) << message_of(empty);
        auto too_long = validate_input(give(op, "abcdef"), user("admin"), limits, kNow);
        EXPECT_EQ(code_of(too_long), "WI422");
        EXPECT_TRUE(mentions(message_of(too_long), "to_user")) << message_of(too_long);
        EXPECT_EQ(code_of(validate_input(give(op, "abcde"), user("admin"), limits, kNow)), "ok");
    }
}

TEST(ValidateInput, SuspendUntilMustBeInTheFuture) {
    Command c = command(Op::suspend);
    c.until = kNow;
    auto r = validate_input(c, user("ann"), kLimits, kNow);
    EXPECT_EQ(code_of(r), "WI422");
    EXPECT_TRUE(mentions(message_of(r), "until")) << message_of(r);
    c.until = seconds_ago(1);
    EXPECT_EQ(code_of(validate_input(c, user("ann"), kLimits, kNow)), "WI422");
    c.until = in_seconds(1);
    EXPECT_EQ(code_of(validate_input(c, user("ann"), kLimits, kNow)), "ok");
    c.until.reset();  // suspend without until: resumed by hand
    EXPECT_EQ(code_of(validate_input(c, user("ann"), kLimits, kNow)), "ok");
}

TEST(ValidateInput, ExpiresAtMustBeInTheFuture) {
    Command c = command(Op::update);
    c.expires_at = kNow;
    auto r = validate_input(c, user("admin"), kLimits, kNow);
    EXPECT_EQ(code_of(r), "WI422");
    EXPECT_TRUE(mentions(message_of(r), "expires_at")) << message_of(r);
    c.expires_at = seconds_ago(3600);
    EXPECT_EQ(code_of(validate_input(c, user("admin"), kLimits, kNow)), "WI422");
    c.expires_at = in_seconds(1);
    EXPECT_EQ(code_of(validate_input(c, user("admin"), kLimits, kNow)), "ok");
}

TEST(ValidateInput, ForwardRequiresAnAssignment) {
    auto r = validate_input(command(Op::forward), user("ann"), kLimits, kNow);
    EXPECT_EQ(code_of(r), "WI422");
    EXPECT_TRUE(mentions(message_of(r), "assignment")) << message_of(r);
    Command c = command(Op::forward);
    c.assignment = R"({"potential_owners": {"groups": ["team2"]}})";
    EXPECT_EQ(code_of(validate_input(c, user("ann"), kLimits, kNow)), "ok");
    // update may leave the assignment alone.
    EXPECT_EQ(code_of(validate_input(command(Op::update), user("admin"), kLimits, kNow)), "ok");
}

TEST(ValidateInput, ReasonIsLimitedToThePayloadSize) {
    const Limits limits = small_limits();
    const std::string at_limit(100, 'r');
    const std::string over_limit(101, 'r');
    Command c = command(Op::cancel);
    c.reason = at_limit;
    EXPECT_EQ(code_of(validate_input(c, user("init"), limits, kNow)), "ok");
    c.reason = over_limit;
    auto r = validate_input(c, user("init"), limits, kNow);
    EXPECT_EQ(code_of(r), "WI422");
    EXPECT_TRUE(mentions(message_of(r), "reason")) << message_of(r);
}

TEST(ValidateInput, PayloadIsLimited) {
    const Limits limits = small_limits();
    Command c = command(Op::complete);
    c.payload_bytes = 100;
    EXPECT_EQ(code_of(validate_input(c, user("ann"), limits, kNow)), "ok");
    c.payload_bytes = 101;
    auto r = validate_input(c, user("ann"), limits, kNow);
    EXPECT_EQ(code_of(r), "WI422");
    EXPECT_TRUE(mentions(message_of(r), "payload")) << message_of(r);
    EXPECT_TRUE(mentions(message_of(r), "101")) << message_of(r);
    EXPECT_FALSE(r.error().hint.empty());
}

TEST(ValidateInput, DefaultPayloadLimitIsOneMebibyte) {
    Command c = command(Op::save_output);
    c.payload_bytes = 1024 * 1024;
    EXPECT_EQ(code_of(validate_input(c, user("ann"), kLimits, kNow)), "ok");
    c.payload_bytes = 1024 * 1024 + 1;
    EXPECT_EQ(code_of(validate_input(c, user("ann"), kLimits, kNow)), "WI422");
}

TEST(ValidateInput, ActorIsCheckedFirst) {
    Command c = command(Op::allocate);  // no to_user
    c.expected_version = 0;
    c.payload_bytes = 10 * 1024 * 1024;
    auto r = validate_input(c, user(""), kLimits, kNow);
    EXPECT_EQ(code_of(r), "WI422");
    EXPECT_TRUE(mentions(message_of(r), "actor")) << message_of(r);
}

// ================================ 1. input, create ===========================================

CreateCommand valid_create() {
    CreateCommand c;
    c.workflow_id = "wf-1";
    c.task_name = "Rev";
    return c;
}

TEST(ValidateCreateInput, AcceptsAMinimalCreate) {
    EXPECT_EQ(code_of(validate_create_input(valid_create(), user("init"), kLimits, kNow)), "ok");
}

TEST(ValidateCreateInput, AcceptsEveryOptionalFieldWithinLimits) {
    CreateCommand c = valid_create();
    c.run_id = "run";
    c.step_ref = "step";
    c.queue = "q";
    c.input_bytes = 100;
    c.activate_at = in_seconds(10);
    c.expires_at = in_seconds(20);
    c.due_at = seconds_ago(10);  // a due date in the past is just overdue
    EXPECT_EQ(code_of(validate_create_input(c, user("init"), small_limits(), kNow)), "ok");
}

struct CreateCase {
    const char* name;
    std::function<void(CreateCommand&, Actor&)> mutate;
    std::string_view field;
};

TEST(ValidateCreateInput, EveryFieldBranchIsWI422NamingTheField) {
    const std::vector<CreateCase> cases{
        {"empty actor", [](CreateCommand&, Actor& a) { a.id = ""; }, "actor"},
        {"long actor", [](CreateCommand&, Actor& a) { a.id = "abcdef"; }, "actor"},
        {"empty workflow_id", [](CreateCommand& c, Actor&) { c.workflow_id = ""; }, "workflow_id"},
        {"long workflow_id", [](CreateCommand& c, Actor&) { c.workflow_id = "abcdef"; },
         "workflow_id"},
        {"empty task_name", [](CreateCommand& c, Actor&) { c.task_name = ""; }, "task_name"},
        {"long task_name", [](CreateCommand& c, Actor&) { c.task_name = "abcdef"; }, "task_name"},
        {"empty run_id", [](CreateCommand& c, Actor&) { c.run_id = ""; }, "run_id"},
        {"long run_id", [](CreateCommand& c, Actor&) { c.run_id = "abcdef"; }, "run_id"},
        {"empty step_ref", [](CreateCommand& c, Actor&) { c.step_ref = ""; }, "step_ref"},
        {"long step_ref", [](CreateCommand& c, Actor&) { c.step_ref = "abcdef"; }, "step_ref"},
        {"empty queue", [](CreateCommand& c, Actor&) { c.queue = ""; }, "queue"},
        {"long queue", [](CreateCommand& c, Actor&) { c.queue = "abcdef"; }, "queue"},
        {"big input", [](CreateCommand& c, Actor&) { c.input_bytes = 101; }, "input"},
        {"expires now", [](CreateCommand& c, Actor&) { c.expires_at = kNow; }, "expires_at"},
        {"expired", [](CreateCommand& c, Actor&) { c.expires_at = seconds_ago(1); }, "expires_at"},
        {"activates at expiry",
         [](CreateCommand& c, Actor&) {
             c.activate_at = in_seconds(60);
             c.expires_at = in_seconds(60);
         },
         "activate_at"},
        {"activates after expiry",
         [](CreateCommand& c, Actor&) {
             c.activate_at = in_seconds(61);
             c.expires_at = in_seconds(60);
         },
         "activate_at"},
    };
    for (const auto& tc : cases) {
        CreateCommand c = valid_create();
        Actor a = user("init");
        tc.mutate(c, a);
        const auto r = validate_create_input(c, a, small_limits(), kNow);
        EXPECT_EQ(code_of(r), "WI422") << tc.name;
        EXPECT_TRUE(mentions(message_of(r), tc.field)) << tc.name << ": " << message_of(r);
    }
}

TEST(ValidateCreateInput, ActivateAtInThePastWithoutExpiryIsFine) {
    CreateCommand c = valid_create();
    c.activate_at = seconds_ago(60);
    EXPECT_EQ(code_of(validate_create_input(c, user("init"), kLimits, kNow)), "ok");
}

// ================================ 2. version =================================================

TEST(CheckVersion, NoExpectedVersionPasses) {
    EXPECT_EQ(code_of(check_version(command(Op::claim), make_item(offered))), "ok");
}

TEST(CheckVersion, MatchingVersionPasses) {
    Command c = command(Op::claim);
    c.expected_version = 7;
    EXPECT_EQ(code_of(check_version(c, make_item(offered))), "ok");
}

TEST(CheckVersion, StaleVersionIsWI412NamingTheCurrentOne) {
    for (std::int64_t stale : {std::int64_t{6}, std::int64_t{8}}) {
        Command c = command(Op::claim);
        c.expected_version = stale;
        const Item item = make_item(offered);
        const auto r = check_version(c, item);
        ASSERT_EQ(code_of(r), "WI412");
        EXPECT_TRUE(mentions(message_of(r), "version 7")) << message_of(r);
        EXPECT_EQ(r.error().detail, describe(item));
        EXPECT_FALSE(r.error().hint.empty());
    }
}

// ================================ 3. transition ==============================================

TEST(CheckTransition, AllowedReturnsTheRule) {
    const auto r = check_transition(command(Op::claim), make_item(offered), user("ann"), kNow);
    ASSERT_EQ(code_of(r), "ok");
    ASSERT_NE(r.value(), nullptr);
    EXPECT_EQ(r.value()->op, Op::claim);
    EXPECT_EQ(r.value()->to, allocated);
}

TEST(CheckTransition, ExpiredItemIsWI410ForEveryOperation) {
    const Item item = make_item(expired);
    for (Operation op : all_operations) {
        const auto r = check_transition(command(op), item, user("admin"), kNow);
        EXPECT_EQ(code_of(r), "WI410") << to_string(op);
        EXPECT_EQ(r.error().detail, describe(item));
    }
}

TEST(CheckTransition, OtherTerminalStatesAreWI409ForEveryOperation) {
    for (State s : {completed, failed, error, cancelled, skipped}) {
        const Item item = make_item(s);
        for (Operation op : all_operations) {
            for (bool override_owner : {false, true}) {
                Command c = command(op);
                c.override_owner = override_owner;
                EXPECT_EQ(code_of(check_transition(c, item, user("admin"), kNow)), "WI409")
                    << to_string(op) << " on " << to_string(s);
            }
        }
    }
}

TEST(CheckTransition, TerminalItemWithAFormerOwnerIsStillAStateConflict) {
    Item item = held_item(completed, "ann");
    EXPECT_EQ(code_of(check_transition(command(Op::complete), item, user("bob"), kNow)), "WI409");
    EXPECT_EQ(code_of(check_transition(command(Op::complete), item, user("ann"), kNow)), "WI409");
}

TEST(CheckTransition, WaitingForActivateAtIsWI425) {
    Item item = make_item(created);
    item.activate_at = in_seconds(60);
    const auto r = check_transition(command(Op::claim), item, user("ann"), kNow);
    EXPECT_EQ(code_of(r), "WI425");
    EXPECT_TRUE(mentions(message_of(r), format_timestamp(*item.activate_at))) << message_of(r);
}

TEST(CheckTransition, CreatedItemPastItsActivateAtIsWI409) {
    Item item = make_item(created);
    item.activate_at = kNow;  // due now: the timer has just not got to it
    EXPECT_EQ(code_of(check_transition(command(Op::claim), item, user("ann"), kNow)), "WI409");
    item.activate_at.reset();
    EXPECT_EQ(code_of(check_transition(command(Op::claim), item, user("ann"), kNow)), "WI409");
}

TEST(CheckTransition, OperationsAllowedFromCreatedIgnoreActivateAt) {
    Item item = make_item(created);
    item.activate_at = in_seconds(60);
    EXPECT_EQ(code_of(check_transition(command(Op::activate), item, user("admin"), kNow)), "ok");
    EXPECT_EQ(code_of(check_transition(command(Op::cancel), item, user("init"), kNow)), "ok");
    EXPECT_EQ(code_of(check_transition(give(Op::allocate, "bob"), item, user("admin"), kNow)),
              "ok");
}

TEST(CheckTransition, FormerHolderWhoLostTheLeaseIsWI419) {
    // Back in the pool after ann's lease ran out: ann's late complete learns why.
    Item item = make_item(offered);
    item.lease_expired_owner = "ann";
    const auto r = check_transition(command(Op::complete), item, user("ann"), kNow);
    EXPECT_EQ(code_of(r), "WI419");
    EXPECT_TRUE(mentions(message_of(r), "ann")) << message_of(r);
    // Someone else without that history gets the plain state conflict.
    EXPECT_EQ(code_of(check_transition(command(Op::complete), item, user("bob"), kNow)), "WI409");
}

TEST(CheckTransition, LostLeaseWinsOverHeldByAnother) {
    Item item = held_item(allocated, "bob");
    item.lease_expired_owner = "ann";
    EXPECT_EQ(code_of(check_transition(command(Op::claim), item, user("ann"), kNow)), "WI419");
    EXPECT_EQ(code_of(check_transition(command(Op::claim), item, user("carl"), kNow)), "WI423");
}

TEST(CheckTransition, LostLeaseNoLongerAppliesOnceTheActorHoldsItAgain) {
    Item item = held_item(allocated, "ann");
    item.lease_expired_owner = "ann";
    EXPECT_EQ(code_of(check_transition(command(Op::claim), item, user("ann"), kNow)), "WI409");
}

TEST(CheckTransition, ExpiredWinsOverLostLease) {
    Item item = make_item(expired);
    item.lease_expired_owner = "ann";
    EXPECT_EQ(code_of(check_transition(command(Op::complete), item, user("ann"), kNow)), "WI410");
}

TEST(CheckTransition, NotActiveYetWinsOverLostLease) {
    Item item = make_item(created);
    item.activate_at = in_seconds(5);
    item.lease_expired_owner = "ann";
    EXPECT_EQ(code_of(check_transition(command(Op::complete), item, user("ann"), kNow)), "WI425");
}

TEST(CheckTransition, HeldByAnotherIsWI423) {
    for (State s : {allocated, started}) {
        const Item item = held_item(s, "ann");
        for (Operation op : {Op::claim, Op::claim_next, Op::resume, Op::activate}) {
            const auto r = check_transition(command(op), item, user("bob"), kNow);
            EXPECT_EQ(code_of(r), "WI423") << to_string(op) << " on " << to_string(s);
            EXPECT_EQ(r.error().detail, describe(item));
        }
    }
}

TEST(CheckTransition, HolderHerselfGetsAStateConflict) {
    EXPECT_EQ(code_of(check_transition(command(Op::claim), held_item(allocated, "ann"), user("ann"),
                                       kNow)),
              "WI409");
    EXPECT_EQ(code_of(check_transition(command(Op::stop), held_item(allocated, "ann"), user("ann"),
                                       kNow)),
              "WI409");
}

TEST(CheckTransition, SuspendedWithAnOwnerIsHeldByThatOwner) {
    Item item = held_item(suspended, "ann");
    item.resume_to = allocated;
    EXPECT_EQ(code_of(check_transition(command(Op::claim), item, user("bob"), kNow)), "WI423");
    EXPECT_EQ(code_of(check_transition(command(Op::complete), item, user("ann"), kNow)), "WI409");
}

TEST(CheckTransition, SuspendedWithoutAnOwnerIsAStateConflict) {
    Item item = make_item(suspended);
    item.resume_to = offered;
    EXPECT_EQ(code_of(check_transition(command(Op::claim), item, user("bob"), kNow)), "WI409");
}

TEST(CheckTransition, AllocateOverAnOwnerWithoutOverrideIsWI423WithAHint) {
    for (State s : {allocated, started}) {
        const Item item = held_item(s, "ann");
        const auto r = check_transition(give(Op::allocate, "bob"), item, user("admin"), kNow);
        EXPECT_EQ(code_of(r), "WI423") << to_string(s);
        EXPECT_TRUE(mentions(r.error().hint, "override")) << r.error().hint;
        const auto over =
            check_transition(give(Op::allocate, "bob", true), item, user("admin"), kNow);
        EXPECT_EQ(code_of(over), "ok") << to_string(s);
    }
}

TEST(CheckTransition, OfferedItemRefusingAnOperationIsWI409) {
    const auto r = check_transition(command(Op::complete), make_item(offered), user("ann"), kNow);
    EXPECT_EQ(code_of(r), "WI409");
    EXPECT_TRUE(mentions(message_of(r), "complete")) << message_of(r);
    EXPECT_TRUE(mentions(message_of(r), "42")) << message_of(r);
    EXPECT_TRUE(mentions(message_of(r), "offered")) << message_of(r);
    EXPECT_FALSE(r.error().hint.empty());
}

TEST(CheckTransition, CreateIsNeverAnOperationOnAnItem) {
    for (State s : all_states) {
        EXPECT_NE(code_of(check_transition(command(Op::create), make_item(s), service(), kNow)),
                  "ok")
            << to_string(s);
    }
}

// ================================ 4. authorization ===========================================

const TransitionRule& rule_for(Operation op, State from, bool override_owner = false) {
    const TransitionRule* rule = find_rule(op, from, override_owner);
    if (rule == nullptr) throw std::logic_error("test asks for a rule the table lacks");
    return *rule;
}

TEST(CheckAuthorization, SystemActorIsReservedForTheTimer) {
    Actor impostor = user("system");
    impostor.acts_as_service = true;  // even a trusted service may not name it
    impostor.is_tenant_admin = true;
    const Item item = make_item(offered);
    for (Operation op : {Op::expire, Op::cancel, Op::mark_error, Op::allocate}) {
        const auto r = check_authorization(rule_for(op, offered), item, impostor);
        EXPECT_EQ(code_of(r), "WI403") << to_string(op);
        EXPECT_TRUE(mentions(message_of(r), "reserved")) << message_of(r);
    }
    EXPECT_EQ(code_of(check_authorization(rule_for(Op::expire, offered), item, timer())), "ok");
}

struct GrantCase {
    const char* name;
    Operation op;
    State from;
    Item item;
    Actor actor;
};

TEST(CheckAuthorization, EachRoleGrantsItsOperations) {
    Item mine = held_item(allocated, "ann");
    const std::vector<GrantCase> cases{
        {"potential owner by name", Op::claim, offered, make_item(offered), user("bob")},
        {"potential owner by group", Op::claim, offered, make_item(offered),
         user("carl", {"staff", "approvers"})},
        {"potential owner starts from offered", Op::start, offered, make_item(offered),
         user("ann")},
        {"actual owner", Op::complete, allocated, mine, user("ann")},
        {"actual owner heartbeat", Op::heartbeat, allocated, mine, user("ann")},
        {"initiator", Op::skip, offered, make_item(offered), user("init")},
        {"initiator cancels workflow", Op::cancel_workflow, offered, make_item(offered),
         user("init")},
        {"administrator by name", Op::release, allocated, mine, user("admin")},
        {"administrator by group", Op::forward, allocated, mine, user("dora", {"ops"})},
        {"tenant administrator", Op::allocate, offered, make_item(offered), tenant_admin()},
        {"service", Op::cancel, offered, make_item(offered), service()},
        {"service marks error", Op::mark_error, offered, make_item(offered), service()},
        {"timer", Op::expire, offered, make_item(offered), timer()},
        {"timer resumes", Op::resume, suspended, make_item(suspended), timer()},
        {"timer activates", Op::activate, created, make_item(created), timer()},
    };
    for (const auto& tc : cases) {
        EXPECT_EQ(code_of(check_authorization(rule_for(tc.op, tc.from), tc.item, tc.actor)), "ok")
            << tc.name;
    }
}

TEST(CheckAuthorization, RolesOutsideTheRuleAreRefusedWithWI403) {
    Item mine = held_item(allocated, "ann");
    const std::vector<GrantCase> cases{
        {"stranger claims", Op::claim, offered, make_item(offered), user("zed")},
        {"potential owner completes another's item", Op::complete, allocated, mine, user("bob")},
        {"administrator completes", Op::complete, allocated, mine, user("admin")},
        {"administrator expires", Op::expire, offered, make_item(offered), user("admin")},
        {"service skips", Op::skip, offered, make_item(offered), service()},
        {"service updates", Op::update, offered, make_item(offered), service()},
        {"owner cancels", Op::cancel, allocated, mine, user("ann")},
        {"timer claims", Op::claim, offered, make_item(offered), timer()},
        {"potential owner activates", Op::activate, created, make_item(created), user("ann")},
        {"excluded group member is no administrator", Op::release, allocated, mine,
         user("xavier", {"blocked"})},
    };
    for (const auto& tc : cases) {
        EXPECT_EQ(code_of(check_authorization(rule_for(tc.op, tc.from), tc.item, tc.actor)),
                  "WI403")
            << tc.name;
    }
}

TEST(CheckAuthorization, RefusalNamesActorOperationAndTheRolesThatMay) {
    const Item item = held_item(allocated, "ann");
    const auto r = check_authorization(rule_for(Op::release, allocated), item, user("zed"));
    ASSERT_EQ(code_of(r), "WI403");
    EXPECT_EQ(message_of(r),
              "zed may not release item 42: only its actual owner or an "
              "administrator may");
    EXPECT_EQ(r.error().detail, describe(item));
    const auto claim =
        check_authorization(rule_for(Op::claim, offered), make_item(offered), user("zed"));
    EXPECT_EQ(message_of(claim), "zed may not claim item 42: only a potential owner may");
    const auto expire =
        check_authorization(rule_for(Op::expire, offered), make_item(offered), user("zed"));
    EXPECT_TRUE(mentions(message_of(expire), "the timer")) << message_of(expire);
}

TEST(CheckAuthorization, FormerHolderWhoLostTheLeaseIsWI419) {
    // ann's lease ran out, bob claimed it; ann's late complete learns why.
    Item item = held_item(allocated, "bob");
    item.lease_expired_owner = "ann";
    for (Operation op : {Op::complete, Op::heartbeat, Op::save_output, Op::fail, Op::release}) {
        const auto r = check_authorization(rule_for(op, allocated), item, user("ann"));
        EXPECT_EQ(code_of(r), "WI419") << to_string(op);
        EXPECT_TRUE(mentions(message_of(r), "lease")) << message_of(r);
    }
    // Someone else is simply not authorized.
    EXPECT_EQ(code_of(check_authorization(rule_for(Op::complete, allocated), item, user("carl"))),
              "WI403");
}

TEST(CheckAuthorization, LostLeaseRefinementOnlyForOwnerOperations) {
    Item item = held_item(allocated, "bob");
    item.lease_expired_owner = "ann";
    // skip is for initiators and administrators: ann's history is irrelevant.
    EXPECT_EQ(code_of(check_authorization(rule_for(Op::skip, allocated), item, user("ann"))),
              "WI403");
}

// ================================ roles ======================================================

TEST(RolesOf, StrangerHasNone) {
    EXPECT_TRUE(roles_of(held_item(allocated, "ann"), user("zed")).empty());
}

TEST(RolesOf, EachSourceOfARole) {
    const Item item = held_item(allocated, "ann");
    EXPECT_TRUE(roles_of(item, user("bob")).has(Role::potential_owner));
    EXPECT_TRUE(roles_of(item, user("carl", {"approvers"})).has(Role::potential_owner));
    EXPECT_TRUE(roles_of(item, user("ann")).has(Role::actual_owner));
    EXPECT_FALSE(roles_of(item, user("bob")).has(Role::actual_owner));
    EXPECT_TRUE(roles_of(item, user("init")).has(Role::initiator));
    EXPECT_TRUE(roles_of(item, user("admin")).has(Role::administrator));
    EXPECT_TRUE(roles_of(item, user("dora", {"ops"})).has(Role::administrator));
    EXPECT_TRUE(roles_of(item, tenant_admin()).has(Role::administrator));
    EXPECT_TRUE(roles_of(item, service()).has(Role::service));
    EXPECT_TRUE(roles_of(item, timer()).has(Role::system));
}

TEST(RolesOf, RolesAreExactAndCombine) {
    const Item item = held_item(allocated, "ann");
    const Roles ann = roles_of(item, user("ann", {"ops"}));
    EXPECT_TRUE(ann.has(Role::potential_owner));
    EXPECT_TRUE(ann.has(Role::actual_owner));
    EXPECT_TRUE(ann.has(Role::administrator));
    EXPECT_FALSE(ann.has(Role::initiator));
    EXPECT_FALSE(ann.has(Role::service));
    EXPECT_FALSE(ann.has(Role::system));
    const Roles init = roles_of(item, user("init"));
    EXPECT_TRUE(init.has(Role::initiator));
    EXPECT_FALSE(init.has(Role::potential_owner));
    EXPECT_FALSE(init.has(Role::administrator));
    // A caller's groups never make it the actual owner or the initiator.
    const Roles grouped = roles_of(item, user("x", {"ann", "init"}));
    EXPECT_TRUE(grouped.empty());
}

TEST(RolesOf, ExpiredLeaseHolderIsNotTheActualOwner) {
    Item item = make_item(offered);
    item.lease_expired_owner = "ann";
    EXPECT_FALSE(roles_of(item, user("ann")).has(Role::actual_owner));
}

TEST(RolesOf, NoCreatorMeansNoInitiator) {
    Item item = make_item(offered);
    item.created_by.reset();
    EXPECT_FALSE(roles_of(item, user("init")).has(Role::initiator));
    EXPECT_FALSE(roles_of(item, user("")).has(Role::initiator));
}

// ================================ 5. constraints =============================================

const ConstraintFacts kNoFacts{};

TEST(CheckConstraints, ExcludedActorCannotTakeTheItem) {
    const Item item = make_item(offered);
    for (Operation op : {Op::claim, Op::claim_next, Op::start}) {
        const auto r = check_constraints(command(op), item, user("eve"), kNoFacts);
        EXPECT_EQ(code_of(r), "WI460") << to_string(op);
        EXPECT_TRUE(mentions(message_of(r), "eve")) << message_of(r);
        EXPECT_TRUE(mentions(message_of(r), "excluded")) << message_of(r);
        // Excluded through a group as well.
        EXPECT_EQ(
            code_of(check_constraints(command(op), item, user("xavier", {"blocked"}), kNoFacts)),
            "WI460")
            << to_string(op);
        EXPECT_EQ(code_of(check_constraints(command(op), item, user("ann"), kNoFacts)), "ok");
    }
}

TEST(CheckConstraints, ExclusionOnlyGuardsTakingTheItem) {
    // start from allocated does not take the item: it is already the actor's.
    EXPECT_EQ(code_of(check_constraints(command(Op::start), held_item(allocated, "eve"),
                                        user("eve"), kNoFacts)),
              "ok");
    EXPECT_EQ(
        code_of(check_constraints(command(Op::cancel), make_item(offered), user("eve"), kNoFacts)),
        "ok");
}

TEST(CheckConstraints, CannotGiveTheItemToAnExcludedUser) {
    for (Operation op : {Op::allocate, Op::delegate}) {
        const Item item = held_item(allocated, "ann");
        const auto r = check_constraints(give(op, "eve", true), item, user("admin"), kNoFacts);
        EXPECT_EQ(code_of(r), "WI460") << to_string(op);
        EXPECT_TRUE(mentions(message_of(r), "eve")) << message_of(r);
        EXPECT_EQ(code_of(check_constraints(give(op, "bob", true), item, user("admin"), kNoFacts)),
                  "ok")
            << to_string(op);
    }
    EXPECT_EQ(code_of(check_constraints(give(Op::allocate, "eve"), make_item(offered),
                                        user("admin"), kNoFacts)),
              "WI460");
}

TEST(CheckConstraints, CannotGiveTheItemToItsOwner) {
    const Item item = held_item(started, "ann");
    for (Operation op : {Op::allocate, Op::delegate}) {
        const auto r = check_constraints(give(op, "ann", true), item, user("admin"), kNoFacts);
        EXPECT_EQ(code_of(r), "WI460") << to_string(op);
        EXPECT_TRUE(mentions(message_of(r), "already held")) << message_of(r);
    }
}

TEST(CheckConstraints, CapacityStopsTakingAndGiving) {
    const ConstraintFacts full{5, 5, false};
    const ConstraintFacts over{6, 5, false};
    const ConstraintFacts room{4, 5, false};
    const ConstraintFacts zero_capacity{std::nullopt, 0, false};
    const ConstraintFacts unlimited{100, std::nullopt, false};
    const Item offered_item = make_item(offered);
    const Item held = held_item(allocated, "ann");
    struct Case {
        Command command;
        const Item& item;
    };
    const std::vector<Case> cases{
        {command(Op::claim), offered_item}, {command(Op::claim_next), offered_item},
        {command(Op::start), offered_item}, {give(Op::allocate, "bob"), offered_item},
        {give(Op::delegate, "bob"), held},
    };
    for (const auto& c : cases) {
        const auto op = to_string(c.command.op);
        const auto r = check_constraints(c.command, c.item, user("bob"), full);
        EXPECT_EQ(code_of(r), "WI460") << op;
        EXPECT_TRUE(mentions(message_of(r), "capacity")) << message_of(r);
        EXPECT_EQ(code_of(check_constraints(c.command, c.item, user("bob"), over)), "WI460") << op;
        EXPECT_EQ(code_of(check_constraints(c.command, c.item, user("bob"), zero_capacity)),
                  "WI460")
            << op;
        EXPECT_EQ(code_of(check_constraints(c.command, c.item, user("bob"), room)), "ok") << op;
        EXPECT_EQ(code_of(check_constraints(c.command, c.item, user("bob"), unlimited)), "ok")
            << op;
    }
}

TEST(CheckConstraints, CapacityDoesNotStopWorkOnAnItemAlreadyHeld) {
    const ConstraintFacts full{5, 5, false};
    const Item held = held_item(allocated, "ann");
    for (Operation op : {Op::start, Op::complete, Op::release, Op::heartbeat, Op::save_output}) {
        EXPECT_EQ(code_of(check_constraints(command(op), held, user("ann"), full)), "ok")
            << to_string(op);
    }
}

TEST(CheckConstraints, FourEyesConflictIsWI460) {
    const ConstraintFacts conflict{std::nullopt, std::nullopt, true};
    for (Operation op : {Op::claim, Op::start, Op::claim_next}) {
        const auto r = check_constraints(command(op), make_item(offered), user("ann"), conflict);
        EXPECT_EQ(code_of(r), "WI460") << to_string(op);
        EXPECT_TRUE(mentions(message_of(r), "four eyes")) << message_of(r);
    }
    EXPECT_EQ(code_of(check_constraints(command(Op::complete), held_item(started, "ann"),
                                        user("ann"), conflict)),
              "WI460");
}

TEST(CheckConstraints, FourEyesGuardsOnlyTakingGivingAndCompleting) {
    const ConstraintFacts conflict{std::nullopt, std::nullopt, true};
    for (Operation op : {Op::cancel, Op::update, Op::mark_error, Op::release}) {
        EXPECT_EQ(code_of(check_constraints(command(op), held_item(allocated, "ann"), user("ann"),
                                            conflict)),
                  "ok")
            << to_string(op);
    }
    const auto given =
        check_constraints(give(Op::allocate, "bob"), make_item(offered), tenant_admin(), conflict);
    EXPECT_EQ(code_of(given), "WI460");
    EXPECT_TRUE(mentions(message_of(given), "bob")) << message_of(given);
}

TEST(ValidateInput, SystemIsNoTarget) {
    for (Operation op : {Op::allocate, Op::delegate}) {
        EXPECT_EQ(code_of(validate_input(give(op, "system"), user("ann"), Limits{}, kNow)), "WI422")
            << to_string(op);
    }
}

TEST(CheckTransition, PastExpiresAtIsExpiredEvenBeforeTheTimerActs) {
    Item item = make_item(offered);
    item.expires_at = seconds_ago(1);
    const auto r = check_transition(command(Op::complete), item, user("ann"), kNow);
    EXPECT_EQ(code_of(r), "WI410");
}

TEST(CheckConstraints, SkipNeedsASkippableItem) {
    Item item = make_item(offered);
    const auto r = check_constraints(command(Op::skip), item, user("init"), kNoFacts);
    EXPECT_EQ(code_of(r), "WI460");
    EXPECT_TRUE(mentions(message_of(r), "skippable")) << message_of(r);
    item.skippable = true;
    EXPECT_EQ(code_of(check_constraints(command(Op::skip), item, user("init"), kNoFacts)), "ok");
    // cancel has no such condition.
    item.skippable = false;
    EXPECT_EQ(code_of(check_constraints(command(Op::cancel), item, user("init"), kNoFacts)), "ok");
}

TEST(CheckConstraints, ResolveNeedsAPendingDelegation) {
    Item item = held_item(allocated, "bob");
    item.delegated_from = "ann";
    for (DelegationState ds : {DelegationState::none, DelegationState::resolved}) {
        item.delegation_state = ds;
        const auto r = check_constraints(command(Op::resolve), item, user("bob"), kNoFacts);
        EXPECT_EQ(code_of(r), "WI460") << to_string(ds);
        EXPECT_TRUE(mentions(message_of(r), "not delegated")) << message_of(r);
    }
    item.delegation_state = DelegationState::pending;
    EXPECT_EQ(code_of(check_constraints(command(Op::resolve), item, user("bob"), kNoFacts)), "ok");
}

TEST(CheckConstraints, ExclusionIsReportedBeforeCapacity) {
    const ConstraintFacts full{5, 5, true};
    const auto r = check_constraints(command(Op::claim), make_item(offered), user("eve"), full);
    EXPECT_EQ(code_of(r), "WI460");
    EXPECT_TRUE(mentions(message_of(r), "excluded")) << message_of(r);
}

// ================================ 6. temporal ================================================

TEST(CheckTemporal, HolderWhoseLeaseRanOutIsWI419) {
    Item item = held_item(started, "ann");
    for (Timestamp lease_until : {seconds_ago(1), kNow}) {
        item.lease_until = lease_until;
        for (Operation op : {Op::complete, Op::heartbeat, Op::save_output, Op::stop, Op::fail}) {
            const auto r = check_temporal(command(op), item, user("ann"), kNow);
            EXPECT_EQ(code_of(r), "WI419") << to_string(op);
            EXPECT_TRUE(mentions(message_of(r), format_timestamp(lease_until))) << message_of(r);
        }
    }
}

TEST(CheckTemporal, LiveLeaseOrNoLeasePasses) {
    Item item = held_item(started, "ann");
    item.lease_until = in_seconds(1);
    EXPECT_EQ(code_of(check_temporal(command(Op::complete), item, user("ann"), kNow)), "ok");
    item.lease_until.reset();
    EXPECT_EQ(code_of(check_temporal(command(Op::complete), item, user("ann"), kNow)), "ok");
}

TEST(CheckTemporal, SomeoneElsesRunOutLeaseDoesNotStopAnAdministrator) {
    Item item = held_item(allocated, "ann");
    item.lease_until = seconds_ago(10);
    EXPECT_EQ(code_of(check_temporal(command(Op::release), item, user("admin"), kNow)), "ok");
    EXPECT_EQ(code_of(check_temporal(give(Op::delegate, "bob"), item, user("admin"), kNow)), "ok");
}

TEST(CheckTemporal, ItemPastExpiresAtIsWI410) {
    Item item = make_item(offered);
    for (Timestamp expires_at : {seconds_ago(1), kNow}) {
        item.expires_at = expires_at;
        const auto r = check_temporal(command(Op::claim), item, user("ann"), kNow);
        EXPECT_EQ(code_of(r), "WI410");
        EXPECT_TRUE(mentions(message_of(r), format_timestamp(expires_at))) << message_of(r);
    }
    item.expires_at = in_seconds(1);
    EXPECT_EQ(code_of(check_temporal(command(Op::claim), item, user("ann"), kNow)), "ok");
}

TEST(CheckTemporal, LostLeaseIsReportedBeforeExpiry) {
    Item item = held_item(started, "ann");
    item.lease_until = seconds_ago(5);
    item.expires_at = seconds_ago(5);
    EXPECT_EQ(code_of(check_temporal(command(Op::complete), item, user("ann"), kNow)), "WI419");
    EXPECT_EQ(code_of(check_temporal(command(Op::suspend), item, user("admin"), kNow)), "WI410");
}

TEST(CheckTemporal, TimerAndAdministrativeOperationsAreExempt) {
    Item item = held_item(started, "ann");
    item.lease_until = seconds_ago(5);
    item.expires_at = seconds_ago(5);
    for (Operation op : {Op::activate, Op::expire, Op::escalate, Op::lease_expire, Op::cancel,
                         Op::cancel_workflow, Op::mark_error, Op::skip, Op::update}) {
        EXPECT_EQ(code_of(check_temporal(command(op), item, user("ann"), kNow)), "ok")
            << to_string(op);
    }
}

TEST(CheckTemporal, WorkOperationsAreBoundByTime) {
    Item item = held_item(started, "ann");
    item.expires_at = seconds_ago(5);
    for (Operation op : {Op::claim, Op::claim_next, Op::allocate, Op::start, Op::stop, Op::release,
                         Op::delegate, Op::resolve, Op::forward, Op::suspend, Op::resume,
                         Op::complete, Op::fail, Op::heartbeat, Op::save_output}) {
        EXPECT_EQ(code_of(check_temporal(command(op), item, user("admin"), kNow)), "WI410")
            << to_string(op);
    }
}

// ================================ helpers ====================================================

TEST(Describe, NamesIdStateVersionAndOwner) {
    EXPECT_EQ(describe(make_item(offered)), "item 42 (state offered, version 7)");
    EXPECT_EQ(describe(held_item(started, "ann")), "item 42 (state started, version 7, owner ann)");
}

TEST(FormatTimestamp, IsoUtcToTheSecond) {
    EXPECT_EQ(format_timestamp(from_unix_micros(0)), "1970-01-01T00:00:00Z");
    EXPECT_EQ(format_timestamp(kNow), "2026-05-28T20:26:40Z");
    EXPECT_EQ(format_timestamp(kNow + Microseconds{999'999}), "2026-05-28T20:26:40Z");
    EXPECT_EQ(format_timestamp(from_unix_micros(-1)), "1969-12-31T23:59:59Z");
    EXPECT_EQ(to_unix_micros(from_unix_micros(123456789)), 123456789);
}

TEST(Names, MatchesUsersAndTheActorsGroups) {
    const People people = typical_people();
    EXPECT_TRUE(names(people.potential_owners, user("ann")));
    EXPECT_TRUE(names(people.potential_owners, user("zed", {"x", "approvers"})));
    EXPECT_FALSE(names(people.potential_owners, user("zed", {"x"})));
    EXPECT_FALSE(names(people.potential_owners, user("approvers")));  // a user, not the group
    EXPECT_FALSE(names(Principals{}, user("ann", {"approvers"})));
    EXPECT_TRUE(Principals{}.empty());
    EXPECT_FALSE(people.potential_owners.empty());
}

}  // namespace
}  // namespace workitem::test
