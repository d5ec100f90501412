// The public error contract (domain.md §7): one code per meaning, one SQLSTATE per code.
#pragma once
#include "workitem/core/pure_cpp.hpp"

#include <array>
#include <string>
#include <string_view>

namespace workitem::core {

enum class ErrorCode {
    not_found,               // WI404
    invalid_input,           // WI422
    state_conflict,          // WI409
    version_conflict,        // WI412
    already_claimed,         // WI423
    not_authorized,          // WI403
    constraint_violated,     // WI460
    not_active_yet,          // WI425
    expired,                 // WI410
    lease_lost,              // WI419
    idempotency_key_reused,  // WI428
    denied_by_validator,     // WI461
    feature_disabled,        // WI501
};

struct ErrorCodeInfo {
    ErrorCode code;
    std::string_view sqlstate;
    std::string_view name;
    int http_status;
};

// The single SQLSTATE list of the project. libworkitem reads it from this header
// (client/src/errors.cpp): each name is the name of a client ErrorKind.
inline constexpr std::array<ErrorCodeInfo, 13> error_codes{{
    {ErrorCode::not_found, "WI404", "not_found", 404},
    {ErrorCode::invalid_input, "WI422", "invalid_input", 422},
    {ErrorCode::state_conflict, "WI409", "state_conflict", 409},
    {ErrorCode::version_conflict, "WI412", "version_conflict", 412},
    {ErrorCode::already_claimed, "WI423", "already_claimed", 409},
    {ErrorCode::not_authorized, "WI403", "not_authorized", 403},
    {ErrorCode::constraint_violated, "WI460", "constraint_violated", 409},
    {ErrorCode::not_active_yet, "WI425", "not_active_yet", 409},
    {ErrorCode::expired, "WI410", "expired", 409},
    {ErrorCode::lease_lost, "WI419", "lease_lost", 409},
    {ErrorCode::idempotency_key_reused, "WI428", "idempotency_key_reused", 422},
    {ErrorCode::denied_by_validator, "WI461", "denied_by_validator", 409},
    {ErrorCode::feature_disabled, "WI501", "feature_disabled", 501},
}};

const ErrorCodeInfo& info(ErrorCode code);
inline std::string_view sqlstate(ErrorCode code) {
    return info(code).sqlstate;
}

// What a refused command reports: a message for people, a detail naming the item, a hint.
struct Error {
    ErrorCode code;
    std::string message;
    std::string detail;
    std::string hint;
};

}  // namespace workitem::core
