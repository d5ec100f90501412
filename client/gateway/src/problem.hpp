// RFC 9457 problem documents (application/problem+json). A refusal by the database keeps its
// SQLSTATE and gets the HTTP status of the repository's one error table
// (extension/core/include/workitem/core/errors.hpp, docs/domain.md §7); the failures the client
// library decides itself and PostgreSQL's own SQLSTATEs get the statuses of the gateway's
// contract (client/gateway/openapi.yaml, docs/rest.md).
#pragma once

#include <workitem/errors.hpp>

#include <nlohmann/json.hpp>

#include <exception>
#include <optional>
#include <string>

namespace workitem::gateway {

struct Problem {
    int status{500};
    std::string code;  // stable, machine-readable: "not_found", "malformed_json", ...
    std::string title;
    std::string detail;
    std::string hint;
    std::string sqlstate;              // set when the database answered
    std::string instance;              // the request's path
    std::optional<int> retry_after{};  // seconds, for 503
    std::string allow;                 // for 405
    bool invalid_credential{false};    // 401: a credential was sent but refused
};

// A problem the gateway decides itself (malformed request, unknown route...).
Problem make_problem(int status, std::string code, std::string detail);

// The problem an error of libworkitem stands for. Never carries SQL text: the detail of an
// error the gateway does not understand is replaced by a fixed sentence (the full error goes to
// the log).
Problem problem_for(const workitem::Error& error);

// The status an error of this SQLSTATE gets, from the extension's error table, or nullopt when
// the SQLSTATE is not one of the extension's own (class WI).
std::optional<int> status_for_workitem_sqlstate(std::string_view sqlstate);

// "not_found" -> "Not found".
std::string title_for_code(std::string_view code);

nlohmann::json to_json(const Problem& problem);

// Thrown by request handlers for a refusal decided before the database is called.
class ProblemError : public std::exception {
  public:
    explicit ProblemError(Problem problem) : problem_(std::move(problem)) {}
    const Problem& problem() const noexcept { return problem_; }
    const char* what() const noexcept override { return problem_.detail.c_str(); }

  private:
    Problem problem_;
};

[[noreturn]] void throw_problem(int status, std::string code, std::string detail);

}  // namespace workitem::gateway
