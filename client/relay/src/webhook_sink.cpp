#include "webhook_sink.hpp"

#include "signature.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace workitem::relay {

namespace {

constexpr std::size_t max_kept_body = 512;  // of an answer, for the log and the dead letter

struct Answer {
    std::string body{};
    std::string retry_after{};
};

std::size_t keep_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto& answer = *static_cast<Answer*>(user);
    const std::size_t bytes = size * count;
    if (answer.body.size() < max_kept_body) {
        answer.body.append(data, std::min(bytes, max_kept_body - answer.body.size()));
    }
    return bytes;
}

std::size_t keep_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto& answer = *static_cast<Answer*>(user);
    const std::size_t bytes = size * count;
    std::string line(data, std::min<std::size_t>(bytes, 256));
    std::string lower = line;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (lower.starts_with("retry-after:")) {
        auto value = line.substr(12);
        const auto first = value.find_first_not_of(" \t");
        const auto last = value.find_last_not_of(" \t\r\n");
        answer.retry_after =
            first == std::string::npos ? "" : value.substr(first, last - first + 1);
    }
    return bytes;
}

struct SlistDeleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

}  // namespace

Delivery::Outcome classify_status(long status) {
    if (status >= 200 && status < 300) return Delivery::Outcome::delivered;
    if (status == 408 || status == 429 || status >= 500) return Delivery::Outcome::retry;
    return Delivery::Outcome::permanent;
}

std::optional<std::chrono::milliseconds> parse_retry_after(
    const std::string& value, std::chrono::system_clock::time_point now) {
    if (value.empty() || value.size() > 64) return std::nullopt;
    if (std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); })) {
        if (value.size() > 9) return std::chrono::milliseconds(999999999LL * 1000);
        return std::chrono::milliseconds(std::stoll(value) * 1000);
    }
    const time_t when = curl_getdate(value.c_str(), nullptr);
    if (when < 0) return std::nullopt;
    const auto delay = std::chrono::system_clock::from_time_t(when) - now;
    return std::max(std::chrono::milliseconds(0),
                    std::chrono::duration_cast<std::chrono::milliseconds>(delay));
}

WebhookSink::WebhookSink(WebhookSettings settings) : settings_(std::move(settings)) {
    static std::once_flag global;
    std::call_once(global, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    curl_ = curl_easy_init();
    if (curl_ == nullptr) throw std::runtime_error("curl_easy_init failed");
}

WebhookSink::~WebhookSink() {
    curl_easy_cleanup(static_cast<CURL*>(curl_));
}

Delivery WebhookSink::deliver(const RelayEvent& event) {
    auto* curl = static_cast<CURL*>(curl_);
    curl_easy_reset(curl);  // keeps the live connections; clears the last request's options
    const auto now = std::chrono::system_clock::now();
    const auto timestamp =
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    std::unique_ptr<curl_slist, SlistDeleter> headers;
    const auto add = [&](const std::string& line) {
        auto* extended = curl_slist_append(headers.get(), line.c_str());
        if (extended == nullptr) throw std::bad_alloc();
        headers.release();
        headers.reset(extended);
    };
    add("Content-Type: application/json");
    add("webhook-id: " + event.id);
    add("webhook-timestamp: " + std::to_string(timestamp));
    if (!settings_.secrets.empty()) {
        add("webhook-signature: " +
            webhook_signature(settings_.secrets, event.id, timestamp, event.envelope));
    }
    for (const auto& [name, value] : settings_.headers) add(name + ": " + value);
    add("Expect:");  // no 100-continue round trip

    Answer answer;
    char error[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(curl, CURLOPT_URL, settings_.url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, event.envelope.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(event.envelope.size()));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.timeout.count()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(settings_.connect_timeout.count()));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, keep_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &answer);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "workitem-relay");

    const CURLcode code = curl_easy_perform(curl);
    if (code != CURLE_OK) {
        const std::string reason = code == CURLE_OPERATION_TIMEDOUT ? "timeout"
                                   : code == CURLE_COULDNT_CONNECT  ? "connect"
                                                                    : "transport";
        return Delivery::failed(Delivery::Outcome::retry, reason,
                                error[0] != '\0' ? error : curl_easy_strerror(code));
    }
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    const auto outcome = classify_status(status);
    if (outcome == Delivery::Outcome::delivered) return Delivery::ok();
    return Delivery::failed(outcome, "http_" + std::to_string(status),
                            "HTTP " + std::to_string(status) + ": " + answer.body,
                            parse_retry_after(answer.retry_after, now));
}

}  // namespace workitem::relay
