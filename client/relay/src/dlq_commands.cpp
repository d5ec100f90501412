#include "dlq_commands.hpp"

#include "dead_letters.hpp"
#include "delivery.hpp"
#include "relay.hpp"
#include "sinks.hpp"

#include <nlohmann/json.hpp>

#include <csignal>
#include <iostream>
#include <random>
#include <thread>

namespace workitem::relay {

namespace {

nlohmann::json to_json(const DeadLetter& letter, bool with_event) {
    nlohmann::json out{
        {"id", letter.id},
        {"tenant_id", letter.tenant_id},
        {"sink", letter.sink},
        {"consumer", letter.consumer},
        {"event_id", letter.event_id},
        {"event_seq", letter.event_seq},
        {"item_id", letter.item_id},
        {"item_version", letter.item_version},
        {"event_type", letter.event_type},
        {"reason", letter.reason},
        {"error", letter.error ? nlohmann::json(*letter.error) : nullptr},
        {"attempts", letter.attempts},
        {"dead_at", letter.dead_at},
        {"state", letter.state},
        {"resolved_at", letter.resolved_at ? nlohmann::json(*letter.resolved_at) : nullptr},
        {"resolved_by", letter.resolved_by ? nlohmann::json(*letter.resolved_by) : nullptr}};
    if (with_event) out["event"] = nlohmann::json::parse(letter.event);
    return out;
}

void print(const nlohmann::json& value, int indent) {
    std::cout << value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

// Delivers the stored event to its sink, retrying as the sink's configuration says (without a
// breaker: an operator is waiting). Returns the last failure, or nothing when delivered.
std::optional<Delivery> replay(const DeadLetter& letter, const SinkConfig& config) {
    auto sink = make_sink(config);
    const auto envelope = nlohmann::json::parse(letter.event);
    RelayEvent event{.seq = letter.event_seq,
                     .id = letter.event_id,
                     .tenant_id = letter.tenant_id,
                     .aggregatetype = envelope.value("aggregatetype", "workitem"),
                     .item_id = letter.item_id,
                     .item_version = letter.item_version,
                     .type = letter.event_type,
                     .envelope = envelope.dump()};
    std::mt19937_64 random(std::random_device{}());
    Delivery last;
    for (int attempt = 1; attempt <= config.retry.max_attempts; ++attempt) {
        last = sink->deliver(event);
        if (last.outcome == Delivery::Outcome::delivered) return std::nullopt;
        if (last.outcome == Delivery::Outcome::permanent) return last;
        if (attempt < config.retry.max_attempts) {
            std::this_thread::sleep_for(backoff(config.retry, attempt, last.retry_after, random));
        }
    }
    return last;
}

}  // namespace

int run_dlq(const CommandLine& line, Log& log) {
    const auto& command = line.command;
    std::signal(SIGPIPE, SIG_IGN);
    Client client(client_options(line.settings, log, 1));
    DeadLetterStore store(client);
    try {
        switch (command.kind) {
            case Command::Kind::dlq_list:
                for (const auto& letter : store.list(command.sink, command.state, command.limit)) {
                    print(to_json(letter, false), -1);
                }
                return 0;
            case Command::Kind::dlq_show:
                print(to_json(store.get(command.id), true), 2);
                return 0;
            case Command::Kind::dlq_drop:
                print(to_json(store.resolve(command.id, "dropped"), false), -1);
                return 0;
            case Command::Kind::dlq_replay: {
                const auto config = load(line.settings);
                const auto letter = store.get(command.id);
                if (letter.state != "dead") {
                    std::cerr << "workitem-relay: dead letter " << letter.id << " is "
                              << letter.state << ", not dead\n";
                    return 1;
                }
                const SinkConfig* sink = nullptr;
                for (const auto& candidate : config.sinks) {
                    if (candidate.name == letter.sink) sink = &candidate;
                }
                if (sink == nullptr) {
                    std::cerr << "workitem-relay: no sink " << letter.sink << " in "
                              << line.settings.config_file << '\n';
                    return 1;
                }
                if (const auto failure = replay(letter, *sink)) {
                    std::cerr << "workitem-relay: the sink refused the event again ("
                              << failure->reason << "): " << failure->detail << '\n';
                    return 1;
                }
                print(to_json(store.resolve(command.id, "replayed"), false), -1);
                return 0;
            }
            case Command::Kind::run:
                break;
        }
    } catch (const ConfigError& error) {
        std::cerr << "workitem-relay: " << error.what() << '\n';
        return 2;
    } catch (const std::exception& error) {
        std::cerr << "workitem-relay: " << error.what() << '\n';
        return 1;
    }
    return 1;
}

}  // namespace workitem::relay
