#include "ack_log.hpp"

#include <charconv>
#include <fstream>
#include <optional>
#include <sstream>
#include <string_view>
#include <system_error>

namespace crmflow::durability {
namespace {

std::optional<std::uint64_t> parse_id(const std::string& text) {
  std::uint64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size() || id == kNoId) return std::nullopt;
  return id;
}

std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string word; in >> word;) out.push_back(std::move(word));
  return out;
}

}  // namespace

std::string run_of(const std::string& key) {
  const std::size_t dash = key.rfind('-');
  return dash == std::string::npos ? std::string{} : key.substr(0, dash);
}

AckLog read_ack_log(const std::string& path) {
  AckLog log;
  std::ifstream in(path);
  if (!in) {
    log.problems.push_back("cannot read the acknowledgement log '" + path + "'");
    return log;
  }
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    const std::string where = path + ":" + std::to_string(number) + ": ";
    const std::vector<std::string> w = words(line);
    if (w.empty()) continue;
    const std::string& kind = w[0];
    if (kind == "deployed" || kind == "ready" || kind == "lost" || kind == "done" ||
        kind == "summary" || kind == "error") {
      continue;
    }
    if (kind == "started" && w.size() == 3) {
      const auto id = parse_id(w[2]);
      if (!id) {
        log.problems.push_back(where + "bad case id in '" + line + "'");
      } else if (!log.started.emplace(w[1], *id).second) {
        log.problems.push_back(where + "key " + w[1] + " acknowledged as started twice");
      }
      continue;
    }
    if ((kind == "completed" || kind == "won") && w.size() == 4) {
      const auto task = parse_id(w[1]);
      const auto case_id = parse_id(w[2]);
      if (!task || !case_id) {
        log.problems.push_back(where + "bad task or case id in '" + line + "'");
      } else if (!log.completed.emplace(*task, CompletionAck{*case_id, w[3]}).second) {
        log.problems.push_back(where + "task " + w[1] +
                               " acknowledged as completed twice (exactly-once broken)");
      }
      continue;
    }
    log.problems.push_back(where + "unrecognised line '" + line + "'");
  }
  return log;
}

}  // namespace crmflow::durability
