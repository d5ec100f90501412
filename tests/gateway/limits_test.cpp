// The back-pressure answers of the real gateway process, over loopback: 429 + Retry-After past
// a credential's or a tenant's rate (counted in /metrics), and 503 pool_timeout + Retry-After
// for a request that waited too long for the database.
#include "gateway_process.hpp"

#include <atomic>
#include <future>

namespace workitem::gateway {
namespace {

using namespace process_testing;

class GatewayLimits : public ::testing::Test {
  protected:
    void SetUp() override {
        if (test_dsn() == nullptr) GTEST_SKIP() << "WORKITEM_TEST_DSN is not set: no database";
    }
};

void expect_refusal(const Reply& reply, int status, const std::string& code) {
    EXPECT_EQ(reply.status, status) << reply.body;
    EXPECT_EQ(reply.headers.at("content-type"), "application/problem+json");
    const auto problem = nlohmann::json::parse(reply.body);
    EXPECT_EQ(problem["code"], code) << reply.body;
    ASSERT_TRUE(reply.headers.contains("retry-after")) << reply.body;
    const int seconds = std::stoi(reply.headers.at("retry-after"));
    EXPECT_GE(seconds, 1);
    EXPECT_LE(seconds, 10);
}

TEST_F(GatewayLimits, ACredentialOrATenantOverItsRateGets429WithRetryAfter) {
    // A token every 10 s: nothing refills while the test runs.
    GatewayProcess gateway({"--rate-limit-per-second", "0.1", "--rate-limit-burst", "2",
                            "--tenant-rate-limit-per-second", "0.1", "--tenant-rate-limit-burst",
                            "4"});
    const auto ann = token("ann");
    EXPECT_EQ(gateway.get("/api/v1/workitems/count", ann).status, 200);
    EXPECT_EQ(gateway.get("/openapi.yaml", ann).status, 404);  // counted like any answer
    expect_refusal(gateway.get("/api/v1/workitems/count", ann), 429, "rate_limited");
    // bob has a bucket of his own, but shares acme's: its last two tokens.
    const auto bob = token("bob");
    EXPECT_EQ(gateway.get("/api/v1/workitems/count", bob).status, 200);
    EXPECT_EQ(gateway.get("/api/v1/workitems/count", bob).status, 200);
    const auto refused = gateway.get("/api/v1/workitems/count", token("carol"));
    expect_refusal(refused, 429, "rate_limited");
    EXPECT_NE(nlohmann::json::parse(refused.body)["detail"].get<std::string>().find("tenant"),
              std::string::npos);
    // The probes need no credential and are never limited; another tenant is not held back.
    EXPECT_EQ(gateway.get("/livez").status, 200);
    const auto metrics = gateway.get("/metrics", token("scraper", "reader", "globex"));
    EXPECT_EQ(metrics.status, 200);
    EXPECT_NE(metrics.body.find("# TYPE workitem_rate_limited_total counter"), std::string::npos);
    EXPECT_NE(metrics.body.find("workitem_rate_limited_total{scope=\"credential\"} 1"),
              std::string::npos)
        << metrics.body;
    EXPECT_NE(metrics.body.find("workitem_rate_limited_total{scope=\"tenant\"} 1"),
              std::string::npos);
}

TEST_F(GatewayLimits, ARequestThatWaitsTooLongForTheDatabaseGets503WithRetryAfter) {
    // One database connection, and 1 ms to get it: of 50 requests at once, most wait longer.
    GatewayProcess gateway(
        {"--db-pool-size", "1", "--db-acquire-timeout-ms", "1", "--rate-limit-per-second", "0"});
    const auto boss = token("boss");
    std::vector<std::future<Reply>> replies;
    for (int i = 0; i < 50; ++i) {
        replies.push_back(std::async(
            std::launch::async, [&] { return gateway.get("/api/v1/workitems?limit=100", boss); }));
    }
    // Every answer is the list or the refusal (on a busy machine even the first can be late).
    int refused = 0;
    for (auto& future : replies) {
        const auto reply = future.get();
        if (reply.status == 200) continue;
        ++refused;
        expect_refusal(reply, 503, "pool_timeout");
    }
    EXPECT_GE(refused, 1);
}

}  // namespace
}  // namespace workitem::gateway
