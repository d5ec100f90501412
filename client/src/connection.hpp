// One libpq connection (RAII), with per-call deadlines: statements are sent asynchronously and
// waited for with poll(), and a call past its deadline is cancelled on the server.
#pragma once

#include "connection_string.hpp"
#include "log.hpp"
#include "result_set.hpp"
#include "statement.hpp"

#include <workitem/errors.hpp>
#include <workitem/options.hpp>

#include <libpq-fe.h>

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace workitem::detail {

// The connection dropped after the request had left: the statement may have run, and — outside
// an explicit transaction — committed. Only replay-safe calls may be sent again. A marker for
// the retry loop only: it never leaves the library (ClientState::with_retries and Tx rethrow it
// as its kind's family with throw_error), so callers catch ConnectionLost or TransientError.
class SentRequestLost : public Error {
  public:
    using Error::Error;
};

class Deadline;

struct ConnectSettings {
    std::string dsn;
    std::string application_name;
    std::chrono::milliseconds connect_timeout;
    // Receives the server's notices and warnings (RAISE NOTICE/WARNING of the extension).
    Log log{Logger{}};
};

// What a call sets for its own transaction (set_config(..., true)); empty: left as it is.
struct CallSettings {
    static inline const std::string none{};
    const std::string& tenant;
    const std::string& on_behalf;
    const std::string& trace_context = none;  // workitem.trace_context (W3C traceparent)
};

class Connection {
  public:
    // Opens a connection; throws Error(connection_lost) when it cannot, Error(invalid_argument)
    // when the connection string is malformed. Neither message quotes the connection string.
    explicit Connection(const ConnectSettings& settings);
    // libpq keeps a pointer to log_ for the notices: the connection stays where it was made.
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Sends a statement and waits for its answer. With a tenant, an on_behalf capability or a
    // trace context, they are set for the statement's own transaction, in the same round trip
    // (a pipeline of two statements). With Block::explicit_transaction, the pipeline is BEGIN,
    // the settings, the statement, COMMIT: still one round trip, but an error leaves the block
    // open and aborted on the server (the error makes it skip the COMMIT), so that the session
    // stays this connection's even behind a transaction pooler until the caller ends it
    // (docs/sdk.md: remembered refusals).
    enum class Block { implicit_transaction, explicit_transaction };
    ResultSet execute(const Statement& statement, const CallSettings& settings, StatementMode mode,
                      std::chrono::milliseconds timeout, Block block = Block::implicit_transaction);
    // The statement that sets the tenant, on_behalf and trace context given for the current
    // transaction, with its parameters; none when all are empty.
    static std::string_view settings_sql(const CallSettings& settings,
                                         std::vector<Parameter>& parameters);
    // Sends SQL text with parameters as an unnamed statement.
    ResultSet execute_text(std::string_view sql, const std::vector<Parameter>& parameters,
                           std::chrono::milliseconds timeout);
    // Sends SQL texts as unnamed statements in one pipeline (one round trip, one Sync, so a
    // transaction pooler keeps them on one server session) and returns each one's answer: its
    // result, its error result (not thrown), or none when an earlier error made the server skip
    // it. Throws only when the connection fails or the texts outlive `timeout`.
    struct Text {
        std::string_view sql;
        const std::vector<Parameter>& parameters;
    };
    std::vector<ResultSet> execute_texts(const std::vector<Text>& texts,
                                         std::chrono::milliseconds timeout);

    // Waits up to `timeout` for a notification on a channel this connection LISTENs to, and
    // takes every one that came; whether any did. Throws Error(connection_lost) if it dropped.
    bool wait_for_notification(std::chrono::milliseconds timeout);

    // Cheap check before handing the connection out: still open, idle, and nothing arrived
    // while idle (a server that terminated the session sends a message and closes).
    bool usable() const;
    // A round trip to the server.
    bool ping(std::chrono::milliseconds timeout);
    // Whether the connection may go back to the pool: open, outside any transaction.
    bool reusable() const;
    // Whether a transaction block is open on it (in progress or aborted) and it still works.
    bool in_transaction() const;
    int backend_pid() const { return PQbackendPID(connection_.get()); }

    std::chrono::steady_clock::time_point last_used() const { return last_used_; }

  private:
    struct Query {
        const char* prepared_name;  // nullptr: unnamed
        std::string_view sql;
        const std::vector<Parameter>* parameters;
    };
    // One round trip; the answer of queries[answer], or the first error thrown.
    ResultSet send_and_collect(const std::vector<Query>& queries, std::chrono::milliseconds timeout,
                               std::size_t answer);
    // One round trip; each query's answer (see execute_texts). `cancelled`: whether the call
    // outlived its timeout and was cancelled on the server.
    std::vector<ResultSet> send_all(const std::vector<Query>& queries,
                                    std::chrono::milliseconds timeout, bool& cancelled);
    [[noreturn]] static void throw_answered(const PGresult* failure, bool cancelled,
                                            std::chrono::milliseconds timeout);
    void send(const Query& query);
    void prepare(const CallText& text, std::chrono::milliseconds timeout);
    ResultSet collect_one(Deadline& deadline);
    PGresult* next_result(Deadline& deadline);
    bool wait_readable(std::chrono::steady_clock::time_point until) const;
    void cancel_on_server();
    [[noreturn]] void throw_lost(bool request_sent, const PGresult* result = nullptr);

    // Parsed once, to keep the password out of libpq's messages about this connection.
    ConnectionStringFacts connection_string_;
    std::unique_ptr<PGconn, decltype(&PQfinish)> connection_{nullptr, &PQfinish};
    std::set<std::string, std::less<>> prepared_;
    std::chrono::steady_clock::time_point last_used_{};
    bool broken_{false};
    Log log_;
};

// The error the database answered in a result, as an Error.
Error error_from_result(const PGresult* result);

}  // namespace workitem::detail
