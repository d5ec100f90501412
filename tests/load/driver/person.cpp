#include "actors.hpp"

#include <algorithm>
#include <map>

namespace load {

namespace {

constexpr double list_rate = 0.15;             // reads their own items instead of the worklist
constexpr double act_on_held_rate = 0.6;       // with items held and offered, works on a held one
constexpr double expected_version_rate = 0.7;  // a UI sends the version it showed, mostly
constexpr int contended = 5;                   // claims one of the first few offered items

struct Choice {
    Op op;
    int weight;
};

// What a person does with an item they hold, by its state.
const std::vector<Choice> allocated_choices{
    {Op::start, 25},   {Op::complete, 20}, {Op::save_output, 10}, {Op::fail, 4},
    {Op::delegate, 6}, {Op::forward, 5},   {Op::suspend, 5},      {Op::release, 8}};
const std::vector<Choice> started_choices{
    {Op::complete, 40}, {Op::save_output, 15}, {Op::fail, 5},   {Op::delegate, 5},
    {Op::forward, 5},   {Op::suspend, 5},      {Op::release, 5}};

Op choose(Session& session, const std::vector<Choice>& choices) {
    int total = 0;
    for (const Choice& choice : choices) total += choice.weight;
    int draw = session.pick(total);
    for (const Choice& choice : choices) {
        if (draw < choice.weight) return choice.op;
        draw -= choice.weight;
    }
    return choices.front().op;
}

bool ended(const std::string& state) {
    return state != "created" && state != "offered" && state != "allocated" && state != "started" &&
           state != "suspended";
}

class Person {
  public:
    explicit Person(Session& session) : session_(session) {}

    void step() {
        std::vector<ItemView> offered = look();
        if (!held_.empty() && (offered.empty() || session_.chance(act_on_held_rate))) {
            auto chosen = held_.begin();
            std::advance(chosen, session_.pick(static_cast<int>(held_.size())));
            act_on(chosen->second);
        } else if (!offered.empty()) {
            const int among = std::min(contended, static_cast<int>(offered.size()));
            claim(offered[static_cast<std::size_t>(session_.pick(among))]);
        }
    }

  private:
    // Reads the worklist (or the own items) and returns what is offered; what the person holds
    // is refreshed from it.
    std::vector<ItemView> look() {
        const bool own_only = session_.chance(list_rate);
        const Answer answer =
            session_.call({.op = own_only ? Op::list : Op::worklist, .actor = session_.actor()});
        std::vector<ItemView> offered;
        if (answer.outcome != Outcome::ok) return offered;
        held_.clear();
        for (const ItemView& item : answer.listed) {
            if (item.owner == session_.actor() && !ended(item.state))
                held_[item.id] = item;
            else if (item.state == "offered")
                offered.push_back(item);
        }
        return offered;
    }

    std::optional<std::int64_t> version_to_send(const ItemView& item) {
        if (session_.chance(expected_version_rate)) return item.version;
        return std::nullopt;
    }

    void claim(const ItemView& item) {
        remember(session_.call({.op = Op::claim,
                                .actor = session_.actor(),
                                .item_id = item.id,
                                .expected_version = version_to_send(item)}),
                 item.id);
    }

    void act_on(const ItemView& item) {
        Call call{.op = Op::resume,
                  .actor = session_.actor(),
                  .item_id = item.id,
                  .expected_version = version_to_send(item)};
        if (item.state == "allocated")
            call.op = choose(session_, allocated_choices);
        else if (item.state == "started")
            call.op = choose(session_, started_choices);
        if (call.op == Op::delegate) call.to_user = someone_else();
        if (call.op == Op::forward) call.groups = {World::team_group(team())};
        const Answer answer = session_.call(call);
        if (answer.outcome == Outcome::ok && (call.op == Op::complete || call.op == Op::fail))
            --session_.world().open_human_items;
        remember(answer, item.id);
    }

    // Keeps what the answer says the person now holds; forgets the item otherwise (the next
    // read brings it back if it is still theirs).
    void remember(const Answer& answer, std::int64_t id) {
        held_.erase(id);
        if (answer.outcome != Outcome::ok || answer.rows.empty() || !answer.rows[0].item) return;
        const ItemView& now = *answer.rows[0].item;
        if (now.owner == session_.actor() && !ended(now.state) && now.state != "offered")
            held_[id] = now;
    }

    int team() const { return session_.world().team_of(session_.client()); }

    // Another person of the team (delegating to oneself would be refused: WI460).
    std::string someone_else() {
        const auto& people = session_.world().team_members(team());
        if (people.size() < 2) return session_.actor();
        std::string other = session_.actor();
        while (other == session_.actor())
            other =
                people[static_cast<std::size_t>(session_.pick(static_cast<int>(people.size())))];
        return other;
    }

    Session& session_;
    std::map<std::int64_t, ItemView> held_;
};

}  // namespace

void run_person(Session& session) {
    Person person(session);
    while (!session.world().stopping()) {
        person.step();
        session.pause(session.world().settings().think);
    }
}

}  // namespace load
