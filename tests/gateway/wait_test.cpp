// The long poll's pure parts: the contract's Wait form and the idempotency key of each look.
#include "long_poll.hpp"

#include <gtest/gtest.h>

namespace workitem::gateway {
namespace {

using std::chrono::milliseconds;

TEST(GatewayWait, ReadsTheContractsForm) {
    EXPECT_EQ(parse_wait("0"), milliseconds(0));
    EXPECT_EQ(parse_wait("0ms"), milliseconds(0));
    EXPECT_EQ(parse_wait("30"), milliseconds(30000));
    EXPECT_EQ(parse_wait("30s"), milliseconds(30000));
    EXPECT_EQ(parse_wait("500ms"), milliseconds(500));
    EXPECT_EQ(parse_wait("2m"), milliseconds(120000));
    EXPECT_EQ(parse_wait("999999ms"), milliseconds(999999));
    for (const char* refused :
         {"", "s", "-1", "+1", " 1", "1 ", "05", "1h", "1.5s", "1m30s", "1000000", "30S", "ms"}) {
        EXPECT_FALSE(parse_wait(refused).has_value()) << refused;
    }
}

TEST(GatewayWait, LooksAfterTheFirstCarryTheirNumberInTheKey) {
    EXPECT_EQ(look_key(std::string("take-19"), 1), "take-19");
    EXPECT_EQ(look_key(std::string("take-19"), 2), "take-19#2");
    EXPECT_EQ(look_key(std::string("take-19"), 12), "take-19#12");
    EXPECT_FALSE(look_key(std::nullopt, 3).has_value());
}

}  // namespace
}  // namespace workitem::gateway
