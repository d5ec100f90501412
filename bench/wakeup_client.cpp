// bench/wakeup_client: the two clients of bench/wakeup (libpq only).
//
//   wakeup_client latency <conninfo> <items/s> <seconds> <workers>
//     One creator commits new items (offered to group 'pool', queue 'lat') at <items/s>, on a
//     schedule; <workers> idle workers (users w0..) each register (workitem_await_work), claim
//     (workitem_claim_next), complete what they claimed, and otherwise wait for a notification
//     for at most 1 s. Prints the latency from each item's commit (when workitem_create returned)
//     to its claim (when workitem_claim_next returned it): p50, p99, max; and how the waits ended.
//
//   wakeup_client waiter <conninfo> <seconds> work <actor> <queue, or - for any> [timeout ms]
//   wakeup_client waiter <conninfo> <seconds> events|events_poll <consumer>
//     A waiter that always waits: registers, looks (work: the actor's worklist; events: takes and
//     finishes the next batch, again while there is one), waits up to 1 s (or timeout ms), and
//     again. Prints how many waits a notification ended. events_poll: the same relay without
//     registering (it only polls), to tell its reading from its wake-ups.
#include <libpq-fe.h>

#include <poll.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

class Connection {
  public:
    explicit Connection(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
        if (PQstatus(conn_) != CONNECTION_OK) {
            throw std::runtime_error(std::string("connect: ") + PQerrorMessage(conn_));
        }
    }
    ~Connection() { PQfinish(conn_); }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Runs a statement with text parameters; returns the first column of the first row ("" if
    // none).
    std::string value(const char* sql, const std::vector<std::string>& parameters = {}) {
        std::vector<const char*> values;
        for (const auto& p : parameters) values.push_back(p.c_str());
        PGresult* result = PQexecParams(conn_, sql, static_cast<int>(values.size()), nullptr,
                                        values.data(), nullptr, nullptr, 0);
        const ExecStatusType status = PQresultStatus(result);
        if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
            const std::string message = PQresultErrorMessage(result);
            PQclear(result);
            throw std::runtime_error(std::string(sql) + ": " + message);
        }
        std::string first =
            PQntuples(result) > 0 && !PQgetisnull(result, 0, 0) ? PQgetvalue(result, 0, 0) : "";
        PQclear(result);
        return first;
    }

    // Drops the notifications already received.
    void drain() {
        PQconsumeInput(conn_);
        while (PGnotify* n = PQnotifies(conn_)) PQfreemem(n);
    }

    // Waits up to `timeout` for a notification; whether one came.
    bool wait(milliseconds timeout) {
        const auto until = Clock::now() + timeout;
        for (;;) {
            bool got = false;
            while (PGnotify* n = PQnotifies(conn_)) {
                PQfreemem(n);
                got = true;
            }
            if (got) return true;
            const auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now());
            if (left.count() <= 0) return false;
            pollfd fd{PQsocket(conn_), POLLIN, 0};
            if (poll(&fd, 1, static_cast<int>(left.count())) > 0 && !PQconsumeInput(conn_)) {
                throw std::runtime_error(std::string("wait: ") + PQerrorMessage(conn_));
            }
        }
    }

  private:
    PGconn* conn_;
};

double ms_between(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double, std::milli>(to - from).count();
}

int latency(const std::string& conninfo, int rate, int seconds, int workers) {
    std::mutex mutex;
    std::map<long, Clock::time_point> committed, claimed;
    std::atomic<bool> creating{true}, running{true};
    std::atomic<long> woken{0}, timed_out{0};

    std::vector<std::thread> threads;
    for (int w = 0; w < workers; ++w) {
        threads.emplace_back([&, w] {
            Connection listen(conninfo), work(conninfo);
            const std::string actor = "w" + std::to_string(w);
            while (running) {
                listen.drain();
                listen.value("SELECT workitem_await_work($1, 'lat')", {actor});
                const std::string id =
                    work.value("SELECT id FROM workitem_claim_next($1, 'lat')", {actor});
                if (!id.empty()) {
                    const auto now = Clock::now();
                    {
                        const std::lock_guard lock(mutex);
                        claimed[std::stol(id)] = now;
                    }
                    work.value("SELECT 1 FROM workitem_complete($1::bigint, $2)", {id, actor});
                    continue;
                }
                if (listen.wait(milliseconds(1000))) {
                    ++woken;
                } else {
                    ++timed_out;
                }
            }
        });
    }
    std::this_thread::sleep_for(milliseconds(1500));  // every worker idle, waiting
    {
        Connection create(conninfo);
        const auto start = Clock::now();
        const auto period = std::chrono::microseconds(1000000 / rate);
        for (long n = 0; Clock::now() < start + std::chrono::seconds(seconds); ++n) {
            std::this_thread::sleep_until(start + n * period);
            const std::string id = create.value(
                "SELECT id FROM workitem_create('wf', 'Wake', "
                "'{\"potential_owners\": {\"groups\": [\"pool\"]}}', queue => 'lat')");
            const auto now = Clock::now();
            const std::lock_guard lock(mutex);
            committed[std::stol(id)] = now;
        }
    }
    creating = false;
    std::this_thread::sleep_for(milliseconds(2000));  // the last ones claimed
    running = false;
    for (auto& t : threads) t.join();

    std::vector<double> latencies;
    for (const auto& [id, at] : committed) {
        const auto c = claimed.find(id);
        if (c != claimed.end()) latencies.push_back(std::max(0.0, ms_between(at, c->second)));
    }
    std::sort(latencies.begin(), latencies.end());
    auto at = [&](double q) {
        if (latencies.empty()) return 0.0;
        return latencies[std::min(
            latencies.size() - 1,
            static_cast<std::size_t>(q * static_cast<double>(latencies.size())))];
    };
    std::printf(
        "items=%zu claimed=%zu p50_ms=%.1f p99_ms=%.1f max_ms=%.1f woken=%ld timed_out=%ld\n",
        committed.size(), latencies.size(), at(0.5), at(0.99),
        latencies.empty() ? 0.0 : latencies.back(), woken.load(), timed_out.load());
    return latencies.size() == committed.size() ? 0 : 1;
}

int waiter(const std::string& conninfo, int seconds, const std::string& kind,
           const std::string& name, const std::string& queue, milliseconds timeout) {
    Connection listen(conninfo), look(conninfo);
    const auto until = Clock::now() + std::chrono::seconds(seconds);
    long woken = 0, timed_out = 0, batches = 0;
    while (Clock::now() < until) {
        listen.drain();
        if (kind == "work") {  // queue "-": any queue
            listen.value("SELECT workitem_await_work($1, nullif($2, '-'))", {name, queue});
            look.value("SELECT count(*) FROM workitem_worklist($1, nullif($2, '-'), 1)",
                       {name, queue});
        } else {
            if (kind == "events") listen.value("SELECT workitem_await_events($1)", {name});
            for (;;) {
                const std::string batch = look.value("SELECT workitem_next_batch($1)", {name});
                if (batch.empty()) break;
                look.value("SELECT workitem_finish_batch($1::bigint)", {batch});
                ++batches;
            }
        }
        if (listen.wait(timeout)) {
            ++woken;
        } else {
            ++timed_out;
        }
    }
    std::printf("%s woken=%ld timed_out=%ld batches=%ld\n", kind.c_str(), woken, timed_out,
                batches);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const std::vector<std::string> args(argv + 1, argv + argc);
        if (args.size() == 5 && args[0] == "latency") {
            return latency(args[1], std::stoi(args[2]), std::stoi(args[3]), std::stoi(args[4]));
        }
        if (args.size() >= 6 && args[0] == "waiter" && args[3] == "work") {
            const milliseconds timeout(args.size() > 6 ? std::stoi(args[6]) : 1000);
            return waiter(args[1], std::stoi(args[2]), "work", args[4], args[5], timeout);
        }
        if (args.size() == 5 && args[0] == "waiter" &&
            (args[3] == "events" || args[3] == "events_poll")) {
            return waiter(args[1], std::stoi(args[2]), args[3], args[4], "", milliseconds(1000));
        }
        std::fprintf(stderr, "usage: see the head of bench/wakeup_client.cpp\n");
        return 2;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "wakeup_client: %s\n", error.what());
        return 1;
    }
}
