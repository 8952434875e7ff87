// crmflow::yaml: the text of one file and its name, shared by every Node read from it so that
// marks inside scalars can be worked out when asked for (Node::mark_at).
#pragma once

#include <string>
#include <utility>

#include "value/utf8.hpp"
#include "yaml/diagnostic.hpp"

namespace crmflow::yaml {

struct Source {
  Source(std::string file_name, std::string content)
      : file(std::move(file_name)), text(std::move(content)), lines(text) {}
  Source(const Source&) = delete;  // `lines` points into `text`
  Source& operator=(const Source&) = delete;

  Mark mark(std::size_t byte_offset) const noexcept {
    const text::TextPosition at = lines.position(byte_offset);
    return Mark{at.line, at.column};
  }

  std::string file;
  std::string text;
  text::LineIndex lines;
};

}  // namespace crmflow::yaml
