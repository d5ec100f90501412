#include "context.hpp"

#include <iostream>

namespace workitem::cli {

Client& Context::client() {
    if (!client_) {
        ClientOptions options;
        options.dsn = dsn;
        options.tenant = tenant;
        options.on_behalf = on_behalf;
        options.pool_size = 1;
        options.statement_timeout = std::chrono::milliseconds(timeout_ms);
        options.generate_idempotency_keys = generate_keys;
        options.application_name = "workitem-cli";
        // The database's NOTICE and WARNING messages (an unknown user, say) reach the SDK's
        // logger as "database <LEVEL> (<SQLSTATE>): <message>"; the CLI shows those on standard
        // error. The SDK's own messages (retries) are left out: the outcome is reported anyway.
        options.logger = [](LogLevel level, std::string_view message) {
            if (level != LogLevel::debug && message.starts_with("database ")) {
                std::cerr << "workitem: " << message << '\n';
            }
        };
        client_ = std::make_unique<Client>(options);
    }
    return *client_;
}

int Context::print(const Item& item) {
    if (json) {
        std::cout << to_json(item).dump(2) << '\n';
    } else {
        cli::print(std::cout, item_table({item}));
    }
    return exit_ok;
}

int Context::print(const std::optional<Item>& item) {
    if (item) return print(*item);
    if (json)
        std::cout << "null\n";
    else
        std::cerr << "nothing to claim\n";
    return exit_ok;
}

int Context::print(const std::vector<Item>& items) {
    print_list(items, item_table(items));
    return exit_ok;
}

int Context::print(const std::vector<BatchResult>& rows) {
    print_list(rows, batch_table(rows));
    for (const auto& row : rows) {
        if (!row.ok) return exit_partly_refused;
    }
    return exit_ok;
}

int Context::print(const AcknowledgeResult& answer) {
    if (json) {
        nlohmann::json outcomes = nlohmann::json::array(), claimed = nlohmann::json::array();
        for (const auto& row : answer.outcomes) outcomes.push_back(to_json(row));
        for (const auto& item : answer.claimed) claimed.push_back(to_json(item));
        std::cout << nlohmann::json{{"outcomes", outcomes}, {"claimed", claimed}}.dump(2) << '\n';
    } else {
        if (!answer.outcomes.empty()) cli::print(std::cout, batch_table(answer.outcomes));
        if (!answer.claimed.empty()) cli::print(std::cout, item_table(answer.claimed));
    }
    for (const auto& row : answer.outcomes) {
        if (!row.ok) return exit_partly_refused;
    }
    return exit_ok;
}

void note_more(std::size_t rows, int page_size, const std::string& option,
               const std::string& cursor) {
    if (page_size > 0 && rows == static_cast<std::size_t>(page_size)) {
        std::cout.flush();  // after the page, also where both streams go to one file
        std::cerr << "more: " << option << ' ' << cursor << '\n';
    }
}

const Action* Registry::find(CLI::App* subcommand) const {
    auto found = actions_.find(subcommand);
    return found == actions_.end() ? nullptr : &found->second;
}

std::optional<Timestamp> given_time(const CLI::Option* option, const std::string& value) {
    return option->count() ? std::optional(parse_timestamp(value)) : std::nullopt;
}

void AssignmentFlags::add_to(CLI::App& command) {
    auto* user = command.add_option("--user", users, "A potential owner (repeatable)");
    auto* group = command.add_option("--group", groups, "A group of potential owners (repeatable)");
    auto* document = command.add_option("--assignment", json,
                                        "The whole assignment as JSON (instead of --user/--group)");
    document->excludes(user)->excludes(group);
}

Assignment AssignmentFlags::assignment() const {
    if (!json.empty()) return Assignment{.json = json};
    return Assignment{.users = users, .groups = groups};
}

}  // namespace workitem::cli
