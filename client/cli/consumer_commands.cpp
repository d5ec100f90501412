// workitem consumer create|drop|next|finish|rewind|lag: event consumers, one step at a time
// (a script takes a batch with `next --json`, delivers it, then `finish`es it).
#include "context.hpp"

#include <iostream>

namespace workitem::cli {
namespace {

using nlohmann::json;

void add_create(CLI::App& consumer, Registry& registry) {
    struct Flags {
        std::string name;
        ConsumerCreateOptions options;
    };
    auto flags = std::make_shared<Flags>();
    auto* command = consumer.add_subcommand(
        "create", "Create a consumer: it receives the events committed from now on");
    command->add_option("name", flags->name, "The consumer's name")->required();
    command->add_flag("--all-tenants", flags->options.all_tenants,
                      "Deliver every tenant's events (workitem_service only)");
    registry.on(command, [flags](Context& context) {
        const bool created = context.client().consumer_create(flags->name, flags->options);
        print_fields(std::cout, {{"consumer", flags->name}, {"created", created}},
                     context.format());
        return static_cast<int>(exit_ok);
    });
}

void add_drop(CLI::App& consumer, Registry& registry) {
    auto name = std::make_shared<std::string>();
    auto* command = consumer.add_subcommand(
        "drop", "Drop a consumer (retention keeps every event a consumer has not passed)");
    command->add_option("name", *name, "The consumer's name")->required();
    registry.on(command, [name](Context& context) {
        context.client().consumer_drop(*name);
        print_fields(std::cout, {{"consumer", *name}, {"dropped", true}}, context.format());
        return static_cast<int>(exit_ok);
    });
}

void add_next(CLI::App& consumer, Registry& registry) {
    struct Flags {
        std::string name;
        NextBatchOptions options;
    };
    auto flags = std::make_shared<Flags>();
    auto* command = consumer.add_subcommand(
        "next",
        "Take the consumer's next batch of committed events (the same one until it is "
        "finished); prints nothing and exits 0 when nothing new has committed");
    command->add_option("name", flags->name, "The consumer's name")->required();
    command->add_option("--max-events", flags->options.max_events, "At most this many (1-100000)")
        ->default_val(1000);
    registry.on(command, [flags](Context& context) {
        const auto batch = context.client().next_batch(flags->name, flags->options);
        if (context.as_json()) {
            json events = json::array();
            if (batch) {
                for (const auto& event : batch->events) events.push_back(to_json(event));
            }
            std::cout << (batch ? json{{"batch_id", batch->id}, {"events", events}} : json(nullptr))
                             .dump(2)
                      << '\n';
        } else if (batch) {
            std::cout << "batch " << batch->id << '\n';
            print(std::cout, consumed_event_table(batch->events));
        } else {
            std::cerr << "no new events\n";
        }
        return static_cast<int>(exit_ok);
    });
}

void add_finish(CLI::App& consumer, Registry& registry) {
    auto batch_id = std::make_shared<std::int64_t>();
    auto* command = consumer.add_subcommand(
        "finish", "Mark a batch delivered: the consumer's next batch starts after it");
    command->add_option("batch", *batch_id, "The batch id `next` printed")->required();
    registry.on(command, [batch_id](Context& context) {
        const int events = context.client().finish_batch(*batch_id);
        print_fields(std::cout, {{"batch_id", *batch_id}, {"events", events}}, context.format());
        return static_cast<int>(exit_ok);
    });
}

void add_rewind(CLI::App& consumer, Registry& registry) {
    struct Flags {
        std::string name;
        std::int64_t to_seq{};
        std::string to_time;
        CLI::Option *seq{}, *time{};
    };
    auto flags = std::make_shared<Flags>();
    auto* command = consumer.add_subcommand(
        "rewind", "Deliver again every committed event from a seq or a time on (or skip ahead)");
    command->add_option("name", flags->name, "The consumer's name")->required();
    flags->seq = command->add_option("--to-seq", flags->to_seq,
                                     "From this seq on (0: everything retention kept)");
    flags->time = command->add_option("--to-time", flags->to_time,
                                      "From the first event at or after this time (ISO 8601)");
    flags->seq->excludes(flags->time);
    flags->time->excludes(flags->seq);
    registry.on(command, [flags](Context& context) {
        if (!flags->seq->count() && !flags->time->count()) {
            throw_error(ErrorKind::invalid_argument, "give --to-seq or --to-time");
        }
        const RewindTarget target{.to_seq = given(flags->seq, flags->to_seq),
                                  .to_time = given_time(flags->time, flags->to_time)};
        const auto from_seq = context.client().consumer_rewind(flags->name, target);
        print_fields(std::cout, {{"consumer", flags->name}, {"from_seq", from_seq}},
                     context.format());
        return static_cast<int>(exit_ok);
    });
}

void add_lag(CLI::App& consumer, Registry& registry) {
    auto* command = consumer.add_subcommand(
        "lag", "How far behind each consumer (and, for services, each logical slot) is");
    registry.on(command, [](Context& context) {
        const auto rows = context.client().event_lag();
        context.print_list(rows, lag_table(rows));
        return static_cast<int>(exit_ok);
    });
}

}  // namespace

void add_consumer_commands(CLI::App& app, Registry& registry) {
    auto* consumer = app.add_subcommand(
        "consumer", "Event consumers: read committed events in batches (docs/events.md)");
    consumer->require_subcommand(1);
    add_create(*consumer, registry);
    add_drop(*consumer, registry);
    add_next(*consumer, registry);
    add_finish(*consumer, registry);
    add_rewind(*consumer, registry);
    add_lag(*consumer, registry);
}

}  // namespace workitem::cli
