#include <algorithm>

#include "crmflow/directory.hpp"

namespace crmflow {

void MemoryDirectory::add_user(std::string user, std::vector<std::string> groups,
                               std::map<std::string, std::string, std::less<>> addresses) {
  users_[std::move(user)] = User{std::move(groups), std::move(addresses), {}};
}

bool MemoryDirectory::set_managed_groups(std::string_view user, std::vector<std::string> groups) {
  auto found = users_.find(user);
  if (found == users_.end()) return false;
  found->second.managed_groups = std::move(groups);
  return true;
}

std::vector<std::string> MemoryDirectory::managed_groups(std::string_view user) const {
  auto found = users_.find(user);
  return found == users_.end() ? std::vector<std::string>{} : found->second.managed_groups;
}

bool MemoryDirectory::has_user(std::string_view user) const { return users_.count(user) != 0; }

std::vector<std::string> MemoryDirectory::groups_of(std::string_view user) const {
  auto found = users_.find(user);
  return found == users_.end() ? std::vector<std::string>{} : found->second.groups;
}

std::vector<std::string> MemoryDirectory::members_of(std::string_view group) const {
  std::vector<std::string> members;
  for (const auto& [name, user] : users_) {
    if (std::find(user.groups.begin(), user.groups.end(), group) != user.groups.end()) {
      members.push_back(name);
    }
  }
  return members;  // sorted: users_ is ordered by name
}

std::optional<std::string> MemoryDirectory::address(std::string_view user,
                                                    std::string_view channel) const {
  auto found = users_.find(user);
  if (found == users_.end()) return std::nullopt;
  auto address = found->second.addresses.find(channel);
  if (address == found->second.addresses.end()) return std::nullopt;
  return address->second;
}

}  // namespace crmflow
