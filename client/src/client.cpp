#include "client_state.hpp"

#include "backoff.hpp"
#include "decoding.hpp"
#include "refusals.hpp"
#include "statement.hpp"

#include <cstdlib>
#include <thread>

namespace workitem::detail {
namespace {

// Failures that say the database is unreachable or overwhelmed: they move the breaker.
bool database_failed(const Error& error) {
    return error.kind() == ErrorKind::connection_lost || error.kind() == ErrorKind::timeout ||
           error.kind() == ErrorKind::in_doubt;
}

std::string_view begin_statement(IsolationLevel isolation) {
    switch (isolation) {
        case IsolationLevel::repeatable_read:
            return "BEGIN ISOLATION LEVEL REPEATABLE READ";
        case IsolationLevel::serializable:
            return "BEGIN ISOLATION LEVEL SERIALIZABLE";
        case IsolationLevel::read_committed:
            break;
    }
    return "BEGIN";
}

// Runs one attempt under a breaker permit: an answer (even a refusal) closes the circuit,
// a lost connection or a timeout counts against it.
template <class Attempt>
auto under_permit(CircuitBreaker& breaker, Attempt&& attempt) {
    auto permit = breaker.admit();
    try {
        auto result = attempt();
        permit.database_answered();
        return result;
    } catch (const Error& error) {
        if (database_failed(error)) {
            permit.database_failed();
        } else if (error.kind() != ErrorKind::pool_timeout) {
            permit.database_answered();
        }
        throw;
    }
}

// An empty dsn is WORKITEM_DSN, as for the CLI; libpq's environment when that is empty too.
ClientOptions resolved(ClientOptions options) {
    if (options.dsn.empty()) {
        if (const char* dsn = std::getenv("WORKITEM_DSN")) options.dsn = dsn;
    }
    return options;
}

}  // namespace

ClientState::ClientState(ClientOptions client_options)
    : options(resolved(std::move(client_options))),
      log(options.logger),
      breaker(options.circuit_breaker, log),
      pool(PoolSettings{.connect = {.dsn = options.dsn,
                                    .application_name = options.application_name,
                                    .connect_timeout = options.connect_timeout,
                                    .log = Log(options.logger)},
                        .size = options.pool_size,
                        .acquire_timeout = options.acquire_timeout,
                        .liveness_check_after_idle = options.liveness_check_after_idle,
                        .health_check_after_idle = options.health_check_after_idle},
           log) {
    if (options.retry.max_attempts < 1) {
        throw_error(ErrorKind::invalid_argument, "retry.max_attempts must be at least 1");
    }
}

ResultSet ClientState::send_once(const Statement& statement, const CallSettings& settings) {
    return under_permit(breaker, [&] {
        auto connection = pool.acquire();
        const auto mode = options.statement_mode;
        const auto timeout = options.statement_timeout;
        if (!keeps_refusal(statement))
            return connection->execute(statement, settings, mode, timeout);
        // The application's key: a refusal is stored on the session that noted it, which only an
        // open transaction block keeps behind a transaction pooler (refusals.hpp). On success this
        // is still one round trip.
        try {
            return connection->execute(statement, settings, mode, timeout,
                                       Connection::Block::explicit_transaction);
        } catch (const Error& error) {
            end_failed_block(*connection, refused_key(statement, error), timeout, log);
            throw;
        }
    });
}

ResultSet ClientState::send_text_once(std::string_view sql,
                                      const std::vector<Parameter>& parameters) {
    // Its own CallText: never prepared, since every text may differ.
    const CallText text{.function = "exec",
                        .name = {},
                        .sql = std::string(sql),
                        .replay = Replay::with_key_only,
                        .key_parameter = -1};
    const Statement statement{text, parameters};
    return under_permit(breaker, [&] {
        auto connection = pool.acquire();
        return connection->execute(statement, {options.tenant, options.on_behalf},
                                   StatementMode::unnamed, options.statement_timeout);
    });
}

void ClientState::transaction_once(const TransactionOptions& transaction,
                                   const std::function<void(Tx&)>& fn) {
    under_permit(breaker, [&] {
        auto lease = pool.acquire();
        Connection& connection = *lease;
        const auto timeout = options.statement_timeout;
        Tx tx(connection, options);
        // A call of fn's refused with the application's key: its refusal is stored in the round
        // trip that ends the transaction (rolled back, or committed when fn caught the refusal in
        // a savepoint), on this session, which a transaction pooler hands to nobody else before.
        const auto end = [&](std::string_view statement) {
            if (tx.refused_key_)
                return end_storing_refusal(connection, statement, *tx.refused_key_, timeout, log);
            return connection.execute_text(statement, {}, timeout);
        };
        try {
            connection.execute_text(begin_statement(transaction.isolation), {}, timeout);
            std::vector<Parameter> parameters;
            const std::string_view set_sql = Connection::settings_sql(
                {options.tenant, transaction.on_behalf.value_or(options.on_behalf)}, parameters);
            if (!set_sql.empty()) connection.execute_text(set_sql, parameters, timeout);
            fn(tx);
        } catch (...) {
            if (connection.in_transaction()) {
                try {
                    end("ROLLBACK");
                } catch (const Error&) {
                    // The connection is marked broken and will be closed instead of pooled.
                }
            }
            throw;
        }
        ResultSet committed;
        try {
            committed = end("COMMIT");
        } catch (const SentRequestLost& lost) {
            throw_error(ErrorKind::in_doubt,
                        "the connection was lost during COMMIT: the transaction may or may not "
                        "have committed (" +
                            lost.message() + ")",
                        lost.sqlstate());
        }
        // COMMIT of a transaction in which a statement failed answers ROLLBACK, not an error.
        if (std::string_view(PQcmdStatus(const_cast<PGresult*>(committed.get()))) != "COMMIT") {
            throw_error(ErrorKind::database_error,
                        "the transaction was rolled back: a statement in it had failed");
        }
        return true;
    });
}

bool ClientState::may_retry(std::string_view what, const Error& error, int attempt_number) const {
    if (!error.transient() || attempt_number >= options.retry.max_attempts) return false;
    const auto delay = backoff_delay(options.retry, attempt_number);
    log(LogLevel::warning, "{} failed ({}), attempt {} of {}; retrying in {} ms", what,
        error.what(), attempt_number, options.retry.max_attempts, delay.count());
    std::this_thread::sleep_for(delay);
    return true;
}

Error ClientState::in_doubt(std::string_view what, const Error& cause) const {
    log(LogLevel::error, "{}: connection lost mid-call, outcome unknown ({})", what, cause.what());
    return Error(ErrorKind::in_doubt,
                 fmt::format("the connection was lost while {} was running: it may or may not have "
                             "taken effect (give it an idempotency key so that it can be retried "
                             "safely); cause: {}",
                             what, cause.message()),
                 cause.sqlstate());
}

}  // namespace workitem::detail

namespace workitem {

Client::Client(ClientOptions options)
    : state_(std::make_unique<detail::ClientState>(std::move(options))) {}

Client::~Client() = default;

detail::ResultSet Client::run(detail::Statement& statement) {
    return send(statement,
                {.tenant = state_->options.tenant, .on_behalf = state_->options.on_behalf});
}

detail::ResultSet Client::send(detail::Statement& statement, const detail::CallSettings& settings) {
    auto& state = *state_;
    const auto key = statement.text.key_parameter;
    if (key >= 0 && !statement.has_key() && state.options.generate_idempotency_keys) {
        // Generated once per call, so every attempt of this call carries the same key.
        statement.parameters[static_cast<std::size_t>(key)] = generate_idempotency_key();
        statement.key_generated = true;
    }
    return state.with_retries(statement.text.function, statement.replay_safe(),
                              [&] { return state.send_once(statement, settings); });
}

QueryResult Client::exec_parameters(std::string_view sql,
                                    const std::vector<Parameter>& parameters) {
    auto& state = *state_;
    // The SQL may change data: after a lost connection it is in doubt, never sent again.
    return detail::query_result(
        state.with_retries("exec", false, [&] { return state.send_text_once(sql, parameters); }));
}

OnBehalf Client::on_behalf(std::string capability) {
    return OnBehalf(*this, std::move(capability));
}

OnBehalf::OnBehalf(Client& client, std::string capability)
    : client_(client), capability_(std::move(capability)) {}

detail::ResultSet OnBehalf::run(detail::Statement& statement) {
    return client_.send(statement, {.tenant = client_.options().tenant, .on_behalf = capability_});
}

Scoped Client::scoped(CallScope scope) {
    return Scoped(*this, std::move(scope));
}

Scoped::Scoped(Client& client, CallScope scope) : client_(client), scope_(std::move(scope)) {}

detail::ResultSet Scoped::run(detail::Statement& statement) {
    return client_.send(statement, {.tenant = scope_.tenant,
                                    .on_behalf = scope_.on_behalf,
                                    .trace_context = scope_.trace_context});
}

void Client::run_transaction(const TransactionOptions& options,
                             const std::function<void(Tx&)>& fn) {
    auto& state = *state_;
    // Nothing is committed before COMMIT, so a lost connection inside is safe to retry.
    state.with_retries("transaction", true, [&] {
        state.transaction_once(options, fn);
        return true;
    });
}

PoolStats Client::pool_stats() const {
    return state_->pool.stats();
}

const ClientOptions& Client::options() const {
    return state_->options;
}

Tx::Tx(detail::Connection& connection, const ClientOptions& options)
    : connection_(connection), options_(options) {}

Tx::~Tx() = default;

detail::ResultSet Tx::run(detail::Statement& statement) {
    // The tenant was set when the transaction began; no retries inside a transaction.
    try {
        static const std::string none;
        return connection_.execute(statement, {none, none}, options_.statement_mode,
                                   options_.statement_timeout);
    } catch (const detail::SentRequestLost& lost) {
        // Nothing commits before COMMIT: to fn (and to in_transaction, which runs it again) this
        // is a lost connection like any other, as its family's class.
        throw_error(lost);
    } catch (const Error& error) {
        // Stored when the transaction is over (ClientState::transaction_once); the database
        // notes only the last keyed call's refusal, so only the last is kept here too.
        if (auto key = detail::refused_key(statement, error)) refused_key_ = std::move(key);
        throw;
    }
}

QueryResult Tx::exec_parameters(std::string_view sql, const std::vector<Parameter>& parameters) {
    try {
        return detail::query_result(
            connection_.execute_text(sql, parameters, options_.statement_timeout));
    } catch (const detail::SentRequestLost& lost) {
        throw_error(lost);
    }
}

std::string Tx::enter_savepoint() {
    // Numbered per transaction: nested and successive savepoints never share a name.
    std::string name = "workitem_savepoint_" + std::to_string(++savepoints_);
    exec_parameters("SAVEPOINT " + name, {});
    return name;
}

void Tx::leave_savepoint(const std::string& name, bool keep) {
    if (keep) {
        exec_parameters("RELEASE SAVEPOINT " + name, {});
        return;
    }
    try {
        exec_parameters("ROLLBACK TO SAVEPOINT " + name, {});
    } catch (const Error&) {
        // The error fn threw says what went wrong; the transaction stays aborted and rolls back.
    }
}

}  // namespace workitem
