#include "world.hpp"

#include <algorithm>
#include <iostream>
#include <sstream>

namespace load {

// A tenth of the clients are workflow engines, three tenths system workers, the rest people.
World::World(const Settings& settings)
    : settings_(settings),
      engines_(std::max(1, settings.clients / 10)),
      workers_(std::max(1, settings.clients * 3 / 10)) {
    const int people = std::max(0, settings.clients - engines_ - workers_);
    teams_.resize(static_cast<std::size_t>(std::max(1, people / team_size)));
    for (int client = 0; client < settings.clients; ++client)
        if (role_of(client) == Role::person)
            teams_[static_cast<std::size_t>(team_of(client))].push_back(actor_of(client));
    std::ostringstream id;
    id << std::hex
       << std::chrono::duration_cast<std::chrono::seconds>(
              std::chrono::system_clock::now().time_since_epoch())
              .count();
    run_id_ = id.str();
}

Role World::role_of(int client) const {
    if (client < engines_) return Role::engine;
    if (client < engines_ + workers_) return Role::system_worker;
    return Role::person;
}

std::string World::actor_of(int client) const {
    switch (role_of(client)) {
        case Role::engine:
            return "engine" + std::to_string(client);
        case Role::system_worker:
            return "bot" + std::to_string(client - engines_);
        case Role::person:
            break;
    }
    return "p" + std::to_string(client - engines_ - workers_);
}

std::string World::team_group(int team) {
    return "clerks-" + std::to_string(team);
}

const std::vector<std::string>& World::team_members(int team) const {
    return teams_.at(static_cast<std::size_t>(team));
}

int World::team_of(int client) const {
    return (client - engines_ - workers_) % teams();
}

// Every third person may hold two items at once, every third four, the others any number: the
// capacity check is hit often (docs/domain.md §3, Constraints).
std::optional<int> World::capacity_of_person(int index) {
    switch (index % 3) {
        case 0:
            return 2;
        case 1:
            return 4;
        default:
            return std::nullopt;
    }
}

std::vector<DirectoryEntry> World::directory() const {
    std::vector<DirectoryEntry> entries;
    for (int client = 0; client < settings_.clients; ++client) {
        switch (role_of(client)) {
            case Role::engine:
                break;
            case Role::system_worker:
                entries.push_back({.user = actor_of(client), .groups = {workers_group}});
                break;
            case Role::person:
                entries.push_back({.user = actor_of(client),
                                   .groups = {team_group(team_of(client))},
                                   .capacity = capacity_of_person(client - engines_ - workers_)});
                break;
        }
    }
    return entries;
}

void World::start_clock() {
    ends_at_ = std::chrono::steady_clock::now() + settings_.duration;
}

namespace {
std::atomic<bool> stop_requested{false};  // lock-free: set from a signal handler
}  // namespace

void World::request_stop() noexcept {
    stop_requested = true;
}

bool World::stopping() const {
    return stop_requested || std::chrono::steady_clock::now() >= ends_at_;
}

// Enough offered work that people and workers contend for it, not so much that worklists and
// claims walk an ever longer backlog.
bool World::backlog_full() const {
    const auto people = static_cast<std::int64_t>(settings_.clients - engines_ - workers_);
    return open_human_items.load() > 8 * people + 50 ||
           open_system_items.load() > 20 * workers_ + 100;
}

void World::report_unanswered(std::string_view actor, const Call& call, const Answer& answer) {
    constexpr int shown = 10;
    if (++unanswered_shown_ > shown) return;
    std::ostringstream line;  // one write, so that threads do not interleave their lines
    line << "workitem-load: " << actor << ": " << to_string(call.op);
    if (call.item_id) line << " of item " << *call.item_id;
    if (!call.workflow_id.empty()) line << " of workflow " << call.workflow_id;
    line << ": " << to_string(answer.outcome) << ": " << answer.message << '\n';
    std::cerr << line.str();
}

}  // namespace load
