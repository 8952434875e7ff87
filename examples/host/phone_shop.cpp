// phone_shop: a host program that embeds crmflow, the way a CRM would (docs/api.md, "A host:
// examples/host").
//
// A phone repair shop runs examples/phone-repair.yaml. This program brings what the engine asks
// of its host and drives one repair from reception to the customer's satisfaction score:
//   - a durable store: a SQLite file (argv[1], or a fresh phone_shop.db in the temp folder);
//   - a Directory: the shop's staff table (a std::map standing for the CRM's database);
//   - a Channel: "sms", which prints each message where an SMS panel would send it;
//   - a service handler: "crm.add-points", called by a small loyalty process of its own.
//
//   phone_shop [database-file]
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crmflow/calendar.hpp"
#include "crmflow/channel.hpp"
#include "crmflow/clock.hpp"
#include "crmflow/directory.hpp"
#include "crmflow/engine.hpp"
#include "crmflow/process.hpp"
#include "crmflow/sqlite_store.hpp"

namespace {

// The CRM's staff table. The engine asks the Directory who may work on a task and where to
// reach a user; it never keeps users of its own.
struct Employee {
  std::string group;   // reception, technicians
  std::string mobile;  // where `to: assignee` SMS go
};

class StaffDirectory final : public crmflow::Directory {
 public:
  explicit StaffDirectory(std::map<std::string, Employee, std::less<>> staff)
      : staff_(std::move(staff)) {}
  bool has_user(std::string_view user) const override { return staff_.contains(user); }
  std::vector<std::string> groups_of(std::string_view user) const override {
    auto found = staff_.find(user);
    if (found == staff_.end()) return {};
    return {found->second.group};
  }
  std::vector<std::string> members_of(std::string_view group) const override {
    std::vector<std::string> members;  // sorted, as the contract asks: the map is
    for (const auto& [user, employee] : staff_)
      if (employee.group == group) members.push_back(user);
    return members;
  }
  std::optional<std::string> address(std::string_view user,
                                     std::string_view channel) const override {
    auto found = staff_.find(user);
    if (found == staff_.end() || channel != "sms") return std::nullopt;
    return found->second.mobile;
  }

 private:
  std::map<std::string, Employee, std::less<>> staff_;
};

// The "sms" channel. A real one calls the SMS panel with n.idempotency_key, so that a retried
// delivery is not sent twice, and returns retry("...") when the panel is busy.
class PrintedSms final : public crmflow::Channel {
 public:
  crmflow::DeliveryOutcome deliver(const crmflow::Notification& n) override {
    std::cout << "SMS to " << n.to << ": " << n.text << '\n';
    return crmflow::DeliveryOutcome::delivered();
  }
};

// A process of the host's own: a service step that credits loyalty points in the CRM.
constexpr const char* kLoyalty = R"(
process: loyalty-points
variables:
  phone: {type: string, required: true}
  points: {type: number, required: true}
steps:
  - id: credit
    type: service
    handler: crm.add-points
    input: {phone: "= phone", points: "= points"}
  - id: done
    type: end
)";

// Errors are values: every call returns a Result or a Status. This program stops at the first.
void check(const auto& result, const char* what) {
  if (result) return;
  std::cerr << what << ": " << result.error().message << '\n';
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string examples = CRMFLOW_EXAMPLES_DIR;  // set by examples/host/CMakeLists.txt
  // The shop's database: argv[1], kept from run to run (deploying the same definitions again
  // changes nothing), or a fresh file in the temp folder.
  std::filesystem::path db;
  if (argc > 1) {
    db = argv[1];
  } else {
    db = std::filesystem::temp_directory_path() / "phone_shop.db";
    std::filesystem::remove(db);
  }

  // The engine reads "now" from a Clock; a ManualClock makes this run the same every time.
  // Saturday 10 January 2026, 09:00 in Tehran: the shop is open (calendar "office").
  crmflow::ManualClock clock{
      crmflow::Instant{std::chrono::sys_days{std::chrono::year{2026} / 1 / 10}} +
      std::chrono::hours{5} + std::chrono::minutes{30}};

  auto calendars = crmflow::Calendars::load_file(examples + "/settings/calendars.yaml");
  auto repair = crmflow::load_process_file(examples + "/phone-repair.yaml");
  auto loyalty = crmflow::load_process(kLoyalty, "loyalty-points.yaml");
  for (const auto* outcome : {&repair, &loyalty})
    for (const auto& d : outcome->diagnostics) std::cerr << d.format() << '\n';
  if (!calendars.ok() || !repair.ok() || !loyalty.ok()) return 1;

  auto store = crmflow::SqliteStore::open(db.string());
  check(store, "open the store");
  StaffDirectory staff{
      {{"ali", {"reception", "+989120000001"}}, {"sara", {"technicians", "+989120000003"}}}};
  crmflow::ChannelRegistry channels;
  channels.add("sms", std::make_shared<PrintedSms>());
  crmflow::Engine engine{**store,
                         {.clock = &clock,
                          .directory = &staff,
                          .channels = &channels,
                          .calendars = &calendars.calendars}};
  // Service steps call handlers by name. A handler runs outside any transaction and may run
  // again after a crash, so a real one is idempotent (keyed by job.idempotency_key).
  engine.handlers().add("crm.add-points", [](const crmflow::JobContext& job) {
    std::cout << "CRM: " << job.input["points"].as_integer() << " points for "
              << job.input["phone"].as_string() << '\n';
    return crmflow::HandlerResult::ok();
  });

  check(engine.deploy(repair.process), "deploy phone-repair");  // a new version only if changed
  check(engine.deploy(loyalty.process), "deploy loyalty-points");

  // A customer hands in a phone: the receipt number is the case's business key.
  auto id = engine.start("phone-repair",
                         {.key = "R-1001",
                          .by = "ali",
                          .vars = {{"customer", {{"name", "رضا"}, {"phone", "09121234567"}}}}});
  check(id, "start");

  // What a worklist screen does: the user's tasks, claim one, fill in its form, complete it.
  // run_due then fires what is due (service jobs, timers) and delivers the queued SMS.
  auto work = [&](const std::string& user, crmflow::Value form) {
    auto tasks = engine.tasks({.user = user, .case_id = *id});
    check(tasks, "worklist");
    if (tasks->empty()) {
      std::cerr << "no task for " << user << '\n';
      std::exit(1);
    }
    const crmflow::Task& task = tasks->front();
    std::cout << user << " works on \"" << task.name << "\"\n";
    check(engine.claim(task.id, user), "claim");
    check(engine.complete(task.id, {.by = user, .vars = std::move(form)}), "complete");
    clock.advance(std::chrono::minutes{20});
    check(engine.run_due(clock.now()), "run_due");
  };
  work("ali", {{"device", "Galaxy A52"}, {"fault", "the screen stays black"}});
  work("sara", {{"diagnosis", "a broken display connector"}, {"cost", 1'500'000}});
  work("sara", {{"repair_notes", "connector replaced"}, {"cost", 1'500'000}});  // under the limit
  work("ali", {{"paid", true}, {"payment_method", "card"}});

  // The customer answers the survey by SMS; the CRM hands the reply to the case it belongs to.
  check(engine.correlate("survey-answer", "R-1001", {{"score", "5"}}), "survey answer");

  auto repaired = engine.get_case(*id);
  check(repaired, "get_case");
  std::cout << "case " << repaired->key << ": " << crmflow::to_string(repaired->status) << '\n';

  // Loyalty points for the repair: the service step becomes a job, which run_due fires.
  check(engine.start("loyalty-points", {.vars = {{"phone", "09121234567"}, {"points", 15}}}),
        "start loyalty-points");
  check(engine.run_due(clock.now()), "run_due");

  auto history = engine.history(*id);
  check(history, "history");
  std::cout << "history of R-1001:\n";
  for (const crmflow::HistoryEvent& e : *history)
    std::cout << "  " << crmflow::to_string(e.event) << (e.step_id.empty() ? "" : " ") << e.step_id
              << '\n';
  return repaired->status == crmflow::CaseStatus::completed ? 0 : 1;
}
