// bench/relay/pgq_consumer: PgQ's side of the relay benchmark (bench/README.md, "The relay"):
// a consumer that delivers PgQ's events to standard output as NDJSON, as the relay's stdout sink
// does, and the ticker PgQ needs.
//
//   pgq_consumer consume <conninfo> <poll ms>
//     Queue 'relay', consumer 'bench'. One transaction per batch: pgq.next_batch, then
//     pgq.get_batch_events, each event written as one line {"ev_id": N, "type": T, "payload": P}
//     with one write(2) each (as the relay's stdout sink writes), then pgq.finish_batch and
//     COMMIT. After an empty poll (no batch: no tick since the last one) it sleeps <poll ms>.
//     Runs until SIGTERM.
//   pgq_consumer ticker <conninfo> <period ms>
//     SELECT pgq.ticker() every <period ms>, on a fixed schedule, until SIGTERM.
#include <libpq-fe.h>

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {

volatile std::sig_atomic_t stopping = 0;

PGconn* connect(const std::string& conninfo) {
    PGconn* connection = PQconnectdb(conninfo.c_str());
    if (PQstatus(connection) != CONNECTION_OK) {
        std::cerr << "pgq_consumer: " << PQerrorMessage(connection);
        std::exit(1);
    }
    return connection;
}

PGresult* run(PGconn* connection, const char* sql, const char* parameter = nullptr) {
    const char* values[] = {parameter};
    PGresult* result =
        PQexecParams(connection, sql, parameter ? 1 : 0, nullptr, values, nullptr, nullptr, 0);
    const auto status = PQresultStatus(result);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
        std::cerr << "pgq_consumer: " << sql << ": " << PQresultErrorMessage(result);
        std::exit(1);
    }
    return result;
}

void write_line(const std::string& line) {
    std::size_t written = 0;
    while (written < line.size()) {
        const auto wrote = ::write(1, line.data() + written, line.size() - written);
        if (wrote <= 0) std::exit(1);
        written += static_cast<std::size_t>(wrote);
    }
}

void consume(const std::string& conninfo, std::chrono::milliseconds poll) {
    PGconn* connection = connect(conninfo);
    while (!stopping) {
        PQclear(run(connection, "BEGIN"));
        PGresult* batch = run(connection, "SELECT pgq.next_batch('relay', 'bench')");
        if (PQgetisnull(batch, 0, 0)) {
            PQclear(batch);
            PQclear(run(connection, "COMMIT"));
            std::this_thread::sleep_for(poll);
            continue;
        }
        const std::string id = PQgetvalue(batch, 0, 0);
        PQclear(batch);
        PGresult* events = run(
            connection, "SELECT ev_id, ev_type, ev_data FROM pgq.get_batch_events($1)", id.c_str());
        for (int row = 0; row < PQntuples(events); ++row) {
            write_line(std::string("{\"ev_id\": ") + PQgetvalue(events, row, 0) + ", \"type\": \"" +
                       PQgetvalue(events, row, 1) +
                       "\", \"payload\": " + PQgetvalue(events, row, 2) + "}\n");
        }
        PQclear(events);
        PQclear(run(connection, "SELECT pgq.finish_batch($1)", id.c_str()));
        PQclear(run(connection, "COMMIT"));
    }
    PQfinish(connection);
}

void tick(const std::string& conninfo, std::chrono::milliseconds period) {
    PGconn* connection = connect(conninfo);
    auto due = std::chrono::steady_clock::now();
    while (!stopping) {
        PQclear(run(connection, "SELECT pgq.ticker()"));
        due += period;
        std::this_thread::sleep_until(due);
    }
    PQfinish(connection);
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() != 3 || (args[0] != "consume" && args[0] != "ticker")) {
        std::cerr << "usage: pgq_consumer consume|ticker <conninfo> <ms>\n";
        return 2;
    }
    std::signal(SIGTERM, [](int) { stopping = 1; });
    const auto ms = std::chrono::milliseconds(std::stoi(args[2]));
    if (args[0] == "consume") {
        consume(args[1], ms);
    } else {
        tick(args[1], ms);
    }
}
