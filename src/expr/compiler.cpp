#include "expr/compiler.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "expr/parser.hpp"

namespace crmflow::expr {
namespace {

// An upper bound of the value stack's depth: the code run straight through, jumps ignored (a
// jump only ever skips code, so the real depth is never larger).
std::size_t stack_bound(const Program& program) {
  std::size_t depth = 0;
  std::size_t most = 0;
  for (const Instruction& in : program.code) {
    switch (in.op) {
      case Op::push_const:
      case Op::load_root:
        ++depth;
        break;
      case Op::get_index:
      case Op::add:
      case Op::subtract:
      case Op::multiply:
      case Op::divide:
      case Op::modulo:
      case Op::equal:
      case Op::not_equal:
      case Op::less:
      case Op::less_equal:
      case Op::greater:
      case Op::greater_equal:
      case Op::in:
      case Op::and_combine:
      case Op::or_combine:
      case Op::jump_unless:
        --depth;
        break;
      case Op::make_list:
      case Op::make_object:
        depth = depth - in.a + 1;
        break;
      case Op::call:
        depth = depth - in.b + 1;
        break;
      default:
        break;
    }
    most = std::max(most, depth);
  }
  return most;
}

void drop_duplicate_reads(std::vector<ReadPath>& reads) {
  std::vector<ReadPath> unique;
  for (auto& read : reads) {
    bool seen = std::any_of(unique.begin(), unique.end(),
                            [&](const ReadPath& r) { return r.path == read.path; });
    if (!seen) unique.push_back(std::move(read));
  }
  reads = std::move(unique);
}

}  // namespace

ParseResult<std::shared_ptr<const Program>> compile_program(std::string_view text,
                                                            const ParseLimits& limits,
                                                            std::size_t column_offset) {
  auto program = std::make_shared<Program>();
  program->text = std::string{text};
  Parser parser{text, limits, column_offset, *program};
  if (auto error = parser.run()) return std::move(*error);
  drop_duplicate_reads(program->reads);
  program->max_stack = stack_bound(*program);
  return std::shared_ptr<const Program>{std::move(program)};
}

}  // namespace crmflow::expr
