// Every call's outcome, one tab-separated line per row of its answer (COPY's text format, \N for
// none), in a file per client, merged into one when the run ends. tests/load/check.sql loads it
// next to the event log; docs/load.md, The journal, names the columns.
#pragma once

#include "transport.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace load {

class Journal {
  public:
    Journal(int client, const std::filesystem::path& file);
    ~Journal();
    Journal(const Journal&) = delete;
    Journal& operator=(const Journal&) = delete;

    // Records a call and its answer under the call's number in this client, and returns it.
    // replay_of: the number of the call this one sends again (a retry after a dropped reply).
    std::int64_t record(const Call& call, const Answer& answer,
                        std::chrono::system_clock::time_point started,
                        std::chrono::microseconds latency, std::optional<std::int64_t> replay_of);
    void flush();

  private:
    int client_;
    std::int64_t calls_{0};
    std::ofstream out_;
    std::string buffer_;
};

// Concatenates the clients' files into `merged` and removes them.
void merge_journals(const std::vector<std::filesystem::path>& parts,
                    const std::filesystem::path& merged);

}  // namespace load
