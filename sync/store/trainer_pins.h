// Trainers of a centre and their personal sign-in PINs (stored only as crypto_pwhash strings,
// replicated with the centre so a trainer signs in at any of its devices).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sync/store/store.h"

namespace mk::store {

struct TrainerInfo {
  std::string person_id;
  std::string first_name;
  std::string last_name;
  bool has_pin = false;
};

// The centre's trainers (people.kind = 'trainer', not erased), by last name, first name.
// Never lists teachers.
Result<std::vector<TrainerInfo>> ListTrainers(Store& store, const std::string& centre_id);

// Stores `pin_hash` (a crypto_pwhash_str string; the PIN itself never reaches the store) for
// the trainer, replacing an earlier one, in one transaction through the store's write path.
// NotFound for an unknown person; FailedPrecondition for a teacher or an erased person.
Status SetTrainerPinHash(Store& store, const std::string& person_id, const std::string& pin_hash);

// The trainer's stored hash; nullopt when they have no PIN yet.
Result<std::optional<std::string>> TrainerPinHash(Store& store, const std::string& person_id);

}  // namespace mk::store
