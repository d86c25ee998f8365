// The in-process sync model (see sim.h).
#include "sim.h"

#include <catch2/catch.hpp>

#include "sync/protocol/canonical_dump.h"
#include "sync/protocol/merge.h"
#include "sync/protocol/outbox.h"

namespace mk::test {

using sync::Change;

int64_t Count(store::Database& db, const std::string& sql) {
  auto st = db.Prepare(sql);
  REQUIRE(st.ok());
  auto row = st->Step();
  REQUIRE(row.ok());
  REQUIRE(*row);
  return st->ColumnInt(0);
}

std::string Hash(store::Store& s, const std::string& centre_id) {
  auto h = sync::CanonicalHash(s.db(), centre_id);
  REQUIRE(h.ok());
  return *h;
}

std::unique_ptr<SimDevice> NewDevice(const std::string& dir, const std::string& name) {
  auto d = std::make_unique<SimDevice>();
  d->name = name;
  auto s = store::Store::Open(dir + "/" + name + ".db", &d->clock);
  REQUIRE(s.ok());
  d->store = std::move(s).value();
  return d;
}

SimServer::SimServer(const std::string& dir) {
  auto s = store::Store::Open(dir + "/server.db", &clock_);
  REQUIRE(s.ok());
  store_ = std::move(s).value();
  store::Centre centre;
  centre.name = "MINT-Zentrum Ærøskøbing";
  auto id = store_->AddCentre(centre);
  REQUIRE(id.ok());
  centre_id_ = *id;
  Status written = store_->Write([&](store::WriteContext& ctx) -> Status {
    store::Course course;
    course.centre_id = centre_id_;
    course.code = "PH-201";
    course.title = "Optik im Schülerlabor";
    course.target_groups.push_back({store::Subject::kPhysics, store::SchoolLevel::kLowerSecondary, store::Role::kTeacher});
    MK_ASSIGN_OR_RETURN(std::string course_id, store::InsertCourse(ctx, course));
    store::Session session;
    session.course_id = course_id;
    session.starts_at = kSimNowMs;
    session.ends_at = kSimNowMs + 3 * 3600 * 1000;
    session.room = "Raum 1.12";
    MK_ASSIGN_OR_RETURN(session_id_, store::InsertSession(ctx, session));
    const char* names[][2] = {{"Jürgen", "Müller"}, {"Łukasz", "Nowak"}, {"Hans Christian", "Ørsted"},
                              {"Anna", "Mueller"},  {"Maja", "Søndergaard"}, {"Zoë", "Brontë"}};
    for (auto& n : names) {
      store::Person p;
      p.centre_id = centre_id_;
      p.first_name = n[0];
      p.last_name = n[1];
      p.school = "Gymnasium Ærøskøbing";
      p.consent_data = true;
      MK_ASSIGN_OR_RETURN(std::string pid, store::InsertPerson(ctx, p));
      people_.push_back(pid);
      MK_RETURN_IF_ERROR(store::InsertEnrolment(ctx, session_id_, pid, store::EnrolmentSource::kImport).status());
    }
    return Status::Ok();
  });
  INFO(written.message());
  REQUIRE(written.ok());
  REQUIRE(Publish().ok());
}

Status SimServer::Publish() {
  MK_ASSIGN_OR_RETURN(std::vector<sync::OutboxEntry> entries,
                      sync::ReadOutbox(store_->db(), 0, 1'000'000, SIZE_MAX));
  MK_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store_->db()));
  for (auto& e : entries) log_.push_back({store_->device_id(), e.change});
  if (!entries.empty()) MK_RETURN_IF_ERROR(sync::AcknowledgeOutbox(store_->db(), entries.back().seq));
  return tx.Commit();
}

Status SimServer::Apply(sync::MergeSession& merge, const std::string& origin, Change change) {
  MK_RETURN_IF_ERROR(sync::ValidateChange(change));
  MK_ASSIGN_OR_RETURN(std::string centre, merge.CentreOf(change));
  if (!centre.empty() && centre != centre_id_) return PermissionDenied("foreign centre");
  MK_ASSIGN_OR_RETURN(sync::ApplyOutcome outcome, merge.Apply(change));
  if (outcome == sync::ApplyOutcome::kNoEffect) return Status::Ok();
  MK_ASSIGN_OR_RETURN(std::optional<Change> scrubbed, merge.Scrubbed(change));
  if (scrubbed) change = std::move(*scrubbed);
  if (change.op == sync::ChangeOp::kErase) {
    // What mintkiosk-server does to its log: no old change keeps the person's name.
    for (LogEntry& e : log_) MK_RETURN_IF_ERROR(sync::ScrubErased(store_->db(), e.change).status());
  }
  log_.push_back({origin, std::move(change)});
  return Status::Ok();
}

Status SimServer::Push(SimDevice& device, size_t batch) {
  store::Database& db = device.store->db();
  while (true) {
    MK_ASSIGN_OR_RETURN(std::vector<sync::OutboxEntry> entries, sync::ReadOutbox(db, 0, batch, SIZE_MAX));
    if (entries.empty()) return Status::Ok();
    int64_t& acked = acked_[device.store->device_id()];
    {
      store::ChangeCapture::Suppress quiet(store_->capture());
      MK_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store_->db()));
      {
        // As mintkiosk-server does: one merge session per batch.
        sync::MergeSession merge(store_->db());
        for (auto& e : entries) {
          if (e.seq <= acked) continue;
          if (e.seq != acked + 1) return FailedPrecondition("sequence gap");
          MK_RETURN_IF_ERROR(Apply(merge, device.store->device_id(), e.change));
          acked = e.seq;
        }
      }
      MK_RETURN_IF_ERROR(tx.Commit());
    }
    MK_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(db));
    MK_RETURN_IF_ERROR(sync::AcknowledgeOutbox(db, acked));
    MK_RETURN_IF_ERROR(tx.Commit());
  }
}

Status SimServer::Pull(SimDevice& device, size_t page) {
  store::Database& db = device.store->db();
  while (device.cursor < static_cast<int64_t>(log_.size())) {
    store::ChangeCapture::Suppress quiet(device.store->capture());
    MK_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(db));
    const int64_t end = std::min<int64_t>(device.cursor + static_cast<int64_t>(page), static_cast<int64_t>(log_.size()));
    {
      // As a device does for a pull page: one merge session per page.
      sync::MergeSession merge(db);
      for (int64_t i = device.cursor; i < end; ++i) {
        const LogEntry& e = log_[static_cast<size_t>(i)];
        if (e.origin == device.store->device_id()) continue;
        MK_RETURN_IF_ERROR(device.store->capture().hlc().Observe(e.change.hlc));
        MK_RETURN_IF_ERROR(sync::ValidateChange(e.change));
        MK_RETURN_IF_ERROR(merge.Apply(e.change).status());
      }
    }
    MK_RETURN_IF_ERROR(tx.Commit());
    device.cursor = end;
  }
  return Status::Ok();
}

Status SimServer::Erase(const std::string& person_id) {
  MK_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store_->db()));
  MK_RETURN_IF_ERROR(sync::RecordErasure(store_->db(), store_->capture(), person_id));
  MK_RETURN_IF_ERROR(tx.Commit());
  MK_ASSIGN_OR_RETURN(std::vector<sync::OutboxEntry> entries, sync::ReadOutbox(store_->db(), 0, 1000, SIZE_MAX));
  for (LogEntry& e : log_) MK_RETURN_IF_ERROR(sync::ScrubErased(store_->db(), e.change).status());
  return Publish();
}

}  // namespace mk::test
