// load_users / load_users_file: the directory of a users file (include/crmflow/directory.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <utility>

#include "crmflow/directory.hpp"
#include "model/source_file.hpp"
#include "yaml/fields.hpp"
#include "yaml/reader.hpp"

namespace crmflow {
namespace {

// One entry: `NAME: {groups: [...], manages: [...], CHANNEL: ADDRESS, ...}`.
void read_user(yaml::FieldReader& fields, const yaml::Node::Entry& entry, MemoryDirectory& out) {
  const std::string& name = entry.key.scalar();
  if (name.empty()) {
    fields.error(entry.key, "users: a user name must not be empty");
    return;
  }
  const std::string owner = "user '" + name + "'";
  if (!fields.expect_map(entry.value, owner, "users")) return;
  const std::size_t before = fields.count();
  std::vector<std::string> groups;
  std::vector<std::string> manages;
  std::map<std::string, std::string, std::less<>> addresses;
  for (const yaml::Node::Entry& field : entry.value.entries()) {
    const std::string& key = field.key.scalar();
    if (key == "groups" || key == "manages") {
      auto list = fields.text_list(field.value, owner, key);
      if (!list) continue;
      for (std::size_t i = 0; i < list->size(); ++i) {
        const auto seen = list->begin() + static_cast<std::ptrdiff_t>(i);
        if (std::find(list->begin(), seen, *seen) != seen) {
          fields.error(field.value.items()[i],
                       fmt::format("{}: group '{}' is listed twice in '{}'", owner, *seen, key));
        }
      }
      (key == "groups" ? groups : manages) = std::move(*list);
    } else if (auto address = fields.non_empty_text(field.value, owner, key)) {
      addresses.emplace(key, std::move(*address));  // the user's address on the channel `key`
    }
  }
  if (fields.count() != before) return;
  out.add_user(name, std::move(groups), std::move(addresses));
  out.set_managed_groups(name, std::move(manages));
}

}  // namespace

UsersOutcome load_users(std::string_view yaml_text, std::string_view file_name) {
  UsersOutcome outcome;
  try {
    auto document = yaml::parse(yaml_text, file_name, outcome.diagnostics);
    if (!document) return outcome;
    const yaml::Node& root = document->root();
    const yaml::Node* users = &root;
    if (root.is_mapping() && root.size() == 1 && root.find("users") != nullptr) {
      users = root.find("users");
    }
    yaml::FieldReader fields{outcome.diagnostics};
    auto directory = std::make_shared<MemoryDirectory>();
    if (!users->is_mapping()) {
      fields.error(*users,
                   fmt::format("a users file is a map of users (NAME: {{groups: [...], sms: "
                               "ADDRESS}}), bare or under 'users:', not {}",
                               users->is_null() ? "nothing" : yaml::describe(*users)));
    } else {
      for (const yaml::Node::Entry& entry : users->entries()) read_user(fields, entry, *directory);
    }
    if (outcome.ok()) outcome.directory = std::move(directory);
  } catch (const std::exception& e) {
    outcome.directory.reset();
    outcome.diagnostics.push_back(Diagnostic{
        std::string{file_name}, 0, 0,
        std::string{"internal error while loading users (please report it): "} + e.what()});
  }
  return outcome;
}

UsersOutcome load_users_file(const std::string& path) {
  UsersOutcome outcome;
  std::optional<std::string> text = model::read_source_file(path, outcome.diagnostics);
  if (!text) return outcome;
  return load_users(*text, path);
}

}  // namespace crmflow
