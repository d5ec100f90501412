// What every CLI subcommand shares: the connection settings and output format from the global
// options, the client (opened on first use), and the printing of answers.
#pragma once

#include "output.hpp"

#include <workitem/workitem.hpp>

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace workitem::cli {

// Exit codes (documented in docs/cli.md and in --help).
enum ExitCode : int {
    exit_ok = 0,
    exit_refused = 1,        // the database refused the operation (the SQLSTATE is printed)
    exit_usage = 2,          // the request is wrong (command line, timestamp, JSON, WI422, 22xxx)
    exit_unavailable = 3,    // the database could not be reached or stayed busy (after retries)
    exit_in_doubt = 4,       // the connection dropped while a change may have committed
    exit_partly_refused = 5  // a batch: some ids were refused (see their rows)
};

class Context {
  public:
    std::string dsn;
    std::string tenant;
    std::string on_behalf;  // the end user's capability a service declares (docs/security.md)
    bool json{false};
    int timeout_ms{30000};
    bool generate_keys{false};

    Client& client();
    bool as_json() const { return json; }
    Format format() const { return json ? Format::json : Format::table; }

    int print(const Item& item);
    int print(const std::optional<Item>& item);
    int print(const std::vector<Item>& items);
    int print(const std::vector<BatchResult>& rows);
    int print(const AcknowledgeResult& answer);  // the outcomes' rows, then the items claimed

    // A JSON array of the values, or the table.
    template <class Value>
    void print_list(const std::vector<Value>& values, const Table& table) const {
        if (!json) {
            cli::print(std::cout, table);
            return;
        }
        nlohmann::json list = nlohmann::json::array();
        for (const auto& value : values) list.push_back(to_json(value));
        std::cout << list.dump(2) << '\n';
    }

  private:
    std::unique_ptr<Client> client_;
};

using Action = std::function<int(Context&)>;

// The action of each subcommand, run after the command line was parsed.
class Registry {
  public:
    void on(CLI::App* subcommand, Action action) { actions_[subcommand] = std::move(action); }
    const Action* find(CLI::App* subcommand) const;

  private:
    std::map<CLI::App*, Action> actions_;
};

// The value of an option when it was given on the command line.
template <class T>
std::optional<T> given(const CLI::Option* option, const T& value) {
    return option->count() ? std::optional<T>(value) : std::nullopt;
}
std::optional<Timestamp> given_time(const CLI::Option* option, const std::string& value);

// --user, --group and --assignment: the people of an assignment.
struct AssignmentFlags {
    std::vector<std::string> users;
    std::vector<std::string> groups;
    std::string json;
    void add_to(CLI::App& command);
    Assignment assignment() const;
    bool given() const { return !users.empty() || !groups.empty() || !json.empty(); }
};

// Failures (report.cpp): the exit code of an error, and its report on standard error (a JSON
// object with --json); hints name CLI subcommands instead of the SQL functions behind them.
int exit_code_for(ErrorKind kind);
void report(const Error& error, bool json);
void report_usage(const std::string& message, bool json);
std::string with_cli_commands(const std::string& text);

// A full page may have more after it: says so on standard error (so standard output stays the
// page), naming the option that continues it.
void note_more(std::size_t rows, int page_size, const std::string& option,
               const std::string& cursor);

void add_read_commands(CLI::App& app, Registry& registry);
void add_lifecycle_commands(CLI::App& app, Registry& registry);
void add_create_and_directory_commands(CLI::App& app, Registry& registry);
void add_consumer_commands(CLI::App& app, Registry& registry);
void add_admin_commands(CLI::App& app, Registry& registry);
void add_work_command(CLI::App& app, Registry& registry);

}  // namespace workitem::cli
