// workitem-load: the load driver of tests/load (docs/load.md). N clients, each a thread with a
// connection of its own, run the mix of workflow engines, people and system workers for a set
// time through libworkitem (through pgbouncer, or straight to PostgreSQL) or through the REST
// gateway, and every call's outcome goes to a journal that tests/load/check.sql holds against
// the event log.
//
//   workitem-load --dsn DSN --journal FILE [--clients 50] [--seconds 60] [--replay-rate 0.05]
//                 [--think-ms 100] [--lease-seconds 15] [--seed 1] [--timeline FILE]
//                 [--transport sdk|gateway [--gateway-url URL --jwt-secret-file F
//                  --jwt-issuer I --jwt-audience A]]
//
// The directory is synced through the DSN in either case (put_users, as an application's setup).
//
// The DSN's password, if any, comes from ~/.pgpass or PGPASSFILE (docs/sdk.md, Connect).
#include "actors.hpp"
#include "journal.hpp"
#include "transports.hpp"
#include "world.hpp"

#include <CLI/CLI.hpp>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <latch>
#include <mutex>
#include <thread>

namespace {

struct Arguments {
    std::string dsn;
    std::filesystem::path journal;
    std::filesystem::path timeline;
    load::TransportSettings transport;
    std::string gateway_url;
    std::filesystem::path jwt_secret_file;
    load::Settings settings;
};

// Warnings and errors of the clients' libraries, the first few printed, all counted.
class Warnings {
  public:
    void operator()(workitem::LogLevel level, std::string_view message) {
        if (level < workitem::LogLevel::warning) return;
        const auto seen = ++count_;
        if (seen > shown) return;
        std::scoped_lock lock(mutex_);
        std::cerr << "workitem-load: " << workitem::to_string(level) << ": " << message << '\n';
    }
    std::int64_t count() const { return count_; }

  private:
    static constexpr std::int64_t shown = 10;
    std::atomic<std::int64_t> count_{0};
    std::mutex mutex_;
};

workitem::ClientOptions client_options(const std::string& dsn, Warnings& warnings) {
    using namespace std::chrono_literals;
    return {.dsn = dsn,
            .pool_size = 1,  // one connection per load client
            .acquire_timeout = 30s,
            .connect_timeout = 30s,
            .statement_timeout = 60s,
            .application_name = "workitem-load",
            .logger = [&warnings](workitem::LogLevel level, std::string_view message) {
                warnings(level, message);
            }};
}

// The people and workers into the directory, as an application syncs its users.
void sync_directory(const load::World& world, const workitem::ClientOptions& options) {
    workitem::Client client(options);
    std::vector<workitem::PutUserCommand> users;
    for (const load::DirectoryEntry& entry : world.directory())
        users.push_back(
            {.user_id = entry.user, .groups = entry.groups, .capacity = entry.capacity});
    client.put_users(users);
}

// Every client arrives at the start line exactly once, even one that fails to get there.
class Arrival {
  public:
    explicit Arrival(std::latch& latch) : latch_(latch) {}
    ~Arrival() {
        if (!arrived_) latch_.count_down();
    }
    Arrival(const Arrival&) = delete;
    Arrival& operator=(const Arrival&) = delete;
    void wait() {
        arrived_ = true;
        latch_.arrive_and_wait();
    }

  private:
    std::latch& latch_;
    bool arrived_{false};
};

void run_client(int client, load::World& world, const load::TransportSettings& transports,
                const std::filesystem::path& file, std::latch& ready) {
    Arrival arrival(ready);
    load::Journal journal(client, file);
    const auto transport = load::make_transport(transports, world, client);
    load::Session session(client, *transport, journal, world);
    arrival.wait();
    switch (world.role_of(client)) {
        case load::Role::engine:
            load::run_engine(session);
            break;
        case load::Role::person:
            load::run_person(session);
            break;
        case load::Role::system_worker:
            load::run_system_worker(session);
            break;
    }
}

int run(Arguments& arguments) {
    Warnings warnings;
    const workitem::ClientOptions options = client_options(arguments.dsn, warnings);
    arguments.transport.sdk = options;
    load::World world(arguments.settings);
    sync_directory(world, options);

    const int clients = arguments.settings.clients;
    std::vector<std::filesystem::path> parts;
    for (int client = 0; client < clients; ++client)
        parts.push_back(arguments.journal.string() + "." + std::to_string(client));
    std::latch ready(clients + 1);
    std::atomic<int> crashed{0};
    std::chrono::steady_clock::time_point started;
    {
        std::vector<std::jthread> threads;
        for (int client = 0; client < clients; ++client) {
            threads.emplace_back([&, client] {
                try {
                    run_client(client, world, arguments.transport,
                               parts[static_cast<std::size_t>(client)], ready);
                } catch (const std::exception& error) {
                    ++crashed;
                    std::cerr << "workitem-load: client " << client << ": " << error.what() << '\n';
                }
            });
        }
        started = std::chrono::steady_clock::now();
        world.start_clock();
        ready.arrive_and_wait();
    }
    // The time it ran: its --seconds, or less when a signal ended it early.
    const std::int64_t seconds = std::max<std::int64_t>(
        1,
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started)
            .count());
    load::merge_journals(parts, arguments.journal);
    if (!arguments.timeline.empty()) world.timeline.write(arguments.timeline);

    const auto& by = world.calls_by_outcome;
    const std::int64_t calls = by[0] + by[1] + by[2] + by[3];
    std::cout << "workitem-load: " << clients << " clients, " << seconds << " s, " << calls
              << " calls (" << calls / seconds << "/s): ok " << by[0] << ", refused " << by[1]
              << ", in doubt " << by[2] << ", failed " << by[3] << "; replays answered differently "
              << world.replay_mismatches << "; library warnings " << warnings.count()
              << "; clients crashed " << crashed << '\n';
    return crashed == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    Arguments arguments;
    CLI::App app{"workitem-load: the load driver of tests/load (docs/load.md)"};
    app.add_option("--dsn", arguments.dsn, "where to connect (through pgbouncer, say)")->required();
    app.add_option("--journal", arguments.journal, "the journal file to write")->required();
    app.add_option("--timeline", arguments.timeline, "the per-second time series to write");
    app.add_option("--transport", arguments.transport.kind, "how calls travel")
        ->check(CLI::IsMember({"sdk", "gateway"}));
    app.add_option("--gateway-url", arguments.gateway_url, "the gateway (http://127.0.0.1:PORT)");
    app.add_option("--jwt-secret-file", arguments.jwt_secret_file, "the gateway's HS256 secret")
        ->check(CLI::ExistingFile);
    app.add_option("--jwt-issuer", arguments.transport.tokens.issuer, "the tokens' iss");
    app.add_option("--jwt-audience", arguments.transport.tokens.audience, "the tokens' aud");
    int seconds = 60;
    int think_ms = 100;
    auto& settings = arguments.settings;
    app.add_option("--clients", settings.clients, "concurrent clients")
        ->check(CLI::Range(1, 10000));
    app.add_option("--seconds", seconds, "how long")->check(CLI::Range(1, 86400));
    app.add_option("--replay-rate", settings.replay_rate, "share of mutations sent twice")
        ->check(CLI::Range(0.0, 1.0));
    app.add_option("--think-ms", think_ms, "a person's pause between steps")
        ->check(CLI::Range(0, 60000));
    app.add_option("--lease-seconds", settings.lease_seconds, "a system worker's lease")
        ->check(CLI::Range(5, 3600));
    app.add_option("--seed", settings.seed, "the random seed");
    CLI11_PARSE(app, argc, argv);
    settings.duration = std::chrono::seconds(seconds);
    settings.think = std::chrono::milliseconds(think_ms);
    // SIGTERM or SIGINT end the run early, its journal merged as at the end of its time.
    std::signal(SIGTERM, [](int) { load::World::request_stop(); });
    std::signal(SIGINT, [](int) { load::World::request_stop(); });
    try {
        if (arguments.transport.kind == "gateway") {
            if (arguments.gateway_url.empty() || arguments.jwt_secret_file.empty())
                throw std::invalid_argument(
                    "--transport gateway needs --gateway-url and --jwt-secret-file");
            arguments.transport.gateway = load::parse_gateway_url(arguments.gateway_url);
            std::ifstream secret(arguments.jwt_secret_file);
            std::getline(secret, arguments.transport.tokens.secret);
        }
        return run(arguments);
    } catch (const std::exception& error) {
        std::cerr << "workitem-load: " << error.what() << '\n';
        return 1;
    }
}
