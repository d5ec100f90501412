// The error table of the client: each kind's name and family, the SQLSTATE each kind stands
// for, and the one factory that throws an error as its family's class.
//
// The extension's own SQLSTATEs (class WI) are not retyped here: they come from the core's
// table (extension/core/include/workitem/core/errors.hpp, header-only, pure C++, so the client
// builds without PostgreSQL's server headers and without the core library). A WI code maps to
// the client kind of the same name; a code without one fails the build (below).
#include <workitem/core/errors.hpp>
#include <workitem/errors.hpp>

#include <algorithm>
#include <array>
#include <tuple>
#include <utility>

namespace workitem {
namespace {

struct KindRow {
    ErrorKind kind;
    std::string_view name;
    ErrorFamily family;
};

using F = ErrorFamily;
constexpr std::array kinds{
    KindRow{ErrorKind::not_found, "not_found", F::not_found},
    KindRow{ErrorKind::invalid_input, "invalid_input", F::invalid_request},
    KindRow{ErrorKind::state_conflict, "state_conflict", F::conflict},
    KindRow{ErrorKind::version_conflict, "version_conflict", F::conflict},
    KindRow{ErrorKind::already_claimed, "already_claimed", F::conflict},
    KindRow{ErrorKind::not_authorized, "not_authorized", F::refused},
    KindRow{ErrorKind::constraint_violated, "constraint_violated", F::conflict},
    KindRow{ErrorKind::not_active_yet, "not_active_yet", F::conflict},
    KindRow{ErrorKind::expired, "expired", F::conflict},
    KindRow{ErrorKind::lease_lost, "lease_lost", F::conflict},
    KindRow{ErrorKind::idempotency_key_reused, "idempotency_key_reused", F::invalid_request},
    // A validator judges the item as it is now (its data, its state), as a state conflict does.
    KindRow{ErrorKind::denied_by_validator, "denied_by_validator", F::conflict},
    KindRow{ErrorKind::feature_disabled, "feature_disabled", F::unavailable},
    KindRow{ErrorKind::bad_value, "bad_value", F::invalid_request},
    KindRow{ErrorKind::permission_denied, "permission_denied", F::refused},
    KindRow{ErrorKind::database_error, "database_error", F::database_error},
    KindRow{ErrorKind::connection_lost, "connection_lost", F::connection_lost},
    KindRow{ErrorKind::serialization_failure, "serialization_failure", F::transient},
    KindRow{ErrorKind::deadlock, "deadlock", F::transient},
    KindRow{ErrorKind::lock_not_available, "lock_not_available", F::transient},
    KindRow{ErrorKind::query_cancelled, "query_cancelled", F::transient},
    KindRow{ErrorKind::timeout, "timeout", F::transient},
    KindRow{ErrorKind::in_doubt, "in_doubt", F::in_doubt},
    KindRow{ErrorKind::pool_timeout, "pool_timeout", F::unavailable},
    KindRow{ErrorKind::circuit_open, "circuit_open", F::unavailable},
    KindRow{ErrorKind::invalid_argument, "invalid_argument", F::invalid_request},
    KindRow{ErrorKind::unexpected_result, "unexpected_result", F::database_error},
};

constexpr std::array<std::string_view, 9> family_names{
    "transient", "connection_lost", "in_doubt",    "conflict",       "not_found",
    "refused",   "invalid_request", "unavailable", "database_error",
};

constexpr const KindRow* row_named(std::string_view name) {
    for (const auto& row : kinds) {
        if (row.name == name) return &row;
    }
    return nullptr;
}

constexpr bool every_kind_has_one_row() {
    for (std::size_t i = 0; i < kinds.size(); ++i) {
        if (static_cast<std::size_t>(kinds[i].kind) != i) return false;
    }
    return kinds.size() == static_cast<std::size_t>(ErrorKind::unexpected_result) + 1;
}
static_assert(every_kind_has_one_row(), "one row per ErrorKind, in the enum's order");

constexpr bool every_extension_code_has_a_kind() {
    return std::ranges::all_of(core::error_codes,
                               [](const auto& code) { return row_named(code.name) != nullptr; });
}
static_assert(every_extension_code_has_a_kind(),
              "every SQLSTATE of the extension's table needs the client kind of the same name");

struct SqlstateKind {
    std::string_view sqlstate;
    ErrorKind kind;
};

// PostgreSQL's own codes the client tells apart; its classes (08, 22) are decided after this.
constexpr std::array postgres_sqlstates{
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
    const auto index = static_cast<std::size_t>(kind);
    return index < kinds.size() ? kinds[index].name : "unknown";
}

std::string_view to_string(ErrorFamily family) {
    const auto index = static_cast<std::size_t>(family);
    return index < family_names.size() ? family_names[index] : "unknown";
}

ErrorFamily family_of(ErrorKind kind) {
    const auto index = static_cast<std::size_t>(kind);
    return index < kinds.size() ? kinds[index].family : ErrorFamily::database_error;
}

ErrorKind error_kind_for_sqlstate(std::string_view sqlstate) {
    for (const auto& code : core::error_codes) {
        if (code.sqlstate == sqlstate) return row_named(code.name)->kind;
    }
    for (const auto& entry : postgres_sqlstates) {
        if (entry.sqlstate == sqlstate) return entry.kind;
    }
    // libpq reports a connection that died without an answer with no SQLSTATE at all.
    if (sqlstate.empty() || sqlstate.starts_with("08")) return ErrorKind::connection_lost;
    if (sqlstate.starts_with("22")) return ErrorKind::bad_value;
    return ErrorKind::database_error;
}

bool is_transient(ErrorKind kind) {
    const ErrorFamily family = family_of(kind);
    return family == ErrorFamily::transient || family == ErrorFamily::connection_lost;
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

Error::~Error() = default;
TransientError::~TransientError() = default;
ConnectionLost::~ConnectionLost() = default;
InDoubt::~InDoubt() = default;
Conflict::~Conflict() = default;
NotFound::~NotFound() = default;
Refused::~Refused() = default;
InvalidRequest::~InvalidRequest() = default;
Unavailable::~Unavailable() = default;
DatabaseError::~DatabaseError() = default;

void throw_error(ErrorKind kind, std::string message, std::string sqlstate, std::string detail,
                 std::string hint) {
    auto fields = [&] {
        return std::make_tuple(kind, std::move(message), std::move(sqlstate), std::move(detail),
                               std::move(hint));
    };
    switch (family_of(kind)) {
        case ErrorFamily::transient:
            throw std::make_from_tuple<TransientError>(fields());
        case ErrorFamily::connection_lost:
            throw std::make_from_tuple<ConnectionLost>(fields());
        case ErrorFamily::in_doubt:
            throw std::make_from_tuple<InDoubt>(fields());
        case ErrorFamily::conflict:
            throw std::make_from_tuple<Conflict>(fields());
        case ErrorFamily::not_found:
            throw std::make_from_tuple<NotFound>(fields());
        case ErrorFamily::refused:
            throw std::make_from_tuple<Refused>(fields());
        case ErrorFamily::invalid_request:
            throw std::make_from_tuple<InvalidRequest>(fields());
        case ErrorFamily::unavailable:
            throw std::make_from_tuple<Unavailable>(fields());
        case ErrorFamily::database_error:
            break;
    }
    throw std::make_from_tuple<DatabaseError>(fields());
}

void throw_error(const Error& error) {
    throw_error(error.kind(), error.message(), error.sqlstate(), error.detail(), error.hint());
}

}  // namespace workitem
