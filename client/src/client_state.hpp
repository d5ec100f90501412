// What a Client holds: its options, pool, circuit breaker and logger, and the retry loop.
#pragma once

#include "circuit_breaker.hpp"
#include "connection.hpp"
#include "log.hpp"
#include "pool.hpp"

#include <workitem/client.hpp>

#include <functional>
#include <string_view>

namespace workitem::detail {

class ClientState {
  public:
    explicit ClientState(ClientOptions options);

    // Runs attempt() until it succeeds, retrying transient failures that are safe to retry
    // with capped exponential backoff and full jitter. `what` names the call in the log.
    template <class Attempt>
    auto with_retries(std::string_view what, bool replay_safe, Attempt&& attempt) {
        for (int attempt_number = 1;; ++attempt_number) {
            try {
                return attempt();
            } catch (const SentRequestLost& lost) {
                // SentRequestLost is the library's own marker: it leaves as its family's class.
                if (!replay_safe) throw_error(in_doubt(what, lost));
                if (!may_retry(what, lost, attempt_number)) throw_error(lost);
            } catch (const Error& error) {
                if (!may_retry(what, error, attempt_number)) throw;
            }
        }
    }

    // One attempt of a call: the breaker's permit, a pooled connection, the statement, run with
    // the settings given.
    ResultSet send_once(const Statement& statement, const CallSettings& settings);
    // One attempt of SQL text of the application's, outside a transaction.
    ResultSet send_text_once(std::string_view sql, const std::vector<Parameter>& parameters);
    // One attempt of a transaction: BEGIN, the tenant, fn, COMMIT.
    void transaction_once(const TransactionOptions& options, const std::function<void(Tx&)>& fn);

    ClientOptions options;
    Log log;
    CircuitBreaker breaker;
    Pool pool;

  private:
    bool may_retry(std::string_view what, const Error& error, int attempt_number) const;
    Error in_doubt(std::string_view what, const Error& cause) const;
};

}  // namespace workitem::detail
