#include "kafka_sink.hpp"

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <stdexcept>

namespace workitem::relay {

namespace {

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
    static_cast<KafkaSink*>(opaque)->report(
        static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(message->_private)),
        static_cast<int>(message->err));
}

bool permanent(rd_kafka_resp_err_t error) {
    switch (error) {
        case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
        case RD_KAFKA_RESP_ERR_INVALID_MSG:
        case RD_KAFKA_RESP_ERR_INVALID_RECORD:
        case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
        case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
        case RD_KAFKA_RESP_ERR__INVALID_ARG:
            return true;
        default:
            return false;
    }
}

Delivery failure(rd_kafka_resp_err_t error, const std::string& what) {
    const std::string detail = what + ": " + rd_kafka_err2str(error);
    const std::string reason =
        error == RD_KAFKA_RESP_ERR__MSG_TIMED_OUT || error == RD_KAFKA_RESP_ERR__TIMED_OUT
            ? "timeout"
            : "kafka_" + std::string(rd_kafka_err2name(error));
    return Delivery::failed(
        permanent(error) ? Delivery::Outcome::permanent : Delivery::Outcome::retry, reason, detail);
}

}  // namespace

std::string kafka_topic(const std::string& pattern, const RelayEvent& event) {
    std::string topic = pattern;
    constexpr std::string_view placeholder = "{aggregatetype}";
    for (auto at = topic.find(placeholder); at != std::string::npos;
         at = topic.find(placeholder, at + event.aggregatetype.size())) {
        topic.replace(at, placeholder.size(), event.aggregatetype);
    }
    return topic;
}

KafkaSink::KafkaSink(KafkaSettings settings) : settings_(std::move(settings)) {
    create();
}

KafkaSink::~KafkaSink() {
    destroy();
}

void KafkaSink::create() {
    char error[512] = {};
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    const auto set = [&](const char* name, const std::string& value) {
        if (rd_kafka_conf_set(conf, name, value.c_str(), error, sizeof error) != RD_KAFKA_CONF_OK) {
            rd_kafka_conf_destroy(conf);
            throw std::runtime_error(std::string("kafka setting ") + name + ": " + error);
        }
    };
    set("bootstrap.servers", settings_.brokers);
    set("client.id", "workitem-relay");
    set("enable.idempotence", "true");  // acks=all, in order, no duplicates of its own retries
    set("message.timeout.ms", std::to_string(settings_.timeout.count()));
    set("linger.ms", "0");
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_opaque(conf, this);
    rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
    if (producer == nullptr) {
        rd_kafka_conf_destroy(conf);
        throw std::runtime_error(std::string("kafka producer: ") + error);
    }
    producer_ = producer;
}

void KafkaSink::destroy() {
    if (producer_ == nullptr) return;
    auto* producer = static_cast<rd_kafka_t*>(producer_);
    rd_kafka_flush(producer, 1000);
    rd_kafka_destroy(producer);
    producer_ = nullptr;
}

void KafkaSink::report(std::uint64_t sequence, int error) {
    // A report of an earlier, abandoned wait is none of this one's.
    if (sequence >= first_ && sequence - first_ < reports_.size())
        reports_[sequence - first_] = error;
}

Delivery KafkaSink::deliver(const RelayEvent& event) {
    return deliver_all({&event}).front();
}

std::vector<Delivery> KafkaSink::deliver_all(const std::vector<const RelayEvent*>& events) {
    auto* producer = static_cast<rd_kafka_t*>(producer_);
    char fatal[512] = {};
    if (rd_kafka_fatal_error(producer, fatal, sizeof fatal) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        // The idempotent producer cannot go on (its sequence was lost): a new one can.
        destroy();
        create();
        producer = static_cast<rd_kafka_t*>(producer_);
    }
    first_ = next_;
    next_ += events.size();
    reports_.assign(events.size(), std::nullopt);
    std::vector<std::optional<Delivery>> refused(events.size());
    // Every record is queued before any report is waited for; librdkafka keeps the order of a
    // partition's records, and an item's records share a partition (the key is the item id).
    for (std::size_t i = 0; i < events.size(); ++i) {
        const auto& event = *events[i];
        const std::string topic = kafka_topic(settings_.topic, event);
        const std::string key = std::to_string(event.item_id);
        rd_kafka_resp_err_t queued;
        do {
            queued = rd_kafka_producev(
                producer, RD_KAFKA_V_TOPIC(topic.c_str()),
                RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
                RD_KAFKA_V_VALUE(const_cast<char*>(event.envelope.data()), event.envelope.size()),
                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                RD_KAFKA_V_HEADER("id", event.id.data(), static_cast<ssize_t>(event.id.size())),
                RD_KAFKA_V_HEADER("type", event.type.data(),
                                  static_cast<ssize_t>(event.type.size())),
                RD_KAFKA_V_HEADER("tenant_id", event.tenant_id.data(),
                                  static_cast<ssize_t>(event.tenant_id.size())),
                RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(static_cast<std::uintptr_t>(first_ + i))),
                RD_KAFKA_V_END);
            // The producer's queue is full (a batch larger than queue.buffering.max.messages):
            // serve reports until there is room.
            if (queued == RD_KAFKA_RESP_ERR__QUEUE_FULL) rd_kafka_poll(producer, 50);
        } while (queued == RD_KAFKA_RESP_ERR__QUEUE_FULL);
        if (queued != RD_KAFKA_RESP_ERR_NO_ERROR)
            refused[i] = failure(queued, "produce to " + topic);
    }
    // The reports come within message.timeout.ms; a little more, then give up waiting (a later
    // report of these messages is ignored, and the events are sent again: at least once).
    const auto wait = settings_.timeout + std::chrono::seconds(5);
    rd_kafka_flush(producer, static_cast<int>(wait.count()));
    std::vector<Delivery> outcomes;
    outcomes.reserve(events.size());
    for (std::size_t i = 0; i < events.size(); ++i) {
        if (refused[i]) {
            outcomes.push_back(*refused[i]);
        } else if (!reports_[i]) {
            outcomes.push_back(
                Delivery::failed(Delivery::Outcome::retry, "timeout", "no delivery report"));
        } else if (*reports_[i] == RD_KAFKA_RESP_ERR_NO_ERROR) {
            outcomes.push_back(Delivery::ok());
        } else {
            outcomes.push_back(failure(static_cast<rd_kafka_resp_err_t>(*reports_[i]),
                                       "deliver to " + kafka_topic(settings_.topic, *events[i])));
        }
    }
    reports_.clear();
    return outcomes;
}

}  // namespace workitem::relay
