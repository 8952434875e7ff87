#include "sqlite/sqlite_errors.hpp"

#include <SQLiteCpp/Exception.h>
#include <sqlite3.h>

#include <new>

namespace crmflow::sqlite {
namespace {

Error from_sqlite(const SQLite::Exception& e, const ErrorContext& context, std::string_view doing) {
  const std::string where = "database '" + context.path + "'";
  const std::string what = std::string{doing} + ": " + e.what();
  switch (e.getErrorCode() & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return unavailable(where + " is busy: another process held it for more than " +
                         describe_timeout(context.busy_timeout) + " (" + std::string{doing} +
                         "); retry later, or raise SqliteOptions::busy_timeout");
    case SQLITE_NOTADB:
      return unavailable("'" + context.path + "' is not a SQLite database (" + what +
                         "); give the path of a crmflow store or of a new file");
    case SQLITE_CORRUPT:
      return internal_error(where + " is corrupt (" + what + "); restore it from a backup");
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_NOLFS:
    case SQLITE_PROTOCOL:
      return unavailable(where + " cannot be used (" + what +
                         "); check the disk, the file's permissions and free space");
    default:
      return internal_error(where + ": " + what);
  }
}

}  // namespace

bool is_busy(const SQLite::Exception& e) noexcept {
  const int code = e.getErrorCode() & 0xFF;
  return code == SQLITE_BUSY || code == SQLITE_LOCKED;
}

Error current_error(const ErrorContext& context, std::string_view doing) noexcept {
  try {
    try {
      throw;
    } catch (const SQLite::Exception& e) {
      return from_sqlite(e, context, doing);
    } catch (const std::bad_alloc&) {
      return internal_error("database '" + context.path + "': out of memory while " +
                            std::string{doing});
    } catch (const std::exception& e) {
      return internal_error("database '" + context.path + "': " + std::string{doing} + ": " +
                            e.what());
    } catch (...) {
      return internal_error("database '" + context.path + "': unknown exception while " +
                            std::string{doing});
    }
  } catch (...) {
    // Building the message itself failed (out of memory): say so without allocating much.
    return Error{ErrorCode::internal, {}};
  }
}

std::string describe_timeout(std::chrono::milliseconds timeout) {
  const auto ms = timeout.count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  if (ms > 1000 && ms % 100 == 0) {
    return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + "s";
  }
  return std::to_string(ms) + "ms";
}

}  // namespace crmflow::sqlite
