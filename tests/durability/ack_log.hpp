// crmflow durability driver: the acknowledged lines the writer and complete-all modes printed,
// as `verify` reads them back.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "crmflow/ids.hpp"

namespace crmflow::durability {

// A completion some process was told had succeeded.
struct CompletionAck {
  CaseId case_id = kNoId;
  std::string by{};
};

struct AckLog {
  std::map<std::string, CaseId> started{};      // business key -> case
  std::map<TaskId, CompletionAck> completed{};  // `completed` and `won` lines
  std::vector<std::string> problems{};          // malformed lines, double acknowledgements
};

// Reads the concatenated output of every run against one database. Lines that carry no
// acknowledgement (`deployed`, `ready`, `lost`, `done`, `summary`, `error`) are skipped; a line
// of any other form, a key started twice and a task acknowledged as completed twice are
// problems. An unreadable file is one problem.
AckLog read_ack_log(const std::string& path);

// The run a business key belongs to: the writer's PREFIX, the text before the last '-'.
std::string run_of(const std::string& key);

}  // namespace crmflow::durability
