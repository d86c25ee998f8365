// Enrolment look-ups the kiosk needs (which session a scanned badge belongs to).
#include "store.h"

namespace mk::store {

Result<bool> Store::IsEnrolled(const std::string& session_id, const std::string& person_id) {
  MK_ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT 1 FROM enrolments WHERE session_id = ?1 AND person_id = ?2"));
  st.Bind(1, session_id).Bind(2, person_id);
  return st.Step();
}

}  // namespace mk::store
