#include "nats_sink.hpp"

#include "waves.hpp"

#include <nats/nats.h>

#include <algorithm>
#include <chrono>
#include <iterator>
#include <memory>

namespace workitem::relay {

namespace {

std::string status_text(natsStatus status) {
    const char* text = natsStatus_GetText(status);
    return text != nullptr ? text : "NATS error";
}

Delivery failure(natsStatus status, int code, const std::string& what) {
    const std::string detail = what + ": " + status_text(status) +
                               (code != 0 ? " (JetStream error " + std::to_string(code) + ")" : "");
    switch (status) {
        case NATS_TIMEOUT:
            return Delivery::failed(Delivery::Outcome::retry, "timeout", detail);
        case NATS_NO_RESPONDERS:
            return Delivery::failed(Delivery::Outcome::retry, "no_stream", detail);
        case NATS_NO_SERVER:
        case NATS_CONNECTION_CLOSED:
        case NATS_CONNECTION_DISCONNECTED:
        case NATS_IO_ERROR:
        case NATS_STALE_CONNECTION:
        case NATS_SLOW_CONSUMER:
            return Delivery::failed(Delivery::Outcome::retry, "connect", detail);
        case NATS_MAX_PAYLOAD:
            return Delivery::failed(Delivery::Outcome::permanent, "too_large", detail);
        default:
            break;
    }
    // An answer of JetStream's API is its verdict on this message; anything else may pass.
    if (code != 0) return Delivery::failed(Delivery::Outcome::permanent, "refused", detail);
    return Delivery::failed(Delivery::Outcome::retry, "nats", detail);
}

using MessagePtr = std::unique_ptr<natsMsg, void (*)(natsMsg*)>;

// The event's message: the envelope on its subject, with its id and its type and tenant in the
// headers.
natsStatus make_message(const std::string& subject, const RelayEvent& event, MessagePtr& owned) {
    natsMsg* message = nullptr;
    natsStatus status = natsMsg_Create(&message, subject.c_str(), nullptr, event.envelope.data(),
                                       static_cast<int>(event.envelope.size()));
    if (status != NATS_OK) return status;
    owned.reset(message);
    status = natsMsgHeader_Set(message, "Nats-Msg-Id", event.id.c_str());
    if (status == NATS_OK) status = natsMsgHeader_Set(message, "workitem-type", event.type.c_str());
    if (status == NATS_OK) {
        status = natsMsgHeader_Set(message, "workitem-tenant", event.tenant_id.c_str());
    }
    return status;
}

// libnats's callback for each asynchronous publish: hands the outcome to the sink, and destroys
// the message, which the library gives back here.
void on_publish_answer(jsCtx* /*jetstream*/, natsMsg* message, jsPubAck* ack, jsPubAckErr* error,
                       void* closure) {
    const char* id = nullptr;
    if (natsMsgHeader_Get(message, "Nats-Msg-Id", &id) == NATS_OK && id != nullptr) {
        std::optional<Delivery> failed;
        if (ack == nullptr) {
            failed = error != nullptr
                         ? failure(error->Err, static_cast<int>(error->ErrCode),
                                   "publish to " + std::string(natsMsg_GetSubject(message)))
                         : failure(NATS_ERR, 0, "publish: no answer");
        }
        static_cast<NatsSink*>(closure)->acknowledged(id, std::move(failed));
    }
    natsMsg_Destroy(message);
}

}  // namespace

std::string nats_subject(const std::string& pattern, const RelayEvent& event) {
    std::string subject = pattern;
    for (auto at = subject.find("{type}"); at != std::string::npos;
         at = subject.find("{type}", at + event.type.size())) {
        subject.replace(at, 6, event.type);
    }
    return subject;
}

std::string nats_stream_subject(const std::string& pattern) {
    const auto at = pattern.find("{type}");
    return at == std::string::npos ? pattern : pattern.substr(0, at) + ">";
}

NatsSink::NatsSink(NatsSettings settings) : settings_(std::move(settings)) {}

NatsSink::~NatsSink() {
    disconnect();
}

void NatsSink::disconnect() {
    if (jetstream_ != nullptr) jsCtx_Destroy(static_cast<jsCtx*>(jetstream_));
    if (connection_ != nullptr) natsConnection_Destroy(static_cast<natsConnection*>(connection_));
    jetstream_ = nullptr;
    connection_ = nullptr;
}

std::optional<Delivery> NatsSink::connect() {
    if (connection_ != nullptr) {
        if (!natsConnection_IsClosed(static_cast<natsConnection*>(connection_))) {
            return std::nullopt;
        }
        disconnect();
    }
    natsOptions* options = nullptr;
    natsStatus status = natsOptions_Create(&options);
    std::unique_ptr<natsOptions, void (*)(natsOptions*)> owned(options, natsOptions_Destroy);
    if (status == NATS_OK) status = natsOptions_SetURL(options, settings_.url.c_str());
    if (status == NATS_OK) status = natsOptions_SetTimeout(options, settings_.timeout.count());
    if (status == NATS_OK) status = natsOptions_SetName(options, "workitem-relay");
    natsConnection* connection = nullptr;
    if (status == NATS_OK) status = natsConnection_Connect(&connection, options);
    if (status != NATS_OK) return failure(status, 0, "connecting to " + settings_.url);
    connection_ = connection;
    jsOptions js_options;
    jsOptions_Init(&js_options);
    js_options.Wait = settings_.timeout.count();
    js_options.PublishAsync.AckHandler = on_publish_answer;
    js_options.PublishAsync.AckHandlerClosure = this;
    jsCtx* jetstream = nullptr;
    status = natsConnection_JetStream(&jetstream, connection, &js_options);
    if (status != NATS_OK) {
        disconnect();
        return failure(status, 0, "JetStream");
    }
    jetstream_ = jetstream;
    if (!settings_.stream.empty()) {
        jsErrCode code = static_cast<jsErrCode>(0);
        jsStreamInfo* info = nullptr;
        status = js_GetStreamInfo(&info, jetstream, settings_.stream.c_str(), nullptr, &code);
        if (info != nullptr) jsStreamInfo_Destroy(info);
        if (status == NATS_NOT_FOUND) {
            jsStreamConfig config;
            jsStreamConfig_Init(&config);
            const std::string subject = nats_stream_subject(settings_.subject);
            const char* subjects[] = {subject.c_str()};
            config.Name = settings_.stream.c_str();
            config.Subjects = subjects;
            config.SubjectsLen = 1;
            config.Storage = js_FileStorage;
            code = static_cast<jsErrCode>(0);
            status = js_AddStream(&info, jetstream, &config, nullptr, &code);
            if (info != nullptr) jsStreamInfo_Destroy(info);
        }
        if (status != NATS_OK) {
            auto result = failure(status, code, "stream " + settings_.stream);
            disconnect();
            return result;
        }
    }
    return std::nullopt;
}

Delivery NatsSink::deliver(const RelayEvent& event) {
    if (auto failed = connect()) return *failed;
    const std::string subject = nats_subject(settings_.subject, event);
    MessagePtr message(nullptr, natsMsg_Destroy);
    if (const auto status = make_message(subject, event, message); status != NATS_OK) {
        return failure(status, 0, "message");
    }
    jsPubOptions options;
    jsPubOptions_Init(&options);
    options.MsgId = event.id.c_str();
    options.MaxWait = settings_.timeout.count();
    jsPubAck* ack = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    const natsStatus status =
        js_PublishMsg(&ack, static_cast<jsCtx*>(jetstream_), message.get(), &options, &code);
    if (ack != nullptr) jsPubAck_Destroy(ack);
    if (status == NATS_OK) return Delivery::ok();
    return failure(status, code, "publish to " + subject);
}

std::vector<Delivery> NatsSink::deliver_all(const std::vector<const RelayEvent*>& events) {
    // At most this many messages wait for their acknowledgements at once (libnats stalls a
    // publisher past its own limit of pending ones).
    constexpr std::size_t in_flight = 1000;
    return deliver_in_waves(events, [this](const std::vector<const RelayEvent*>& wave) {
        std::vector<Delivery> outcomes;
        outcomes.reserve(wave.size());
        for (std::size_t at = 0; at < wave.size(); at += in_flight) {
            const auto end =
                wave.begin() + static_cast<std::ptrdiff_t>(std::min(wave.size(), at + in_flight));
            auto part = publish_wave({wave.begin() + static_cast<std::ptrdiff_t>(at), end});
            std::move(part.begin(), part.end(), std::back_inserter(outcomes));
        }
        return outcomes;
    });
}

void NatsSink::acknowledged(const char* message_id, std::optional<Delivery> failure) {
    std::lock_guard lock(wave_mutex_);
    const auto at = wave_index_.find(message_id);
    if (at == wave_index_.end() || wave_outcomes_[at->second]) return;
    wave_outcomes_[at->second] = failure ? std::move(*failure) : Delivery::ok();
    if (--wave_pending_ == 0) wave_settled_.notify_all();
}

std::vector<Delivery> NatsSink::publish_wave(const std::vector<const RelayEvent*>& events) {
    if (auto failed = connect()) return std::vector<Delivery>(events.size(), *failed);
    auto* jetstream = static_cast<jsCtx*>(jetstream_);
    {
        std::lock_guard lock(wave_mutex_);
        wave_index_.clear();
        for (std::size_t i = 0; i < events.size(); ++i) wave_index_.emplace(events[i]->id, i);
        wave_outcomes_.assign(events.size(), std::nullopt);
        wave_pending_ = events.size();
    }
    const auto settle_here = [this](std::size_t at, Delivery outcome) {
        std::lock_guard lock(wave_mutex_);
        if (wave_outcomes_[at]) return;
        wave_outcomes_[at] = std::move(outcome);
        --wave_pending_;
    };
    for (std::size_t i = 0; i < events.size(); ++i) {
        const auto& event = *events[i];
        const std::string subject = nats_subject(settings_.subject, event);
        MessagePtr message(nullptr, natsMsg_Destroy);
        natsStatus status = make_message(subject, event, message);
        if (status != NATS_OK) {
            settle_here(i, failure(status, 0, "message"));
            continue;
        }
        jsPubOptions options;
        jsPubOptions_Init(&options);
        options.MsgId = event.id.c_str();
        options.MaxWait = settings_.timeout.count();  // the acknowledgement's own timeout
        natsMsg* raw = message.release();
        status = js_PublishMsgAsync(jetstream, &raw, &options);
        natsMsg_Destroy(raw);  // NULL once the library took it
        if (status != NATS_OK) settle_here(i, failure(status, 0, "publish to " + subject));
    }
    // Every acknowledgement, or the timeout; then the unanswered ones are taken back (their late
    // answers are dropped) and count as timed out: sent again, JetStream drops a repeat.
    jsPubOptions wait;
    jsPubOptions_Init(&wait);
    wait.MaxWait = settings_.timeout.count();
    js_PublishAsyncComplete(jetstream, &wait);
    std::unique_lock lock(wave_mutex_);
    wave_settled_.wait_for(lock, std::chrono::milliseconds(100),
                           [this] { return wave_pending_ == 0; });
    if (wave_pending_ > 0) {
        lock.unlock();
        natsMsgList unanswered;
        if (js_PublishAsyncGetPendingList(&unanswered, jetstream) == NATS_OK) {
            natsMsgList_Destroy(&unanswered);
        }
        lock.lock();
    }
    std::vector<Delivery> outcomes;
    outcomes.reserve(events.size());
    for (auto& outcome : wave_outcomes_) {
        outcomes.push_back(outcome ? std::move(*outcome)
                                   : failure(NATS_TIMEOUT, 0, "waiting for the acknowledgement"));
    }
    wave_index_.clear();
    wave_outcomes_.clear();
    wave_pending_ = 0;
    return outcomes;
}

}  // namespace workitem::relay
