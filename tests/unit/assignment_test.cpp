// parse_assignment(): the assignment spec of domain.md §3, accepted or refused naming the field.
#include <string>

#include "workitem/core/assignment.hpp"

#include "test_support.hpp"

namespace workitem::test {
namespace {

const Limits kLimits{};

Limits small_limits() {
    Limits limits;
    limits.max_name_length = 5;
    limits.max_principals = 3;
    limits.max_lease_seconds = 600;
    return limits;
}

// Asserts the text is refused with WI422 and the message names `field`.
void expect_refused(std::string_view json, std::string_view field, const Limits& limits = kLimits) {
    const auto r = parse_assignment(json, limits);
    EXPECT_EQ(code_of(r), "WI422") << json;
    EXPECT_NE(message_of(r).find(field), std::string::npos)
        << json << "\n  message: " << message_of(r) << "\n  should name: " << field;
    if (!r.has_value()) {
        EXPECT_EQ(message_of(r).rfind("invalid assignment: ", 0), 0u) << message_of(r);
        EXPECT_FALSE(r.error().hint.empty());
    }
}

std::string names_array(std::size_t count) {
    std::string out = "[";
    for (std::size_t i = 0; i < count; ++i) {
        if (i > 0) out += ",";
        out += "\"u" + std::to_string(i) + "\"";
    }
    return out + "]";
}

using Names = std::vector<std::string>;

// ---- accepted -------------------------------------------------------------------------------

TEST(ParseAssignment, AcceptsTheDomainExample) {
    const auto r = parse_assignment(R"(
        { "potential_owners": {"users": ["ann"], "groups": ["approvers"]},
          "excluded_owners":  {"users": ["bob"]},
          "administrators":   {"groups": ["ops"]},
          "strategy": "offer",
          "constraints": {"four_eyes_with": ["SubmitExpense"], "retain_familiar": "ReviewStep"},
          "lease_seconds": 900 })",
                                    kLimits);
    ASSERT_EQ(code_of(r), "ok") << message_of(r);
    const AssignmentSpec& spec = r.value();
    EXPECT_EQ(spec.potential_owners.users, Names{"ann"});
    EXPECT_EQ(spec.potential_owners.groups, Names{"approvers"});
    EXPECT_EQ(spec.excluded_owners.users, Names{"bob"});
    EXPECT_TRUE(spec.excluded_owners.groups.empty());
    EXPECT_TRUE(spec.administrators.users.empty());
    EXPECT_EQ(spec.administrators.groups, Names{"ops"});
    EXPECT_EQ(spec.strategy, "offer");
    EXPECT_EQ(spec.four_eyes_with, Names{"SubmitExpense"});
    EXPECT_EQ(spec.retain_familiar, "ReviewStep");
    EXPECT_EQ(spec.lease_seconds, 900);
    EXPECT_EQ(spec.max_lease_expiries, std::nullopt);
}

TEST(ParseAssignment, EmptyObjectMeansOfferToNobodyYet) {
    const auto r = parse_assignment("{}", kLimits);
    ASSERT_EQ(code_of(r), "ok");
    EXPECT_EQ(r->strategy, "offer");
    EXPECT_TRUE(r->potential_owners.users.empty());
    EXPECT_TRUE(r->potential_owners.groups.empty());
    EXPECT_TRUE(r->four_eyes_with.empty());
    EXPECT_EQ(r->retain_familiar, std::nullopt);
    EXPECT_EQ(r->lease_seconds, std::nullopt);
}

TEST(ParseAssignment, AcceptsEveryKnownStrategyName) {
    // Availability (WI501) is the distribution's business, not the parser's.
    for (std::string_view name :
         {"offer", "direct", "round_robin", "shortest_queue", "random", "retain_familiar"}) {
        const auto r = parse_assignment(R"({"strategy": ")" + std::string(name) + R"("})", kLimits);
        ASSERT_EQ(code_of(r), "ok") << name;
        EXPECT_EQ(r->strategy, name);
    }
}

TEST(ParseAssignment, AcceptsMaxLeaseExpiries) {
    const auto r = parse_assignment(R"({"max_lease_expiries": 5})", kLimits);
    ASSERT_EQ(code_of(r), "ok");
    EXPECT_EQ(r->max_lease_expiries, 5);
    EXPECT_EQ(code_of(parse_assignment(R"({"max_lease_expiries": 1000})", kLimits)), "ok");
    EXPECT_EQ(code_of(parse_assignment(R"({"max_lease_expiries": 1})", kLimits)), "ok");
}

TEST(ParseAssignment, KeepsNamesInOrderAndUnicodeIntact) {
    const auto r = parse_assignment(
        R"({"potential_owners": {"users": ["zoë", "ann", "李"], "groups": []}})", kLimits);
    ASSERT_EQ(code_of(r), "ok");
    EXPECT_EQ(r->potential_owners.users, (Names{"zoë", "ann", "李"}));
}

TEST(ParseAssignment, LimitsAreInclusive) {
    const Limits limits = small_limits();
    EXPECT_EQ(code_of(parse_assignment(R"({"potential_owners": {"users": ["abcde"]}})", limits)),
              "ok");
    EXPECT_EQ(code_of(parse_assignment(R"({"potential_owners": {"users": )" + names_array(3) + "}}",
                                       limits)),
              "ok");
    EXPECT_EQ(code_of(parse_assignment(R"({"lease_seconds": 600})", limits)), "ok");
    EXPECT_EQ(code_of(parse_assignment(R"({"lease_seconds": 1})", limits)), "ok");
}

TEST(ViewPeople, MirrorsTheSpec) {
    const auto r = parse_assignment(
        R"({"potential_owners": {"users": ["ann"], "groups": ["g1", "g2"]},
            "excluded_owners": {"groups": ["bad"]}, "administrators": {"users": ["root"]}})",
        kLimits);
    ASSERT_EQ(code_of(r), "ok");
    const People people = view_people(r.value());
    EXPECT_EQ(people.potential_owners.users, std::vector<std::string_view>{"ann"});
    EXPECT_EQ(people.potential_owners.groups, (std::vector<std::string_view>{"g1", "g2"}));
    EXPECT_EQ(people.excluded_owners.groups, std::vector<std::string_view>{"bad"});
    EXPECT_TRUE(people.excluded_owners.users.empty());
    EXPECT_EQ(people.administrators.users, std::vector<std::string_view>{"root"});
    EXPECT_TRUE(names(people.potential_owners, user("x", {"g2"})));
}

// ---- the document ---------------------------------------------------------------------------

TEST(ParseAssignment, RejectsInvalidJson) {
    for (std::string_view text :
         {"", "{", "{\"strategy\": }", "nul", "{'strategy': 'offer'}", "{\"a\": 1,}", "{} {}"}) {
        expect_refused(text, "not valid JSON");
    }
}

TEST(ParseAssignment, RejectsANonObjectDocument) {
    for (std::string_view text : {"[]", "null", "42", "\"offer\"", "true", "[{}]"}) {
        expect_refused(text, "must be a JSON object");
    }
}

TEST(ParseAssignment, RejectsUnknownTopLevelKeys) {
    expect_refused(R"({"owners": {"users": ["ann"]}})", "owners");
    expect_refused(R"({"potential_owners": {}, "Strategy": "offer"})", "Strategy");
    expect_refused(R"({"": 1})", "is not a known key");
}

TEST(ParseAssignment, DeeplyNestedInputIsRefusedNotACrash) {
    const std::size_t depth = 100000;
    const std::string nested =
        R"({"constraints": {"x": )" + std::string(depth, '[') + std::string(depth, ']') + "}}";
    // Refused before the JSON library sees it (its copies and writes recurse), by size here.
    expect_refused(nested, "document");
    expect_refused(std::string(depth, '['), "document");
}

// ---- principals -----------------------------------------------------------------------------

TEST(ParseAssignment, PrincipalsMustBeObjects) {
    for (std::string_view part : {"potential_owners", "excluded_owners", "administrators"}) {
        const std::string key(part);
        expect_refused(R"({")" + key + R"(": ["ann"]})", key);
        expect_refused(R"({")" + key + R"(": "ann"})", key);
        expect_refused(R"({")" + key + R"(": null})", key);
    }
}

TEST(ParseAssignment, RejectsUnknownKeysInsidePrincipals) {
    for (std::string_view part : {"potential_owners", "excluded_owners", "administrators"}) {
        const std::string key(part);
        expect_refused(R"({")" + key + R"(": {"roles": ["x"]}})", key + ".roles");
        expect_refused(R"({")" + key + R"(": {"user": ["ann"]}})", key + ".user");
    }
}

TEST(ParseAssignment, UsersAndGroupsMustBeArraysOfStrings) {
    for (std::string_view list : {"users", "groups"}) {
        const std::string field = "potential_owners." + std::string(list);
        const std::string prefix = R"({"potential_owners": {")" + std::string(list) + R"(": )";
        expect_refused(prefix + R"("ann"}})", field);
        expect_refused(prefix + R"({"ann": true}}})", field);
        expect_refused(prefix + R"(null}})", field);
        expect_refused(prefix + R"([1]}})", field);
        expect_refused(prefix + R"(["ann", null]}})", field);
        expect_refused(prefix + R"([["ann"]]}})", field);
        expect_refused(prefix + R"([{"id": "ann"}]}})", field);
    }
}

TEST(ParseAssignment, RejectsEmptyNames) {
    expect_refused(R"({"potential_owners": {"users": [""]}})", "potential_owners.users");
    expect_refused(R"({"excluded_owners": {"groups": ["ok", ""]}})", "excluded_owners.groups");
    expect_refused(R"({"administrators": {"users": [""]}})", "empty name");
}

TEST(ParseAssignment, RejectsOverLongNames) {
    const Limits limits = small_limits();
    expect_refused(R"({"potential_owners": {"users": ["abcdef"]}})", "potential_owners.users",
                   limits);
    expect_refused(R"({"administrators": {"groups": ["abcdef"]}})", "administrators.groups",
                   limits);
    expect_refused(R"({"constraints": {"four_eyes_with": ["abcdef"]}})",
                   "constraints.four_eyes_with", limits);
    // The default limit is 1000 bytes.
    const std::string long_name(1001, 'n');
    expect_refused(R"({"potential_owners": {"users": [")" + long_name + R"("]}})",
                   "longer than 1000");
    EXPECT_EQ(
        code_of(parse_assignment(
            R"({"potential_owners": {"users": [")" + std::string(1000, 'n') + R"("]}})", kLimits)),
        "ok");
}

TEST(ParseAssignment, RejectsTooManyPrincipalsInOneList) {
    const Limits limits = small_limits();
    expect_refused(R"({"potential_owners": {"users": )" + names_array(4) + "}}",
                   "potential_owners.users", limits);
    expect_refused(R"({"excluded_owners": {"groups": )" + names_array(4) + "}}",
                   "excluded_owners.groups", limits);
}

// limits.hpp: max_principals counts "users + groups named in one assignment part".
TEST(ParseAssignment, RejectsTooManyPrincipalsInOnePart) {
    const Limits limits = small_limits();  // at most 3
    expect_refused(R"({"potential_owners": {"users": )" + names_array(2) + R"(, "groups": )" +
                       names_array(2) + "}}",
                   "potential_owners", limits);
}

// ---- strategy -------------------------------------------------------------------------------

TEST(ParseAssignment, StrategyMustBeAString) {
    for (std::string_view value : {"5", "null", "[\"offer\"]", "{}", "true"}) {
        expect_refused(R"({"strategy": )" + std::string(value) + "}", "strategy");
    }
}

TEST(ParseAssignment, StrategyMustBeKnown) {
    expect_refused(R"({"strategy": "lottery"})", "strategy");
    expect_refused(R"({"strategy": "lottery"})", "'lottery' is not a known strategy");
    expect_refused(R"({"strategy": "Offer"})", "strategy");
    expect_refused(R"({"strategy": ""})", "strategy");
}

TEST(ParseAssignment, RegisteredCustomStrategyIsAccepted) {
    const std::vector<std::string_view> registered{"by_skill"};
    const auto r = parse_assignment(R"({"strategy": "by_skill"})", Limits{}, registered);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->strategy, "by_skill");
    EXPECT_FALSE(parse_assignment(R"({"strategy": "by_skill"})", Limits{}).has_value());
}

TEST(ParseAssignment, LongUnknownStrategyIsQuotedShort) {
    const std::string name(5000, 's');
    const auto r = parse_assignment(R"({"strategy": ")" + name + R"("})", kLimits);
    ASSERT_EQ(code_of(r), "WI422");
    EXPECT_LT(message_of(r).size(), 300u);
}

// ---- lease_seconds / max_lease_expiries -----------------------------------------------------

TEST(ParseAssignment, LeaseSecondsMustBeAnInteger) {
    for (std::string_view value : {"\"900\"", "900.5", "9e2", "true", "null", "[900]"}) {
        expect_refused(R"({"lease_seconds": )" + std::string(value) + "}", "lease_seconds");
        expect_refused(R"({"lease_seconds": )" + std::string(value) + "}", "must be an integer");
    }
}

TEST(ParseAssignment, LeaseSecondsMustBeInRange) {
    const Limits limits = small_limits();
    for (std::string_view value :
         {"0", "-1", "601", "2147483648", "9223372036854775807", "9223372036854775808",
          "18446744073709551615", "-9223372036854775808"}) {
        expect_refused(R"({"lease_seconds": )" + std::string(value) + "}", "lease_seconds", limits);
    }
    expect_refused(R"({"lease_seconds": 0})", "between 1 and 600", limits);
    // Beyond every integer type: parsed as a float, so not an integer.
    expect_refused(R"({"lease_seconds": 100000000000000000000000})", "lease_seconds", limits);
    // The default maximum is a year and a day.
    EXPECT_EQ(code_of(parse_assignment(R"({"lease_seconds": 31622400})", kLimits)), "ok");
    expect_refused(R"({"lease_seconds": 31622401})", "lease_seconds");
}

TEST(ParseAssignment, MaxLeaseExpiriesMustBeAPositiveIntegerUpTo1000) {
    for (std::string_view value : {"0", "-3", "1001", "\"3\"", "2.5", "null"}) {
        expect_refused(R"({"max_lease_expiries": )" + std::string(value) + "}",
                       "max_lease_expiries");
    }
}

// ---- constraints ----------------------------------------------------------------------------

TEST(ParseAssignment, ConstraintsMustBeAnObject) {
    expect_refused(R"({"constraints": []})", "constraints");
    expect_refused(R"({"constraints": "four_eyes"})", "constraints");
}

TEST(ParseAssignment, RejectsUnknownConstraints) {
    expect_refused(R"({"constraints": {"four_eyes": ["A"]}})", "constraints.four_eyes");
    expect_refused(R"({"constraints": {"capacity": 3}})", "constraints.capacity");
}

TEST(ParseAssignment, FourEyesWithIsAListOfTaskNames) {
    expect_refused(R"({"constraints": {"four_eyes_with": "SubmitExpense"}})",
                   "constraints.four_eyes_with");
    expect_refused(R"({"constraints": {"four_eyes_with": [1]}})", "constraints.four_eyes_with");
    expect_refused(R"({"constraints": {"four_eyes_with": [""]}})", "constraints.four_eyes_with");
    const auto r = parse_assignment(R"({"constraints": {"four_eyes_with": ["A", "B"]}})", kLimits);
    ASSERT_EQ(code_of(r), "ok");
    EXPECT_EQ(r->four_eyes_with, (Names{"A", "B"}));
}

TEST(ParseAssignment, RetainFamiliarIsAStepName) {
    for (std::string_view value : {"\"\"", "1", "null", "[\"ReviewStep\"]"}) {
        expect_refused(R"({"constraints": {"retain_familiar": )" + std::string(value) + "}}",
                       "constraints.retain_familiar");
    }
}

TEST(ParseAssignment, ANestedRefusalStopsTheParse) {
    // A bad part after good ones is still refused (no partial acceptance).
    expect_refused(
        R"({"potential_owners": {"users": ["ann"]}, "strategy": "offer",
            "administrators": {"users": [7]}})",
        "administrators.users");
}

}  // namespace
}  // namespace workitem::test
