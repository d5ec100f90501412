#include "problem.hpp"

#include <workitem/core/errors.hpp>

#include <cctype>

namespace workitem::gateway {

namespace {

// How long a client should wait before trying again after the database was unavailable: long
// enough for a pool slot or a failover, short enough for a person waiting on a page.
constexpr int retry_after_seconds = 1;

struct KindStatus {
    ErrorKind kind;
    int status;
    bool retry_after;
};

// The kinds that are not the extension's own SQLSTATEs (those come from the error table).
constexpr KindStatus other_kinds[] = {
    {ErrorKind::bad_value, 400, false},             // class 22: PostgreSQL refused a value
    {ErrorKind::invalid_argument, 400, false},      // the call cannot be sent as given
    {ErrorKind::permission_denied, 403, false},     // 42501: the login role lacks the grant
    {ErrorKind::connection_lost, 503, true},        // retried by the library, still failing
    {ErrorKind::serialization_failure, 503, true},  // 40001
    {ErrorKind::deadlock, 503, true},               // 40P01
    {ErrorKind::lock_not_available, 503, true},     // 55P03
    {ErrorKind::in_doubt, 503, true},               // repeat with the same Idempotency-Key
    {ErrorKind::pool_timeout, 503, true},           // no connection came free in time
    {ErrorKind::circuit_open, 503, true},           // the breaker toward the database is open
    {ErrorKind::query_cancelled, 504, false},       // 57014: the per-request timeout
    {ErrorKind::timeout, 504, false},               // the client's statement timeout
    {ErrorKind::database_error, 500, false},        // a bug or a misconfiguration
    {ErrorKind::unexpected_result, 500, false},     // an answer the gateway cannot read
};

bool detail_may_be_shown(ErrorKind kind) {
    // These carry the database's or libpq's text, which may quote SQL or server internals.
    return kind != ErrorKind::database_error && kind != ErrorKind::unexpected_result;
}

}  // namespace

Problem make_problem(int status, std::string code, std::string detail) {
    Problem problem;
    problem.status = status;
    problem.title = title_for_code(code);
    problem.code = std::move(code);
    problem.detail = std::move(detail);
    return problem;
}

std::optional<int> status_for_workitem_sqlstate(std::string_view sqlstate) {
    for (const auto& entry : core::error_codes) {
        if (entry.sqlstate == sqlstate) return entry.http_status;
    }
    return std::nullopt;
}

std::string title_for_code(std::string_view code) {
    std::string title(code);
    for (auto& character : title) {
        if (character == '_') character = ' ';
    }
    if (!title.empty()) {
        title[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(title[0])));
    }
    return title;
}

Problem problem_for(const workitem::Error& error) {
    Problem problem;
    problem.code = std::string(to_string(error.kind()));
    problem.title = title_for_code(problem.code);
    problem.sqlstate = error.sqlstate();
    problem.detail =
        error.detail().empty() ? error.message() : error.message() + ": " + error.detail();
    problem.hint = error.hint();
    if (const auto status = status_for_workitem_sqlstate(error.sqlstate())) {
        problem.status = *status;
        return problem;
    }
    problem.status = 500;
    for (const auto& entry : other_kinds) {
        if (entry.kind == error.kind()) {
            problem.status = entry.status;
            if (entry.retry_after) problem.retry_after = retry_after_seconds;
            break;
        }
    }
    if (!detail_may_be_shown(error.kind())) {
        problem.detail =
            "the database answered with an error the gateway does not expect; "
            "its log has the details";
        problem.hint.clear();
    }
    return problem;
}

nlohmann::json to_json(const Problem& problem) {
    nlohmann::json document{{"type", "urn:workitem:problem:" + problem.code},
                            {"title", problem.title},
                            {"status", problem.status},
                            {"code", problem.code}};
    if (!problem.detail.empty()) document["detail"] = problem.detail;
    if (!problem.hint.empty()) document["hint"] = problem.hint;
    if (!problem.sqlstate.empty()) document["sqlstate"] = problem.sqlstate;
    if (!problem.instance.empty()) document["instance"] = problem.instance;
    return document;
}

void throw_problem(int status, std::string code, std::string detail) {
    throw ProblemError(make_problem(status, std::move(code), std::move(detail)));
}

}  // namespace workitem::gateway
