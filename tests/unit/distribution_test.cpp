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

TEST(Strategies, OfferAndDirectAreAvailable) {
    EXPECT_TRUE(is_available(Strategy::offer));
    EXPECT_TRUE(is_available(Strategy::direct));
    EXPECT_FALSE(is_available(Strategy::round_robin));
    EXPECT_FALSE(is_available(Strategy::shortest_queue));
    EXPECT_FALSE(is_available(Strategy::random));
    EXPECT_FALSE(is_available(Strategy::retain_familiar));
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

TEST(Place, KnownButUnavailableStrategyIsWI501) {
    for (std::string_view name : {"round_robin", "shortest_queue", "random", "retain_familiar"}) {
        const auto r = place(name, typical_people());
        EXPECT_EQ(code_of(r), "WI501") << name;
        EXPECT_NE(message_of(r).find(name), std::string::npos) << message_of(r);
        EXPECT_FALSE(r.error().hint.empty());
    }
}

}  // namespace
}  // namespace workitem::test
