// crmflow::expr internal: text to Program (parsing, checking, constant folding, code emission).
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "expr/expression.hpp"
#include "expr/program.hpp"

namespace crmflow::expr {

// Compiles `text`. Columns in the ParseError and in the program's reads and instructions are
// counted from the start of `text` plus `column_offset` (0 for a stand-alone expression; a
// template passes the column of the expression within the template, minus one).
ParseResult<std::shared_ptr<const Program>> compile_program(std::string_view text,
                                                            const ParseLimits& limits,
                                                            std::size_t column_offset = 0);

}  // namespace crmflow::expr
