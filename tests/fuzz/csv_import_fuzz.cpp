// Fuzz target: a registration spreadsheet (CSV) as `mintkiosk import registrations` reads it:
// encoding, separators, quoting, headers in two languages, dates, then the rows, all or nothing.
#include "fuzz_target.h"
#include "fuzz_world.h"
#include "sync/store/registration_import.h"

using namespace mk;

namespace {

int64_t CountRows(store::Database& db, const char* table) {
  auto st = db.Prepare(std::string("SELECT count(*) FROM ") + table);
  MK_FUZZ_CHECK(st.ok());
  auto row = st->Step();
  MK_FUZZ_CHECK(row.ok() && *row);
  return st->ColumnInt(0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::DeviceWorld& w = fuzz::TheDevice();
  store::Database& db = w.store->db();
  const int64_t people = CountRows(db, "people");
  const int64_t enrolments = CountRows(db, "enrolments");
  static const std::string centre_id = [&] {
    auto centre = w.store->HomeCentre();
    MK_FUZZ_CHECK(centre.ok());
    return centre->id;
  }();
  store::ImportOptions options;
  options.centre_id = centre_id;
  options.file_label = "fuzz.csv";
  auto summary = store::ImportRegistrations(*w.store, fuzz::AsText(data, size), options);
  fuzz::Note(summary.ok() ? "imported " + std::to_string(summary->rows) + " rows" : "refused: " + summary.status().message());
  if (!summary.ok()) {
    // All or nothing: a refused file leaves no trace, and says what is wrong.
    MK_FUZZ_CHECK(!summary.status().message().empty());
    MK_FUZZ_CHECK(CountRows(db, "people") == people);
    MK_FUZZ_CHECK(CountRows(db, "enrolments") == enrolments);
  }
  return 0;
}
