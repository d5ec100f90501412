// bench/relay/writer: commits events at a steady rate and notes, for each, the wall clock
// (CLOCK_REALTIME, nanoseconds) at which its transaction's COMMIT returned (bench/README.md,
// "The relay"). A transaction is one statement in autocommit: libpq returns its result after the
// server's ReadyForQuery, that is after the commit (and its WAL flush) was done.
//
//   writer workitem <conninfo> <events/s> <seconds> <events per tx> <out>
//     each transaction creates <events per tx> items (workitem_create): one `workitem.created`
//     event each, keyed by the item id
//   writer pgq <conninfo> <events/s> <seconds> <events per tx> <out> <payload file>
//     each transaction inserts <events per tx> events into PgQ's queue 'relay'
//     (pgq.insert_event), with the payload of a workitem event: keyed by ev_id
//
// Two connections share the schedule (transaction k is due at k / transactions-per-second,
// connection k mod 2 commits it), so that one slow flush does not hold the next commit back.
// Writes "key<TAB>nanoseconds" lines to <out> and prints "written=N seconds=S lag_ms_max=L" (L:
// how late the latest transaction started against its schedule).
#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct Plan {
    std::string system{};
    std::string conninfo{};
    int transactions{};
    int per_tx{};
    std::chrono::nanoseconds period{};
    std::string payload{};
};

struct Written {
    std::mutex mutex;
    std::vector<std::pair<std::string, std::int64_t>> keys;
    double lag_ms_max = 0;
};

void write_share(const Plan& plan, int first, Clock::time_point start, Written& written) {
    PGconn* connection = PQconnectdb(plan.conninfo.c_str());
    if (PQstatus(connection) != CONNECTION_OK) {
        std::cerr << "writer: " << PQerrorMessage(connection);
        std::exit(1);
    }
    // Items made by nobody's rules draw a warning each ("no potential owners"): not wanted here.
    PQsetNoticeProcessor(
        connection, [](void*, const char*) {}, nullptr);
    const std::string per = std::to_string(plan.per_tx);
    const std::string sql =
        plan.system == "workitem"
            ? "SELECT (workitem_create('bench-relay', 'Step', actor => 'bench')).id "
              "FROM generate_series(1, " +
                  per + ")"
            : "SELECT pgq.insert_event('relay', 'workitem.created', $1) "
              "FROM generate_series(1, " +
                  per + ")";
    const char* values[] = {plan.payload.c_str()};
    const int parameters = plan.system == "workitem" ? 0 : 1;
    for (int k = first; k < plan.transactions; k += 2) {
        const auto due = start + plan.period * k;
        std::this_thread::sleep_until(due);
        const double lag_ms = std::chrono::duration<double, std::milli>(Clock::now() - due).count();
        PGresult* result =
            PQexecParams(connection, sql.c_str(), parameters, nullptr, values, nullptr, nullptr, 0);
        const auto committed = now_ns();
        if (PQresultStatus(result) != PGRES_TUPLES_OK) {
            std::cerr << "writer: " << PQresultErrorMessage(result);
            std::exit(1);
        }
        std::lock_guard lock(written.mutex);
        written.lag_ms_max = std::max(written.lag_ms_max, lag_ms);
        for (int row = 0; row < PQntuples(result); ++row) {
            written.keys.emplace_back(PQgetvalue(result, row, 0), committed);
        }
        PQclear(result);
    }
    PQfinish(connection);
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() < 6 || (args[0] != "workitem" && args[0] != "pgq") ||
        (args[0] == "pgq" && args.size() != 7)) {
        std::cerr << "usage: writer workitem|pgq <conninfo> <events/s> <seconds> <per tx> <out> "
                     "[payload file]\n";
        return 2;
    }
    Plan plan{.system = args[0], .conninfo = args[1]};
    const double rate = std::stod(args[2]);
    const double seconds = std::stod(args[3]);
    plan.per_tx = std::stoi(args[4]);
    plan.transactions = static_cast<int>(rate * seconds / plan.per_tx);
    plan.period = std::chrono::nanoseconds(static_cast<std::int64_t>(1e9 * plan.per_tx / rate));
    if (plan.system == "pgq") {
        std::ifstream file(args[6]);
        std::stringstream text;
        text << file.rdbuf();
        plan.payload = text.str();
        // psql ends the file with a newline; the payload is the JSON text before it.
        while (!plan.payload.empty() &&
               std::isspace(static_cast<unsigned char>(plan.payload.back())))
            plan.payload.pop_back();
    }
    Written written;
    const auto start = Clock::now() + std::chrono::milliseconds(100);
    std::thread second(write_share, std::cref(plan), 1, start, std::ref(written));
    write_share(plan, 0, start, written);
    second.join();
    const double took = std::chrono::duration<double>(Clock::now() - start).count();
    std::ofstream out(args[5]);
    for (const auto& [key, at] : written.keys) out << key << '\t' << at << '\n';
    std::cout << "written=" << written.keys.size() << " seconds=" << took
              << " lag_ms_max=" << written.lag_ms_max << std::endl;
    return out ? 0 : 1;
}
