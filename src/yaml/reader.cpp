// The strict reader: yaml-cpp's event parser feeding a tree builder. Events come before
// yaml-cpp builds (and merges) its own nodes, which is where duplicate keys, marks of keys and
// alias expansion can still be seen and controlled.
#include "yaml/reader.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <istream>
#include <optional>
#include <streambuf>
#include <system_error>
#include <unordered_map>
#include <unordered_set>

#include "yaml/source.hpp"

namespace crmflow::yaml {
namespace {

// Thrown from inside event callbacks to stop the parse with a problem; caught in parse().
struct Stop {
  Mark mark;
  std::string message;
};

// A read-only stream over text that is already in memory (no copy, unlike istringstream).
class MemoryBuffer : public std::streambuf {
 public:
  explicit MemoryBuffer(const std::string& text) {
    char* begin = const_cast<char*>(text.data());  // NOLINT: the get area is never written
    setg(begin, begin, begin + text.size());
  }
};

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_break(char c) { return c == '\n' || c == '\r'; }

// From the start of a node (where yaml-cpp puts its mark), skips its tag and anchor and the
// space, comments and line breaks after them, to the node's first character.
std::size_t skip_properties(std::string_view text, std::size_t pos) {
  while (pos < text.size() && (text[pos] == '!' || text[pos] == '&')) {
    while (pos < text.size() && !is_blank(text[pos]) && !is_break(text[pos]) && text[pos] != ',' &&
           text[pos] != ']' && text[pos] != '}') {
      ++pos;
    }
    while (pos < text.size()) {
      if (is_blank(text[pos]) || is_break(text[pos])) {
        ++pos;
      } else if (text[pos] == '#') {
        while (pos < text.size() && !is_break(text[pos])) ++pos;
      } else {
        break;
      }
    }
  }
  return pos;
}

ScalarStyle style_at(std::string_view text, std::size_t pos) {
  if (pos >= text.size()) return ScalarStyle::plain;
  switch (text[pos]) {
    case '"':
      return ScalarStyle::double_quoted;
    case '\'':
      return ScalarStyle::single_quoted;
    case '|':
      return ScalarStyle::literal;
    case '>':
      return ScalarStyle::folded;
    default:
      return ScalarStyle::plain;
  }
}

// The null word written at `pos` ("~", "null", "Null", "NULL"), or "" when the null node was
// not written there (an empty value: yaml-cpp then marks whatever token comes next).
std::string_view written_null(std::string_view text, std::size_t pos) {
  for (std::string_view word : {"~", "null", "Null", "NULL"}) {
    if (text.substr(pos, word.size()) != word) continue;
    std::size_t end = pos + word.size();
    if (end < text.size() && !is_blank(text[end]) && !is_break(text[end]) && text[end] != ',' &&
        text[end] != ']' && text[end] != '}' && text[end] != '#' && text[end] != ':') {
      continue;
    }
    while (end < text.size() && is_blank(text[end])) ++end;
    if (end < text.size() && text[end] == ':') return {};  // the next key, not this node
    return word;
  }
  return {};
}

// Whether the quoted scalar opening at `open` has its closing quote (yaml-cpp 0.7 accepts a
// quoted scalar left open at the end of the file).
bool is_closed(std::string_view text, std::size_t open) {
  const char quote = text[open];
  for (std::size_t pos = open + 1; pos < text.size(); ++pos) {
    if (quote == '"' && text[pos] == '\\') {
      ++pos;
    } else if (text[pos] == quote) {
      if (quote == '\'' && pos + 1 < text.size() && text[pos + 1] == '\'') {
        ++pos;
      } else {
        return true;
      }
    }
  }
  return false;
}

// yaml-cpp's messages, said so that an analyst knows what to change.
std::string readable(const std::string& message) {
  static const std::array<std::pair<std::string_view, std::string_view>, 14> kMessages = {{
      {YAML::ErrorMsg::MAP_VALUE,
       "unexpected ':' (a value with ': ' in it needs quotes, or the indentation is wrong)"},
      {YAML::ErrorMsg::END_OF_MAP, "a mapping ends unexpectedly (check the indentation)"},
      {YAML::ErrorMsg::END_OF_MAP_FLOW, "a '{' mapping is not closed with '}'"},
      {YAML::ErrorMsg::END_OF_SEQ, "a list ends unexpectedly (check the indentation)"},
      {YAML::ErrorMsg::END_OF_SEQ_FLOW, "a '[' list is not closed with ']'"},
      {YAML::ErrorMsg::BLOCK_ENTRY, "a '- ' list item is not allowed here (check the indentation)"},
      {YAML::ErrorMsg::MAP_KEY, "a '? ' key is not allowed here"},
      {YAML::ErrorMsg::FLOW_END, "a closing ']' or '}' without its opening bracket"},
      {YAML::ErrorMsg::UNKNOWN_ANCHOR, "an alias names an anchor that is not defined before it"},
      {YAML::ErrorMsg::EOF_IN_SCALAR, "a quoted text is not closed before the end of the file"},
      {YAML::ErrorMsg::DOC_IN_SCALAR, "a '---' or '...' line inside a quoted text"},
      {YAML::ErrorMsg::TAB_IN_INDENTATION, "a tab in the indentation (indent with spaces)"},
      {YAML::ErrorMsg::CHAR_IN_SCALAR, "a character that is not allowed in this text"},
      {YAML::ErrorMsg::UNKNOWN_TOKEN, "unexpected text here"},
  }};
  for (const auto& [raw, better] : kMessages) {
    if (message == raw) return std::string(better);
  }
  if (message.starts_with(YAML::ErrorMsg::INVALID_ESCAPE)) {
    return "unknown escape '\\" +
           message.substr(std::string_view(YAML::ErrorMsg::INVALID_ESCAPE).size()) +
           "' in a double-quoted text (write '\\\\' for a backslash, or use single quotes)";
  }
  return "YAML syntax: " + message;
}

}  // namespace

// Builds Nodes from parser events. Not in the anonymous namespace: Node befriends it.
class TreeBuilder final : public YAML::EventHandler {
 public:
  TreeBuilder(std::shared_ptr<const Source> source, const Limits& limits)
      : source_(std::move(source)), limits_(limits) {
    root_.mark_ = Mark{1, 1};
    root_.source_ = source_;
  }

  Node take_root() { return std::move(root_); }

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ == 1) return;
    // yaml-cpp also starts a new document at top-level text that cannot continue the first
    // (a mapping after a top-level list): that is an indentation mistake, not a '---'.
    if (text().substr(position(mark), 3) == "---") {
      throw Stop{mark_of(mark),
                 "a second YAML document; a crmflow file holds exactly one (remove this '---' "
                 "line or split the file)"};
    }
    throw Stop{mark_of(mark),
               "text after the end of the document's top-level "
               "value (check the indentation: the top level is one list or one mapping)"};
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Node node = make_node(NodeKind::null, mark);
    const std::size_t start = skip_properties(text(), position(mark));
    const std::string_view word = written_null(text(), start);
    if (!word.empty()) {
      node.text_ = std::string(word);
    } else {
      node.mark_ = empty_value_mark(mark);
    }
    add(std::move(node), 1, anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const auto found = anchors_.find(anchor);
    if (found == anchors_.end()) {
      throw Stop{mark_of(mark), "alias '*" + anchor_name(anchor) +
                                    "' is used inside the node it names; recursive aliases are "
                                    "not allowed"};
    }
    const auto& [node, count] = found->second;
    alias_nodes_ += count;
    if (alias_nodes_ > limits_.max_alias_nodes) {
      throw Stop{
          mark_of(mark),
          "aliases expand to more than " + std::to_string(limits_.max_alias_nodes) +
              " nodes (at alias '*" + anchor_name(anchor) +
              "'), past the limit max_alias_nodes = " + std::to_string(limits_.max_alias_nodes) +
              ": write the repeated parts out or use fewer aliases"};
    }
    add(Node(node), count, YAML::NullAnchor);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    Node node = make_node(NodeKind::scalar, mark);
    const std::size_t start = skip_properties(text(), position(mark));
    node.content_offset_ = static_cast<std::uint32_t>(start);
    node.style_ = tag == "?" ? ScalarStyle::plain : style_at(text(), start);
    if ((node.style_ == ScalarStyle::single_quoted || node.style_ == ScalarStyle::double_quoted) &&
        !is_closed(text(), start)) {
      throw Stop{source_->mark(start), "a quoted text is not closed before the end of the file"};
    }
    node.text_ = value;
    if (tag != "?" && !(tag == "!" && node.style_ != ScalarStyle::plain)) node.tag_ = tag;
    add(std::move(node), 1, anchor);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value /*style*/) override {
    open(NodeKind::sequence, mark, tag, anchor);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value /*style*/) override {
    open(NodeKind::mapping, mark, tag, anchor);
  }
  void OnMapEnd() override { close(); }

  void OnAnchor(const YAML::Mark& /*mark*/, const std::string& anchor_name) override {
    pending_anchor_name_ = anchor_name;
  }

 private:
  struct Frame {
    Node node;
    YAML::anchor_t anchor = YAML::NullAnchor;
    std::size_t count = 1;  // nodes in this subtree so far, the collection itself included
    std::vector<Node> items;
    std::vector<Node::Entry> entries;
    std::optional<Node> key;                            // a key waiting for its value
    std::unordered_map<std::string, Mark> first_marks;  // key text -> where it was first written
    bool has_merge = false;
  };

  std::string_view text() const { return source_->text; }
  std::size_t position(const YAML::Mark& mark) const {
    return mark.pos < 0 ? text().size() : static_cast<std::size_t>(mark.pos);
  }
  Mark mark_of(const YAML::Mark& mark) const { return source_->mark(position(mark)); }

  Node make_node(NodeKind kind, const YAML::Mark& mark) const {
    Node node;
    node.kind_ = kind;
    node.mark_ = mark_of(mark);
    node.source_ = source_;
    return node;
  }

  // Where nothing was written: at the key for a mapping value, just after the '-' for a list
  // item, else where yaml-cpp put it.
  Mark empty_value_mark(const YAML::Mark& mark) const {
    if (!frames_.empty()) {
      const Frame& parent = frames_.back();
      if (parent.node.kind_ == NodeKind::mapping && parent.key) return parent.key->mark_;
      if (parent.node.kind_ == NodeKind::sequence) {
        std::size_t pos = std::min(position(mark), text().size());
        while (pos > 0 && (is_blank(text()[pos - 1]) || is_break(text()[pos - 1]))) --pos;
        if (pos > 0 && text()[pos - 1] == '-') return source_->mark(pos);
      }
    }
    return mark_of(mark);
  }

  std::string anchor_name(YAML::anchor_t anchor) const {
    const auto found = anchor_names_.find(anchor);
    return found != anchor_names_.end() ? found->second : std::to_string(anchor);
  }

  void open(NodeKind kind, const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor) {
    if (frames_.size() >= limits_.max_depth) {
      throw Stop{mark_of(mark),
                 "lists and mappings nest deeper than " + std::to_string(limits_.max_depth) +
                     " levels (limit max_yaml_depth = " + std::to_string(limits_.max_depth) + ")"};
    }
    name_anchor(anchor);
    Frame frame;
    frame.node = make_node(kind, mark);
    if (tag != "?" && tag != "!") frame.node.tag_ = tag;
    frame.anchor = anchor;
    frames_.push_back(std::move(frame));
  }

  void close() {
    Frame frame = std::move(frames_.back());
    frames_.pop_back();
    Node node = std::move(frame.node);
    if (node.kind_ == NodeKind::sequence) {
      node.items_ = std::make_shared<const std::vector<Node>>(std::move(frame.items));
    } else {
      if (frame.key) throw Stop{frame.key->mark_, "a key without a value"};  // cannot happen
      if (frame.has_merge) frame.entries = merged(std::move(frame.entries), frame.first_marks);
      node.entries_ = std::make_shared<const std::vector<Node::Entry>>(std::move(frame.entries));
    }
    add(std::move(node), frame.count, frame.anchor, /*named=*/true);
  }

  void name_anchor(YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor && !pending_anchor_name_.empty()) {
      anchor_names_[anchor] = std::move(pending_anchor_name_);
      pending_anchor_name_.clear();
    }
  }

  // Places a finished node (of `count` nodes) in its parent, or makes it the root.
  void add(Node node, std::size_t count, YAML::anchor_t anchor, bool named = false) {
    if (anchor != YAML::NullAnchor) {
      if (!named) name_anchor(anchor);
      anchors_.insert_or_assign(anchor, std::pair<Node, std::size_t>{node, count});
    }
    if (frames_.empty()) {
      root_ = std::move(node);
      return;
    }
    Frame& parent = frames_.back();
    parent.count += count;
    if (parent.node.kind_ == NodeKind::sequence) {
      parent.items.push_back(std::move(node));
    } else if (parent.key) {
      parent.entries.push_back(Node::Entry{std::move(*parent.key), std::move(node)});
      parent.key.reset();
    } else {
      check_key(parent, node);
      parent.key = std::move(node);
    }
  }

  static void check_key(Frame& parent, const Node& key) {
    if (key.kind_ != NodeKind::scalar) {
      const std::string what =
          key.kind_ == NodeKind::null ? "empty or null" : std::string(kind_name(key.kind_));
      throw Stop{key.mark_, "a mapping key must be a plain or quoted text, not " + what +
                                " (quote it if you mean the word, e.g. \"null\")"};
    }
    if (key.style_ == ScalarStyle::plain && key.tag_.empty() && key.text_ == "<<") {
      parent.has_merge = true;
    }
    const auto [it, inserted] = parent.first_marks.try_emplace(key.text_, key.mark_);
    if (!inserted) {
      throw Stop{key.mark_, "duplicate key '" + key.text_ + "' (first defined at line " +
                                std::to_string(it->second.line) + ")"};
    }
  }

  // The entries with each `<<` entry replaced by the entries it merges in.
  static std::vector<Node::Entry> merged(std::vector<Node::Entry> entries,
                                         const std::unordered_map<std::string, Mark>& own) {
    std::unordered_set<std::string> defined;
    for (const auto& [key, mark] : own) defined.insert(key);
    std::vector<Node::Entry> out;
    out.reserve(entries.size());
    for (Node::Entry& entry : entries) {
      const Node& key = entry.key;
      if (!(key.style_ == ScalarStyle::plain && key.tag_.empty() && key.text_ == "<<")) {
        out.push_back(std::move(entry));
        continue;
      }
      const Node& value = entry.value;
      std::vector<const Node*> sources;
      if (value.kind_ == NodeKind::mapping) {
        sources.push_back(&value);
      } else if (value.kind_ == NodeKind::sequence) {
        for (const Node& item : value.items()) sources.push_back(&item);
      }
      for (const Node* source : sources) {
        if (source->kind_ != NodeKind::mapping) sources.clear();
      }
      if (sources.empty()) {
        throw Stop{value.mark_,
                   "a merge key '<<' needs a mapping or a list of mappings "
                   "(usually an alias like *defaults); quote it (\"<<\") for a "
                   "plain key"};
      }
      for (const Node* source : sources) {
        for (const Node::Entry& merged_entry : source->entries()) {
          if (defined.insert(merged_entry.key.text_).second) out.push_back(merged_entry);
        }
      }
    }
    return out;
  }

  std::shared_ptr<const Source> source_;
  Limits limits_;
  Node root_;
  std::vector<Frame> frames_;
  std::unordered_map<YAML::anchor_t, std::pair<Node, std::size_t>> anchors_;
  std::unordered_map<YAML::anchor_t, std::string> anchor_names_;
  std::string pending_anchor_name_;
  std::size_t alias_nodes_ = 0;
  int documents_ = 0;
};

namespace {

// parse(), with every failure also described in `problem`.
Result<Document> parse_reporting(std::string_view text, std::string_view file_name,
                                 const Limits& limits, Diagnostic& problem) {
  const auto stop_at = [&](Mark at, std::string message) {
    problem = make_diagnostic(file_name, at, std::move(message));
    return to_error(problem);
  };
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a UTF-8 byte order mark
  auto source = std::make_shared<const Source>(std::string(file_name), std::string(text));
  if (const std::size_t bad = text::find_invalid_utf8(source->text); bad != text.size()) {
    return stop_at(source->mark(bad), "the file is not valid UTF-8 text (save it as UTF-8)");
  }
  MemoryBuffer buffer(source->text);
  std::istream in(&buffer);
  TreeBuilder builder(source, limits);
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(builder)) {
    }
  } catch (const Stop& stop) {
    return stop_at(stop.mark, stop.message);
  } catch (const YAML::Exception& e) {
    const Mark at = e.mark.pos < 0 ? source->mark(source->text.size())
                                   : source->mark(static_cast<std::size_t>(e.mark.pos));
    const bool too_deep = dynamic_cast<const YAML::DeepRecursion*>(&e) != nullptr;
    return stop_at(at, too_deep ? "lists and mappings nest too deeply" : readable(e.msg));
  } catch (const std::bad_alloc&) {
    problem = make_diagnostic(file_name, Mark{}, "out of memory while reading YAML");
    return unavailable(problem.format());
  } catch (const std::exception& e) {
    problem = make_diagnostic(file_name, Mark{}, std::string("YAML reader failed: ") + e.what());
    return internal_error(problem.format());
  }
  return Document(std::string(file_name), builder.take_root());
}

}  // namespace

Result<Document> parse(std::string_view text, std::string_view file_name, const Limits& limits) {
  Diagnostic problem;
  return parse_reporting(text, file_name, limits, problem);
}

std::optional<Document> parse(std::string_view text, std::string_view file_name,
                              std::vector<Diagnostic>& problems, const Limits& limits) {
  Diagnostic problem;
  Result<Document> document = parse_reporting(text, file_name, limits, problem);
  if (!document) {
    problems.push_back(std::move(problem));
    return std::nullopt;
  }
  return *std::move(document);
}

Result<std::string> read_text_file(const std::filesystem::path& path, std::size_t max_bytes) {
  // A directory opens as a stream on Linux and reads as nothing: say what it is instead.
  std::error_code error;
  if (std::filesystem::is_directory(path, error))
    return invalid_input("cannot read: is a directory");
  std::ifstream file(path, std::ios::binary);
  if (!file) return not_found("cannot open the file: check the path and its permissions");
  // In pieces, never more than one byte past the bound: the size a device or a pipe reports
  // (none) says nothing about how much it will give.
  constexpr std::size_t kPiece = std::size_t{64} * 1024;
  std::string text;
  while (file && text.size() <= max_bytes) {
    const std::size_t room = max_bytes - text.size();
    const std::size_t want = room >= kPiece ? kPiece : room + 1;
    const std::size_t had = text.size();
    text.resize(had + want);
    file.read(text.data() + had, static_cast<std::streamsize>(want));
    text.resize(had + static_cast<std::size_t>(file.gcount()));
  }
  if (file.bad()) return unavailable("cannot read the file");
  if (text.size() > max_bytes) {
    return invalid_input("the file holds more than " + std::to_string(max_bytes) +
                         " bytes, more than any file crmflow reads should: check the path");
  }
  return text;
}

Result<Document> parse_file(const std::filesystem::path& path, const Limits& limits) {
  Result<std::string> text = read_text_file(path, limits.max_file_bytes);
  if (!text) {
    Error error = std::move(text).error();
    error.message = path.string() + ": " + error.message;
    return error;
  }
  return parse(*text, path.string(), limits);
}

}  // namespace crmflow::yaml
