// client_bench: one measurement of libworkitem against raw libpq calling the same SQL functions,
// for bench/client. Prints one tab-separated line:
//   impl op threads synchronous_commit ops seconds ops_per_s p50_ms p99_ms client_cpu_us_per_op
//   drained
//
//   client_bench --dsn DSN --impl raw|client|client-prepared --op loop|get --threads N
//                --seconds S --warmup W [--keyed]
//
// raw: one PGconn per thread and PQexecParams with exactly the text libworkitem sends by default
// (an unnamed statement per call, named notation, every parameter it binds; see
// client/src/call_text.cpp and operations.cpp). client: one workitem::Client with a pool of one
// connection per thread and default options. client-prepared: the same with
// StatementMode::prepared. --keyed: libworkitem's loop calls carry an application's idempotency
// key each (a fresh one per call), which the library sends between BEGIN and COMMIT in its
// pipeline (docs/sdk.md, remembered refusals): what that costs on the success path.
//
// Operations: `loop` is the worker loop of bench/workloads/ext_loop.sql — claim_next from queue
// `work` as user u<thread>, then complete with output and the claim's version, each call its own
// transaction; `get` reads a random item of queue `read` (workitem_get). Every op that finishes
// inside the measured window after the warm-up counts; latencies are per op (a whole loop).
// client_cpu_us_per_op is this process's CPU time (all threads, user + system) in the window
// divided by the ops: what the caller's side costs, whatever the server does;
// server_cpu_us_per_op the same for the server's processes (with --postmaster-pid), and
// other_cpu_cores the cores that everything else on the machine kept busy meanwhile, on average:
// how loaded the machine was by others.
#include <workitem/workitem.hpp>

#include <libpq-fe.h>

#include <CLI/CLI.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

// The text libworkitem sends for these three calls with default options.
constexpr const char* claim_next_sql =
    "SELECT * FROM workitem_claim_next(actor => $1, queue => $2, task_name => $3, "
    "lease_seconds => $4, idempotency_key => $5)";
constexpr const char* complete_sql =
    "SELECT * FROM workitem_complete(id => $1, actor => $2, output => $3, "
    "expected_version => $4, idempotency_key => $5)";
constexpr const char* get_sql = "SELECT * FROM workitem_get(id => $1, actor => $2)";

constexpr const char* queue = "work";
constexpr const char* output = R"({"approved": true})";

enum class Op { loop, get };

struct Settings {
    std::string dsn;
    std::string impl;
    Op op{Op::loop};
    int threads{1};
    double seconds{5};
    double warmup{1};
    long postmaster{0};  // the server's postmaster pid, for its CPU time; 0: not measured
    bool keyed{false};
};

// ---- raw libpq --------------------------------------------------------------------------------

using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;
using Connection = std::unique_ptr<PGconn, decltype(&PQfinish)>;

Connection connect(const std::string& dsn) {
    Connection connection(PQconnectdb(dsn.c_str()), &PQfinish);
    if (PQstatus(connection.get()) != CONNECTION_OK) {
        throw std::runtime_error(std::string("cannot connect: ") +
                                 PQerrorMessage(connection.get()));
    }
    return connection;
}

template <std::size_t N>
Result exec(PGconn* connection, const char* sql, const std::array<const char*, N>& values) {
    Result result(PQexecParams(connection, sql, static_cast<int>(N), nullptr, values.data(),
                               nullptr, nullptr, 0),
                  &PQclear);
    if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
        throw std::runtime_error(std::string(sql) + ": " + PQerrorMessage(connection));
    }
    return result;
}

// The first row's value of `column`, as an application would read the fields it needs.
const char* value(const Result& result, const char* column) {
    const int field = PQfnumber(result.get(), column);
    if (field < 0 || PQntuples(result.get()) < 1) {
        throw std::runtime_error(std::string("no column or no row: ") + column);
    }
    return PQgetvalue(result.get(), 0, field);
}

// ---- the three implementations behind one interface -------------------------------------------

class Implementation {
  public:
    virtual ~Implementation() = default;
    // One worker loop for `actor`; false: the queue was empty.
    virtual bool loop(int thread, const std::string& actor) = 0;
    virtual void get(int thread, std::int64_t id) = 0;
};

class RawLibpq final : public Implementation {
  public:
    RawLibpq(const std::string& dsn, int threads) {
        for (int i = 0; i < threads; ++i) connections_.push_back(connect(dsn));
    }

    bool loop(int thread, const std::string& actor) override {
        PGconn* connection = connections_[static_cast<std::size_t>(thread)].get();
        const std::array<const char*, 5> claim{actor.c_str(), queue, nullptr, nullptr, nullptr};
        const Result claimed = exec(connection, claim_next_sql, claim);
        if (PQntuples(claimed.get()) == 0) return false;
        const std::array<const char*, 5> complete{value(claimed, "id"), actor.c_str(), output,
                                                  value(claimed, "version"), nullptr};
        const Result completed = exec(connection, complete_sql, complete);
        value(completed, "version");
        return true;
    }

    void get(int thread, std::int64_t id) override {
        const std::string id_text = std::to_string(id);
        const std::array<const char*, 2> parameters{id_text.c_str(), nullptr};
        const Result read =
            exec(connections_[static_cast<std::size_t>(thread)].get(), get_sql, parameters);
        value(read, "version");
    }

  private:
    std::vector<Connection> connections_;
};

class WorkitemClient final : public Implementation {
  public:
    WorkitemClient(const std::string& dsn, int threads, workitem::StatementMode mode, bool keyed)
        : client_({.dsn = dsn, .pool_size = threads, .statement_mode = mode}),
          keyed_(keyed),
          calls_(static_cast<std::size_t>(threads)) {}

    bool loop(int thread, const std::string& actor) override {
        const auto claimed =
            client_.claim_next({.actor = actor, .queue = queue, .idempotency_key = key(thread)});
        if (!claimed) return false;
        client_.complete(claimed->id, {.actor = actor,
                                       .output = output,
                                       .expected_version = claimed->version,
                                       .idempotency_key = key(thread)});
        return true;
    }

    void get(int, std::int64_t id) override { client_.get(id); }

  private:
    // A key no other call of this run (or an earlier one) uses, with --keyed.
    std::optional<std::string> key(int thread) {
        if (!keyed_) return std::nullopt;
        static const auto run = std::chrono::system_clock::now().time_since_epoch().count();
        return std::to_string(run) + "-" + std::to_string(thread) + "-" +
               std::to_string(++calls_[static_cast<std::size_t>(thread)]);
    }
    workitem::Client client_;
    bool keyed_;
    std::vector<std::uint64_t> calls_;  // per thread: each thread touches its own
};

std::unique_ptr<Implementation> make_implementation(const Settings& settings) {
    if (settings.impl == "raw") return std::make_unique<RawLibpq>(settings.dsn, settings.threads);
    const auto mode = settings.impl == "client-prepared" ? workitem::StatementMode::prepared
                                                         : workitem::StatementMode::unnamed;
    return std::make_unique<WorkitemClient>(settings.dsn, settings.threads, mode, settings.keyed);
}

// ---- measuring --------------------------------------------------------------------------------

// CPU time in seconds, from three sources sampled at both ends of the window: this process
// (every thread, user + system), the server's processes (the children of the postmaster: the
// backends serving the measurement, autovacuum, the WAL writer...) and the whole machine (every
// core busy, from /proc/stat), so that what neither used is the other processes' load.
struct CpuSample {
    double self{};
    double server{};
    double machine{};
};

double seconds_of(const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
}

double ticks_to_seconds(unsigned long long ticks) {
    static const double ticks_per_second = static_cast<double>(sysconf(_SC_CLK_TCK));
    return static_cast<double>(ticks) / ticks_per_second;
}

// user + system time of every process whose parent is `parent`, from /proc/<pid>/stat.
double children_cpu_seconds(long parent) {
    unsigned long long ticks = 0;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const auto name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream file(entry.path() / "stat");
        std::string line;
        if (!std::getline(file, line)) continue;  // it exited meanwhile
        // The command name is in parentheses and may hold spaces: the fields follow its ')'.
        std::istringstream fields(line.substr(line.rfind(')') + 2));
        std::string state;
        long ppid = 0;
        fields >> state >> ppid;
        if (ppid != parent) continue;
        std::string skipped;
        for (int field = 5; field < 14; ++field) fields >> skipped;
        unsigned long long user = 0, system = 0;
        fields >> user >> system;
        ticks += user + system;
    }
    return ticks_to_seconds(ticks);
}

// Busy time of all cores from /proc/stat's first line: user, nice, system, irq and softirq (not
// idle, iowait, or the time the hypervisor gave to other machines).
double machine_busy_seconds() {
    std::ifstream file("/proc/stat");
    std::string cpu;
    unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0;
    file >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq;
    return ticks_to_seconds(user + nice + system + irq + softirq);
}

double self_cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return seconds_of(usage.ru_utime) + seconds_of(usage.ru_stime);
}

// Scanning /proc takes this process some milliseconds: its own time is read after the scan at
// the window's start and before it at the end, so the scans stay out of the client's figure.
CpuSample sample_cpu_at_start(long postmaster) {
    CpuSample sample;
    sample.server = postmaster > 0 ? children_cpu_seconds(postmaster) : 0;
    sample.machine = machine_busy_seconds();
    sample.self = self_cpu_seconds();
    return sample;
}

CpuSample sample_cpu_at_end(long postmaster) {
    CpuSample sample;
    sample.self = self_cpu_seconds();
    sample.server = postmaster > 0 ? children_cpu_seconds(postmaster) : 0;
    sample.machine = machine_busy_seconds();
    return sample;
}

// The ids of queue `read`, the items `get` reads.
std::vector<std::int64_t> read_ids(PGconn* connection) {
    const Result ids = exec(connection, "SELECT id FROM workitem.item WHERE queue = 'read'",
                            std::array<const char*, 0>{});
    std::vector<std::int64_t> list;
    for (int row = 0; row < PQntuples(ids.get()); ++row) {
        list.push_back(std::stoll(PQgetvalue(ids.get(), row, 0)));
    }
    if (list.empty()) throw std::runtime_error("queue 'read' holds no items");
    return list;
}

double percentile(const std::vector<double>& sorted, double q) {
    if (sorted.empty()) return 0;
    const auto rank = static_cast<std::size_t>(q * static_cast<double>(sorted.size()));
    return sorted[std::min(sorted.size() - 1, rank)];
}

int run(const Settings& settings) {
    const Connection setup = connect(settings.dsn);
    const Result sync = exec(setup.get(), "SHOW synchronous_commit", std::array<const char*, 0>{});
    const std::string synchronous_commit = PQgetvalue(sync.get(), 0, 0);
    const std::vector<std::int64_t> ids =
        settings.op == Op::get ? read_ids(setup.get()) : std::vector<std::int64_t>{};

    const auto implementation = make_implementation(settings);
    const auto to_duration = [](double seconds) {
        return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    };
    const auto window_start = Clock::now() + to_duration(settings.warmup);
    const auto window_end = window_start + to_duration(settings.seconds);

    std::vector<std::vector<double>> latencies(static_cast<std::size_t>(settings.threads));
    std::atomic<bool> drained{false};
    std::mutex failure_mutex;
    std::string failure;
    {
        std::vector<std::jthread> workers;
        for (int thread = 0; thread < settings.threads; ++thread) {
            workers.emplace_back([&, thread] {
                const std::string actor = "u" + std::to_string(thread);
                std::mt19937_64 random(static_cast<std::uint64_t>(thread) * 7919 + 1);
                std::uniform_int_distribution<std::size_t> pick(0,
                                                                ids.empty() ? 0 : ids.size() - 1);
                auto& mine = latencies[static_cast<std::size_t>(thread)];
                mine.reserve(200'000);
                try {
                    for (auto start = Clock::now(); start < window_end; start = Clock::now()) {
                        if (settings.op == Op::loop) {
                            if (!implementation->loop(thread, actor)) {
                                drained = true;
                                return;
                            }
                        } else {
                            implementation->get(thread, ids[pick(random)]);
                        }
                        const auto stop = Clock::now();
                        if (start >= window_start && stop <= window_end) {
                            mine.push_back(
                                std::chrono::duration<double, std::milli>(stop - start).count());
                        }
                    }
                } catch (const std::exception& error) {
                    std::lock_guard lock(failure_mutex);
                    failure = error.what();
                }
            });
        }
        std::this_thread::sleep_until(window_start);
        const CpuSample before = sample_cpu_at_start(settings.postmaster);
        std::this_thread::sleep_until(window_end);
        const CpuSample after = sample_cpu_at_end(settings.postmaster);
        workers.clear();  // joins

        if (!failure.empty()) {
            std::cerr << "client_bench: " << settings.impl << ": " << failure << '\n';
            return 1;
        }
        std::vector<double> all;
        for (const auto& mine : latencies) all.insert(all.end(), mine.begin(), mine.end());
        std::sort(all.begin(), all.end());
        const auto ops = static_cast<double>(all.size());
        const double self = after.self - before.self;
        const double server = after.server - before.server;
        // Cores the other processes kept busy on average; never below zero (sampling jitter).
        const double others =
            std::max(0.0, after.machine - before.machine - self - server) / settings.seconds;
        const double per_op = ops > 0 ? 1e6 / ops : 0.0;  // seconds -> microseconds per op
        std::printf("%s\t%s\t%d\t%s\t%zu\t%.3f\t%.1f\t%.3f\t%.3f\t%.1f\t%.1f\t%.2f\t%d\n",
                    settings.impl.c_str(), settings.op == Op::loop ? "loop" : "get",
                    settings.threads, synchronous_commit.c_str(), all.size(), settings.seconds,
                    ops / settings.seconds, percentile(all, 0.50), percentile(all, 0.99),
                    self * per_op, settings.postmaster > 0 ? server * per_op : 0.0, others,
                    drained ? 1 : 0);
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"One measurement of libworkitem against raw libpq (bench/client)"};
    Settings settings;
    app.add_option("--dsn", settings.dsn, "libpq connection string")->required();
    app.add_option("--impl", settings.impl, "raw, client or client-prepared")
        ->required()
        ->check(CLI::IsMember({"raw", "client", "client-prepared"}));
    app.add_option("--op", settings.op, "loop (claim_next + complete) or get")
        ->required()
        ->transform(CLI::CheckedTransformer(
            std::map<std::string, Op>{{"loop", Op::loop}, {"get", Op::get}}));
    // Up to bench/gateway/run's 1,000 clients through pgbouncer.
    app.add_option("--threads", settings.threads, "threads (and connections)")
        ->check(CLI::Range(1, 1000));
    app.add_option("--seconds", settings.seconds, "measured seconds")->check(CLI::PositiveNumber);
    app.add_option("--warmup", settings.warmup, "seconds before the measurement starts")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--postmaster-pid", settings.postmaster,
                   "the server's postmaster (same machine), to measure the server's CPU time");
    app.add_flag("--keyed", settings.keyed,
                 "libworkitem's loop calls carry an idempotency key each (not with raw)");
    CLI11_PARSE(app, argc, argv);
    try {
        return run(settings);
    } catch (const std::exception& error) {
        std::cerr << "client_bench: " << error.what() << '\n';
        return 1;
    }
}
