// crmflow: who the users are, which groups they are in, and where to reach them.
//
// The host owns its users; the engine asks the Directory when it authorises a task operation,
// builds a worklist, or resolves `to: assignee | candidates | initiator` into addresses.
//
//   crmflow::MemoryDirectory dir;
//   dir.add_user("ali", {"reception"}, {{"sms", "+989120000001"}});
//   crmflow::Engine engine{store, {.directory = &dir}};
//
// Thread safety: implementations must allow concurrent calls of the const methods.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crmflow/diagnostic.hpp"

namespace crmflow {

class Directory {
 public:
  virtual ~Directory() = default;
  // Whether the user exists. Task operations by an unknown user are refused (not_authorized).
  virtual bool has_user(std::string_view user) const = 0;
  // The groups the user is in; empty for an unknown user.
  virtual std::vector<std::string> groups_of(std::string_view user) const = 0;
  // The users in the group, sorted; empty for an unknown group.
  virtual std::vector<std::string> members_of(std::string_view group) const = 0;
  // The user's address for a channel ("sms" → a phone number), or nullopt when there is none.
  virtual std::optional<std::string> address(std::string_view user,
                                             std::string_view channel) const = 0;
  // The groups whose tasks the user manages: they see every task offered to those groups
  // (TaskQuery::manager) and may reassign them (Engine::reassign). None unless overridden.
  virtual std::vector<std::string> managed_groups(std::string_view /*user*/) const { return {}; }
};

// A Directory held in memory, for tests, scenarios and small hosts. Not thread-safe while users
// are being added; safe for concurrent reads after that.
class MemoryDirectory final : public Directory {
 public:
  // Adds or replaces a user. `addresses` maps a channel name to the address on it.
  void add_user(std::string user, std::vector<std::string> groups = {},
                std::map<std::string, std::string, std::less<>> addresses = {});

  bool has_user(std::string_view user) const override;
  std::vector<std::string> groups_of(std::string_view user) const override;
  std::vector<std::string> members_of(std::string_view group) const override;
  std::optional<std::string> address(std::string_view user,
                                     std::string_view channel) const override;
  // Makes a known user the manager of these groups (replacing what they managed). Returns false,
  // changing nothing, for an unknown user.
  bool set_managed_groups(std::string_view user, std::vector<std::string> groups);
  std::vector<std::string> managed_groups(std::string_view user) const override;

 private:
  struct User {
    std::vector<std::string> groups;
    std::map<std::string, std::string, std::less<>> addresses;
    std::vector<std::string> managed_groups{};
  };
  std::map<std::string, User, std::less<>> users_;
};

// A users file (`crmflow --users`, the form of a scenario's `users:`): a map of user names to
// `{groups: [...], manages: [...], CHANNEL: ADDRESS, ...}`, bare or under a top-level `users:`.
// Every problem is reported at once, each at its place (FILE:LINE:COL).
struct UsersOutcome {
  std::shared_ptr<MemoryDirectory> directory{};  // null when there are diagnostics
  std::vector<Diagnostic> diagnostics{};
  bool ok() const { return diagnostics.empty(); }
};

// Reads users from YAML text; `file_name` names it in diagnostics.
UsersOutcome load_users(std::string_view yaml_text, std::string_view file_name);
// Reads a users file. An unreadable file is one diagnostic without a place.
UsersOutcome load_users_file(const std::string& path);

}  // namespace crmflow
