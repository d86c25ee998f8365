// Walk-in registration: a teacher who is not registered becomes person, enrolment and attendance at once.
#include "store.h"
#include "sync/common/utf8.h"

namespace mk::store {

Result<WalkInResult> Store::RegisterWalkIn(const WalkInRequest& request) {
  if (!request.consent) {
    return InvalidArgument("consent is missing: nothing is stored without the person's consent");
  }
  WalkInResult result;
  Status s = Write([&](WriteContext& ctx) -> Status {
    MK_ASSIGN_OR_RETURN(SessionView session, ReadSession(ctx.db, request.session_id));
    MK_ASSIGN_OR_RETURN(Statement centre_of, ctx.db.Prepare("SELECT centre_id FROM courses WHERE id = ?1"));
    centre_of.Bind(1, session.session.course_id);
    MK_ASSIGN_OR_RETURN(bool has_course, centre_of.Step());
    if (!has_course) return NotFound("the course of session " + request.session_id + " is missing");

    Person person = request.person;
    person.id.clear();
    person.centre_id = centre_of.ColumnText(0);
    person.kind = PersonKind::kTeacher;
    person.participant_code.clear();
    person.erased_at.reset();
    if (person.email && utf8::NormalizeSpaces(*person.email).empty()) person.email.reset();
    person.consent_data = true;
    person.consent_at = ctx.now_ms;
    MK_RETURN_IF_ERROR(ValidatePerson(person));

    MK_ASSIGN_OR_RETURN(std::optional<std::string> existing,
                        FindPersonId(ctx.db, person.centre_id, person.email, person.first_name, person.last_name,
                                     person.school));
    if (existing) {
      result.person_id = *existing;
      result.person_existed = true;
    } else {
      MK_ASSIGN_OR_RETURN(result.person_id, InsertPerson(ctx, person));
    }
    // Enrol as a walk-in before checking in, so an existing enrolment from the import keeps its source.
    MK_ASSIGN_OR_RETURN(bool enrolled_now,
                        InsertEnrolment(ctx, request.session_id, result.person_id, EnrolmentSource::kWalkIn));
    CheckInRequest check_in;
    check_in.session_id = request.session_id;
    check_in.person_id = result.person_id;
    check_in.method = CheckInMethod::kWalkIn;
    MK_ASSIGN_OR_RETURN(result.check_in, CheckInWithin(ctx, check_in));
    result.check_in.enrolled_now = enrolled_now;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return result;
}

}  // namespace mk::store
