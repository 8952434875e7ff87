// crmflow::expr internal: the compiled form of an expression, a flat program for a stack machine.
//
// Operands are pushed in evaluation order and operators pop them, so evaluation is one loop over
// `code` with no recursion (a 30,000-term sum cannot overflow the stack). Short-circuit `and`/`or`
// and `if` use forward jumps; nothing jumps backwards, so a program runs at most code.size() steps
// plus the work its built-ins do.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "crmflow/value.hpp"
#include "expr/expression.hpp"

namespace crmflow::expr {

enum class Op : std::uint8_t {
  push_const,   // push constants[a]
  load_root,    // push the variable names[a] (missing → null, marked missing)
  get_field,    // pop v; push v.names[a]
  get_index,    // pop index, v; push v[index] (list: integer, negative from the end; object: text)
  negate,       // pop v; push -v
  logical_not,  // pop v; push not v
  add,
  subtract,
  multiply,
  divide,
  modulo,
  equal,
  not_equal,
  less,
  less_equal,
  greater,
  greater_equal,
  in,
  and_jump,     // top false: jump to a, keeping it; otherwise go on (the right side follows)
  and_combine,  // pop b, a; push a and b (three-valued)
  or_jump,      // top true: jump to a, keeping it
  or_combine,   // pop b, a; push a or b
  jump_unless,  // pop c; true: go on; false or null: jump to a; anything else: type error
  jump,         // jump to a
  make_list,    // pop a values; push them as a list
  make_object,  // pop a values; push an object with keys key_lists[b]
  call,         // pop b arguments; push builtin a applied to them
  is_defined,   // pop v; push whether it was found (not missing)
};

struct Instruction {
  Op op = Op::push_const;
  std::uint32_t a = 0;
  std::uint32_t b = 0;
  std::uint32_t column = 1;  // of the operator or value in the text, for messages
};

struct Program {
  std::string text;
  std::vector<Instruction> code;
  std::vector<Value> constants;
  std::vector<std::string> names;
  std::vector<std::vector<std::string>> key_lists;
  std::vector<ReadPath> reads;
  std::size_t max_stack = 0;  // the deepest the value stack gets
};

// The symbol of a binary or unary operator as written ("+", "<=", "in", "not"), for messages.
const char* op_symbol(Op op);

}  // namespace crmflow::expr
