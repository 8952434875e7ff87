// How SqliteStore turns what SQLite throws into crmflow errors: nothing escapes a store method as
// an exception, and no caller sees a raw "database is locked".
#pragma once

#include <chrono>
#include <exception>
#include <string>
#include <string_view>

#include "crmflow/error.hpp"

namespace SQLite {
class Exception;
}

namespace crmflow::sqlite {

// Whether SQLite said the file is held by another connection (SQLITE_BUSY or SQLITE_LOCKED).
bool is_busy(const SQLite::Exception& e) noexcept;

// Where an error happened: the file and how long writers wait for each other.
struct ErrorContext {
  const std::string& path;
  std::chrono::milliseconds busy_timeout;
};

// The error for the exception in flight while `doing` (e.g. "committing case 7") on the database:
//   busy or locked past the timeout -> unavailable "database '<path>' is busy: another process
//     held it for more than Ns ...";
//   I/O errors, a full disk, a read-only or missing file, a file that is not a database
//     -> unavailable naming the path;
//   corruption -> internal naming the path (restore from a backup);
//   anything else (a bug: a constraint, a misuse, bad_alloc) -> internal naming the path.
// REQUIRES: called inside a catch block.
Error current_error(const ErrorContext& context, std::string_view doing) noexcept;

// "10s", "1.5s", "250ms": a timeout as people write it.
std::string describe_timeout(std::chrono::milliseconds timeout);

}  // namespace crmflow::sqlite
