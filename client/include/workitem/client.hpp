// The entry point: a thread-safe Client with a connection pool, and Tx for calls that commit
// together with the application's own SQL.
#pragma once

#include <workitem/export.hpp>
#include <workitem/operations.hpp>
#include <workitem/options.hpp>

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

  protected:
    detail::ResultSet run(detail::Statement& statement) override;

  private:
    detail::Connection& connection_;
    const ClientOptions& options_;
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

    PoolStats pool_stats() const;
    const ClientOptions& options() const;

  protected:
    detail::ResultSet run(detail::Statement& statement) override;

  private:
    void run_transaction(const TransactionOptions& options, const std::function<void(Tx&)>& fn);
    std::unique_ptr<detail::ClientState> state_;
};

}  // namespace workitem
