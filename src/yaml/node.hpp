// crmflow::yaml: the document tree the strict reader (reader.hpp) builds. Every node, and every
// mapping key, knows where it was written, so a loader can point each problem at its place.
//
//   auto doc = yaml::parse(text, "phone-repair.yaml");
//   if (!doc) return doc.error();
//   for (const yaml::Node::Entry& step_entry : doc->root().entries()) ...
//   const yaml::Node* id = step.find("id");
//   if (id == nullptr) problems.push_back(step.diagnostic("step has no 'id'"));
//   // a column inside an expression, mapped back to the file:
//   yaml::Mark at = condition.mark_at(expr_error_column);
//
// Nodes are immutable values; copies share their children (and the file text) and are cheap.
// Thread safety: a Node may be read from several threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "yaml/diagnostic.hpp"

namespace crmflow::yaml {

struct Source;  // the file's name and text, shared by every node read from it

enum class NodeKind : std::uint8_t { null, scalar, sequence, mapping };

// How a scalar was written. Only `plain` scalars are typed by the core schema; the others are
// always text. A null node is `plain`.
enum class ScalarStyle : std::uint8_t { plain, single_quoted, double_quoted, literal, folded };

// "null", "scalar", "sequence", "mapping".
std::string_view kind_name(NodeKind kind) noexcept;

class Node {
 public:
  struct Entry;

  // A null node with no place (what find() callers compare against, and the default).
  Node() = default;

  NodeKind kind() const noexcept { return kind_; }
  bool is_null() const noexcept { return kind_ == NodeKind::null; }
  bool is_scalar() const noexcept { return kind_ == NodeKind::scalar; }
  bool is_sequence() const noexcept { return kind_ == NodeKind::sequence; }
  bool is_mapping() const noexcept { return kind_ == NodeKind::mapping; }

  // Where the node starts: its tag or anchor if it has one, else its first character (the
  // opening quote of a quoted scalar, the '|' of a block scalar, the '[' or first '-' or first
  // key of a collection). An empty value (`key:` with nothing after it) is placed at its key.
  Mark mark() const noexcept { return mark_; }

  // The text of a scalar after quoting, escapes and folding are undone. For a null node, the
  // word written (`~`, `null`, `Null`, `NULL`) or "" when nothing was written. "" otherwise.
  const std::string& scalar() const noexcept { return text_; }
  ScalarStyle style() const noexcept { return style_; }
  // True for plain scalars and nulls: the only nodes the core schema types.
  bool is_plain() const noexcept { return style_ == ScalarStyle::plain; }
  // The explicit tag, "" when there is none. Standard tags are written out in full:
  // `!!str` is "tag:yaml.org,2002:str"; local tags stay as written ("!money").
  const std::string& tag() const noexcept { return tag_; }

  // Items of a sequence or entries of a mapping; 0 for scalars and nulls.
  std::size_t size() const noexcept;
  // The items of a sequence in document order (empty for any other node).
  const std::vector<Node>& items() const noexcept;
  // The entries of a mapping in document order (empty for any other node). Keys are scalars
  // and unique by text (the reader refuses anything else).
  const std::vector<Entry>& entries() const noexcept;
  // The value under `key` in a mapping, or nullptr (also for any other node).
  const Node* find(std::string_view key) const noexcept;
  // The entry with that key, or nullptr: for callers that need the key's mark.
  const Entry* find_entry(std::string_view key) const noexcept;

  // The place of the character at `char_offset` (counted in code points) of scalar(), for
  // reporting a problem inside a scalar such as an expression. Exact for scalars written on one
  // line: plain, single-quoted ('' counts as one character of the value) and double-quoted
  // (an escape such as \n or \u00e9 counts as one character of the value). For scalars over
  // several lines, block scalars and non-scalars it is mark(). An offset past the end maps to
  // the end of the scalar.
  Mark mark_at(std::size_t char_offset) const noexcept;

  // The name of the file the node was read from ("" for a default-constructed node).
  std::string_view file() const noexcept;
  // A problem at this node, or at a character inside it (see mark_at).
  Diagnostic diagnostic(std::string message) const;
  Diagnostic diagnostic_at(std::size_t char_offset, std::string message) const;

 private:
  friend class TreeBuilder;

  NodeKind kind_ = NodeKind::null;
  ScalarStyle style_ = ScalarStyle::plain;
  Mark mark_;
  std::uint32_t content_offset_ = 0;  // byte offset of the scalar's first character or quote
  std::string text_;
  std::string tag_;
  std::shared_ptr<const std::vector<Node>> items_;
  std::shared_ptr<const std::vector<Entry>> entries_;
  std::shared_ptr<const Source> source_;
};

struct Node::Entry {
  Node key;  // a scalar; key.mark() is where the key is written
  Node value;
};

// One parsed file: its name and its root node (a null node for an empty file).
class Document {
 public:
  Document(std::string file, Node root) : file_(std::move(file)), root_(std::move(root)) {}

  const std::string& file() const noexcept { return file_; }
  const Node& root() const noexcept { return root_; }

 private:
  std::string file_;
  Node root_;
};

}  // namespace crmflow::yaml
