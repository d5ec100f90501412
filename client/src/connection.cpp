#include "connection.hpp"

#include <poll.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <string>

namespace workitem::detail {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// When a call must be answered by; after a cancel, how long the server gets to confirm it.
class Deadline {
  public:
    explicit Deadline(milliseconds timeout)
        : timeout_(timeout), limited_(timeout.count() > 0), until_(Clock::now() + timeout) {}

    bool limited() const { return limited_; }
    Clock::time_point until() const { return until_; }
    bool cancelled() const { return cancelled_; }
    milliseconds timeout() const { return timeout_; }
    void start_grace_after_cancel() {
        cancelled_ = true;
        until_ = Clock::now() + std::max(timeout_, milliseconds(1000));
    }

  private:
    milliseconds timeout_;
    bool limited_;
    Clock::time_point until_;
    bool cancelled_{false};
};

namespace {

std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

std::string field_or_empty(const PGresult* result, int field) {
    const char* value = PQresultErrorField(result, field);
    return value ? value : "";
}

std::vector<const char*> parameter_values(const std::vector<Parameter>& parameters) {
    std::vector<const char*> values;
    values.reserve(parameters.size());
    for (const auto& parameter : parameters)
        values.push_back(parameter ? parameter->c_str() : nullptr);
    return values;
}

}  // namespace

Error error_from_result(const PGresult* result) {
    std::string sqlstate = field_or_empty(result, PG_DIAG_SQLSTATE);
    std::string message = field_or_empty(result, PG_DIAG_MESSAGE_PRIMARY);
    if (message.empty()) message = trimmed(PQresultErrorMessage(result));
    const ErrorKind kind = error_kind_for_sqlstate(sqlstate);  // before sqlstate is moved from
    return Error(kind, std::move(message), std::move(sqlstate),
                 field_or_empty(result, PG_DIAG_MESSAGE_DETAIL),
                 field_or_empty(result, PG_DIAG_MESSAGE_HINT));
}

namespace {

// The server's NOTICE, WARNING, INFO ... messages go to the logger, not to libpq's stderr.
void receive_notice(void* argument, const PGresult* result) {
    const auto& log = *static_cast<const Log*>(argument);
    const char* severity = PQresultErrorField(result, PG_DIAG_SEVERITY_NONLOCALIZED);
    const std::string_view level = severity ? severity : "NOTICE";
    const LogLevel mapped = level == "WARNING"                             ? LogLevel::warning
                            : level.starts_with("DEBUG") || level == "LOG" ? LogLevel::debug
                                                                           : LogLevel::info;
    log(mapped, "database {} ({}): {}", level, field_or_empty(result, PG_DIAG_SQLSTATE),
        trimmed(field_or_empty(result, PG_DIAG_MESSAGE_PRIMARY)));
}

// The library speaks one version of the SQL API, its own (the control file's: CMakeLists.txt).
// A database without the extension, or with another version of it, is refused once, when the
// connection opens, with what to do, rather than with whatever a missing function raises later.
void check_extension_version(PGconn* connection) {
    const std::unique_ptr<PGresult, decltype(&PQclear)> result(
        PQexec(connection,
               "SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'workitem'"),
        &PQclear);
    if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) throw error_from_result(result.get());
    const std::string database = PQdb(connection);
    if (PQntuples(result.get()) == 0)
        throw_error(ErrorKind::database_error,
                    "the database " + database + " has no workitem extension", "", "",
                    "Install it: CREATE EXTENSION workitem (docs/operations.md).");
    const std::string version = PQgetvalue(result.get(), 0, 0);
    if (version == WORKITEM_LIBRARY_VERSION) return;
    throw_error(ErrorKind::database_error,
                "the database " + database + " has workitem " + version + "; this client speaks " +
                    WORKITEM_LIBRARY_VERSION,
                "", "",
                "Update the extension (ALTER EXTENSION workitem UPDATE: docs/upgrades.md), or use "
                "a client of version " +
                    version + ".");
}

}  // namespace

Connection::Connection(const ConnectSettings& settings)
    : connection_string_(inspect_connection_string(settings.dsn)), log_(settings.log) {
    const std::string connect_seconds =
        std::to_string(std::max<long>(1, (settings.connect_timeout.count() + 999) / 1000));
    std::vector<const char*> keywords{"application_name", "connect_timeout", "client_encoding"};
    std::vector<const char*> values{settings.application_name.c_str(), connect_seconds.c_str(),
                                    "UTF8"};
    if (!settings.dsn.empty()) {
        // Listed last and expanded, so the connection string wins over the keywords above.
        keywords.push_back("dbname");
        values.push_back(settings.dsn.c_str());
    }
    keywords.push_back(nullptr);
    values.push_back(nullptr);
    connection_.reset(PQconnectdbParams(keywords.data(), values.data(), 1));
    if (!connection_ || PQstatus(connection_.get()) != CONNECTION_OK) {
        // libpq's message names the host and port and says what failed; it is shown unless it
        // quotes the password (the string itself was checked above: it parses).
        std::string reason =
            connection_
                ? without_password(trimmed(PQerrorMessage(connection_.get())), connection_string_)
                : "out of memory";
        throw_error(ErrorKind::connection_lost, "cannot connect to the database: " + reason);
    }
    PQsetNoticeReceiver(connection_.get(), &receive_notice, &log_);
    check_extension_version(connection_.get());
    last_used_ = Clock::now();
}

std::string_view Connection::settings_sql(const CallSettings& settings,
                                          std::vector<Parameter>& parameters) {
    static constexpr std::array<const char*, 3> names{"workitem.tenant", "workitem.on_behalf",
                                                      "workitem.trace_context"};
    // One statement for each combination of settings given (bit i: names[i]), built once.
    static const std::array<std::string, 8> statements = [] {
        std::array<std::string, 8> texts;
        for (std::size_t given = 1; given < texts.size(); ++given) {
            std::string text = "SELECT ";
            int number = 0;
            for (std::size_t i = 0; i < names.size(); ++i) {
                if ((given & (1U << i)) == 0) continue;
                if (number > 0) text += ", ";
                text += "pg_catalog.set_config('" + std::string(names[i]) + "', $" +
                        std::to_string(++number) + ", true)";
            }
            texts[given] = std::move(text);
        }
        return texts;
    }();
    std::size_t given = 0;
    const std::array<const std::string*, 3> values{&settings.tenant, &settings.on_behalf,
                                                   &settings.trace_context};
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (values[i]->empty()) continue;
        given |= 1U << i;
        parameters.emplace_back(*values[i]);
    }
    return statements[given];
}

ResultSet Connection::execute(const Statement& statement, const CallSettings& settings,
                              StatementMode mode, milliseconds timeout, Block block) {
    const char* prepared_name = nullptr;
    if (mode == StatementMode::prepared) {
        if (!prepared_.contains(statement.text.name)) prepare(statement.text, timeout);
        prepared_name = statement.text.name.c_str();
    }
    static const std::vector<Parameter> no_parameters;
    std::vector<Query> queries;
    if (block == Block::explicit_transaction) queries.push_back({nullptr, "BEGIN", &no_parameters});
    std::vector<Parameter> setting_parameters;
    const std::string_view set_sql = settings_sql(settings, setting_parameters);
    if (!set_sql.empty()) queries.push_back({nullptr, set_sql, &setting_parameters});
    queries.push_back({prepared_name, statement.text.sql, &statement.parameters});
    const std::size_t answer = queries.size() - 1;
    if (block == Block::explicit_transaction)
        queries.push_back({nullptr, "COMMIT", &no_parameters});
    return send_and_collect(queries, timeout, answer);
}

ResultSet Connection::execute_text(std::string_view sql, const std::vector<Parameter>& parameters,
                                   milliseconds timeout) {
    return send_and_collect({Query{nullptr, sql, &parameters}}, timeout, 0);
}

std::vector<ResultSet> Connection::execute_texts(const std::vector<Text>& texts,
                                                 milliseconds timeout) {
    std::vector<Query> queries;
    for (const auto& text : texts) queries.push_back({nullptr, text.sql, &text.parameters});
    bool cancelled = false;
    return send_all(queries, timeout, cancelled);
}

void Connection::prepare(const CallText& text, milliseconds timeout) {
    if (!PQsendPrepare(connection_.get(), text.name.c_str(), text.sql.c_str(), 0, nullptr)) {
        throw_lost(false);
    }
    Deadline deadline(timeout);
    ResultSet answer;
    try {
        answer = collect_one(deadline);
    } catch (const SentRequestLost& lost) {
        // Only the PREPARE was sent: nothing ran, so the call itself is safe to send again.
        throw_error(lost.kind(), lost.message(), lost.sqlstate());
    }
    if (PQresultStatus(answer.get()) == PGRES_FATAL_ERROR)
        throw_error(error_from_result(answer.get()));
    prepared_.insert(text.name);
}

void Connection::send(const Query& query) {
    const std::string sql(query.sql);
    const auto values = parameter_values(*query.parameters);
    const int count = static_cast<int>(values.size());
    const int sent = query.prepared_name
                         ? PQsendQueryPrepared(connection_.get(), query.prepared_name, count,
                                               values.data(), nullptr, nullptr, 0)
                         : PQsendQueryParams(connection_.get(), sql.c_str(), count, nullptr,
                                             values.data(), nullptr, nullptr, 0);
    if (!sent) throw_lost(false);
}

std::vector<ResultSet> Connection::send_all(const std::vector<Query>& queries, milliseconds timeout,
                                            bool& cancelled) {
    last_used_ = Clock::now();
    const bool pipeline = queries.size() > 1;
    if (pipeline && !PQenterPipelineMode(connection_.get())) throw_lost(false);
    for (const auto& query : queries) send(query);
    if (pipeline && !PQpipelineSync(connection_.get())) throw_lost(true);

    Deadline deadline(timeout);
    std::vector<ResultSet> answers;
    const PGresult* failure = nullptr;  // the first error, which explains a lost connection
    for (std::size_t i = 0; i < queries.size(); ++i) {
        answers.push_back(collect_one(deadline));
        const PGresult* result = answers.back().get();
        if (!failure && result && PQresultStatus(result) == PGRES_FATAL_ERROR) failure = result;
    }
    if (pipeline) {
        ResultSet sync(next_result(deadline));
        if (PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC) throw_lost(true, failure);
        PQexitPipelineMode(connection_.get());
    }
    if (PQstatus(connection_.get()) != CONNECTION_OK) throw_lost(true, failure);
    cancelled = deadline.cancelled();
    return answers;
}

ResultSet Connection::send_and_collect(const std::vector<Query>& queries, milliseconds timeout,
                                       std::size_t answer) {
    bool cancelled = false;
    std::vector<ResultSet> answers = send_all(queries, timeout, cancelled);
    for (const auto& result : answers) {
        if (result.get() && PQresultStatus(result.get()) == PGRES_FATAL_ERROR)
            throw_answered(result.get(), cancelled, timeout);
    }
    if (!answers[answer].get())
        throw_error(ErrorKind::unexpected_result, "the database sent no answer");
    return std::move(answers[answer]);
}

void Connection::throw_answered(const PGresult* failure, bool cancelled, milliseconds timeout) {
    Error error = error_from_result(failure);
    if (cancelled && error.kind() == ErrorKind::query_cancelled) {
        throw_error(ErrorKind::timeout,
                    "the call took longer than the client's statement_timeout of " +
                        std::to_string(timeout.count()) + " ms and was cancelled",
                    error.sqlstate());
    }
    throw_error(error);
}

// All results of one query up to libpq's NULL: the error if there was one, else the last result.
ResultSet Connection::collect_one(Deadline& deadline) {
    ResultSet kept;
    while (PGresult* raw = next_result(deadline)) {
        ResultSet result(raw);
        const auto status = PQresultStatus(raw);
        if (status == PGRES_PIPELINE_ABORTED) continue;  // an earlier query's error explains it
        const bool error_kept = kept.get() && PQresultStatus(kept.get()) == PGRES_FATAL_ERROR;
        if (!error_kept) kept = std::move(result);
        if (PQstatus(connection_.get()) != CONNECTION_OK) throw_lost(true, kept.get());
    }
    if (PQstatus(connection_.get()) != CONNECTION_OK) throw_lost(true, kept.get());
    return kept;
}

PGresult* Connection::next_result(Deadline& deadline) {
    while (PQisBusy(connection_.get())) {
        const auto until = deadline.limited() ? deadline.until() : Clock::time_point::max();
        if (!wait_readable(until)) {
            if (deadline.cancelled()) {
                broken_ = true;
                throw SentRequestLost(ErrorKind::timeout,
                                      "no answer within the statement_timeout of " +
                                          std::to_string(deadline.timeout().count()) +
                                          " ms, nor after cancelling the call");
            }
            cancel_on_server();
            deadline.start_grace_after_cancel();
            continue;
        }
        if (!PQconsumeInput(connection_.get())) break;  // PQgetResult reports the failure
    }
    return PQgetResult(connection_.get());
}

bool Connection::wait_readable(Clock::time_point until) const {
    const int socket = PQsocket(connection_.get());
    if (socket < 0) return true;
    for (;;) {
        int wait_ms = -1;
        if (until != Clock::time_point::max()) {
            const auto left =
                std::chrono::duration_cast<milliseconds>(until - Clock::now()).count();
            if (left <= 0) return false;
            wait_ms = static_cast<int>(std::min<long long>(left, 60'000));
        }
        pollfd descriptor{socket, POLLIN, 0};
        const int ready = ::poll(&descriptor, 1, wait_ms);
        if (ready > 0) return true;
        if (ready < 0 && errno != EINTR) return true;  // let libpq report the socket's failure
    }
}

bool Connection::wait_for_notification(milliseconds timeout) {
    const auto until = Clock::now() + timeout;
    bool notified = false;
    for (;;) {
        // Notifications may already have arrived with an earlier answer.
        while (PGnotify* notification = PQnotifies(connection_.get())) {
            PQfreemem(notification);
            notified = true;
        }
        if (notified || !wait_readable(until)) return notified;
        if (!PQconsumeInput(connection_.get())) throw_lost(false);
    }
}

void Connection::cancel_on_server() {
    std::unique_ptr<PGcancel, decltype(&PQfreeCancel)> cancel(PQgetCancel(connection_.get()),
                                                              &PQfreeCancel);
    char reason[256];
    if (cancel) PQcancel(cancel.get(), reason, sizeof reason);
}

void Connection::throw_lost(bool request_sent, const PGresult* result) {
    broken_ = true;
    std::string message =
        without_password(trimmed(PQerrorMessage(connection_.get())), connection_string_);
    std::string sqlstate;
    if (result && PQresultStatus(result) == PGRES_FATAL_ERROR) {
        const Error answered = error_from_result(result);
        message = answered.message();
        sqlstate = answered.sqlstate();
    }
    if (message.empty()) message = "the connection to the database was lost";
    if (request_sent) throw SentRequestLost(ErrorKind::connection_lost, message, sqlstate);
    throw_error(ErrorKind::connection_lost, message, sqlstate);
}

bool Connection::reusable() const {
    return !broken_ && PQstatus(connection_.get()) == CONNECTION_OK &&
           PQtransactionStatus(connection_.get()) == PQTRANS_IDLE &&
           PQpipelineStatus(connection_.get()) == PQ_PIPELINE_OFF;
}

bool Connection::in_transaction() const {
    if (broken_ || PQstatus(connection_.get()) != CONNECTION_OK) return false;
    const auto status = PQtransactionStatus(connection_.get());
    return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
}

bool Connection::usable() const {
    if (!reusable()) return false;
    const int socket = PQsocket(connection_.get());
    pollfd descriptor{socket, POLLIN, 0};
    // Anything readable while idle is the server saying goodbye (or a stray notice): start afresh.
    return ::poll(&descriptor, 1, 0) == 0;
}

bool Connection::ping(milliseconds timeout) {
    try {
        execute_text("SELECT 1", {}, timeout);
        return true;
    } catch (const Error&) {
        return false;
    }
}

}  // namespace workitem::detail
