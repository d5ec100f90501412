// `workitem work`: a workitem::Worker whose handler is a command, run once per item with the
// item's JSON on its standard input. Exit 0 completes the item with the command's standard
// output (JSON; empty: null); another exit fails it with {"exit_code", "stderr"}. SIGINT or
// SIGTERM stops gracefully; a second one stops at once.
#include "context.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <thread>

extern char** environ;  // NOLINT: posix_spawnp passes it on

namespace workitem::cli {
namespace {

// How much of a failed command's standard error goes into the fault.
constexpr std::size_t stderr_kept = 4000;
constexpr int stderr_lines_kept = 20;

struct WorkFlags {
    WorkerOptions worker;
    std::vector<std::string> command;
};

// Set by a second stop signal: running commands get SIGTERM.
std::atomic<bool> stop_at_once{false};

class Pipe {
  public:
    Pipe() {
        if (pipe2(fds_, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category());
    }
    ~Pipe() {
        close_read();
        close_write();
    }
    Pipe(const Pipe&) = delete;
    Pipe& operator=(const Pipe&) = delete;
    int read_end() const { return fds_[0]; }
    int write_end() const { return fds_[1]; }
    void close_read() { close_fd(fds_[0]); }
    void close_write() { close_fd(fds_[1]); }

  private:
    static void close_fd(int& fd) {
        if (fd >= 0) ::close(fd);
        fd = -1;
    }
    int fds_[2]{-1, -1};
};

std::string last_lines(const std::string& text) {
    std::size_t start = text.size();
    int lines = 0;
    while (start > 0 && text.size() - start < stderr_kept) {
        if (text[start - 1] == '\n' && start != text.size() && ++lines >= stderr_lines_kept) break;
        --start;
    }
    return text.substr(start);
}

std::string trimmed(const std::string& text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

// Runs the command with `input` on its standard input; its exit status, stdout and stderr.
struct Outcome {
    int status{};
    std::string out;
    std::string err;
};

Outcome run_command(const std::vector<std::string>& command, const std::string& input) {
    Pipe in, out, err;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in.read_end(), STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out.write_end(), STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err.write_end(), STDERR_FILENO);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    // Its own process group, so that Ctrl-C stops the worker (gracefully) but not the commands
    // it lets finish; and the stop signals the worker blocks are not blocked in the command.
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setpgroup(&attributes, 0);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);
    std::vector<char*> argv;
    for (const std::string& argument : command) argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    pid_t pid = 0;
    const int spawned = posix_spawnp(&pid, argv[0], &actions, &attributes, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (spawned != 0) {
        throw std::runtime_error("cannot run " + command[0] + ": " +
                                 std::generic_category().message(spawned));
    }
    in.close_read();
    out.close_write();
    err.close_write();
    fcntl(in.write_end(), F_SETFL, O_NONBLOCK);

    Outcome outcome;
    std::size_t written = 0;
    if (input.empty()) in.close_write();
    bool terminated = false;
    while (out.read_end() >= 0 || err.read_end() >= 0) {
        pollfd fds[3] = {
            {in.write_end(), POLLOUT, 0}, {out.read_end(), POLLIN, 0}, {err.read_end(), POLLIN, 0}};
        const int ready = ::poll(fds, 3, 100);
        if (ready < 0 && errno != EINTR) break;
        if (stop_at_once && !terminated) {
            ::kill(pid, SIGTERM);
            terminated = true;
        }
        if (fds[0].revents & (POLLOUT | POLLERR | POLLHUP)) {
            const ssize_t n =
                ::write(in.write_end(), input.data() + written, input.size() - written);
            if (n > 0) written += static_cast<std::size_t>(n);
            if (n < 0 && errno != EAGAIN) written = input.size();  // EPIPE: it did not read it all
            if (written >= input.size()) in.close_write();
        }
        for (int i = 1; i < 3; ++i) {
            if (!(fds[i].revents & (POLLIN | POLLERR | POLLHUP))) continue;
            Pipe& pipe = i == 1 ? out : err;
            std::string& sink = i == 1 ? outcome.out : outcome.err;
            char buffer[8192];
            const ssize_t n = ::read(pipe.read_end(), buffer, sizeof buffer);
            if (n > 0) {
                sink.append(buffer, static_cast<std::size_t>(n));
                if (i == 2 && sink.size() > 4 * stderr_kept)
                    sink.erase(0, sink.size() - stderr_kept);
            } else if (n == 0 || errno != EINTR) {
                pipe.close_read();
            }
        }
    }
    in.close_write();
    while (::waitpid(pid, &outcome.status, 0) < 0 && errno == EINTR) {
    }
    return outcome;
}

HandlerResult handle(const std::vector<std::string>& command, const Item& item) {
    const Outcome outcome = run_command(command, to_json(item).dump());
    nlohmann::json fault;
    if (WIFEXITED(outcome.status) && WEXITSTATUS(outcome.status) == 0) {
        const std::string output = trimmed(outcome.out);
        if (output.empty()) return std::nullopt;
        if (nlohmann::json::accept(output)) return output;
        fault = {{"error", "the command's standard output is not JSON"},
                 {"stdout", last_lines(output)}};
    } else if (WIFEXITED(outcome.status)) {
        fault = {{"exit_code", WEXITSTATUS(outcome.status)}};
    } else {
        fault = {{"signal", WTERMSIG(outcome.status)}};
    }
    fault["stderr"] = last_lines(outcome.err);
    return HandlerResult::failed(fault.dump());
}

int work(Context& context, const WorkFlags& flags) {
    // The stop signals are taken by a thread of their own (sigwait), not by a handler: the
    // worker's threads inherit the blocked mask.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);  // a command that does not read its input

    ClientOptions options;
    options.dsn = context.dsn;
    options.tenant = context.tenant;
    options.on_behalf = context.on_behalf;
    options.pool_size = flags.worker.concurrency + 2;
    options.statement_timeout = std::chrono::milliseconds(context.timeout_ms);
    options.application_name = "workitem-cli work";
    WorkerOptions worker_options = flags.worker;
    worker_options.logger = [](LogLevel level, std::string_view message) {
        if (level >= LogLevel::warning) std::cerr << "workitem: " << message << '\n';
    };
    Worker worker(
        std::move(options), std::move(worker_options),
        [&flags](const Item& item, WorkerContext&) { return handle(flags.command, item); });

    std::atomic<bool> done{false};
    std::thread signals([&] {
        int received = 0;
        const timespec slice{0, 200'000'000};
        while (!done) {
            if (sigtimedwait(&stop_signals, nullptr, &slice) < 0) continue;
            if (++received == 1) {
                std::cerr
                    << "workitem: stopping: finishing the running commands (again: stop at once)\n";
                worker.stop();
            } else {
                stop_at_once = true;
                worker.stop_now();
            }
        }
    });
    try {
        worker.run();
    } catch (...) {
        done = true;
        signals.join();
        throw;
    }
    done = true;
    signals.join();
    const WorkerStats stats = worker.stats();
    std::cerr << "workitem: " << stats.completed << " completed, " << stats.failed << " failed, "
              << stats.released << " released, " << stats.refused << " refused\n";
    return exit_ok;
}

}  // namespace

void add_work_command(CLI::App& app, Registry& registry) {
    auto flags = std::make_shared<WorkFlags>();
    auto* command = app.add_subcommand(
        "work",
        "Run a command once per claimed item, the item's JSON on its stdin: exit 0 completes the "
        "item with its stdout (JSON, empty: null), another exit fails it. SIGINT/SIGTERM stop "
        "gracefully");
    command->add_option("--actor", flags->worker.actor, "Who claims")->required();
    command->add_option("--queue", flags->worker.queue, "Only from this queue");
    command->add_option("--task", flags->worker.task_name, "Only items of this task name");
    command->add_option("--concurrency", flags->worker.concurrency, "Commands running at once")
        ->default_val(1)
        ->check(CLI::Range(1, 1000));
    command->add_option("--prefetch", flags->worker.prefetch, "Items held beyond the running ones")
        ->default_val(0)
        ->check(CLI::Range(0, 10000));
    command
        ->add_option("--lease-seconds", flags->worker.lease_seconds,
                     "The lease of every claim, heartbeated while held")
        ->default_val(300)
        ->check(CLI::Range(1, 86400));
    command->add_option("command", flags->command, "The command and its arguments, after --")
        ->required();
    registry.on(command, [flags](Context& context) { return work(context, *flags); });
}

}  // namespace workitem::cli
