#include "metrics.hpp"
#include "request_log.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace workitem::gateway {
namespace {

TEST(GatewayMetrics, CountsRequestsAndTheirLatencyByRouteTemplate) {
    Metrics metrics("1.2.3");
    metrics.record_request("GET", "/api/v1/workitems/{id}", 200, 0.003);
    metrics.record_request("GET", "/api/v1/workitems/{id}", 200, 0.2);
    metrics.record_request("POST", "/api/v1/workitems", 403, 20.0);
    const auto text =
        metrics.render({{"workitem_db_pool_connections", "Pool.", {{"state", "in_use"}}, 2}});
    EXPECT_NE(text.find("# TYPE workitem_http_requests_total counter"), std::string::npos);
    EXPECT_NE(
        text.find(
            R"(workitem_http_requests_total{method="GET",route="/api/v1/workitems/{id}",code="200"} 2)"),
        std::string::npos);
    EXPECT_NE(
        text.find(
            R"(workitem_http_request_duration_seconds_bucket{method="GET",route="/api/v1/workitems/{id}",le="0.005"} 1)"),
        std::string::npos);
    EXPECT_NE(
        text.find(
            R"(workitem_http_request_duration_seconds_bucket{method="GET",route="/api/v1/workitems/{id}",le="0.25"} 2)"),
        std::string::npos);
    EXPECT_NE(
        text.find(
            R"(workitem_http_request_duration_seconds_bucket{method="POST",route="/api/v1/workitems",le="10"} 0)"),
        std::string::npos);
    EXPECT_NE(
        text.find(
            R"(workitem_http_request_duration_seconds_bucket{method="POST",route="/api/v1/workitems",le="+Inf"} 1)"),
        std::string::npos);
    EXPECT_NE(
        text.find(
            R"(workitem_http_request_duration_seconds_count{method="GET",route="/api/v1/workitems/{id}"} 2)"),
        std::string::npos);
    EXPECT_NE(text.find(R"(workitem_db_pool_connections{state="in_use"} 2)"), std::string::npos);
    EXPECT_NE(text.find(R"(workitem_build_info{version="1.2.3"} 1)"), std::string::npos);
}

TEST(GatewayMetrics, CountsTheWaitsForAConnectionInAHistogram) {
    Metrics metrics("1.2.3");
    // Before any wait the histogram is there, empty (Prometheus sees a series from the start).
    auto text = metrics.render({});
    EXPECT_NE(text.find("# TYPE workitem_db_pool_wait_seconds histogram\n"), std::string::npos);
    EXPECT_NE(text.find("workitem_db_pool_wait_seconds_bucket{le=\"+Inf\"} 0\n"), std::string::npos)
        << text;
    // Powers of two: their sum is exact.
    metrics.record_pool_wait(0.00006103515625);
    metrics.record_pool_wait(0.00390625);
    metrics.record_pool_wait(3.0);
    text = metrics.render({});
    EXPECT_NE(text.find("workitem_db_pool_wait_seconds_bucket{le=\"0.0001\"} 1\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("workitem_db_pool_wait_seconds_bucket{le=\"0.0025\"} 1\n"),
              std::string::npos);
    EXPECT_NE(text.find("workitem_db_pool_wait_seconds_bucket{le=\"0.005\"} 2\n"),
              std::string::npos);
    EXPECT_NE(text.find("workitem_db_pool_wait_seconds_bucket{le=\"2.5\"} 2\n"), std::string::npos);
    EXPECT_NE(text.find("workitem_db_pool_wait_seconds_bucket{le=\"+Inf\"} 3\n"),
              std::string::npos);
    EXPECT_NE(text.find("workitem_db_pool_wait_seconds_count 3\n"), std::string::npos);
    EXPECT_NE(text.find("workitem_db_pool_wait_seconds_sum 3.00396728515625\n"), std::string::npos)
        << text;
}

TEST(GatewayMetrics, RendersATotalKeptElsewhereAsACounter) {
    const Metrics metrics("1.2.3");
    const auto text = metrics.render({{.name = "workitem_wakeups_total",
                                       .help = "Wake-ups.",
                                       .labels = {},
                                       .value = 7,
                                       .type = "counter"}});
    EXPECT_NE(text.find("# TYPE workitem_wakeups_total counter\nworkitem_wakeups_total 7\n"),
              std::string::npos)
        << text;
}

TEST(GatewayMetrics, EscapesLabelValues) {
    EXPECT_EQ(escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

TEST(GatewayLog, WritesOneJsonObjectPerLine) {
    std::ostringstream out;
    Log log(out);
    log.request({.method = "POST",
                 .path = "/api/v1/workitems/4/claim",
                 .route = "/api/v1/workitems/{id}/claim",
                 .status = 200,
                 .duration_ms = 1.5,
                 .subject = "ann",
                 .tenant = "acme",
                 .credential = "jwt"});
    log.event("warning", "database WARNING", {{"source", "database"}});
    std::istringstream lines(out.str());
    std::string line;
    std::getline(lines, line);
    const auto request = nlohmann::json::parse(line);
    EXPECT_EQ(request["msg"], "request");
    EXPECT_EQ(request["route"], "/api/v1/workitems/{id}/claim");
    EXPECT_EQ(request["status"], 200);
    EXPECT_EQ(request["subject"], "ann");
    EXPECT_TRUE(request.contains("time"));
    EXPECT_FALSE(request.contains("problem"));
    std::getline(lines, line);
    EXPECT_EQ(nlohmann::json::parse(line)["level"], "warning");
}

}  // namespace
}  // namespace workitem::gateway
