// librdkafka's mock cluster for the relay's Kafka test (kafka_test.sh), and a reader of what the
// relay produced into it.
//   relay_kafka_mock serve <dir> <topic>   runs a 3-broker mock cluster with <topic> (3
//       partitions) until SIGTERM; writes its bootstrap servers to <dir>/bootstraps; while the
//       file <dir>/down exists, every broker is down.
//   relay_kafka_mock dump <bootstraps> <topic>   prints every record of <topic>, partition by
//       partition in offset order, as its value (an event envelope) one a line. Exits 1 when a
//       record's key is not its event's item id or its header `id` not its event's id.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace {

std::atomic<bool> stop{false};

rd_kafka_t* client(rd_kafka_type_t type,
                   const std::vector<std::pair<std::string, std::string>>& settings) {
    char error[512] = {};
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    for (const auto& [name, value] : settings) {
        if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), error, sizeof error) !=
            RD_KAFKA_CONF_OK) {
            std::fprintf(stderr, "%s: %s\n", name.c_str(), error);
            return nullptr;
        }
    }
    rd_kafka_t* handle = rd_kafka_new(type, conf, error, sizeof error);
    if (handle == nullptr) std::fprintf(stderr, "rd_kafka_new: %s\n", error);
    return handle;
}

int serve(const std::string& dir, const std::string& topic) {
    std::signal(SIGTERM, [](int) { stop = true; });
    std::signal(SIGINT, [](int) { stop = true; });
    rd_kafka_t* host = client(RD_KAFKA_PRODUCER, {});
    if (host == nullptr) return 1;
    rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(host, 3);
    if (cluster == nullptr) return 1;
    if (rd_kafka_mock_topic_create(cluster, topic.c_str(), 3, 1) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return 1;
    }
    {
        std::ofstream out(dir + "/bootstraps.tmp");
        out << rd_kafka_mock_cluster_bootstraps(cluster) << '\n';
    }
    std::filesystem::rename(dir + "/bootstraps.tmp", dir + "/bootstraps");
    bool down = false;
    while (!stop) {
        const bool want_down = std::filesystem::exists(dir + "/down");
        if (want_down != down) {
            for (int broker = 1; broker <= 3; ++broker) {
                if (want_down) {
                    rd_kafka_mock_broker_set_down(cluster, broker);
                } else {
                    rd_kafka_mock_broker_set_up(cluster, broker);
                }
            }
            down = want_down;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    rd_kafka_mock_cluster_destroy(cluster);
    rd_kafka_destroy(host);
    return 0;
}

int dump(const std::string& bootstraps, const std::string& topic) {
    rd_kafka_t* consumer = client(RD_KAFKA_CONSUMER, {{"bootstrap.servers", bootstraps},
                                                      {"group.id", "relay-kafka-dump"},
                                                      {"enable.auto.commit", "false"}});
    if (consumer == nullptr) return 1;
    rd_kafka_poll_set_consumer(consumer);
    int result = 0;
    for (int partition = 0; partition < 3; ++partition) {
        int64_t low = 0;
        int64_t high = 0;
        if (rd_kafka_query_watermark_offsets(consumer, topic.c_str(), partition, &low, &high,
                                             10000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
            std::fprintf(stderr, "partition %d: no watermarks\n", partition);
            return 1;
        }
        if (high <= low) continue;
        rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(list, topic.c_str(), partition)->offset = low;
        rd_kafka_assign(consumer, list);
        rd_kafka_topic_partition_list_destroy(list);
        int64_t next = low;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (next < high && std::chrono::steady_clock::now() < deadline) {
            rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer, 500);
            if (message == nullptr) continue;
            if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
                const std::string value(static_cast<const char*>(message->payload), message->len);
                const std::string key(static_cast<const char*>(message->key), message->key_len);
                rd_kafka_headers_t* headers = nullptr;
                const void* id = nullptr;
                size_t id_size = 0;
                const bool id_ok =
                    rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR &&
                    rd_kafka_header_get_last(headers, "id", &id, &id_size) ==
                        RD_KAFKA_RESP_ERR_NO_ERROR &&
                    value.find("\"id\": \"" + std::string(static_cast<const char*>(id), id_size) +
                               "\"") != std::string::npos;
                if (!id_ok || value.find("\"aggregateid\": " + key + ",") == std::string::npos) {
                    std::fprintf(stderr, "partition %d offset %lld: key or id header wrong\n",
                                 partition, static_cast<long long>(message->offset));
                    result = 1;
                }
                std::printf("%s\n", value.c_str());
                next = message->offset + 1;
            }
            rd_kafka_message_destroy(message);
        }
        if (next < high) {
            std::fprintf(stderr, "partition %d: read up to %lld of %lld\n", partition,
                         static_cast<long long>(next), static_cast<long long>(high));
            result = 1;
        }
    }
    rd_kafka_consumer_close(consumer);
    rd_kafka_destroy(consumer);
    return result;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 4 && std::string(argv[1]) == "serve") return serve(argv[2], argv[3]);
    if (argc == 4 && std::string(argv[1]) == "dump") return dump(argv[2], argv[3]);
    std::fprintf(stderr,
                 "usage: relay_kafka_mock serve <dir> <topic> | dump <bootstraps> <topic>\n");
    return 2;
}
