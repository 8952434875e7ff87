#include "notify/handler_answer.hpp"

#include <fmt/format.h>

#include <string>
#include <utility>

#include "crmflow/json.hpp"

namespace crmflow::notify {

HandlerResult handler_answer(std::string_view text, std::string_view who) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return HandlerResult::ok();
  auto parsed = parse_json(text);
  if (!parsed) {
    return HandlerResult::failure(fmt::format(
        "{}: the answer is not JSON ({}); answer a JSON object, or nothing", who,
        parsed.error().message));
  }
  if (!parsed->is_object()) {
    return HandlerResult::failure(
        fmt::format("{}: the answer is a JSON {}, not an object", who, parsed->kind_name()));
  }
  const Value* error = parsed->find("error");
  if (error == nullptr || error->is_null()) return HandlerResult::ok(*std::move(parsed));
  if (!error->is_string() || error->as_string().empty()) {
    return HandlerResult::failure(
        fmt::format("{}: the answer's \"error\" is not a code: give it as "
                    "{{\"error\": \"CODE\", \"message\": \"...\"}}",
                    who));
  }
  const Value* message = parsed->find("message");
  return HandlerResult::error(error->as_string(), message != nullptr && message->is_string()
                                                      ? message->as_string()
                                                      : std::string{});
}

}  // namespace crmflow::notify
