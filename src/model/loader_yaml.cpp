// The loader's view of yaml::Node.
#include "model/loader_yaml.hpp"

#include "yaml/schema.hpp"

namespace crmflow::model {
namespace {

SourceLocation from_mark(yaml::Mark mark) { return SourceLocation{mark.line, mark.column}; }

}  // namespace

SourceLocation where(const YamlNode& node) { return from_mark(node.mark()); }

SourceLocation where_in(const YamlNode& scalar, std::size_t offset) {
  return from_mark(scalar.mark_at(offset));
}

bool is_map(const YamlNode& node) { return node.is_mapping(); }
bool is_list(const YamlNode& node) { return node.is_sequence(); }
bool is_scalar(const YamlNode& node) { return node.is_scalar() || node.is_null(); }

std::vector<YamlEntry> entries(const YamlNode& map) {
  std::vector<YamlEntry> out;
  out.reserve(map.size());
  for (const YamlNode::Entry& entry : map.entries()) {
    out.push_back(YamlEntry{entry.key.scalar(), where(entry.key), &entry.value});
  }
  return out;
}

std::vector<const YamlNode*> items(const YamlNode& list) {
  std::vector<const YamlNode*> out;
  out.reserve(list.size());
  for (const YamlNode& item : list.items()) out.push_back(&item);
  return out;
}

const YamlNode* get(const YamlNode& map, std::string_view key) { return map.find(key); }


}  // namespace crmflow::model
