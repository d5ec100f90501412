// The transition table against domain.md §2, written out here independently of
// state_machine.cpp: every (state, operation) pair, with and without override.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>

#include "test_support.hpp"

namespace workitem::test {
namespace {

using enum State;
using Op = Operation;

const std::set<State> kActive{created, offered, allocated, started, suspended};
const std::set<State> kHeld{allocated, started};

// domain.md §2, the "from" column. allocate from allocated/started needs override.
const std::map<Operation, std::set<State>>& expected_from() {
    static const std::map<Operation, std::set<State>> table{
        {Op::create, {}},  // no from-state: create makes the item
        {Op::activate, {created}},
        {Op::claim, {offered}},
        {Op::claim_next, {offered}},
        {Op::allocate, {created, offered}},
        {Op::start, {offered, allocated}},
        {Op::stop, {started}},
        {Op::release, {allocated, started}},
        {Op::delegate, {allocated, started}},
        {Op::resolve, {allocated, started}},  // a delegated item is held by the delegate
        {Op::forward, {offered, allocated, started}},
        {Op::suspend, {offered, allocated, started}},
        {Op::resume, {suspended}},
        {Op::complete, {allocated, started}},
        {Op::fail, {allocated, started}},
        {Op::skip, kActive},
        {Op::cancel, kActive},
        {Op::cancel_workflow, kActive},
        {Op::expire, kActive},
        {Op::escalate, kActive},
        {Op::lease_expire, {allocated, started}},
        {Op::mark_error, kActive},
        {Op::heartbeat, {allocated, started}},
        {Op::update, kActive},
        {Op::save_output, {allocated, started}},
    };
    return table;
}

bool domain_allows(Operation op, State from, bool override_owner) {
    if (op == Op::allocate && override_owner && kHeld.contains(from)) return true;
    return expected_from().at(op).contains(from);
}

TEST(ExpectedTable, NamesEveryOperation) {
    EXPECT_EQ(expected_from().size(), all_operations.size());
    for (Operation op : all_operations) EXPECT_TRUE(expected_from().contains(op)) << to_string(op);
}

// ---- every (state, operation, override) triple --------------------------------------------

using Pair = std::tuple<State, Operation, bool>;

class EveryPair : public ::testing::TestWithParam<Pair> {};

TEST_P(EveryPair, FindRuleMatchesDomainTable) {
    const auto [from, op, override_owner] = GetParam();
    const TransitionRule* rule = find_rule(op, from, override_owner);
    if (domain_allows(op, from, override_owner)) {
        ASSERT_NE(rule, nullptr) << "domain.md allows " << to_string(op) << " from "
                                 << to_string(from);
        EXPECT_EQ(rule->op, op);
        EXPECT_TRUE(rule->from.contains(from));
        if (rule->needs_override) {
            EXPECT_TRUE(override_owner);
        }
    } else {
        EXPECT_EQ(rule, nullptr) << "domain.md refuses " << to_string(op) << " from "
                                 << to_string(from);
    }
}

std::string pair_name(const ::testing::TestParamInfo<Pair>& param) {
    const auto [from, op, override_owner] = param.param;
    return std::string(to_string(op)) + "_from_" + std::string(to_string(from)) +
           (override_owner ? "_override" : "");
}

INSTANTIATE_TEST_SUITE_P(AllStatesAllOperations, EveryPair,
                         ::testing::Combine(::testing::ValuesIn(all_states),
                                            ::testing::ValuesIn(all_operations), ::testing::Bool()),
                         pair_name);

// ---- specific rows -------------------------------------------------------------------------

TEST(TransitionTable, AllocateOverAnOwnerNeedsOverride) {
    EXPECT_EQ(find_rule(Op::allocate, allocated, false), nullptr);
    EXPECT_EQ(find_rule(Op::allocate, started, false), nullptr);
    const auto* over_allocated = find_rule(Op::allocate, allocated, true);
    const auto* over_started = find_rule(Op::allocate, started, true);
    ASSERT_NE(over_allocated, nullptr);
    ASSERT_NE(over_started, nullptr);
    EXPECT_TRUE(over_allocated->needs_override);
    EXPECT_TRUE(over_started->needs_override);
    // From created/offered, override is harmless and selects the ordinary row.
    const auto* from_offered = find_rule(Op::allocate, offered, true);
    ASSERT_NE(from_offered, nullptr);
    EXPECT_FALSE(from_offered->needs_override);
}

TEST(TransitionTable, StartFromOfferedIsClaimAndStartSoNeedsAPotentialOwner) {
    const auto* from_offered = find_rule(Op::start, offered);
    const auto* from_allocated = find_rule(Op::start, allocated);
    ASSERT_NE(from_offered, nullptr);
    ASSERT_NE(from_allocated, nullptr);
    EXPECT_TRUE(from_offered->who.has(Role::potential_owner));
    EXPECT_FALSE(from_offered->who.has(Role::actual_owner));
    EXPECT_TRUE(from_allocated->who.has(Role::actual_owner));
    EXPECT_FALSE(from_allocated->who.has(Role::potential_owner));
}

TEST(TransitionTable, CreateHasARowWithNoFromState) {
    const auto table = transition_table();
    const auto create_rows = std::count_if(
        table.begin(), table.end(), [](const TransitionRule& r) { return r.op == Op::create; });
    EXPECT_EQ(create_rows, 1);
    for (const auto& rule : table) {
        if (rule.op == Op::create) {
            EXPECT_TRUE(rule.from.empty());
            EXPECT_EQ(rule.target, Target::by_strategy);
        }
    }
}

TEST(TransitionTable, EveryOperationHasARow) {
    const auto table = transition_table();
    for (Operation op : all_operations) {
        EXPECT_TRUE(std::any_of(table.begin(), table.end(), [op](const TransitionRule& r) {
            return r.op == op;
        })) << to_string(op);
    }
}

TEST(TransitionTable, NoRuleLeavesFromATerminalState) {
    for (const auto& rule : transition_table()) {
        for (State s : all_states) {
            if (is_terminal(s)) {
                EXPECT_FALSE(rule.from.contains(s)) << to_string(rule.op);
            }
        }
    }
}

TEST(TransitionTable, TerminalStatesAllowNothing) {
    for (State s : all_states) {
        if (!is_terminal(s)) continue;
        for (Operation op : all_operations) {
            EXPECT_EQ(find_rule(op, s, false), nullptr)
                << to_string(op) << " from " << to_string(s);
            EXPECT_EQ(find_rule(op, s, true), nullptr) << to_string(op) << " from " << to_string(s);
        }
    }
}

// ---- who may do it (domain.md §2 "who", §6 roles) -------------------------------------------

Roles expected_who(Operation op, State from) {
    using R = Role;
    switch (op) {
        case Op::create:
            return {R::service, R::initiator};
        case Op::activate:
            return {R::system, R::administrator};
        case Op::claim:
        case Op::claim_next:
            return {R::potential_owner};
        case Op::allocate:
            return {R::administrator, R::system};
        case Op::start:
            return from == offered ? Roles{R::potential_owner} : Roles{R::actual_owner};
        case Op::stop:
        case Op::resolve:  // the delegate is the actual owner of a delegated item
        case Op::complete:
        case Op::fail:
        case Op::heartbeat:
        case Op::save_output:
            return {R::actual_owner};
        case Op::release:
        case Op::delegate:
        case Op::suspend:
            return {R::actual_owner, R::administrator};
        case Op::forward:  // the timer too: a deadline's reoffer
        case Op::resume:
            return {R::actual_owner, R::administrator, R::system};
        case Op::skip:
        case Op::update:
            return {R::initiator, R::administrator};
        case Op::cancel:
            return {R::initiator, R::administrator, R::service};
        case Op::cancel_workflow:
            return {R::initiator, R::service};
        case Op::expire:
        case Op::escalate:
        case Op::lease_expire:
            return {R::system};
        case Op::mark_error:
            return {R::service, R::administrator, R::system};
    }
    return {};
}

constexpr Role kAllRoles[] = {Role::potential_owner, Role::actual_owner, Role::initiator,
                              Role::administrator,   Role::service,      Role::system};

TEST(TransitionTable, WhoColumnMatchesDomain) {
    for (Operation op : all_operations) {
        for (State from : all_states) {
            const auto* rule = find_rule(op, from, true);
            if (rule == nullptr) continue;
            const Roles expected = expected_who(op, from);
            for (Role role : kAllRoles) {
                EXPECT_EQ(rule->who.has(role), expected.has(role))
                    << to_string(op) << " from " << to_string(from) << " role "
                    << static_cast<int>(role);
            }
        }
    }
    const auto table = transition_table();
    const auto create_rule = std::find_if(
        table.begin(), table.end(), [](const TransitionRule& r) { return r.op == Op::create; });
    ASSERT_NE(create_rule, table.end());
    for (Role role : kAllRoles) {
        EXPECT_EQ(create_rule->who.has(role), expected_who(Op::create, created).has(role));
    }
}

TEST(TransitionTable, TimerOnlyOperationsAreExactlyThoseOnlyTheTimerMayDo) {
    for (Operation op : all_operations) {
        const bool only_system = op == Op::expire || op == Op::escalate || op == Op::lease_expire;
        EXPECT_EQ(is_timer_only(op), only_system) << to_string(op);
    }
}

// ---- where a transition leads ---------------------------------------------------------------

// domain.md §2, the "to" column: nullopt where the strategy decides.
std::optional<State> expected_to(Operation op, State from, std::optional<State> resume_to) {
    switch (op) {
        case Op::create:
        case Op::activate:
            return std::nullopt;
        case Op::claim:
        case Op::claim_next:
        case Op::allocate:
        case Op::stop:
        case Op::delegate:
        case Op::resolve:
            return allocated;
        case Op::start:
            return started;
        case Op::release:
        case Op::forward:
        case Op::lease_expire:  // decide() refines it to error after too many expiries
            return offered;
        case Op::suspend:
            return suspended;
        case Op::resume:
            return resume_to.value_or(offered);
        case Op::complete:
            return completed;
        case Op::fail:
            return failed;
        case Op::skip:
            return skipped;
        case Op::cancel:
        case Op::cancel_workflow:
            return cancelled;
        case Op::expire:
            return expired;
        case Op::mark_error:
            return error;
        case Op::escalate:
        case Op::heartbeat:
        case Op::update:
        case Op::save_output:
            return from;
    }
    return std::nullopt;
}

TEST(TargetState, EveryAllowedPairLeadsWhereTheDomainSays) {
    for (Operation op : all_operations) {
        for (State from : all_states) {
            const auto* rule = find_rule(op, from, true);
            if (rule == nullptr) continue;
            EXPECT_EQ(target_state(*rule, from, std::nullopt), expected_to(op, from, std::nullopt))
                << to_string(op) << " from " << to_string(from);
        }
    }
}

TEST(TargetState, FixedTargetsIgnoreResumeTo) {
    const auto* complete = find_rule(Op::complete, started);
    ASSERT_NE(complete, nullptr);
    EXPECT_EQ(complete->target, Target::fixed);
    EXPECT_EQ(target_state(*complete, started, allocated), completed);
    const auto* stop = find_rule(Op::stop, started);
    ASSERT_NE(stop, nullptr);
    EXPECT_EQ(target_state(*stop, started, offered), allocated);
}

TEST(TargetState, SameTargetsStayInTheCurrentState) {
    for (Operation op : {Op::escalate, Op::heartbeat, Op::update, Op::save_output}) {
        for (State from : all_states) {
            const auto* rule = find_rule(op, from);
            if (rule == nullptr) continue;
            EXPECT_EQ(rule->target, Target::same) << to_string(op);
            EXPECT_EQ(target_state(*rule, from, std::nullopt), from)
                << to_string(op) << " from " << to_string(from);
        }
    }
    const auto* escalate = find_rule(Op::escalate, suspended);
    ASSERT_NE(escalate, nullptr);
    EXPECT_EQ(target_state(*escalate, suspended, started), suspended);
}

TEST(TargetState, ResumeReturnsToTheRememberedState) {
    const auto* resume = find_rule(Op::resume, suspended);
    ASSERT_NE(resume, nullptr);
    EXPECT_EQ(resume->target, Target::resume_to);
    EXPECT_EQ(target_state(*resume, suspended, offered), offered);
    EXPECT_EQ(target_state(*resume, suspended, allocated), allocated);
    EXPECT_EQ(target_state(*resume, suspended, started), started);
    // Nothing remembered (a row written before resume_to existed): back to the pool.
    EXPECT_EQ(target_state(*resume, suspended, std::nullopt), offered);
}

TEST(TargetState, StrategyDecidesForActivate) {
    const auto* activate = find_rule(Op::activate, created);
    ASSERT_NE(activate, nullptr);
    EXPECT_EQ(activate->target, Target::by_strategy);
    EXPECT_EQ(target_state(*activate, created, std::nullopt), std::nullopt);
}

// ---- states ---------------------------------------------------------------------------------

TEST(States, ActiveAndTerminalAsInDomain) {
    for (State s : all_states) {
        EXPECT_EQ(is_active(s), kActive.contains(s)) << to_string(s);
        EXPECT_EQ(is_terminal(s), !kActive.contains(s)) << to_string(s);
        EXPECT_EQ(active_states.contains(s), kActive.contains(s)) << to_string(s);
    }
}

TEST(States, LabelsRoundTrip) {
    const std::vector<std::pair<State, std::string_view>> labels{
        {created, "created"}, {offered, "offered"},     {allocated, "allocated"},
        {started, "started"}, {suspended, "suspended"}, {completed, "completed"},
        {failed, "failed"},   {error, "error"},         {cancelled, "cancelled"},
        {skipped, "skipped"}, {expired, "expired"},
    };
    ASSERT_EQ(labels.size(), all_states.size());
    for (const auto& [state, label] : labels) {
        EXPECT_EQ(to_string(state), label);
        EXPECT_EQ(parse_state(label), state);
    }
    for (State s : all_states) EXPECT_EQ(parse_state(to_string(s)), s);
}

TEST(States, ParseRejectsUnknownLabels) {
    EXPECT_EQ(parse_state(""), std::nullopt);
    EXPECT_EQ(parse_state("Offered"), std::nullopt);
    EXPECT_EQ(parse_state("offered "), std::nullopt);
    EXPECT_EQ(parse_state("reserved"), std::nullopt);
}

TEST(States, StateSetContainsExactlyItsMembers) {
    const StateSet set{offered, suspended, expired};
    EXPECT_FALSE(set.empty());
    for (State s : all_states) {
        EXPECT_EQ(set.contains(s), s == offered || s == suspended || s == expired);
    }
    EXPECT_TRUE(StateSet{}.empty());
}

TEST(DelegationStates, LabelsRoundTrip) {
    const std::vector<std::pair<DelegationState, std::string_view>> labels{
        {DelegationState::none, "none"},
        {DelegationState::pending, "pending"},
        {DelegationState::resolved, "resolved"},
    };
    for (const auto& [state, label] : labels) {
        EXPECT_EQ(to_string(state), label);
        EXPECT_EQ(parse_delegation_state(label), state);
    }
    EXPECT_EQ(parse_delegation_state(""), std::nullopt);
    EXPECT_EQ(parse_delegation_state("delegated"), std::nullopt);
    EXPECT_EQ(parse_delegation_state("Pending"), std::nullopt);
}

// ---- operations -----------------------------------------------------------------------------

TEST(Operations, NamesRoundTrip) {
    const std::vector<std::pair<Operation, std::string_view>> names{
        {Op::create, "create"},
        {Op::activate, "activate"},
        {Op::claim, "claim"},
        {Op::claim_next, "claim_next"},
        {Op::allocate, "allocate"},
        {Op::start, "start"},
        {Op::stop, "stop"},
        {Op::release, "release"},
        {Op::delegate, "delegate"},
        {Op::resolve, "resolve"},
        {Op::forward, "forward"},
        {Op::suspend, "suspend"},
        {Op::resume, "resume"},
        {Op::complete, "complete"},
        {Op::fail, "fail"},
        {Op::skip, "skip"},
        {Op::cancel, "cancel"},
        {Op::cancel_workflow, "cancel_workflow"},
        {Op::expire, "expire"},
        {Op::escalate, "escalate"},
        {Op::lease_expire, "lease_expire"},
        {Op::mark_error, "mark_error"},
        {Op::heartbeat, "heartbeat"},
        {Op::update, "update"},
        {Op::save_output, "save_output"},
    };
    ASSERT_EQ(names.size(), all_operations.size());
    for (const auto& [op, name] : names) {
        EXPECT_EQ(to_string(op), name);
        EXPECT_EQ(parse_operation(name), op);
    }
    std::set<std::string_view> distinct;
    for (Operation op : all_operations) {
        EXPECT_EQ(parse_operation(to_string(op)), op);
        distinct.insert(to_string(op));
    }
    EXPECT_EQ(distinct.size(), all_operations.size());
}

TEST(Operations, ParseRejectsUnknownNames) {
    EXPECT_EQ(parse_operation(""), std::nullopt);
    EXPECT_EQ(parse_operation("Claim"), std::nullopt);
    EXPECT_EQ(parse_operation("claim-next"), std::nullopt);
    EXPECT_EQ(parse_operation("get"), std::nullopt);
}

TEST(Operations, EveryEventTypeIsInTheWorkitemNamespace) {
    for (Operation op : all_operations) {
        const auto type = event_type(op);
        EXPECT_TRUE(type.starts_with("workitem.")) << to_string(op) << ": " << type;
        EXPECT_GT(type.size(), std::string_view("workitem.").size()) << to_string(op);
    }
}

TEST(Operations, EventTypesAreWhatHappenedToTheItem) {
    // domain.md §8: the event names what happened; a claim is an allocation.
    const std::vector<std::pair<Operation, std::string_view>> expected{
        {Op::create, "workitem.created"},
        {Op::activate, "workitem.offered"},
        {Op::claim, "workitem.allocated"},
        {Op::claim_next, "workitem.allocated"},
        {Op::allocate, "workitem.allocated"},
        {Op::start, "workitem.started"},
        {Op::stop, "workitem.stopped"},
        {Op::release, "workitem.released"},
        {Op::delegate, "workitem.delegated"},
        {Op::resolve, "workitem.resolved"},
        {Op::forward, "workitem.forwarded"},
        {Op::suspend, "workitem.suspended"},
        {Op::resume, "workitem.resumed"},
        {Op::complete, "workitem.completed"},
        {Op::fail, "workitem.failed"},
        {Op::skip, "workitem.skipped"},
        {Op::cancel, "workitem.cancelled"},
        {Op::cancel_workflow, "workitem.cancelled"},
        {Op::expire, "workitem.expired"},
        {Op::escalate, "workitem.escalated"},
        {Op::lease_expire, "workitem.lease_expired"},
        {Op::update, "workitem.updated"},
        {Op::save_output, "workitem.output_saved"},
    };
    for (const auto& [op, type] : expected) EXPECT_EQ(event_type(op), type) << to_string(op);
}

// ---- errors ---------------------------------------------------------------------------------

struct ExpectedError {
    ErrorCode code;
    std::string_view sqlstate;
    int http;
};

// domain.md §7.
constexpr ExpectedError kErrors[] = {
    {ErrorCode::not_found, "WI404", 404},
    {ErrorCode::invalid_input, "WI422", 422},
    {ErrorCode::state_conflict, "WI409", 409},
    {ErrorCode::version_conflict, "WI412", 412},
    {ErrorCode::already_claimed, "WI423", 409},
    {ErrorCode::not_authorized, "WI403", 403},
    {ErrorCode::constraint_violated, "WI460", 409},
    {ErrorCode::not_active_yet, "WI425", 409},
    {ErrorCode::expired, "WI410", 409},
    {ErrorCode::lease_lost, "WI419", 409},
    {ErrorCode::idempotency_key_reused, "WI428", 422},
    {ErrorCode::denied_by_validator, "WI461", 409},
    {ErrorCode::feature_disabled, "WI501", 501},
};

TEST(Errors, EveryCodeHasItsDomainSqlstateAndHttpStatus) {
    EXPECT_EQ(std::size(kErrors), error_codes.size());
    for (const auto& e : kErrors) {
        const auto& row = info(e.code);
        EXPECT_EQ(row.code, e.code) << e.sqlstate;
        EXPECT_EQ(row.sqlstate, e.sqlstate);
        EXPECT_EQ(sqlstate(e.code), e.sqlstate);
        EXPECT_EQ(row.http_status, e.http) << e.sqlstate;
        EXPECT_FALSE(row.name.empty()) << e.sqlstate;
    }
}

TEST(Errors, SqlstatesAreDistinctFiveCharactersInClassWI) {
    std::set<std::string_view> states;
    std::set<std::string_view> names;
    std::set<ErrorCode> codes;
    for (const auto& row : error_codes) {
        EXPECT_EQ(row.sqlstate.size(), 5u) << row.sqlstate;
        EXPECT_TRUE(row.sqlstate.starts_with("WI")) << row.sqlstate;
        EXPECT_TRUE(std::all_of(row.sqlstate.begin(), row.sqlstate.end(), [](char c) {
            return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
        })) << row.sqlstate;
        states.insert(row.sqlstate);
        names.insert(row.name);
        codes.insert(row.code);
    }
    EXPECT_EQ(states.size(), error_codes.size());
    EXPECT_EQ(names.size(), error_codes.size());
    EXPECT_EQ(codes.size(), error_codes.size());
}

}  // namespace
}  // namespace workitem::test
