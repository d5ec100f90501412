// The one table from SQLSTATE to error kind, and the Error type.
#include <workitem/errors.hpp>

#include <array>
#include <utility>

namespace workitem {
namespace {

struct KindName {
    ErrorKind kind;
    std::string_view name;
};

constexpr std::array kind_names{
    KindName{ErrorKind::not_found, "not_found"},
    KindName{ErrorKind::invalid_input, "invalid_input"},
    KindName{ErrorKind::state_conflict, "state_conflict"},
    KindName{ErrorKind::version_conflict, "version_conflict"},
    KindName{ErrorKind::already_claimed, "already_claimed"},
    KindName{ErrorKind::not_authorized, "not_authorized"},
    KindName{ErrorKind::constraint_violated, "constraint_violated"},
    KindName{ErrorKind::not_active_yet, "not_active_yet"},
    KindName{ErrorKind::expired, "expired"},
    KindName{ErrorKind::lease_lost, "lease_lost"},
    KindName{ErrorKind::idempotency_key_reused, "idempotency_key_reused"},
    KindName{ErrorKind::denied_by_validator, "denied_by_validator"},
    KindName{ErrorKind::feature_disabled, "feature_disabled"},
    KindName{ErrorKind::bad_value, "bad_value"},
    KindName{ErrorKind::permission_denied, "permission_denied"},
    KindName{ErrorKind::database_error, "database_error"},
    KindName{ErrorKind::connection_lost, "connection_lost"},
    KindName{ErrorKind::serialization_failure, "serialization_failure"},
    KindName{ErrorKind::deadlock, "deadlock"},
    KindName{ErrorKind::lock_not_available, "lock_not_available"},
    KindName{ErrorKind::query_cancelled, "query_cancelled"},
    KindName{ErrorKind::timeout, "timeout"},
    KindName{ErrorKind::in_doubt, "in_doubt"},
    KindName{ErrorKind::pool_timeout, "pool_timeout"},
    KindName{ErrorKind::circuit_open, "circuit_open"},
    KindName{ErrorKind::invalid_argument, "invalid_argument"},
    KindName{ErrorKind::unexpected_result, "unexpected_result"},
};

struct SqlstateKind {
    std::string_view sqlstate;
    ErrorKind kind;
};

// Exact codes first; classes (08, 22) are decided after this table.
constexpr std::array exact_sqlstates{
    SqlstateKind{"WI404", ErrorKind::not_found},
    SqlstateKind{"WI422", ErrorKind::invalid_input},
    SqlstateKind{"WI409", ErrorKind::state_conflict},
    SqlstateKind{"WI412", ErrorKind::version_conflict},
    SqlstateKind{"WI423", ErrorKind::already_claimed},
    SqlstateKind{"WI403", ErrorKind::not_authorized},
    SqlstateKind{"WI460", ErrorKind::constraint_violated},
    SqlstateKind{"WI425", ErrorKind::not_active_yet},
    SqlstateKind{"WI410", ErrorKind::expired},
    SqlstateKind{"WI419", ErrorKind::lease_lost},
    SqlstateKind{"WI428", ErrorKind::idempotency_key_reused},
    SqlstateKind{"WI461", ErrorKind::denied_by_validator},
    SqlstateKind{"WI501", ErrorKind::feature_disabled},
    SqlstateKind{"40001", ErrorKind::serialization_failure},
    SqlstateKind{"40P01", ErrorKind::deadlock},
    SqlstateKind{"55P03", ErrorKind::lock_not_available},
    SqlstateKind{"57014", ErrorKind::query_cancelled},
    // The server going away: admin_shutdown, crash_shutdown, cannot_connect_now.
    SqlstateKind{"57P01", ErrorKind::connection_lost},
    SqlstateKind{"57P02", ErrorKind::connection_lost},
    SqlstateKind{"57P03", ErrorKind::connection_lost},
    SqlstateKind{"42501", ErrorKind::permission_denied},
};

}  // namespace

std::string_view to_string(ErrorKind kind) {
    for (const auto& entry : kind_names) {
        if (entry.kind == kind) return entry.name;
    }
    return "unknown";
}

ErrorKind error_kind_for_sqlstate(std::string_view sqlstate) {
    for (const auto& entry : exact_sqlstates) {
        if (entry.sqlstate == sqlstate) return entry.kind;
    }
    // libpq reports a connection that died without an answer with no SQLSTATE at all.
    if (sqlstate.empty() || sqlstate.starts_with("08")) return ErrorKind::connection_lost;
    if (sqlstate.starts_with("22")) return ErrorKind::bad_value;
    return ErrorKind::database_error;
}

bool is_transient(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::connection_lost:
        case ErrorKind::serialization_failure:
        case ErrorKind::deadlock:
        case ErrorKind::lock_not_available:
        case ErrorKind::query_cancelled:
        case ErrorKind::timeout:
            return true;
        default:
            return false;
    }
}

namespace {
std::string describe(const std::string& sqlstate, ErrorKind kind, const std::string& message) {
    const std::string code = sqlstate.empty() ? std::string(to_string(kind)) : sqlstate;
    return code + ": " + message;
}
}  // namespace

Error::Error(ErrorKind kind, std::string message, std::string sqlstate, std::string detail,
             std::string hint)
    : std::runtime_error(describe(sqlstate, kind, message)),
      kind_(kind),
      message_(std::move(message)),
      sqlstate_(std::move(sqlstate)),
      detail_(std::move(detail)),
      hint_(std::move(hint)) {}

}  // namespace workitem
