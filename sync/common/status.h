// Status and Result<T>: how every library edge in mintkiosk reports success or a person-readable error.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace mk {

// Stable error categories. Adapters (SQLite, errno, curl, HTTP) map their codes onto these in
// one place each; the message says what went wrong and where, in words a person can act on.
enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,   // the caller's input is wrong (bad CSV line, unknown id format, ...)
  kNotFound,          // a referenced record or file does not exist
  kAlreadyExists,     // a unique thing exists already
  kFailedPrecondition,// the operation is not allowed in the current state (session ended, ...)
  kIo,                // the operating system refused a read or write (disk full, permissions)
  kCorrupt,           // stored data is damaged or of an unknown newer format
  kBusy,              // another process holds a lock longer than we wait
  kUnavailable,       // a network peer cannot be reached
  kPermissionDenied,  // authentication or authorisation failed
  kInternal,          // a bug: an invariant did not hold
};

const char* ErrorCodeName(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {
    assert(code != ErrorCode::kOk && "an error Status needs an error code");
  }

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Prefixes the message with context ("import people.csv: " + message), keeping the code.
  Status WithContext(const std::string& context) const {
    if (ok()) return *this;
    return Status(code_, context + ": " + message_);
  }

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) { return Status(ErrorCode::kInvalidArgument, std::move(m)); }
inline Status NotFound(std::string m) { return Status(ErrorCode::kNotFound, std::move(m)); }
inline Status FailedPrecondition(std::string m) { return Status(ErrorCode::kFailedPrecondition, std::move(m)); }
inline Status IoError(std::string m) { return Status(ErrorCode::kIo, std::move(m)); }
inline Status Corrupt(std::string m) { return Status(ErrorCode::kCorrupt, std::move(m)); }
inline Status PermissionDenied(std::string m) { return Status(ErrorCode::kPermissionDenied, std::move(m)); }
inline Status Internal(std::string m) { return Status(ErrorCode::kInternal, std::move(m)); }

// Either a value or an error Status. Accessing value() of an error is a programmer error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(data_).ok() && "a Result built from a Status needs an error");
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  explicit operator bool() const { return ok(); }

  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(data_);
  }
  T& value() & {
    assert(ok() && "value() called on an error Result");
    return std::get<T>(data_);
  }
  const T& value() const& {
    assert(ok() && "value() called on an error Result");
    return std::get<T>(data_);
  }
  T&& value() && {
    assert(ok() && "value() called on an error Result");
    return std::get<T>(std::move(data_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace mk

// Early return of an error Status from a function returning Status or Result<T>.
#define MK_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::mk::Status mk_status_ = (expr);        \
    if (!mk_status_.ok()) return mk_status_; \
  } while (0)

#define MK_CONCAT_INNER(a, b) a##b
#define MK_CONCAT(a, b) MK_CONCAT_INNER(a, b)
// Declares `lhs` from a Result expression, or returns its error.
#define MK_ASSIGN_OR_RETURN(lhs, expr) MK_ASSIGN_OR_RETURN_IMPL(MK_CONCAT(mk_result_, __LINE__), lhs, expr)
#define MK_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()
