// The entry point: a thread-safe Client with a connection pool, and Tx for calls that commit
// together with the application's own SQL.
#pragma once

#include <workitem/export.hpp>
#include <workitem/operations.hpp>
#include <workitem/options.hpp>

#include <concepts>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace workitem {

namespace detail {
class Connection;
class ClientState;
struct CallSettings;
}  // namespace detail

// Parameters of Tx::exec: always sent as parameters, never spliced into the SQL text.
using Parameter = std::optional<std::string>;
WORKITEM_API Parameter to_parameter(std::nullptr_t);
WORKITEM_API Parameter to_parameter(std::string_view text);
WORKITEM_API Parameter to_parameter(const char* text);
WORKITEM_API Parameter to_parameter(const std::string& text);
WORKITEM_API Parameter to_parameter(bool value);
WORKITEM_API Parameter to_parameter(std::int64_t value);
WORKITEM_API Parameter to_parameter(int value);
WORKITEM_API Parameter to_parameter(double value);
WORKITEM_API Parameter to_parameter(Timestamp value);
// Every other integer type (std::size_t, long long, unsigned, std::int16_t ...): without it,
// they would be ambiguous between int, std::int64_t and double. Characters are not numbers here.
template <std::integral T>
requires(!std::same_as<T, bool> && !std::same_as<T, char> && !std::same_as<T, char8_t> &&
         !std::same_as<T, char16_t> && !std::same_as<T, char32_t> &&
         !std::same_as<T, wchar_t>) Parameter to_parameter(T value) {
    return std::to_string(value);
}
template <class T>
WORKITEM_API Parameter to_parameter(const std::optional<T>& value) {
    return value ? to_parameter(*value) : Parameter{};
}

// A transaction in progress, handed to the function given to Client::in_transaction. Every
// operation and exec joins it; it commits when the function returns and rolls back when it
// throws. Not thread-safe: use it only from the thread running the function.
class WORKITEM_API Tx final : public Operations {
  public:
    Tx(detail::Connection& connection, const ClientOptions& options);
    ~Tx() override;

    // Runs the application's own SQL in this transaction; parameters are $1, $2, ...
    template <class... Args>
    QueryResult exec(std::string_view sql, const Args&... args) {
        return exec_parameters(sql, {to_parameter(args)...});
    }
    QueryResult exec_parameters(std::string_view sql, const std::vector<Parameter>& parameters);

    // Runs fn(tx) inside a savepoint, as libpqxx's subtransaction: if fn throws, the transaction
    // rolls back to the savepoint — undoing fn's work only, so the transaction stays usable —
    // and the exception propagates; else the savepoint is released and fn's result returned.
    // Catch an error of a call inside fn, outside it: a caught error anywhere else leaves the
    // transaction aborted (25P02 on the next statement). Savepoints nest.
    template <class Fn>
    auto savepoint(Fn&& fn) -> std::invoke_result_t<Fn&, Tx&> {
        const std::string name = enter_savepoint();
        try {
            if constexpr (std::is_void_v<std::invoke_result_t<Fn&, Tx&>>) {
                fn(*this);
                leave_savepoint(name, true);
            } else {
                auto result = fn(*this);
                leave_savepoint(name, true);
                return result;
            }
        } catch (...) {
            leave_savepoint(name, false);
            throw;
        }
    }

  protected:
    detail::ResultSet run(detail::Statement& statement) override;

  private:
    std::string enter_savepoint();
    // Releases it (kept) or rolls back to it; a failed rollback leaves the transaction aborted.
    void leave_savepoint(const std::string& name, bool keep);

    friend class detail::ClientState;  // stores refused_key_'s refusal when the transaction ends

    detail::Connection& connection_;
    const ClientOptions& options_;
    int savepoints_{0};
    // The application's key of the last call refused in this transaction (docs/sdk.md).
    std::optional<std::string> refused_key_;
};

class Client;

// A Client's calls with another on_behalf capability than ClientOptions::on_behalf, from
// client.on_behalf("user"). It only borrows the client (which must outlive it); cheap to make
// per request.
class WORKITEM_API OnBehalf final : public Operations {
  public:
    OnBehalf(Client& client, std::string capability);

  protected:
    detail::ResultSet run(detail::Statement& statement) override;

  private:
    Client& client_;
    std::string capability_;
};

// What one call declares for its own transaction, each set with set_config(..., true) in the
// call's round trip; empty: not set. For a service calling on behalf of many tenants and users.
struct CallScope {
    std::string tenant{};         // workitem.tenant, instead of ClientOptions::tenant
    std::string on_behalf{};      // workitem.on_behalf ("": the service's full rights)
    std::string trace_context{};  // workitem.trace_context: a W3C traceparent the events carry
};

// A Client's calls in another scope than its options', from client.scoped({...}): each call is
// one round trip, its settings pipelined before it, as for ClientOptions::tenant. It only
// borrows the client (which must outlive it); cheap to make per request.
class WORKITEM_API Scoped final : public Operations {
  public:
    Scoped(Client& client, CallScope scope);

  protected:
    detail::ResultSet run(detail::Statement& statement) override;

  private:
    Client& client_;
    CallScope scope_;
};

struct PoolStats {
    int size{};     // the most connections the pool opens
    int open{};     // connections open now (idle or lent)
    int idle{};     // of which idle
    int waiting{};  // callers waiting for a connection
};

class WORKITEM_API Client final : public Operations {
  public:
    explicit Client(ClientOptions options = {});
    ~Client() override;

    // Runs fn(tx) in one transaction on one pooled connection and commits. A transient failure
    // before the commit (serialization failure, deadlock, a lost connection) rolls back and runs
    // fn again, so fn must be safe to repeat; a connection lost during COMMIT is in_doubt and is
    // not retried. Returns what fn returns.
    template <class Fn>
    auto in_transaction(const TransactionOptions& options, Fn&& fn)
        -> std::invoke_result_t<Fn&, Tx&> {
        using Result = std::invoke_result_t<Fn&, Tx&>;
        if constexpr (std::is_void_v<Result>) {
            run_transaction(options, [&](Tx& tx) { fn(tx); });
        } else {
            std::optional<Result> result;
            run_transaction(options, [&](Tx& tx) { result.emplace(fn(tx)); });
            return std::move(*result);
        }
    }
    template <class Fn>
    auto in_transaction(Fn&& fn) -> std::invoke_result_t<Fn&, Tx&> {
        return in_transaction(TransactionOptions{}, std::forward<Fn>(fn));
    }

    // Runs the application's own SQL on a pooled connection outside any transaction of yours
    // (autocommit), with the client's tenant and on_behalf; parameters are $1, $2, ... An error
    // answer that is transient is retried; a connection lost after it was sent is in_doubt.
    template <class... Args>
    QueryResult exec(std::string_view sql, const Args&... args) {
        return exec_parameters(sql, {to_parameter(args)...});
    }
    QueryResult exec_parameters(std::string_view sql, const std::vector<Parameter>& parameters);

    // The operations as a service acting for an end user of this capability ("user", "admin",
    // "reader"; "" : the service's full rights), whatever ClientOptions::on_behalf says.
    OnBehalf on_behalf(std::string capability);
    // The operations in the tenant, capability and trace context given, whatever the options
    // say (an empty tenant is the role's default, not ClientOptions::tenant).
    Scoped scoped(CallScope scope);

    PoolStats pool_stats() const;
    // The options as given, with dsn resolved (WORKITEM_DSN when it was empty).
    const ClientOptions& options() const;

  protected:
    detail::ResultSet run(detail::Statement& statement) override;

  private:
    friend class OnBehalf;
    friend class Scoped;
    detail::ResultSet send(detail::Statement& statement, const detail::CallSettings& settings);
    void run_transaction(const TransactionOptions& options, const std::function<void(Tx&)>& fn);
    std::unique_ptr<detail::ClientState> state_;
};

}  // namespace workitem
