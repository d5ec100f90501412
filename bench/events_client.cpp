// bench/events_client.cpp: the consumer and ticker loops of bench/events, one small libpq program.
//
//   events_client drain  SYSTEM CONNINFO EVENTS   take batches until EVENTS events were read
//   events_client follow SYSTEM CONNINFO POLL_MS  follow the stream until SIGUSR1, then drain it
//   events_client ticker CONNINFO PERIOD_MS       SELECT pgq.ticker() every PERIOD_MS, to SIGTERM
//
// SYSTEM is `workitem` (consumer 'bench': workitem_next_batch / workitem_batch_events /
// workitem_finish_batch) or `pgq` (queue 'events', consumer 'bench': pgq.next_batch /
// pgq.get_batch_events / pgq.finish_batch). Both consumers run the same loop: one transaction per
// batch (take it, read all its events, finish it, commit), which is how a PgQ consumer works and
// what workitem's exactly-once recipe does; after an empty poll, `drain` retries at once (the
// backlog is committed already) and `follow` sleeps POLL_MS.
//
// `follow` measures commit-to-visible latency: for each event, the wall-clock time at which the
// batch's events arrived at the client minus the commit time of the transaction that wrote it,
// pg_xact_commit_timestamp() of its txid (the server runs with track_commit_timestamp = on; same
// host, same clock). It prints one line of key=value pairs; bench/events parses it.
#include <libpq-fe.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

// The SQL of one consumer. `next` takes no parameter; the others take the batch id.
struct ConsumerSql {
    const char* next;
    const char* events;
    const char* events_with_commit_time;  // first column: commit time, epoch seconds
    const char* finish;
};

// workitem's batches are cut at 1000 events, the size of the PgQ batches bench/events makes by
// ticking after every 1000 events of the backlog.
const ConsumerSql kWorkitemSql = {
    "SELECT workitem_next_batch('bench', max_events => 1000)",
    "SELECT * FROM workitem_batch_events($1::bigint)",
    "SELECT extract(epoch FROM pg_xact_commit_timestamp(e.txid::xid))::float8, e.* "
    "FROM workitem_batch_events($1::bigint) e",
    "SELECT workitem_finish_batch($1::bigint)",
};
const ConsumerSql kPgqSql = {
    "SELECT pgq.next_batch('events', 'bench')",
    "SELECT * FROM pgq.get_batch_events($1::bigint)",
    // ev_txid is a bigint (epoch and xid): through xid8 to the 32-bit xid the function takes.
    "SELECT extract(epoch FROM pg_xact_commit_timestamp(e.ev_txid::text::xid8::xid))::float8, e.* "
    "FROM pgq.get_batch_events($1::bigint) e",
    "SELECT pgq.finish_batch($1::bigint)",
};

volatile std::sig_atomic_t g_stop_requested = 0;
void request_stop(int) {
    g_stop_requested = 1;
}

struct ResultDeleter {
    void operator()(PGresult* result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

class Connection {
  public:
    explicit Connection(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
        if (PQstatus(conn_) != CONNECTION_OK) {
            throw std::runtime_error(std::string("connection failed: ") + PQerrorMessage(conn_));
        }
    }
    ~Connection() { PQfinish(conn_); }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    void prepare(const char* name, const char* sql) {
        check(Result(PQprepare(conn_, name, sql, 0, nullptr)), sql);
    }
    Result run(const char* sql) { return check(Result(PQexec(conn_, sql)), sql); }
    Result run_prepared(const char* name, const char* param = nullptr) {
        const char* params[] = {param};
        return check(
            Result(PQexecPrepared(conn_, name, param ? 1 : 0, params, nullptr, nullptr, 0)), name);
    }

  private:
    Result check(Result result, const char* what) {
        const ExecStatusType status = PQresultStatus(result.get());
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
            throw std::runtime_error(std::string(what) + ": " + PQerrorMessage(conn_));
        }
        return result;
    }
    PGconn* conn_;
};

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

double wall_clock_epoch_seconds() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Nearest-rank percentile of sorted values.
double percentile(const std::vector<double>& sorted, double fraction) {
    if (sorted.empty()) return NAN;
    const auto rank =
        static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(sorted.size())));
    return sorted[std::min(sorted.size(), std::max<std::size_t>(rank, 1)) - 1];
}

const ConsumerSql& sql_for(const std::string& system) {
    if (system == "workitem") return kWorkitemSql;
    if (system == "pgq") return kPgqSql;
    throw std::runtime_error("unknown system " + system + " (workitem or pgq)");
}

// One consumer session. take_batch() runs one transaction: next batch; if there is one, its
// events (handed to on_events) and finish. Returns the number of events, or -1 on an empty poll.
class Consumer {
  public:
    Consumer(const std::string& system, const std::string& conninfo, bool with_commit_time)
        : conn_(conninfo) {
        const ConsumerSql& sql = sql_for(system);
        conn_.prepare("next", sql.next);
        conn_.prepare("events", with_commit_time ? sql.events_with_commit_time : sql.events);
        conn_.prepare("finish", sql.finish);
    }

    template <typename OnEvents>
    long take_batch(OnEvents on_events) {
        conn_.run("BEGIN");
        Result next = conn_.run_prepared("next");
        if (PQgetisnull(next.get(), 0, 0)) {
            conn_.run("COMMIT");
            return -1;
        }
        const std::string batch_id = PQgetvalue(next.get(), 0, 0);
        Result events = conn_.run_prepared("events", batch_id.c_str());
        on_events(events.get());
        conn_.run_prepared("finish", batch_id.c_str());
        conn_.run("COMMIT");
        return PQntuples(events.get());
    }

  private:
    Connection conn_;
};

// Reads a backlog of `target` committed events as fast as it can.
int drain(const std::string& system, const std::string& conninfo, long target) {
    Consumer consumer(system, conninfo, false);
    long events = 0, batches = 0, empty_polls = 0;
    const Clock::time_point start = Clock::now();
    Clock::time_point last_progress = start;
    while (events < target) {
        const long taken = consumer.take_batch([](const PGresult*) {});
        if (taken < 0) {
            // The backlog is committed: an empty poll means events are missing.
            ++empty_polls;
            if (Clock::now() - last_progress > std::chrono::seconds(10)) {
                throw std::runtime_error("drain: " + std::to_string(events) + " of " +
                                         std::to_string(target) + " events, then nothing");
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
            continue;
        }
        events += taken;
        ++batches;
        last_progress = Clock::now();
    }
    const double elapsed = seconds_since(start);
    std::printf("events=%ld batches=%ld seconds=%.3f events_per_s=%.1f empty_polls=%ld\n", events,
                batches, elapsed, static_cast<double>(events) / elapsed, empty_polls);
    return 0;
}

// Follows the stream, polling every poll_ms when idle, until SIGUSR1 and then an empty poll.
int follow(const std::string& system, const std::string& conninfo, int poll_ms) {
    std::signal(SIGUSR1, request_stop);  // before connecting: the script may signal early
    Consumer consumer(system, conninfo, true);
    std::vector<double> latencies_ms;
    long batches = 0, empty_polls = 0, missing_commit_time = 0;
    const Clock::time_point start = Clock::now();
    for (;;) {
        const long taken = consumer.take_batch([&](const PGresult* events) {
            const double seen = wall_clock_epoch_seconds();
            for (int row = 0; row < PQntuples(events); ++row) {
                if (PQgetisnull(events, row, 0)) {
                    ++missing_commit_time;
                    continue;
                }
                const double committed = std::strtod(PQgetvalue(events, row, 0), nullptr);
                latencies_ms.push_back((seen - committed) * 1000.0);
            }
        });
        if (taken >= 0) {
            ++batches;
            continue;  // more may be waiting: poll again at once
        }
        if (g_stop_requested) break;  // the writers are done and everything is read
        ++empty_polls;
        std::this_thread::sleep_for(std::chrono::milliseconds(poll_ms));
    }
    if (missing_commit_time > 0) {
        throw std::runtime_error(std::to_string(missing_commit_time) +
                                 " events without a commit timestamp (track_commit_timestamp?)");
    }
    std::sort(latencies_ms.begin(), latencies_ms.end());
    std::printf(
        "events=%zu batches=%ld empty_polls=%ld seconds=%.3f p50_ms=%.2f p99_ms=%.2f "
        "max_ms=%.2f\n",
        latencies_ms.size(), batches, empty_polls, seconds_since(start),
        percentile(latencies_ms, 0.50), percentile(latencies_ms, 0.99),
        latencies_ms.empty() ? NAN : latencies_ms.back());
    return 0;
}

// PgQ's ticker: a tick every period_ms on a fixed schedule, until SIGTERM or SIGINT.
int ticker(const std::string& conninfo, int period_ms) {
    std::signal(SIGTERM, request_stop);
    std::signal(SIGINT, request_stop);
    Connection conn(conninfo);
    conn.prepare("tick", "SELECT pgq.ticker()");
    long rounds = 0, late = 0;
    Clock::time_point next = Clock::now();
    while (!g_stop_requested) {
        conn.run_prepared("tick");
        ++rounds;
        next += std::chrono::milliseconds(period_ms);
        if (next < Clock::now()) {  // a slow tick: keep the period, do not catch up in a burst
            ++late;
            next = Clock::now();
        }
        std::this_thread::sleep_until(next);
    }
    std::printf("ticker_rounds=%ld late=%ld\n", rounds, late);
    return 0;
}

int usage() {
    std::fputs(
        "usage: events_client drain  workitem|pgq CONNINFO EVENTS\n"
        "       events_client follow workitem|pgq CONNINFO POLL_MS\n"
        "       events_client ticker CONNINFO PERIOD_MS\n",
        stderr);
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    try {
        if (args.size() == 4 && args[0] == "drain") {
            return drain(args[1], args[2], std::stol(args[3]));
        }
        if (args.size() == 4 && args[0] == "follow") {
            return follow(args[1], args[2], std::stoi(args[3]));
        }
        if (args.size() == 3 && args[0] == "ticker") {
            return ticker(args[1], std::stoi(args[2]));
        }
        return usage();
    } catch (const std::exception& error) {
        std::fprintf(stderr, "events_client: %s\n", error.what());
        return 1;
    }
}
