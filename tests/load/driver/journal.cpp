#include "journal.hpp"

#include <stdexcept>

namespace load {

namespace {

constexpr std::size_t flush_at = 1 << 16;

// Every text the driver journals is its own (names, states, SQLSTATEs, keys): none holds a tab,
// a newline or a backslash, which COPY's text format would read differently.
template <class T>
void field(std::string& line, const std::optional<T>& value) {
    line += '\t';
    if (!value) {
        line += "\\N";
        return;
    }
    if constexpr (std::is_same_v<T, std::string>)
        line += *value;
    else
        line += std::to_string(*value);
}

std::optional<std::string> text(std::string_view value) {
    if (value.empty()) return std::nullopt;
    return std::string(value);
}

}  // namespace

Journal::Journal(int client, const std::filesystem::path& file)
    : client_(client), out_(file, std::ios::trunc) {
    if (!out_) throw std::runtime_error("cannot write the journal " + file.string());
}

Journal::~Journal() {
    flush();
}

std::int64_t Journal::record(const Call& call, const Answer& answer,
                             std::chrono::system_clock::time_point started,
                             std::chrono::microseconds latency,
                             std::optional<std::int64_t> replay_of) {
    const std::int64_t number = ++calls_;
    const auto started_us =
        std::chrono::duration_cast<std::chrono::microseconds>(started.time_since_epoch()).count();
    auto line_for = [&](const Row* row) {
        std::string line = std::to_string(client_);
        field(line, std::optional<std::int64_t>(number));
        field(line, replay_of);
        field(line, std::optional<std::int64_t>(started_us));
        field(line, std::optional<std::int64_t>(latency.count()));
        field(line, text(to_string(call.op)));
        field(line, text(row ? row->operation : std::string(to_string(call.op))));
        field(line, text(call.actor));
        field(line, row ? row->item_id : call.item_id);
        field(line, call.idempotency_key);
        field(line, call.expected_version);
        field(line, text(to_string(row ? row->outcome : answer.outcome)));
        field(line, text(row ? row->sqlstate : answer.sqlstate));
        const ItemView* item = row && row->item ? &*row->item : nullptr;
        field(line, item ? std::optional<std::int64_t>(item->version) : std::nullopt);
        field(line, item ? text(item->state) : std::nullopt);
        field(line, item ? text(item->owner) : std::nullopt);
        field(line,
              is_read(call.op) ? std::optional<std::int64_t>(answer.listed.size()) : std::nullopt);
        line += '\n';
        buffer_ += line;
    };
    if (answer.rows.empty())
        line_for(nullptr);
    else
        for (const Row& row : answer.rows) line_for(&row);
    if (buffer_.size() >= flush_at) flush();
    return number;
}

void Journal::flush() {
    out_ << buffer_;
    out_.flush();
    buffer_.clear();
}

void merge_journals(const std::vector<std::filesystem::path>& parts,
                    const std::filesystem::path& merged) {
    std::ofstream out(merged, std::ios::trunc | std::ios::binary);
    for (const auto& part : parts) {
        // Streaming an empty file would mark `out` failed; a client that crashed before it
        // opened its file has none, and the others' are merged all the same.
        if (!std::filesystem::exists(part)) continue;
        if (std::filesystem::file_size(part) > 0) {
            std::ifstream in(part, std::ios::binary);
            out << in.rdbuf();
        }
        std::filesystem::remove(part);
    }
    if (!out) throw std::runtime_error("cannot write the journal " + merged.string());
}

}  // namespace load
