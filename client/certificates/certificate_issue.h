// Who gets a certificate of attendance for a session, for how many hours, and its verification code.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "client/certificates/certificate_template.h"
#include "sync/store/store.h"

namespace mk::certificates {

// The hours rule. A person is counted from the later of the session's start and their check-in
// (checked_in_at after the start is a late arrival) to the earlier of the session's end and
// their early leave (left_at before the end). A record without a check-in time (a trainer
// marked the person present) counts from the start.
struct AttendedTime {
  int64_t session_ms = 0;
  int64_t attended_ms = 0;
  std::optional<store::UtcMs> late_arrival;  // the check-in, when after the start
  std::optional<store::UtcMs> early_leave;   // the leave, when before the end
};
AttendedTime ComputeAttendedTime(const store::Session& session, const store::Attendance& attendance);

// Hours as printed: clock hours rounded down to the quarter hour (4.75, never 4.8).
double CertifiedHours(int64_t attended_ms);
// "4,75" / "4.75", "6" without decimals.
std::string FormatHours(double hours, std::string_view decimal_separator);

// Everything one certificate shows.
struct CertificateData {
  std::string person_id;
  std::string first_name;
  std::string last_name;
  std::string school;
  std::string session_id;
  std::string course_title;
  std::string accreditation;
  store::UtcMs starts_at = 0;
  store::UtcMs ends_at = 0;
  std::string centre_name;
  std::string place;         // the town of the centre's address ("Witzenhausen"), may be empty
  std::string time_zone;     // the centre's IANA zone: dates and times are printed in it
  std::string trainer_name;  // may be empty
  double hours = 0;          // certified
  double full_hours = 0;     // the session's length
  std::optional<store::UtcMs> late_arrival;
  std::optional<store::UtcMs> early_leave;
  std::string note;          // late arrival / early leave, in the certificate's language
  std::string verification_code;
  store::UtcMs issued_at = 0;
  bool reissued = false;     // the code was issued before and is used again
};

enum class RefusalKind { kErased, kNoAttendance, kAbsent, kExcused, kBelowMinimum };

// Someone enrolled who gets no certificate, and why: `reason` in English for the command line
// and logs; the kind and numbers for screens, which word it in their language.
struct Refusal {
  std::string person_id;
  std::string name;  // "Łukasz Ørsted-Müller"; empty for an erased person
  std::string reason;
  RefusalKind kind = RefusalKind::kNoAttendance;
  double attended_hours = 0;  // kBelowMinimum: certified hours attended, of session_hours
  double session_hours = 0;
  int share_percent = 0;      // attended share, rounded down
  int minimum_percent = 0;    // the centre's minimum
};

struct IssueRequest {
  std::string session_id;
  std::optional<std::string> person_id;  // nullopt: everyone enrolled in the session
};

struct IssueOutcome {
  std::vector<CertificateData> issued;
  std::vector<Refusal> refused;
};

// Decides for every enrolled person (or the one asked for) and records a certificates row for
// each new certificate in one write transaction through the store (so it syncs): a fresh
// verification code ("K7QX2-MHT9C", letters without look-alikes), or the code of the earlier
// certificate of the same person and session, which is used again. Refused: no attendance
// record or no check-in, marked absent or excused, attended less than the centre's
// min_attendance_share of the session, erased. `tmpl` gives the note's language.
Result<IssueOutcome> IssueCertificates(store::Store& store, const IssueRequest& request, const CertificateTemplate& tmpl);

// The town of an address such as "Am Kirchberg 7, 37213 Witzenhausen": the last part after a
// comma, without its postcode; empty when there is no address.
std::string PlaceFromAddress(std::string_view address);

}  // namespace mk::certificates
