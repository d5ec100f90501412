// What every client of a run shares: who is who (engines, people, system workers), the directory
// they are synced into, the clock of the run, and the backlog that paces the engines.
#pragma once

#include "timeline.hpp"
#include "transport.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace load {

struct Settings {
    int clients{50};
    std::chrono::seconds duration{60};
    double replay_rate{0.05};              // share of mutations sent again after a "dropped reply"
    std::chrono::milliseconds think{100};  // a person's pause between two steps
    int lease_seconds{15};                 // of a system worker's claims
    std::uint64_t seed{1};
};

enum class Role { engine, person, system_worker };

// A directory user: people are in one group of clerks each, some with a capacity; system
// workers in bots.
struct DirectoryEntry {
    std::string user{};
    std::vector<std::string> groups{};
    std::optional<int> capacity{};
};

// People work in teams of about this many (groups clerks-<n>): each workflow's human tasks go to
// one team, so that contention for offered items is the same at any number of clients.
inline constexpr int team_size = 25;
inline constexpr const char* workers_group = "bots";
inline constexpr const char* system_queue = "sys";
inline constexpr const char* submit_task = "Submit";
inline constexpr const char* review_task = "Review";  // four eyes with Submit
inline constexpr const char* system_task = "Enrich";

class World {
  public:
    explicit World(const Settings& settings);

    const Settings& settings() const { return settings_; }
    Role role_of(int client) const;
    // engine<i>, p<i>, bot<i>: the actor a client acts as.
    std::string actor_of(int client) const;
    int teams() const { return static_cast<int>(teams_.size()); }
    static std::string team_group(int team);  // clerks-<team>
    const std::vector<std::string>& team_members(int team) const;
    int team_of(int client) const;  // of a person
    std::vector<DirectoryEntry> directory() const;

    // Names this run in every idempotency key, so that runs against one database never share
    // a key: the start time in seconds, in hex.
    const std::string& run_id() const { return run_id_; }

    void start_clock();
    bool stopping() const;
    // Ends every run of the process before its time, from a signal handler (the driver's
    // SIGTERM: tests/fault stops the load once its scenarios are through).
    static void request_stop() noexcept;

    // Items created and not yet seen ending, by kind: the engines wait while either is full.
    std::atomic<std::int64_t> open_human_items{0};
    std::atomic<std::int64_t> open_system_items{0};
    bool backlog_full() const;

    // Calls sent, by outcome (ok, refused, in_doubt, failed).
    void count(Outcome outcome) { ++calls_by_outcome[static_cast<std::size_t>(outcome)]; }
    std::array<std::atomic<std::int64_t>, 4> calls_by_outcome{};

    // Prints the first few calls that got no answer (the journal has them all, without the
    // message).
    void report_unanswered(std::string_view actor, const Call& call, const Answer& answer);

    // A replayed call whose answer differed from the first (the checks decide; this is a hint).
    std::atomic<std::int64_t> replay_mismatches{0};

    // Every call, second by second (--timeline).
    Timeline timeline;

  private:
    static std::optional<int> capacity_of_person(int index);

    Settings settings_;
    int engines_;
    int workers_;
    std::vector<std::vector<std::string>> teams_;
    std::string run_id_;
    std::chrono::steady_clock::time_point ends_at_{};
    std::atomic<int> unanswered_shown_{0};
};

}  // namespace load
