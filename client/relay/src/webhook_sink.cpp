#include "webhook_sink.hpp"

#include "signature.hpp"
#include "waves.hpp"

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
    if (settings_.concurrency > 1) {
        multi_ = curl_multi_init();
        if (multi_ == nullptr) throw std::runtime_error("curl_multi_init failed");
        curl_multi_setopt(static_cast<CURLM*>(multi_), CURLMOPT_MAX_HOST_CONNECTIONS,
                          static_cast<long>(settings_.concurrency));
        for (int i = 0; i < settings_.concurrency; ++i) {
            auto* handle = curl_easy_init();
            if (handle == nullptr) throw std::runtime_error("curl_easy_init failed");
            handles_.push_back(handle);
        }
    }
}

WebhookSink::~WebhookSink() {
    for (auto* handle : handles_) curl_easy_cleanup(static_cast<CURL*>(handle));
    if (multi_ != nullptr) curl_multi_cleanup(static_cast<CURLM*>(multi_));
    curl_easy_cleanup(static_cast<CURL*>(curl_));
}

namespace {

// One request: what libcurl reads (the headers) and writes (the answer) while it runs.
struct Request {
    std::unique_ptr<curl_slist, SlistDeleter> headers{};
    Answer answer{};
    char error[CURL_ERROR_SIZE] = {};
    std::chrono::system_clock::time_point now{};
};

// Sets the handle up to POST the event (the handle was reset: its connections are kept).
void prepare(CURL* curl, const WebhookSettings& settings, const RelayEvent& event,
             Request& request) {
    request.now = std::chrono::system_clock::now();
    const auto timestamp =
        std::chrono::duration_cast<std::chrono::seconds>(request.now.time_since_epoch()).count();
    const auto add = [&](const std::string& line) {
        auto* extended = curl_slist_append(request.headers.get(), line.c_str());
        if (extended == nullptr) throw std::bad_alloc();
        request.headers.release();
        request.headers.reset(extended);
    };
    add("Content-Type: application/json");
    add("webhook-id: " + event.id);
    add("webhook-timestamp: " + std::to_string(timestamp));
    if (!settings.secrets.empty()) {
        add("webhook-signature: " +
            webhook_signature(settings.secrets, event.id, timestamp, event.envelope));
    }
    for (const auto& [name, value] : settings.headers) add(name + ": " + value);
    add("Expect:");  // no 100-continue round trip

    curl_easy_setopt(curl, CURLOPT_URL, settings.url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, event.envelope.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(event.envelope.size()));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, request.headers.get());
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(settings.timeout.count()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(settings.connect_timeout.count()));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &request.answer);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, keep_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &request.answer);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, request.error);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "workitem-relay");
}

// What the finished request means for its event.
Delivery outcome(CURL* curl, CURLcode code, const Request& request) {
    if (code != CURLE_OK) {
        const std::string reason = code == CURLE_OPERATION_TIMEDOUT ? "timeout"
                                   : code == CURLE_COULDNT_CONNECT  ? "connect"
                                                                    : "transport";
        return Delivery::failed(
            Delivery::Outcome::retry, reason,
            request.error[0] != '\0' ? request.error : curl_easy_strerror(code));
    }
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    const auto result = classify_status(status);
    if (result == Delivery::Outcome::delivered) return Delivery::ok();
    return Delivery::failed(result, "http_" + std::to_string(status),
                            "HTTP " + std::to_string(status) + ": " + request.answer.body,
                            parse_retry_after(request.answer.retry_after, request.now));
}

}  // namespace

Delivery WebhookSink::deliver(const RelayEvent& event) {
    auto* curl = static_cast<CURL*>(curl_);
    curl_easy_reset(curl);  // keeps the live connections; clears the last request's options
    Request request;
    prepare(curl, settings_, event, request);
    return outcome(curl, curl_easy_perform(curl), request);
}

std::vector<Delivery> WebhookSink::deliver_all(const std::vector<const RelayEvent*>& events) {
    return deliver_in_waves(
        events, [this](const std::vector<const RelayEvent*>& wave) { return post_together(wave); });
}

std::vector<Delivery> WebhookSink::post_together(const std::vector<const RelayEvent*>& events) {
    auto* multi = static_cast<CURLM*>(multi_);
    const std::size_t count = events.size();
    std::vector<std::optional<Delivery>> outcomes(count);
    std::vector<Request> requests(handles_.size());        // what each handle is sending
    std::vector<std::size_t> serving(handles_.size(), 0);  // and for which event
    std::size_t next = 0;                                  // the next event to send
    std::size_t in_flight = 0;
    const auto start = [&](std::size_t slot) {
        auto* handle = static_cast<CURL*>(handles_[slot]);
        curl_easy_reset(handle);  // keeps the multi handle's connections
        requests[slot] = Request{};
        prepare(handle, settings_, *events[next], requests[slot]);
        serving[slot] = next++;
        curl_multi_add_handle(multi, handle);
        ++in_flight;
    };
    for (std::size_t slot = 0; slot < handles_.size() && next < count; ++slot) start(slot);
    // A sliding window: as soon as a request ends, its handle takes the next event. Each request
    // ends by itself within its timeout (CURLOPT_TIMEOUT_MS).
    while (in_flight > 0) {
        int running = 0;
        if (curl_multi_perform(multi, &running) != CURLM_OK) break;
        int left = 0;
        while (const CURLMsg* message = curl_multi_info_read(multi, &left)) {
            if (message->msg != CURLMSG_DONE) continue;
            auto* handle = message->easy_handle;
            const CURLcode code = message->data.result;
            const auto slot = static_cast<std::size_t>(
                std::find(handles_.begin(), handles_.end(), handle) - handles_.begin());
            if (slot == handles_.size()) continue;
            outcomes[serving[slot]] = outcome(handle, code, requests[slot]);
            curl_multi_remove_handle(multi, handle);
            --in_flight;
            if (next < count) start(slot);
        }
        if (in_flight > 0 && running > 0 &&
            curl_multi_poll(multi, nullptr, 0, 1000, nullptr) != CURLM_OK) {
            break;
        }
    }
    std::vector<Delivery> delivered;
    delivered.reserve(count);
    for (std::size_t slot = 0; slot < handles_.size(); ++slot) {
        curl_multi_remove_handle(multi, static_cast<CURL*>(handles_[slot]));  // if still there
    }
    for (auto& result : outcomes) {
        delivered.push_back(result ? std::move(*result)
                                   : Delivery::failed(Delivery::Outcome::retry, "transport",
                                                      "the request did not finish"));
    }
    return delivered;
}

}  // namespace workitem::relay
