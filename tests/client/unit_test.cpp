// Parts of the client that need no server: the SQLSTATE table, backoff, the circuit breaker,
// timestamps, parameters and array literals.
#include "backoff.hpp"
#include "circuit_breaker.hpp"
#include "decoding.hpp"
#include "parameters.hpp"

#include <workitem/core/errors.hpp>
#include <workitem/workitem.hpp>

#include <gtest/gtest.h>

#include <thread>

namespace workitem {
namespace {

using namespace std::chrono_literals;

TEST(ErrorKinds, EveryExtensionSqlstateHasItsKind) {
    const std::vector<std::pair<std::string, ErrorKind>> table{
        {"WI404", ErrorKind::not_found},
        {"WI422", ErrorKind::invalid_input},
        {"WI409", ErrorKind::state_conflict},
        {"WI412", ErrorKind::version_conflict},
        {"WI423", ErrorKind::already_claimed},
        {"WI403", ErrorKind::not_authorized},
        {"WI460", ErrorKind::constraint_violated},
        {"WI425", ErrorKind::not_active_yet},
        {"WI410", ErrorKind::expired},
        {"WI419", ErrorKind::lease_lost},
        {"WI428", ErrorKind::idempotency_key_reused},
        {"WI461", ErrorKind::denied_by_validator},
        {"WI501", ErrorKind::feature_disabled}};
    for (const auto& [sqlstate, kind] : table) {
        EXPECT_EQ(error_kind_for_sqlstate(sqlstate), kind) << sqlstate;
        EXPECT_FALSE(is_transient(kind)) << sqlstate;
    }
}

TEST(ErrorKinds, PostgresqlTransientClassesAreTransient) {
    for (const char* sqlstate :
         {"08000", "08003", "08006", "08001", "57P01", "57P02", "57P03", ""}) {
        EXPECT_EQ(error_kind_for_sqlstate(sqlstate), ErrorKind::connection_lost) << sqlstate;
    }
    EXPECT_EQ(error_kind_for_sqlstate("40001"), ErrorKind::serialization_failure);
    EXPECT_EQ(error_kind_for_sqlstate("40P01"), ErrorKind::deadlock);
    EXPECT_EQ(error_kind_for_sqlstate("55P03"), ErrorKind::lock_not_available);
    EXPECT_EQ(error_kind_for_sqlstate("57014"), ErrorKind::query_cancelled);
    for (const char* sqlstate : {"08006", "40001", "40P01", "55P03", "57014"}) {
        EXPECT_TRUE(is_transient(error_kind_for_sqlstate(sqlstate))) << sqlstate;
    }
    EXPECT_TRUE(is_transient(ErrorKind::timeout));
    EXPECT_FALSE(is_transient(ErrorKind::in_doubt));
    EXPECT_FALSE(is_transient(ErrorKind::pool_timeout));
}

TEST(ErrorKinds, PassThroughInputErrorsAndTheRest) {
    for (const char* sqlstate : {"22P02", "22021", "22003", "22P05", "22007"}) {
        EXPECT_EQ(error_kind_for_sqlstate(sqlstate), ErrorKind::bad_value) << sqlstate;
    }
    EXPECT_EQ(error_kind_for_sqlstate("42501"), ErrorKind::permission_denied);
    EXPECT_EQ(error_kind_for_sqlstate("42P01"), ErrorKind::database_error);
    EXPECT_EQ(error_kind_for_sqlstate("XX000"), ErrorKind::database_error);
}

// The families, written out here rather than read from the library's table.
const std::vector<std::pair<ErrorKind, ErrorFamily>> expected_families{
    {ErrorKind::not_found, ErrorFamily::not_found},
    {ErrorKind::invalid_input, ErrorFamily::invalid_request},
    {ErrorKind::state_conflict, ErrorFamily::conflict},
    {ErrorKind::version_conflict, ErrorFamily::conflict},
    {ErrorKind::already_claimed, ErrorFamily::conflict},
    {ErrorKind::not_authorized, ErrorFamily::refused},
    {ErrorKind::constraint_violated, ErrorFamily::conflict},
    {ErrorKind::not_active_yet, ErrorFamily::conflict},
    {ErrorKind::expired, ErrorFamily::conflict},
    {ErrorKind::lease_lost, ErrorFamily::conflict},
    {ErrorKind::idempotency_key_reused, ErrorFamily::invalid_request},
    {ErrorKind::denied_by_validator, ErrorFamily::conflict},
    {ErrorKind::feature_disabled, ErrorFamily::unavailable},
    {ErrorKind::bad_value, ErrorFamily::invalid_request},
    {ErrorKind::permission_denied, ErrorFamily::refused},
    {ErrorKind::database_error, ErrorFamily::database_error},
    {ErrorKind::connection_lost, ErrorFamily::connection_lost},
    {ErrorKind::serialization_failure, ErrorFamily::transient},
    {ErrorKind::deadlock, ErrorFamily::transient},
    {ErrorKind::lock_not_available, ErrorFamily::transient},
    {ErrorKind::query_cancelled, ErrorFamily::transient},
    {ErrorKind::timeout, ErrorFamily::transient},
    {ErrorKind::in_doubt, ErrorFamily::in_doubt},
    {ErrorKind::pool_timeout, ErrorFamily::unavailable},
    {ErrorKind::circuit_open, ErrorFamily::unavailable},
    {ErrorKind::invalid_argument, ErrorFamily::invalid_request},
    {ErrorKind::unexpected_result, ErrorFamily::database_error}};

// Which family's class a thrown error is caught as; the most derived first.
std::string caught_as(ErrorKind kind) {
    try {
        throw_error(kind, "message", "SQLST", "detail", "hint");
    } catch (const ConnectionLost& error) {
        EXPECT_TRUE(error.transient());
        return "connection_lost";
    } catch (const TransientError& error) {
        EXPECT_TRUE(error.transient());
        return "transient";
    } catch (const InDoubt&) {
        return "in_doubt";
    } catch (const Conflict&) {
        return "conflict";
    } catch (const NotFound&) {
        return "not_found";
    } catch (const Refused&) {
        return "refused";
    } catch (const InvalidRequest&) {
        return "invalid_request";
    } catch (const Unavailable&) {
        return "unavailable";
    } catch (const DatabaseError&) {
        return "database_error";
    } catch (const Error&) {
        return "plain Error";
    }
    return "nothing";
}

TEST(ErrorFamilies, EveryKindIsThrownAsItsFamilysClass) {
    EXPECT_EQ(expected_families.size(), static_cast<std::size_t>(ErrorKind::unexpected_result) + 1);
    for (const auto& [kind, family] : expected_families) {
        EXPECT_EQ(family_of(kind), family) << to_string(kind);
        EXPECT_EQ(caught_as(kind), to_string(family)) << to_string(kind);
        // Only the transient families are retried, and only they are a TransientError.
        EXPECT_EQ(is_transient(kind),
                  family == ErrorFamily::transient || family == ErrorFamily::connection_lost)
            << to_string(kind);
    }
}

TEST(ErrorFamilies, ThrowErrorKeepsEveryField) {
    try {
        throw_error(Error(ErrorKind::version_conflict, "item 7 is at version 3", "WI412", "item 7",
                          "read it again"));
    } catch (const Conflict& error) {
        EXPECT_EQ(error.kind(), ErrorKind::version_conflict);
        EXPECT_EQ(error.family(), ErrorFamily::conflict);
        EXPECT_EQ(error.sqlstate(), "WI412");
        EXPECT_EQ(error.message(), "item 7 is at version 3");
        EXPECT_EQ(error.detail(), "item 7");
        EXPECT_EQ(error.hint(), "read it again");
        EXPECT_STREQ(error.what(), "WI412: item 7 is at version 3");
    }
}

// The client reads the extension's SQLSTATEs from the core's table: each code is the client
// kind of the same name.
TEST(ErrorKinds, TheExtensionsTableIsTheClients) {
    for (const auto& code : core::error_codes) {
        EXPECT_EQ(to_string(error_kind_for_sqlstate(code.sqlstate)), code.name) << code.sqlstate;
    }
}

TEST(ErrorKinds, NamesAreStable) {
    EXPECT_EQ(to_string(ErrorKind::version_conflict), "version_conflict");
    EXPECT_EQ(to_string(ErrorKind::in_doubt), "in_doubt");
    const Error error(ErrorKind::not_found, "item 7 not found", "WI404", "tenant default",
                      "check it");
    EXPECT_STREQ(error.what(), "WI404: item 7 not found");
    EXPECT_EQ(error.detail(), "tenant default");
    EXPECT_EQ(Error(ErrorKind::pool_timeout, "busy").what(), std::string("pool_timeout: busy"));
}

TEST(Backoff, CeilingDoublesUpToTheCap) {
    const RetryPolicy policy{.max_attempts = 10, .initial_backoff = 50ms, .max_backoff = 1000ms};
    EXPECT_EQ(detail::backoff_ceiling(policy, 1), 50ms);
    EXPECT_EQ(detail::backoff_ceiling(policy, 2), 100ms);
    EXPECT_EQ(detail::backoff_ceiling(policy, 4), 400ms);
    EXPECT_EQ(detail::backoff_ceiling(policy, 6), 1000ms);
    EXPECT_EQ(detail::backoff_ceiling(policy, 60), 1000ms);
}

TEST(Backoff, FullJitterSpreadsOverTheWholeRange) {
    const RetryPolicy policy{.max_attempts = 10, .initial_backoff = 100ms, .max_backoff = 100ms};
    std::chrono::milliseconds smallest{1000}, largest{0};
    for (int i = 0; i < 500; ++i) {
        const auto delay = detail::backoff_delay(policy, 3);
        ASSERT_GE(delay, 0ms);
        ASSERT_LE(delay, 100ms);
        smallest = std::min(smallest, delay);
        largest = std::max(largest, delay);
    }
    EXPECT_LT(smallest, 20ms);
    EXPECT_GT(largest, 80ms);
}

TEST(CircuitBreaker, OpensAfterTheThresholdAndHalfOpensAfterAWhile) {
    const detail::Log log(nullptr);
    detail::CircuitBreaker breaker({.failure_threshold = 2, .open_for = 50ms}, log);
    breaker.admit().database_failed();
    EXPECT_EQ(breaker.position(), detail::CircuitBreaker::Position::closed);
    breaker.admit().database_failed();
    EXPECT_EQ(breaker.position(), detail::CircuitBreaker::Position::open);
    try {
        breaker.admit();
        FAIL() << "an open circuit admitted a call";
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::circuit_open);
    }
    std::this_thread::sleep_for(60ms);
    auto trial = breaker.admit();          // half-open: one trial
    EXPECT_THROW(breaker.admit(), Error);  // ... and only one
    trial.database_failed();
    EXPECT_EQ(breaker.position(), detail::CircuitBreaker::Position::open);
    std::this_thread::sleep_for(60ms);
    breaker.admit().database_answered();
    EXPECT_EQ(breaker.position(), detail::CircuitBreaker::Position::closed);
}

TEST(CircuitBreaker, ATrialWithoutVerdictLetsTheNextCallTry) {
    const detail::Log log(nullptr);
    detail::CircuitBreaker breaker({.failure_threshold = 1, .open_for = 10ms}, log);
    breaker.admit().database_failed();
    std::this_thread::sleep_for(20ms);
    { auto trial = breaker.admit(); }  // e.g. the pool timed out: says nothing about the database
    breaker.admit().database_answered();
    EXPECT_EQ(breaker.position(), detail::CircuitBreaker::Position::closed);
}

TEST(Timestamps, RoundTripThroughIsoText) {
    const Timestamp time = parse_timestamp("2024-05-01T12:34:56.250000Z");
    EXPECT_EQ(format_timestamp(time), "2024-05-01T12:34:56.250000Z");
    EXPECT_EQ(parse_timestamp("2024-05-01 14:34:56.25+02"), time);
    EXPECT_EQ(parse_timestamp("2024-05-01 07:04:56.25-05:30"), time);
    EXPECT_EQ(parse_timestamp("2024-05-01 12:34:56+00"), time - std::chrono::milliseconds(250));
    EXPECT_THROW(parse_timestamp("yesterday"), Error);
    EXPECT_THROW(parse_timestamp("2024-02-30T00:00:00Z"), Error);
    EXPECT_THROW(parse_timestamp("2024-05-01T12:34:56"), Error);
}

TEST(Parameters, ArraysQuoteEveryElement) {
    EXPECT_EQ(detail::bigint_array({1, 2, 3}), "{1,2,3}");
    EXPECT_EQ(detail::optional_bigint_array({1, std::nullopt}), "{1,NULL}");
    EXPECT_FALSE(detail::optional_bigint_array({}));
    EXPECT_EQ(detail::text_array({"a b", "say \"hi\"", "back\\slash"}),
              R"({"a b","say \"hi\"","back\\slash"})");
    EXPECT_EQ(detail::text_array_elements("{claim,start}"),
              (std::vector<std::string>{"claim", "start"}));
    EXPECT_EQ(detail::text_array_elements(R"({"a b","c\"d"})"),
              (std::vector<std::string>{"a b", "c\"d"}));
    EXPECT_TRUE(detail::text_array_elements("{}").empty());
}

TEST(Parameters, AssignmentsBecomeTheDocumentedJson) {
    EXPECT_EQ(detail::assignment_json({}), "{}");
    EXPECT_EQ(
        detail::assignment_json({.users = {"ann"},
                                 .groups = {"ops"},
                                 .excluded_users = {"bob"},
                                 .strategy = "direct",
                                 .four_eyes_with = {"Submit"},
                                 .lease_seconds = 60}),
        R"({"constraints":{"four_eyes_with":["Submit"]},"excluded_owners":{"users":["bob"]},)"
        R"("lease_seconds":60,"potential_owners":{"groups":["ops"],"users":["ann"]},"strategy":"direct"})");
    EXPECT_EQ(detail::assignment_json({.json = R"({"strategy":"offer"})"}),
              R"({"strategy":"offer"})");
    EXPECT_THROW(detail::assignment_json({.users = {"ann"}, .json = "{}"}), Error);
}

TEST(Parameters, IdempotencyKeysAreFreshEachTime) {
    const auto first = generate_idempotency_key();
    EXPECT_EQ(first.size(), 35u);
    EXPECT_NE(first, generate_idempotency_key());
}

}  // namespace
}  // namespace workitem
