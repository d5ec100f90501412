// Errors of libworkitem: one exception type whose kind says what went wrong, derived from the
// SQLSTATE the database answered (domain.md §7) or from what the client itself saw.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace workitem {

enum class ErrorKind {
    // The extension's own SQLSTATEs (class WI): business outcomes, never retried.
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
    // PostgreSQL's own refusals that pass through unchanged, never retried.
    bad_value,          // class 22: invalid text for a type, bad UTF-8, out of range, \u0000
    permission_denied,  // 42501: the login role may not call this function
    database_error,     // any other SQLSTATE (a bug, a misconfiguration)
    // Transient: retried with backoff where the call is safe to send again.
    connection_lost,        // class 08, 57P01-57P03, or a connection that died without a SQLSTATE
    serialization_failure,  // 40001
    deadlock,               // 40P01
    lock_not_available,     // 55P03
    query_cancelled,        // 57014 (the server's statement_timeout, or a cancel request)
    timeout,                // the client's statement_timeout ran out and it cancelled the call
    // Decided by the client without an answer from the database.
    in_doubt,          // the connection dropped while a mutation may have committed
    pool_timeout,      // no connection became free within ClientOptions::acquire_timeout
    circuit_open,      // the circuit breaker refuses calls after repeated connection failures
    invalid_argument,  // the call cannot be sent as given (a client-side usage error)
    unexpected_result  // the database answered in a shape the client does not understand
};

// The stable name of a kind ("not_found", "version_conflict", ...), as the CLI prints it.
std::string_view to_string(ErrorKind kind);

// The kind PostgreSQL's or the extension's SQLSTATE stands for.
ErrorKind error_kind_for_sqlstate(std::string_view sqlstate);

// Whether a failure of this kind may go away by itself, so that sending the call again is useful.
bool is_transient(ErrorKind kind);

class Error : public std::runtime_error {
  public:
    Error(ErrorKind kind, std::string message, std::string sqlstate = {}, std::string detail = {},
          std::string hint = {});

    ErrorKind kind() const noexcept { return kind_; }
    // The SQLSTATE the database answered; empty for errors the client decided itself.
    const std::string& sqlstate() const noexcept { return sqlstate_; }
    // The primary message, without the SQLSTATE (what() is "SQLSTATE: message").
    const std::string& message() const noexcept { return message_; }
    const std::string& detail() const noexcept { return detail_; }
    const std::string& hint() const noexcept { return hint_; }
    bool transient() const noexcept { return is_transient(kind_); }

  private:
    ErrorKind kind_;
    std::string message_;
    std::string sqlstate_;
    std::string detail_;
    std::string hint_;
};

}  // namespace workitem
