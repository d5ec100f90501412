// Errors of libworkitem. Every failure is a workitem::Error: its kind() says exactly what went
// wrong, derived from the SQLSTATE the database answered (the table in the README) or from what
// the client itself saw. Each kind belongs to one family, and the error is thrown as that
// family's class, so a caller can catch a whole family (as libpqxx's hierarchy allows):
//
//   Error                  every failure (kind, sqlstate, message, detail, hint)
//   ├── TransientError     may go away by itself: already retried where that was safe
//   │   └── ConnectionLost the connection broke (or could not be opened)
//   ├── InDoubt            the connection broke while a change may have committed
//   ├── Conflict           the item's state, version or owner, or a rule, refuses it now
//   ├── NotFound           no such item (or batch, consumer) that the caller may see
//   ├── Refused            the caller may not do this (WI403, or the login role's grants)
//   ├── InvalidRequest     the request itself is wrong: fix it, do not repeat it
//   ├── Unavailable        the feature is off, no connection came free, the breaker is open
//   └── DatabaseError      anything else the database answered, and answers not understood
#pragma once

#include <workitem/export.hpp>

#include <stdexcept>
#include <string>
#include <string_view>

namespace workitem {

enum class ErrorKind {
    // The extension's own SQLSTATEs (class WI): business outcomes, never retried. The names
    // are those of the extension's error table (extension/core/include/workitem/core/errors.hpp).
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

// The class an error of each kind is thrown as (the most derived one: connection_lost errors
// are ConnectionLost, which is also a TransientError).
enum class ErrorFamily {
    transient,        // TransientError: serialization_failure, deadlock, lock_not_available,
                      // query_cancelled, timeout
    connection_lost,  // ConnectionLost: connection_lost
    in_doubt,         // InDoubt: in_doubt
    conflict,         // Conflict: state_conflict, version_conflict, already_claimed,
                      // constraint_violated, not_active_yet, expired, lease_lost,
                      // denied_by_validator
    not_found,        // NotFound: not_found
    refused,          // Refused: not_authorized, permission_denied
    invalid_request,  // InvalidRequest: invalid_input, idempotency_key_reused, bad_value,
                      // invalid_argument
    unavailable,      // Unavailable: feature_disabled, pool_timeout, circuit_open
    database_error    // DatabaseError: database_error, unexpected_result
};

// The stable name of a kind ("not_found", "version_conflict", ...), as the CLI prints it.
WORKITEM_API std::string_view to_string(ErrorKind kind);
// The stable name of a family ("transient", "conflict", ...).
WORKITEM_API std::string_view to_string(ErrorFamily family);

// The kind PostgreSQL's or the extension's SQLSTATE stands for.
WORKITEM_API ErrorKind error_kind_for_sqlstate(std::string_view sqlstate);

// The family of a kind: the class its errors are thrown as.
WORKITEM_API ErrorFamily family_of(ErrorKind kind);

// Whether a failure of this kind may go away by itself, so that sending the call again is
// useful: the kinds of the transient and connection_lost families (a TransientError).
WORKITEM_API bool is_transient(ErrorKind kind);

class WORKITEM_API Error : public std::runtime_error {
  public:
    Error(ErrorKind kind, std::string message, std::string sqlstate = {}, std::string detail = {},
          std::string hint = {});

    ErrorKind kind() const noexcept { return kind_; }
    ErrorFamily family() const noexcept { return family_of(kind_); }
    // The SQLSTATE the database answered; empty for errors the client decided itself.
    const std::string& sqlstate() const noexcept { return sqlstate_; }
    // The primary message, without the SQLSTATE (what() is "SQLSTATE: message").
    const std::string& message() const noexcept { return message_; }
    const std::string& detail() const noexcept { return detail_; }
    const std::string& hint() const noexcept { return hint_; }
    bool transient() const noexcept { return is_transient(kind_); }
    // Out of line: the class's vtable and type information live in the library (one copy, which
    // every catch in the application matches).
    ~Error() override;

  private:
    ErrorKind kind_;
    std::string message_;
    std::string sqlstate_;
    std::string detail_;
    std::string hint_;
};

// The families. Construct one with a kind of its own family (throw_error picks the class from
// the kind, which is what the library does everywhere it throws).

// May go away by itself. The client already retried it with backoff where the call was safe
// to send again (docs/sdk.md, Retries); what reaches the caller is the last attempt's failure.
class WORKITEM_API TransientError : public Error {
  public:
    using Error::Error;
    ~TransientError() override;
};

// The connection broke, or could not be opened (class 08, 57P01-57P03, or no SQLSTATE).
class WORKITEM_API ConnectionLost : public TransientError {
  public:
    using TransientError::TransientError;
    ~ConnectionLost() override;
};

// The connection broke while a change may have committed: read the item before acting again.
class WORKITEM_API InDoubt : public Error {
  public:
    using Error::Error;
    ~InDoubt() override;
};

// The item's state, version or owner, or a business rule, refuses the call now: read the item
// again and decide again (WI409, WI412, WI423, WI460, WI425, WI410, WI419, WI461).
class WORKITEM_API Conflict : public Error {
  public:
    using Error::Error;
    ~Conflict() override;
};

// No such item, batch or consumer that this caller may see (WI404).
class WORKITEM_API NotFound : public Error {
  public:
    using Error::Error;
    ~NotFound() override;
};

// The caller may not do this: not a potential owner or administrator (WI403), or the login
// role lacks the grant (42501).
class WORKITEM_API Refused : public Error {
  public:
    using Error::Error;
    ~Refused() override;
};

// The request is wrong as sent and will be refused every time: an invalid field (WI422), an
// idempotency key reused for another request (WI428), a value PostgreSQL cannot read (class
// 22), or a call the client cannot send (invalid_argument, a malformed dsn).
class WORKITEM_API InvalidRequest : public Error {
  public:
    using Error::Error;
    ~InvalidRequest() override;
};

// The service cannot serve the call now or here, through no fault of the request: a feature
// switched off (WI501), no pooled connection free in time, the circuit breaker open.
class WORKITEM_API Unavailable : public Error {
  public:
    using Error::Error;
    ~Unavailable() override;
};

// Anything else the database answered (a bug, a misconfiguration, or an error of the
// application's own SQL in Tx::exec), and answers the client does not understand.
class WORKITEM_API DatabaseError : public Error {
  public:
    using Error::Error;
    ~DatabaseError() override;
};

// Throws an error of `kind` as the class of its family: the one place that maps kinds to
// classes, used wherever the library throws. Also for fakes of the client in tests.
[[noreturn]] WORKITEM_API void throw_error(ErrorKind kind, std::string message,
                                           std::string sqlstate = {}, std::string detail = {},
                                           std::string hint = {});
// Throws a copy of `error` as the class of its kind's family.
[[noreturn]] WORKITEM_API void throw_error(const Error& error);

}  // namespace workitem
