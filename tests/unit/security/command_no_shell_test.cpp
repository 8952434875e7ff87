// The command channel and the command handler never go through a shell: shell syntax in the
// configured arguments, or in what a case puts into a notification or a job, reaches the program
// literally (each configured argument as one argv element, the rest inside the JSON on stdin),
// and none of it runs.
#include <catch2/catch.hpp>
#include <filesystem>

#include "crmflow/delivery_config.hpp"
#include "crmflow/json.hpp"
#include "security_support.hpp"

namespace crmflow::test {
namespace {

// Arguments that a shell would turn into commands creating `mark`-N files in `dir`.
std::vector<std::string> shell_syntax(const TempFolder& dir) {
  const std::string d = dir.path().string();
  return {
      "; touch " + d + "/mark1",
      "$(touch " + d + "/mark2)",
      "`touch " + d + "/mark3`",
      "| touch " + d + "/mark4",
      "&& touch " + d + "/mark5",
      "> " + d + "/mark6",
      "x\ntouch " + d + "/mark7",
      "*",
      "$HOME ${PATH} ~",
      "'single' \"double\" \\back",
      "a b\tc",
  };
}

// A program that writes each argument it got, NUL-terminated, to `dir`/args and its stdin to
// `dir`/stdin. The arguments are only ever expanded inside double quotes ("$@"), so the script
// itself runs none of them.
std::string recorder(const TempFolder& dir) {
  const std::string d = dir.path().string();
  return dir.script("record.sh", "printf '%s\\0' \"$@\" > '" + d + "/args'\ncat > '" + d +
                                     "/stdin'\necho receipt-1");
}

std::string yaml_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const std::string& item : items) {
    if (out.size() > 1) out += ", ";
    out += yaml_quoted(item);
  }
  return out + "]";
}

std::string diagnostics_of(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const Diagnostic& d : diagnostics) out += d.format() + "\n";
  return out;
}

std::vector<std::string> recorded_args(const TempFolder& dir) {
  const std::string text = TempFolder::read(dir / "args");
  std::vector<std::string> out;
  std::string current;
  for (const char c : text) {
    if (c == '\0') {
      out.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  return out;
}

// The mark files that exist: any is a command that a shell ran.
std::vector<std::string> marks(const TempFolder& dir) {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator{dir.path()}) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("mark")) out.push_back(name);
  }
  return out;
}

TEST_CASE("a command channel passes shell syntax literally, one argv element each",
          "[security][command]") {
  TempFolder dir;
  const std::vector<std::string> args = shell_syntax(dir);
  std::vector<std::string> command{recorder(dir)};
  command.insert(command.end(), args.begin(), args.end());
  const std::string yaml = "mail:\n  type: command\n  command: " + yaml_list(command) + "\n";
  ChannelsOutcome loaded = load_channels(yaml, (dir / "channels.yaml").string());
  INFO(yaml << "\n" << diagnostics_of(loaded.diagnostics));
  REQUIRE(loaded.ok());
  Channel* channel = loaded.channels.find("mail");
  REQUIRE(channel != nullptr);

  Notification n;
  n.id = 7;
  n.case_id = 42;
  n.step_id = "ready";
  n.channel = "mail";
  n.to = "; touch " + dir.path().string() + "/mark8 `touch " + dir.path().string() +
         "/mark9` $(touch " + dir.path().string() + "/mark10) | sh";
  n.subject = "$(reboot)";
  n.text = "'; rm -rf / --no-preserve-root; echo '";
  n.idempotency_key = "42/1/0";
  n.at = security_epoch();
  const DeliveryOutcome outcome = channel->deliver(n);
  INFO(outcome.detail());
  REQUIRE(outcome.kind() == DeliveryOutcome::Kind::delivered);
  CHECK(outcome.detail() == "receipt-1");

  CHECK(recorded_args(dir) == args);
  auto sent = parse_json(TempFolder::read(dir / "stdin"));
  REQUIRE(sent.ok());
  CHECK((*sent)["to"].as_string() == n.to);
  CHECK((*sent)["subject"].as_string() == n.subject);
  CHECK((*sent)["text"].as_string() == n.text);
  CHECK(marks(dir).empty());
}

TEST_CASE("a command handler passes shell syntax literally, in argv and in the job",
          "[security][command]") {
  TempFolder dir;
  const std::vector<std::string> args = shell_syntax(dir);
  std::vector<std::string> command{recorder(dir)};
  command.insert(command.end(), args.begin(), args.end());
  const std::string yaml = "quote:\n  type: command\n  command: " + yaml_list(command) + "\n";
  HandlersOutcome loaded = load_handlers(yaml, (dir / "handlers.yaml").string());
  INFO(yaml << "\n" << diagnostics_of(loaded.diagnostics));
  REQUIRE(loaded.ok());
  const Handler* handler = loaded.handlers.find("quote");
  REQUIRE(handler != nullptr);

  JobContext job;
  job.case_id = 42;
  job.process_id = "repair";
  job.step_id = "quote";
  job.handler = "quote";
  job.case_key = "$(touch " + dir.path().string() + "/mark11)";
  job.input = Value::Object{{"`touch " + dir.path().string() + "/mark12`", "; sh"}};
  job.idempotency_key = "42/3/quote";
  const HandlerResult result = (*handler)(job);
  INFO(result.message());
  // "receipt-1" is not JSON: a technical failure, after the program ran with the arguments.
  CHECK(result.kind() == HandlerResult::Kind::failure);
  CHECK(recorded_args(dir) == args);
  auto sent = parse_json(TempFolder::read(dir / "stdin"));
  REQUIRE(sent.ok());
  CHECK((*sent)["key"].as_string() == job.case_key);
  CHECK(to_json((*sent)["input"]) == to_json(job.input));
  CHECK(marks(dir).empty());
}

TEST_CASE("a program name with shell syntax is a path, not a command line", "[security][command]") {
  TempFolder dir;
  const std::string d = dir.path().string();
  // As a shell would read it, this runs `true` and creates a mark; as a path it names nothing.
  const std::string yaml =
      "mail:\n  type: command\n  command: " + yaml_list({"true; touch " + d + "/mark13"}) + "\n";
  ChannelsOutcome loaded = load_channels(yaml, (dir / "channels.yaml").string());
  REQUIRE_FALSE(loaded.ok());
  REQUIRE(loaded.diagnostics.size() == 1);
  CHECK_THAT(loaded.diagnostics.front().format(), Catch::Contains("true; touch"));
  CHECK(marks(dir).empty());
}

}  // namespace
}  // namespace crmflow::test
