// crmflow: identifiers of the things the engine keeps.
//
// Cases, tasks and jobs are numbered by the store (64-bit, never reused, 0 never assigned), so
// an id read from one store means nothing to another. They are plain integers so that hosts can
// keep them in their own tables; the function names (`complete(TaskId)`, `cancel(CaseId)`) say
// which is which.
#pragma once

#include <cstdint>

namespace crmflow {

using CaseId = std::uint64_t;
using TaskId = std::uint64_t;
using JobId = std::uint64_t;

// "No such thing": never assigned by a store.
inline constexpr std::uint64_t kNoId = 0;

}  // namespace crmflow
