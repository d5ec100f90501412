// Distribution strategies (domain.md §3): names, availability, and where place() puts an item.
#include <string>

#include "test_support.hpp"

namespace workitem::test {
namespace {

using enum State;

TEST(Strategies, NamesRoundTrip) {
    const std::vector<std::pair<Strategy, std::string_view>> names{
        {Strategy::offer, "offer"},
        {Strategy::direct, "direct"},
        {Strategy::round_robin, "round_robin"},
        {Strategy::shortest_queue, "shortest_queue"},
        {Strategy::random, "random"},
        {Strategy::retain_familiar, "retain_familiar"},
    };
    for (const auto& [strategy, name] : names) {
        EXPECT_EQ(to_string(strategy), name);
        EXPECT_EQ(parse_strategy(name), strategy);
    }
    EXPECT_EQ(parse_strategy(""), std::nullopt);
    EXPECT_EQ(parse_strategy("Offer"), std::nullopt);
    EXPECT_EQ(parse_strategy("custom"), std::nullopt);
}

TEST(Strategies, PushStrategiesAreTheOnesThatChooseAnOwner) {
    EXPECT_FALSE(pushes(Strategy::offer));
    EXPECT_FALSE(pushes(Strategy::direct));
    EXPECT_TRUE(pushes(Strategy::round_robin));
    EXPECT_TRUE(pushes(Strategy::shortest_queue));
    EXPECT_TRUE(pushes(Strategy::random));
    EXPECT_TRUE(pushes(Strategy::retain_familiar));
}

TEST(Place, OfferOffersToEveryone) {
    const auto r = place("offer", typical_people());
    ASSERT_EQ(code_of(r), "ok");
    EXPECT_EQ(r->state, offered);
    EXPECT_EQ(r->owner, std::nullopt);
    // Even with nobody named yet: an administrator can forward or allocate later.
    EXPECT_EQ(code_of(place("offer", People{})), "ok");
}

TEST(Place, DirectAllocatesToTheOneUser) {
    People people;
    people.potential_owners.users = {"ann"};
    people.administrators.groups = {"ops"};
    people.excluded_owners.users = {"bob"};
    const auto r = place("direct", people);
    ASSERT_EQ(code_of(r), "ok");
    EXPECT_EQ(r->state, allocated);
    EXPECT_EQ(r->owner, "ann");
    // A view into the people passed in.
    EXPECT_EQ(r->owner->data(), people.potential_owners.users.front().data());
}

TEST(Place, DirectRefusesAnythingButExactlyOneUser) {
    People none;
    People two;
    two.potential_owners.users = {"ann", "bob"};
    People with_group;
    with_group.potential_owners.users = {"ann"};
    with_group.potential_owners.groups = {"g"};
    People only_group;
    only_group.potential_owners.groups = {"g"};
    for (const People& people : {none, two, with_group, only_group}) {
        const auto r = place("direct", people);
        EXPECT_EQ(code_of(r), "WI422");
        EXPECT_NE(message_of(r).find("potential_owners.users"), std::string::npos) << message_of(r);
    }
}

TEST(Place, DirectRefusesAnExcludedOwner) {
    People people;
    people.potential_owners.users = {"ann"};
    people.excluded_owners.users = {"ann"};
    const auto r = place("direct", people);
    EXPECT_EQ(code_of(r), "WI422");
    EXPECT_NE(message_of(r).find("ann"), std::string::npos) << message_of(r);
}

TEST(Place, UnknownStrategyIsWI422) {
    const auto r = place("lottery", typical_people());
    EXPECT_EQ(code_of(r), "WI422");
    EXPECT_NE(message_of(r).find("lottery"), std::string::npos) << message_of(r);
    EXPECT_EQ(code_of(place("", typical_people())), "WI422");
}

DistributionFacts three_users() {
    DistributionFacts facts;
    facts.eligible = {{"ann", 3}, {"bob", 1}, {"cy", 1}};
    return facts;
}

TEST(Place, PushWithNobodyEligibleOffersTheItem) {
    for (std::string_view name : {"round_robin", "shortest_queue", "random", "retain_familiar"}) {
        const auto r = place(name, typical_people());
        ASSERT_EQ(code_of(r), "ok") << name;
        EXPECT_EQ(r->state, offered) << name;
        EXPECT_EQ(r->owner, std::nullopt) << name;
    }
}

TEST(Place, RoundRobinTakesTheNextUserAfterTheLastAndWraps) {
    DistributionFacts facts = three_users();
    EXPECT_EQ(place("round_robin", typical_people(), facts)->owner, "ann");  // no cursor yet
    facts.last_assigned = "ann";
    EXPECT_EQ(place("round_robin", typical_people(), facts)->owner, "bob");
    facts.last_assigned = "bob";
    EXPECT_EQ(place("round_robin", typical_people(), facts)->owner, "cy");
    facts.last_assigned = "cy";
    EXPECT_EQ(place("round_robin", typical_people(), facts)->owner, "ann");
    facts.last_assigned = "bz";  // the last one left the set: the next in order still follows
    EXPECT_EQ(place("round_robin", typical_people(), facts)->owner, "cy");
}

TEST(Place, ShortestQueueTakesTheFewestHeldFirstInOrderOnTies) {
    EXPECT_EQ(place("shortest_queue", typical_people(), three_users())->owner, "bob");
}

TEST(Place, RandomUsesTheDrawAcrossTheEligible) {
    DistributionFacts facts = three_users();
    for (std::uint64_t draw : {0u, 1u, 2u, 3u}) {
        facts.random_draw = draw;
        EXPECT_EQ(place("random", typical_people(), facts)->owner, facts.eligible[draw % 3].user);
    }
}

TEST(Place, RetainFamiliarAllocatesToTheFamiliarUserOnlyIfEligible) {
    DistributionFacts facts = three_users();
    facts.familiar_user = "cy";
    EXPECT_EQ(place("retain_familiar", typical_people(), facts)->owner, "cy");
    facts.familiar_user = "dan";  // away, at capacity or not a potential owner
    const auto r = place("retain_familiar", typical_people(), facts);
    EXPECT_EQ(r->state, offered);
}

TEST(Place, CustomStrategyTakesItsChoiceOnlyIfEligible) {
    const std::vector<std::string_view> registered{"by_skill"};
    DistributionFacts facts = three_users();
    facts.custom_choice = "bob";
    const auto chosen = place("by_skill", typical_people(), facts, registered);
    ASSERT_EQ(code_of(chosen), "ok");
    EXPECT_EQ(chosen->state, allocated);
    EXPECT_EQ(chosen->owner, "bob");
    facts.custom_choice = "mallory";  // not eligible: offered instead
    EXPECT_EQ(place("by_skill", typical_people(), facts, registered)->state, offered);
    facts.custom_choice.reset();  // no answer: offered
    EXPECT_EQ(place("by_skill", typical_people(), facts, registered)->state, offered);
    // Not registered: an unknown strategy.
    EXPECT_EQ(code_of(place("by_skill", typical_people(), facts)), "WI422");
}

}  // namespace
}  // namespace workitem::test
