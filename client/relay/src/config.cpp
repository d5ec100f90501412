#include "config.hpp"

#include "signature.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

namespace workitem::relay {

namespace {

std::optional<std::string> read_file(const std::string& path, std::size_t limit) {
    std::ifstream file(path, std::ios::binary);
    if (!file) return std::nullopt;
    std::string text(limit + 1, '\0');
    file.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(file.gcount()));
    return text;
}

bool valid_name(const std::string& name) {
    return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
}

// Splits on whitespace: the form of Standard Webhooks' secret lists.
std::vector<std::string> words(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string word; in >> word;) out.push_back(word);
    return out;
}

class SinkReader {
  public:
    SinkReader(const YAML::Node& node, std::string where, std::vector<std::string>& problems)
        : node_(node), where_(std::move(where)), problems_(problems) {}

    void problem(const std::string& text) { problems_.push_back(where_ + ": " + text); }

    template <class T>
    void optional(const YAML::Node& parent, const char* key, T& value) {
        const auto child = parent[key];
        if (!child) return;
        try {
            value = child.as<T>();
        } catch (const YAML::Exception&) {
            problem(std::string(key) + " has the wrong type");
        }
    }

    void optional_ms(const YAML::Node& parent, const char* key, milliseconds& value) {
        long long count = value.count();
        optional(parent, key, count);
        value = milliseconds(count);
    }

    std::vector<std::string> list(const YAML::Node& parent, const char* key, std::size_t limit) {
        std::vector<std::string> out;
        const auto child = parent[key];
        if (!child) return out;
        if (!child.IsSequence()) {
            problem(std::string(key) + " is a list");
            return out;
        }
        if (child.size() > limit) {
            problem(std::string(key) + " lists at most " + std::to_string(limit));
            return out;
        }
        for (const auto& element : child) {
            try {
                out.push_back(element.as<std::string>());
            } catch (const YAML::Exception&) {
                problem(std::string(key) + " holds something that is not a string");
            }
        }
        return out;
    }

    SinkConfig read() {
        SinkConfig sink;
        if (!node_.IsMap()) {
            problem("a sink is a mapping (name, type, ...)");
            return sink;
        }
        static const std::set<std::string> known{
            "name",       "type",        "filter",       "retry",      "breaker",
            "url",        "secrets_env", "secrets_file", "timeout_ms", "connect_timeout_ms",
            "headers",    "subject",     "stream",       "brokers",    "topic",
            "concurrency"};
        for (const auto& entry : node_) {
            const auto key = entry.first.as<std::string>();
            if (!known.contains(key)) problem("unknown key " + key);
        }
        optional(node_, "name", sink.name);
        optional(node_, "type", sink.type);
        if (!valid_name(sink.name)) {
            problem("name is 1 to 64 letters, digits, - or _");
        } else {
            where_ = "sink " + sink.name;
        }
        if (sink.type != "stdout" && sink.type != "webhook" && sink.type != "nats" &&
            sink.type != "kafka") {
            problem("type is stdout, webhook, nats or kafka");
        }
        if (const auto filter = node_["filter"]) {
            sink.filter.types = list(filter, "types", 100);
            sink.filter.tenants = list(filter, "tenants", 1000);
        }
        if (const auto retry = node_["retry"]) {
            optional(retry, "max_attempts", sink.retry.max_attempts);
            optional_ms(retry, "initial_backoff_ms", sink.retry.initial_backoff);
            optional_ms(retry, "max_backoff_ms", sink.retry.max_backoff);
            optional_ms(retry, "max_retry_after_ms", sink.retry.max_retry_after);
        }
        if (const auto breaker = node_["breaker"]) {
            optional(breaker, "consecutive_failures", sink.breaker.consecutive_failures);
            optional(breaker, "failure_rate", sink.breaker.failure_rate);
            optional(breaker, "window", sink.breaker.window);
            optional(breaker, "min_calls", sink.breaker.min_calls);
            optional_ms(breaker, "open_ms", sink.breaker.open_for);
        }
        const auto& retry = sink.retry;
        if (retry.max_attempts < 1 || retry.max_attempts > 1000)
            problem("retry.max_attempts is 1 to 1000");
        if (retry.initial_backoff.count() < 1 || retry.max_backoff < retry.initial_backoff ||
            retry.max_backoff.count() > 3600000)
            problem("retry: 1 <= initial_backoff_ms <= max_backoff_ms <= 3600000");
        if (retry.max_retry_after.count() < 0 || retry.max_retry_after.count() > 86400000)
            problem("retry.max_retry_after_ms is 0 to 86400000");
        const auto& breaker = sink.breaker;
        if (breaker.consecutive_failures < 1 || breaker.consecutive_failures > 1000)
            problem("breaker.consecutive_failures is 1 to 1000");
        if (!(breaker.failure_rate > 0 && breaker.failure_rate <= 1))
            problem("breaker.failure_rate is above 0 and at most 1");
        if (breaker.window < 1 || breaker.window > 10000 || breaker.min_calls < 1 ||
            breaker.min_calls > breaker.window)
            problem("breaker: 1 <= min_calls <= window <= 10000");
        if (breaker.open_for.count() < 10 || breaker.open_for.count() > 3600000)
            problem("breaker.open_ms is 10 to 3600000");
        if (sink.type == "webhook") read_webhook(sink.webhook);
        if (sink.type == "nats") read_nats(sink.nats);
        if (sink.type == "kafka") read_kafka(sink.kafka);
        return sink;
    }

  private:
    void read_kafka(KafkaSettings& kafka) {
        optional(node_, "brokers", kafka.brokers);
        optional(node_, "topic", kafka.topic);
        optional_ms(node_, "timeout_ms", kafka.timeout);
        if (kafka.brokers.empty() || kafka.brokers.size() > 2048 ||
            kafka.brokers.find_first_of(" \t\r\n") != std::string::npos) {
            problem("brokers is host:port[,host:port...], at most 2048 characters");
        }
        const bool topic_ok = !kafka.topic.empty() && kafka.topic.size() <= 200 &&
                              std::all_of(kafka.topic.begin(), kafka.topic.end(), [](char c) {
                                  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' ||
                                         c == '-' || c == '_' || c == '{' || c == '}';
                              });
        if (!topic_ok) problem("topic is 1 to 200 letters, digits, ., -, _ (and {aggregatetype})");
        if (kafka.timeout.count() < 100 || kafka.timeout.count() > 900000)
            problem("timeout_ms is 100 to 900000");
    }

    void read_nats(NatsSettings& nats) {
        optional(node_, "url", nats.url);
        optional(node_, "subject", nats.subject);
        optional(node_, "stream", nats.stream);
        optional_ms(node_, "timeout_ms", nats.timeout);
        if (!(nats.url.starts_with("nats://") || nats.url.starts_with("tls://")) ||
            nats.url.size() > 2048) {
            problem("url is a nats:// or tls:// URL of at most 2048 characters");
        }
        const bool subject_ok = !nats.subject.empty() && nats.subject.size() <= 255 &&
                                std::all_of(nats.subject.begin(), nats.subject.end(), [](char c) {
                                    return std::isalnum(static_cast<unsigned char>(c)) ||
                                           c == '.' || c == '-' || c == '_' || c == '{' || c == '}';
                                });
        if (!subject_ok) problem("subject is 1 to 255 letters, digits, ., -, _ (and {type})");
        if (!nats.stream.empty() && !valid_name(nats.stream)) {
            problem("stream is 1 to 64 letters, digits, - or _");
        }
        if (nats.timeout.count() < 10 || nats.timeout.count() > 300000)
            problem("timeout_ms is 10 to 300000");
    }

    void read_webhook(WebhookSettings& webhook) {
        optional(node_, "url", webhook.url);
        if (!(webhook.url.starts_with("http://") || webhook.url.starts_with("https://")) ||
            webhook.url.size() > 2048) {
            problem("url is an http:// or https:// URL of at most 2048 characters");
        }
        optional_ms(node_, "timeout_ms", webhook.timeout);
        // Unless given, connecting may take at most the whole timeout.
        webhook.connect_timeout = std::min(webhook.connect_timeout, webhook.timeout);
        optional_ms(node_, "connect_timeout_ms", webhook.connect_timeout);
        if (webhook.timeout.count() < 10 || webhook.timeout.count() > 300000)
            problem("timeout_ms is 10 to 300000");
        if (webhook.connect_timeout.count() < 10 || webhook.connect_timeout > webhook.timeout)
            problem("connect_timeout_ms is 10 to timeout_ms");
        optional(node_, "concurrency", webhook.concurrency);
        if (webhook.concurrency < 1 || webhook.concurrency > 64) problem("concurrency is 1 to 64");
        if (const auto headers = node_["headers"]) {
            if (!headers.IsMap() || headers.size() > 32) {
                problem("headers is a mapping of at most 32 names to values");
            } else {
                for (const auto& entry : headers) {
                    const auto name = entry.first.as<std::string>();
                    const auto value = entry.second.as<std::string>();
                    const bool clean = valid_name(name) && value.size() <= 1024 &&
                                       value.find_first_of("\r\n") == std::string::npos;
                    std::string lower = name;
                    std::transform(lower.begin(), lower.end(), lower.begin(),
                                   [](unsigned char c) { return std::tolower(c); });
                    if (!clean || lower.starts_with("webhook-") || lower == "content-type") {
                        problem("header " + name + " cannot be set");
                    } else {
                        webhook.headers.emplace_back(name, value);
                    }
                }
            }
        }
        std::string secrets_env;
        std::string secrets_file;
        optional(node_, "secrets_env", secrets_env);
        optional(node_, "secrets_file", secrets_file);
        if (!secrets_env.empty() && !secrets_file.empty()) {
            problem("give secrets_env or secrets_file, not both");
        } else if (!secrets_env.empty()) {
            const char* value = std::getenv(secrets_env.c_str());
            if (value == nullptr || *value == '\0') {
                problem("the environment variable " + secrets_env + " is not set");
            } else {
                webhook.secrets = words(value);
            }
        } else if (!secrets_file.empty()) {
            if (auto text = read_file(secrets_file, 64 * 1024)) {
                webhook.secrets = words(*text);
            } else {
                problem("cannot read " + secrets_file);
            }
        }
        if (webhook.secrets.size() > 8) problem("at most 8 secrets at a time");
        for (const auto& secret : webhook.secrets) {
            if (secret.size() < 24 || secret.size() > 512) {
                problem("a secret is 24 to 512 characters");
                break;
            }
            if (secret.starts_with("whsec_") &&
                !base64_decode(std::string_view(secret).substr(6))) {
                problem("a whsec_ secret is base64 after its prefix");
                break;
            }
        }
    }

    const YAML::Node node_;  // a handle, held by value: the caller passes a temporary (list[i])
    std::string where_;
    std::vector<std::string>& problems_;
};

[[noreturn]] void fail(const std::vector<std::string>& problems) {
    std::string message = "invalid configuration:";
    for (const auto& problem : problems) message += "\n  - " + problem;
    throw ConfigError(message);
}

}  // namespace

bool Filter::accepts(const RelayEvent& event) const {
    const auto has = [](const std::vector<std::string>& list, const std::string& value) {
        return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
    };
    return has(types, event.type) && has(tenants, event.tenant_id);
}

std::vector<SinkConfig> parse_sinks(const std::string& yaml_text) {
    std::vector<std::string> problems;
    std::vector<SinkConfig> sinks;
    YAML::Node root;
    try {
        root = YAML::Load(yaml_text);
    } catch (const YAML::Exception& error) {
        fail({std::string("not YAML: ") + error.what()});
    }
    if (!root.IsMap() || !root["sinks"] || !root["sinks"].IsSequence()) {
        fail({"the file is a mapping with a list `sinks`"});
    }
    for (const auto& entry : root) {
        if (entry.first.as<std::string>() != "sinks") {
            problems.push_back("unknown key " + entry.first.as<std::string>());
        }
    }
    const auto list = root["sinks"];
    if (list.size() == 0 || list.size() > max_sinks) {
        problems.push_back("sinks lists 1 to " + std::to_string(max_sinks) + " sinks");
    }
    std::set<std::string> names;
    for (std::size_t i = 0; i < list.size() && i < max_sinks; ++i) {
        SinkReader reader(list[i], "sink #" + std::to_string(i + 1), problems);
        auto sink = reader.read();
        if (!sink.name.empty() && !names.insert(sink.name).second) {
            problems.push_back("sink " + sink.name + ": the name is used twice");
        }
        sinks.push_back(std::move(sink));
    }
    if (!problems.empty()) fail(problems);
    return sinks;
}

std::vector<std::string> validate(const Settings& settings) {
    std::vector<std::string> problems;
    const auto check = [&](bool ok, std::string problem) {
        if (!ok) problems.push_back(std::move(problem));
    };
    check(!settings.config_file.empty(), "config is needed: the YAML file listing the sinks");
    check(settings.batch_size >= 1 && settings.batch_size <= 100000, "batch-size is 1 to 100000");
    check(settings.idle_wait_ms >= 10 && settings.idle_wait_ms <= 60000,
          "idle-wait-ms is 10 to 60000");
    check(settings.linger_ms >= 0 && settings.linger_ms <= 1000, "linger-ms is 0 to 1000");
    check(settings.metrics_port >= -1 && settings.metrics_port <= 65535,
          "metrics-port is -1 (none), 0 (any free port) or a port");
    check(!settings.metrics_address.empty(), "metrics-address is empty");
    check(settings.shutdown_timeout_ms >= 0, "shutdown-timeout-ms is not negative");
    check(settings.consumer_prefix.size() <= 100, "consumer-prefix is at most 100 characters");
    check(settings.log_level == "debug" || settings.log_level == "info" ||
              settings.log_level == "warning" || settings.log_level == "error",
          "log-level is debug, info, warning or error");
    return problems;
}

Config load(Settings settings) {
    auto problems = validate(settings);
    if (!problems.empty()) fail(problems);
    const auto text = read_file(settings.config_file, max_config_bytes);
    if (!text) fail({"cannot read " + settings.config_file});
    if (text->size() > max_config_bytes) {
        fail({settings.config_file + " is larger than " + std::to_string(max_config_bytes) +
              " bytes"});
    }
    Config config;
    config.sinks = parse_sinks(*text);
    config.settings = std::move(settings);
    return config;
}

std::string consumer_name(const Settings& settings, const SinkConfig& sink) {
    return settings.consumer_prefix + sink.name;
}

}  // namespace workitem::relay
