#include "actors.hpp"

#include <deque>

namespace load {

namespace {

constexpr double cancel_rate = 0.05;  // of workflows started, one is cancelled this often
constexpr std::size_t remembered_workflows = 50;

void count_created(World& world, const Answer& answer) {
    for (const Row& row : answer.rows) {
        if (row.outcome != Outcome::ok || !row.item) continue;
        auto& open =
            row.item->task_name == system_task ? world.open_system_items : world.open_human_items;
        ++open;
    }
}

void count_cancelled(World& world, const Answer& answer) {
    for (const Row& row : answer.rows) {
        if (row.outcome != Outcome::ok || !row.item) continue;
        auto& open =
            row.item->task_name == system_task ? world.open_system_items : world.open_human_items;
        --open;
    }
}

}  // namespace

void run_engine(Session& session) {
    World& world = session.world();
    std::deque<std::string> workflows;
    std::int64_t started = 0;
    while (!world.stopping()) {
        if (world.backlog_full()) {
            session.pause(std::chrono::milliseconds(100));
            continue;
        }
        const std::string workflow = "wf-" + session.actor() + "-" + std::to_string(++started);
        const std::string team = World::team_group(session.pick(world.teams()));
        const Answer submit =
            session.call({.op = Op::create,
                          .actor = session.actor(),
                          .workflow_id = workflow,
                          .new_items = {{.task_name = submit_task, .groups = {team}}}});
        count_created(world, submit);
        // Offered to the same people: whoever works on the Submit may not take the Review.
        const Answer review = session.call({.op = Op::create,
                                            .actor = session.actor(),
                                            .workflow_id = workflow,
                                            .new_items = {{.task_name = review_task,
                                                           .groups = {team},
                                                           .four_eyes_with = {submit_task},
                                                           .priority = 1}}});
        count_created(world, review);
        std::vector<NewItem> tasks(
            static_cast<std::size_t>(2 + session.pick(4)),
            {.task_name = system_task, .groups = {workers_group}, .queue = system_queue});
        count_created(world, session.call({.op = Op::create_many,
                                           .actor = session.actor(),
                                           .workflow_id = workflow,
                                           .new_items = std::move(tasks)}));
        workflows.push_back(workflow);
        if (workflows.size() > remembered_workflows) workflows.pop_front();

        if (workflows.size() > 1 && session.chance(cancel_rate)) {
            const auto chosen =
                static_cast<std::size_t>(session.pick(static_cast<int>(workflows.size()) - 1));
            count_cancelled(world, session.call({.op = Op::cancel_workflow,
                                                 .actor = session.actor(),
                                                 .workflow_id = workflows[chosen]}));
            workflows.erase(workflows.begin() + static_cast<std::ptrdiff_t>(chosen));
        }
        session.pause(world.settings().think / 2);
    }
}

}  // namespace load
