#include "timeline.hpp"

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace load {

namespace {

// Nearest rank, as bench/ reports its percentiles.
std::int64_t percentile(std::vector<std::int64_t> values, double share) {
    if (values.empty()) return 0;
    const auto rank = static_cast<std::size_t>(
        std::max(1.0, static_cast<double>(values.size()) * share + 0.999999));  // ceil, at least 1
    const std::size_t index = std::min(values.size(), rank) - 1;
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(index),
                     values.end());
    return values[index];
}

bool is_claim_next(Op op) {
    return op == Op::claim_next || op == Op::claim_next_many ||
           op == Op::acknowledge_and_claim_next;
}

}  // namespace

void Timeline::record(Op op, Outcome outcome, std::chrono::system_clock::time_point started,
                      std::chrono::microseconds latency, std::int64_t system_backlog) {
    const std::int64_t second =
        std::chrono::duration_cast<std::chrono::seconds>(started.time_since_epoch()).count();
    std::scoped_lock lock(mutex_);
    Second& at = seconds_[second];
    if (outcome == Outcome::ok)
        ++at.done;
    else if (outcome == Outcome::refused)
        ++at.refused;
    else
        ++at.unanswered;
    at.latencies_us.push_back(latency.count());
    if (is_claim_next(op)) at.claim_next_us.push_back(latency.count());
    at.backlog_sum += system_backlog;
}

void Timeline::write(const std::filesystem::path& file) const {
    std::ofstream out(file, std::ios::trunc);
    out << "epoch\tcalls\tdone\trefused\tunanswered\tp50_ms\tp99_ms\tclaim_next_calls"
           "\tclaim_next_p50_ms\tclaim_next_p99_ms\tsystem_backlog\n";
    std::scoped_lock lock(mutex_);
    auto ms = [](std::int64_t us) { return static_cast<double>(us) / 1000.0; };
    for (const auto& [second, at] : seconds_) {
        const auto calls = static_cast<std::int64_t>(at.latencies_us.size());
        out << second << '\t' << calls << '\t' << at.done << '\t' << at.refused << '\t'
            << at.unanswered << '\t' << ms(percentile(at.latencies_us, 0.50)) << '\t'
            << ms(percentile(at.latencies_us, 0.99)) << '\t' << at.claim_next_us.size() << '\t'
            << ms(percentile(at.claim_next_us, 0.50)) << '\t'
            << ms(percentile(at.claim_next_us, 0.99)) << '\t' << at.backlog_sum / calls << '\n';
    }
    if (!out) throw std::runtime_error("cannot write the time series " + file.string());
}

}  // namespace load
