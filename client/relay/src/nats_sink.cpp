#include "nats_sink.hpp"

#include <nats/nats.h>

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
    natsMsg* message = nullptr;
    natsStatus status = natsMsg_Create(&message, subject.c_str(), nullptr, event.envelope.data(),
                                       static_cast<int>(event.envelope.size()));
    if (status != NATS_OK) return failure(status, 0, "message");
    std::unique_ptr<natsMsg, void (*)(natsMsg*)> owned(message, natsMsg_Destroy);
    status = natsMsgHeader_Set(message, "Nats-Msg-Id", event.id.c_str());
    if (status == NATS_OK) status = natsMsgHeader_Set(message, "workitem-type", event.type.c_str());
    if (status == NATS_OK) {
        status = natsMsgHeader_Set(message, "workitem-tenant", event.tenant_id.c_str());
    }
    if (status != NATS_OK) return failure(status, 0, "headers");
    jsPubOptions options;
    jsPubOptions_Init(&options);
    options.MsgId = event.id.c_str();
    options.MaxWait = settings_.timeout.count();
    jsPubAck* ack = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    status = js_PublishMsg(&ack, static_cast<jsCtx*>(jetstream_), message, &options, &code);
    if (ack != nullptr) jsPubAck_Destroy(ack);
    if (status == NATS_OK) return Delivery::ok();
    return failure(status, code, "publish to " + subject);
}

}  // namespace workitem::relay
