// Trainers and their sign-in PIN hashes.
#include "trainer_pins.h"

namespace mk::store {

Result<std::vector<TrainerInfo>> ListTrainers(Store& store, const std::string& centre_id) {
  MK_ASSIGN_OR_RETURN(Statement st, store.db().Prepare(
      "SELECT p.id, p.first_name, p.last_name, t.person_id IS NOT NULL FROM people p "
      "LEFT JOIN trainer_pins t ON t.person_id = p.id "
      "WHERE p.centre_id = ?1 AND p.kind = 'trainer' AND p.erased_at IS NULL "
      "ORDER BY p.last_name COLLATE NOCASE, p.first_name COLLATE NOCASE, p.id"));
  st.Bind(1, centre_id);
  std::vector<TrainerInfo> out;
  for (;;) {
    MK_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back({st.ColumnText(0), st.ColumnText(1), st.ColumnText(2), st.ColumnInt(3) != 0});
  }
  return out;
}

Status SetTrainerPinHash(Store& store, const std::string& person_id, const std::string& pin_hash) {
  if (pin_hash.empty() || pin_hash.size() > 200) return InvalidArgument("the PIN hash has an impossible length");
  return store.Write([&](WriteContext& ctx) -> Status {
    MK_ASSIGN_OR_RETURN(Person person, ReadPerson(ctx.db, person_id));
    if (person.erased_at) return FailedPrecondition("this person has been erased");
    if (person.kind != PersonKind::kTrainer) {
      return FailedPrecondition(person.first_name + " " + person.last_name +
                                " is a teacher, not a trainer; only trainers sign in with a PIN");
    }
    MK_ASSIGN_OR_RETURN(Statement* st, ctx.db.Cached(
        "INSERT INTO trainer_pins(person_id, pin_hash, updated_at) VALUES (?1, ?2, ?3) "
        "ON CONFLICT(person_id) DO UPDATE SET pin_hash = excluded.pin_hash, updated_at = excluded.updated_at"));
    st->Bind(1, person_id).Bind(2, pin_hash).Bind(3, ctx.now_ms);
    return st->Run().WithContext("storing the trainer's PIN");
  });
}

Result<std::optional<std::string>> TrainerPinHash(Store& store, const std::string& person_id) {
  MK_ASSIGN_OR_RETURN(Statement st, store.db().Prepare("SELECT pin_hash FROM trainer_pins WHERE person_id = ?1"));
  st.Bind(1, person_id);
  MK_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(st.ColumnText(0));
}

}  // namespace mk::store
