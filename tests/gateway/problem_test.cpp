// Problem documents: every SQLSTATE of the extension's table gets its status from that table,
// and the client's own kinds and PostgreSQL's SQLSTATEs get the contract's.
#include "problem.hpp"

#include <workitem/core/errors.hpp>
#include <workitem/errors.hpp>

#include <gtest/gtest.h>

namespace workitem::gateway {
namespace {

Problem problem_of(const std::string& sqlstate, ErrorKind kind) {
    return problem_for(
        workitem::Error(kind, "message", sqlstate, "item 42 (state offered)", "a hint"));
}

TEST(GatewayProblem, EverySqlstateOfTheErrorTableGetsItsStatus) {
    ASSERT_FALSE(core::error_codes.empty());
    for (const auto& entry : core::error_codes) {
        const std::string sqlstate(entry.sqlstate);
        const auto problem = problem_of(sqlstate, workitem::error_kind_for_sqlstate(sqlstate));
        EXPECT_EQ(problem.status, entry.http_status) << sqlstate;
        EXPECT_EQ(problem.code, entry.name) << sqlstate;
        EXPECT_EQ(problem.sqlstate, sqlstate);
        EXPECT_EQ(problem.hint, "a hint");
        EXPECT_EQ(problem.detail, "message: item 42 (state offered)");
        const auto document = to_json(problem);
        EXPECT_EQ(document["type"], "urn:workitem:problem:" + std::string(entry.name));
        EXPECT_EQ(document["status"], entry.http_status);
        EXPECT_EQ(document["sqlstate"], sqlstate);
        EXPECT_FALSE(problem.retry_after.has_value()) << sqlstate;
    }
}

TEST(GatewayProblem, TheTableDecidesEvenWhereTheStatusIsNotTheCodeNumber) {
    EXPECT_EQ(problem_of("WI423", ErrorKind::already_claimed).status, 409);
    EXPECT_EQ(problem_of("WI428", ErrorKind::idempotency_key_reused).status, 422);
    EXPECT_EQ(status_for_workitem_sqlstate("WI404"), 404);
    EXPECT_EQ(status_for_workitem_sqlstate("22P02"), std::nullopt);
}

struct PostgresCase {
    const char* sqlstate;
    int status;
    bool retry_after;
};

TEST(GatewayProblem, PostgresSqlstatesGetTheContractsStatus) {
    const PostgresCase cases[] = {
        {"22P02", 400, false}, {"22021", 400, false}, {"22003", 400, false}, {"22P05", 400, false},
        {"42501", 403, false}, {"40001", 503, true},  {"40P01", 503, true},  {"55P03", 503, true},
        {"08006", 503, true},  {"57P01", 503, true},  {"57014", 504, false}, {"XX000", 500, false},
        {"42883", 500, false},
    };
    for (const auto& entry : cases) {
        const auto problem =
            problem_of(entry.sqlstate, workitem::error_kind_for_sqlstate(entry.sqlstate));
        EXPECT_EQ(problem.status, entry.status) << entry.sqlstate;
        EXPECT_EQ(problem.retry_after.has_value(), entry.retry_after) << entry.sqlstate;
        EXPECT_EQ(problem.sqlstate, entry.sqlstate);
    }
}

TEST(GatewayProblem, ClientDecidedKindsGetTheContractsStatus) {
    EXPECT_EQ(problem_of("", ErrorKind::pool_timeout).status, 503);
    EXPECT_TRUE(problem_of("", ErrorKind::pool_timeout).retry_after.has_value());
    EXPECT_EQ(problem_of("", ErrorKind::circuit_open).status, 503);
    EXPECT_EQ(problem_of("", ErrorKind::in_doubt).status, 503);
    EXPECT_EQ(problem_of("", ErrorKind::in_doubt).code, "in_doubt");
    EXPECT_EQ(problem_of("", ErrorKind::timeout).status, 504);
    EXPECT_EQ(problem_of("", ErrorKind::invalid_argument).status, 400);
    EXPECT_EQ(problem_of("", ErrorKind::unexpected_result).status, 500);
}

TEST(GatewayProblem, UnexpectedDatabaseErrorsShowNoDatabaseText) {
    const auto problem = problem_for(workitem::Error(
        ErrorKind::database_error, "syntax error at or near \"SELEC\"", "42601", "SELEC 1", "x"));
    EXPECT_EQ(problem.status, 500);
    EXPECT_EQ(problem.detail.find("SELEC"), std::string::npos);
    EXPECT_TRUE(problem.hint.empty());
}

TEST(GatewayProblem, GatewayProblemsHaveNoSqlstate) {
    const auto problem = make_problem(415, "unsupported_media_type", "send JSON");
    EXPECT_EQ(problem.title, "Unsupported media type");
    const auto document = to_json(problem);
    EXPECT_FALSE(document.contains("sqlstate"));
    EXPECT_EQ(document["code"], "unsupported_media_type");
    EXPECT_EQ(document["detail"], "send JSON");
}

}  // namespace
}  // namespace workitem::gateway
