// crmflow::notify internal: what a runner-side service handler's answer means, the same for the
// `http` form (the body of a 2xx answer) and the `command` form (stdout of an exit 0).
#pragma once

#include <string_view>

#include "crmflow/handler.hpp"

namespace crmflow::notify {

// Nothing (blank text): success without fields. A JSON object: success with it as the result,
// unless it has "error": a non-empty string is a business error with that code (and "message" if
// a string), null is no error, anything else a failure. Anything that is not a JSON object is a
// technical failure. `who` opens every failure's message ("handler 'quote': POST https://...").
HandlerResult handler_answer(std::string_view text, std::string_view who);

}  // namespace crmflow::notify
