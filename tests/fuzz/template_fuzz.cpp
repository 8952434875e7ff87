// Fuzz target: text templates with `{{ EXPR }}` parts, compiled and rendered.
//
// The input is a template text. One that compiles is rendered against fuzz_values.hpp's
// variables; the result is text within EvalLimits or an error, never a crash, a hang or a leak.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "expr/template.hpp"
#include "fuzz_values.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace crmflow;
  const std::string_view text{reinterpret_cast<const char*>(data), size};
  static const expr::Context ctx = fuzz::context();
  static const expr::ValueScope scope{fuzz::variables()};

  expr::ParseResult<expr::Template> compiled = expr::Template::compile(text);
  if (!compiled) {
    if (compiled.error().column == 0 || compiled.error().column > size + 1) __builtin_trap();
    return 0;
  }
  (void)compiled->reads();
  Result<expr::Rendered> rendered = compiled->render(scope, ctx);
  if (rendered && rendered->text.size() > ctx.limits.max_output_bytes) __builtin_trap();
  if (compiled->is_literal() && (!rendered || rendered->text != text)) __builtin_trap();
  return 0;
}
