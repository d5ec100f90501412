// bench/relay/arrivals: when each event reached a sink (bench/README.md, "The relay"). It is the
// sink's far end: a webhook receiver, a NATS subscriber, or the reader of an NDJSON pipe. For
// every event it notes the wall clock (CLOCK_REALTIME, nanoseconds) the moment the event was in
// its hands, keyed by the event's item id (`aggregateid`, a workitem envelope) or `ev_id` (a PgQ
// event of bench/relay/pgq_consumer). It stops once it has seen <count> distinct keys, or when
// nothing came for <idle> seconds (exit 1), and writes "key<TAB>nanoseconds" lines, the first
// arrival of each key, to <out>.
//
//   arrivals http  <out> <count> <idle s> <port file>   a webhook receiver on 127.0.0.1 (any
//                                                         free port, written to <port file>);
//                                                         answers 204 to every POST
//   arrivals nats  <out> <count> <idle s> <url> <subject>
//   arrivals stdin <out> <count> <idle s>                one event a line
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nats/nats.h>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace {

namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The key of an event, read without parsing the whole event, so that the far end keeps up
// with the relay: the envelope's top-level "aggregateid" (its last occurrence: jsonb writes
// shorter keys first, so the payload, which might hold such a key, comes before it), else the
// "ev_id" that leads a PgQ line.
std::optional<std::int64_t> event_key(std::string_view event) {
    constexpr std::string_view item = "\"aggregateid\": ";
    constexpr std::string_view pgq = "\"ev_id\": ";
    std::size_t at = event.rfind(item);
    if (at != std::string_view::npos) {
        at += item.size();
    } else if ((at = event.find(pgq)) != std::string_view::npos) {
        at += pgq.size();
    } else {
        return std::nullopt;
    }
    std::int64_t key = 0;
    const auto [end, error] = std::from_chars(event.data() + at, event.data() + event.size(), key);
    if (error != std::errc{}) return std::nullopt;
    return key;
}

// The arrivals so far; the process ends (with its file written) from here.
class Arrivals {
  public:
    Arrivals(std::string out, std::size_t count) : out_(std::move(out)), count_(count) {}

    void arrived(std::string_view event, std::int64_t at) {
        const auto key = event_key(event);
        if (!key) {
            std::cerr << "arrivals: an event without a key: " << event.substr(0, 80) << "\n";
            return;
        }
        std::lock_guard lock(mutex_);
        last_ = std::chrono::steady_clock::now();
        if (!first_.try_emplace(*key, at).second) return;  // a repeat: the first arrival counts
        if (first_.size() == count_) finish(0);
    }

    // Ends the process when nothing came for `idle` (a missing event, or a stuck sink).
    [[noreturn]] void watch(std::chrono::seconds idle) {
        for (;;) {
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            std::lock_guard lock(mutex_);
            if (std::chrono::steady_clock::now() - last_ > idle) {
                std::cerr << "arrivals: " << first_.size() << " of " << count_
                          << " events, then nothing for " << idle.count() << " s\n";
                finish(1);
            }
        }
    }

  private:
    [[noreturn]] void finish(int status) {
        std::ofstream file(out_);
        for (const auto& [key, at] : first_) file << key << '\t' << at << '\n';
        file.close();
        // Not fflush(nullptr): it would wait for stdin's lock, held by a reader blocked in read.
        std::fflush(stdout);
        std::fflush(stderr);
        std::_Exit(file ? status : 2);
    }

    std::mutex mutex_;
    std::string out_;
    std::size_t count_;
    std::unordered_map<std::int64_t, std::int64_t> first_;
    std::chrono::steady_clock::time_point last_{std::chrono::steady_clock::now()};
};

// One keep-alive connection of the webhook: every request is an event, answered 204.
void serve_connection(tcp::socket socket, Arrivals& arrivals) {
    boost::beast::flat_buffer buffer;
    boost::beast::error_code error;
    for (;;) {
        http::request<http::string_body> request;
        http::read(socket, buffer, request, error);
        if (error) return;
        const auto at = now_ns();
        arrivals.arrived(request.body(), at);
        http::response<http::empty_body> response{http::status::no_content, request.version()};
        response.keep_alive(request.keep_alive());
        http::write(socket, response, error);
        if (error || !response.keep_alive()) return;
    }
}

void serve_http(Arrivals& arrivals, const std::string& port_file) {
    boost::asio::io_context context;
    tcp::acceptor acceptor(context, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    {
        std::ofstream(port_file + ".tmp") << acceptor.local_endpoint().port() << '\n';
        std::rename((port_file + ".tmp").c_str(), port_file.c_str());
    }
    for (;;) {
        tcp::socket socket(context);
        acceptor.accept(socket);
        socket.set_option(tcp::no_delay(true));
        std::thread(serve_connection, std::move(socket), std::ref(arrivals)).detach();
    }
}

void on_nats_message(natsConnection*, natsSubscription*, natsMsg* message, void* closure) {
    const auto at = now_ns();
    static_cast<Arrivals*>(closure)->arrived(
        std::string_view(natsMsg_GetData(message),
                         static_cast<std::size_t>(natsMsg_GetDataLength(message))),
        at);
    natsMsg_Destroy(message);
}

void subscribe_nats(Arrivals& arrivals, const std::string& url, const std::string& subject) {
    natsConnection* connection = nullptr;
    natsSubscription* subscription = nullptr;
    if (natsConnection_ConnectTo(&connection, url.c_str()) != NATS_OK ||
        natsConnection_Subscribe(&subscription, connection, subject.c_str(), on_nats_message,
                                 &arrivals) != NATS_OK ||
        natsSubscription_SetPendingLimits(subscription, -1, -1) != NATS_OK ||
        natsConnection_Flush(connection) != NATS_OK) {
        std::cerr << "arrivals: cannot subscribe to " << subject << " at " << url << "\n";
        std::exit(2);
    }
    std::cout << "subscribed" << std::endl;  // the caller starts the relay after this line
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() < 4) {
        std::cerr << "usage: arrivals http|nats|stdin <out> <count> <idle s> [...]\n";
        return 2;
    }
    Arrivals arrivals(args[1], std::stoul(args[2]));
    const auto idle = std::chrono::seconds(std::stoi(args[3]));
    if (args[0] == "http" && args.size() == 5) {
        std::thread(serve_http, std::ref(arrivals), args[4]).detach();
    } else if (args[0] == "nats" && args.size() == 6) {
        subscribe_nats(arrivals, args[4], args[5]);
    } else if (args[0] == "stdin" && args.size() == 4) {
        std::ios::sync_with_stdio(false);
        std::thread([&arrivals] {
            for (std::string line; std::getline(std::cin, line);) {
                const auto at = now_ns();
                if (!line.empty()) arrivals.arrived(line, at);
            }
        }).detach();
    } else {
        std::cerr << "arrivals: bad arguments\n";
        return 2;
    }
    arrivals.watch(idle);
}
