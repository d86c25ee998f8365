// Centres, partners and collaborations: the organisation side of the domain.
#include <cctype>
#include <cmath>

#include "store.h"
#include "sync/common/utf8.h"

namespace mk::store {
namespace {

constexpr const char* kCentreColumns =
    "id, name, region, country, time_zone, organisation_model, funding, dependence, contact_email, "
    "contact_phone, address, min_attendance_share, late_after_minutes";

Centre CentreFromRow(const Statement& st) {
  Centre c;
  c.id = st.ColumnText(0);
  c.name = st.ColumnText(1);
  c.region = st.ColumnText(2);
  c.country = st.ColumnText(3);
  c.time_zone = st.ColumnText(4);
  c.organisation_model = ParseOrganisationModel(st.ColumnText(5)).value_or(OrganisationModel::kIndependentNgo);
  c.funding = st.ColumnText(6);
  c.dependence = st.ColumnText(7);
  c.contact_email = st.ColumnText(8);
  c.contact_phone = st.ColumnText(9);
  c.address = st.ColumnText(10);
  c.min_attendance_share = st.ColumnDouble(11);
  c.late_after_minutes = static_cast<int>(st.ColumnInt(12));
  return c;
}

Status CheckText(std::string_view field, std::string_view value, size_t max, bool required) {
  if (required && utf8::NormalizeSpaces(value).empty()) return InvalidArgument(std::string(field) + " is empty");
  std::string problem = utf8::ProblemWithText(value, max);
  if (!problem.empty()) return InvalidArgument(std::string(field) + " " + problem);
  return Status::Ok();
}

}  // namespace

Result<std::string> InsertCentre(WriteContext& ctx, const Centre& c) {
  MK_RETURN_IF_ERROR(CheckText("centre name", c.name, 200, true));
  MK_RETURN_IF_ERROR(CheckText("region", c.region, 200, false));
  if (!c.country.empty() && (c.country.size() != 2 || !std::isupper(static_cast<unsigned char>(c.country[0])) ||
                             !std::isupper(static_cast<unsigned char>(c.country[1])))) {
    return InvalidArgument("country '" + c.country + "' is not a two-letter ISO 3166 code such as DE, AT or DK");
  }
  if (!(c.min_attendance_share >= 0 && c.min_attendance_share <= 1)) {
    return InvalidArgument("the minimum attendance share must be between 0 and 1");
  }
  const std::string id = c.id.empty() ? ctx.NewId() : c.id;
  MK_ASSIGN_OR_RETURN(Statement st, ctx.db.Prepare(
      "INSERT INTO centres(id, name, region, country, time_zone, organisation_model, funding, dependence, "
      "contact_email, contact_phone, address, min_attendance_share, late_after_minutes, created_at, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)"));
  st.Bind(1, id).Bind(2, utf8::NormalizeSpaces(c.name)).Bind(3, c.region).Bind(4, c.country).Bind(5, c.time_zone)
      .Bind(6, ToCode(c.organisation_model)).Bind(7, c.funding).Bind(8, c.dependence).Bind(9, c.contact_email)
      .Bind(10, c.contact_phone).Bind(11, c.address).Bind(12, c.min_attendance_share).Bind(13, c.late_after_minutes)
      .Bind(14, ctx.now_ms);
  MK_RETURN_IF_ERROR(st.Run().WithContext("adding centre '" + c.name + "'"));
  return id;
}

Result<std::string> InsertPartner(WriteContext& ctx, const Partner& p) {
  MK_RETURN_IF_ERROR(CheckText("partner name", p.name, 200, true));
  const std::string id = p.id.empty() ? ctx.NewId() : p.id;
  MK_ASSIGN_OR_RETURN(Statement st, ctx.db.Prepare(
      "INSERT INTO partners(id, centre_id, name, kind, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)"));
  st.Bind(1, id).Bind(2, p.centre_id).Bind(3, p.name).Bind(4, ToCode(p.kind)).Bind(5, ctx.now_ms);
  MK_RETURN_IF_ERROR(st.Run().WithContext("adding partner '" + p.name + "'"));
  return id;
}

Result<std::string> InsertCollaboration(WriteContext& ctx, const Collaboration& c) {
  const std::string id = c.id.empty() ? ctx.NewId() : c.id;
  MK_ASSIGN_OR_RETURN(Statement st, ctx.db.Prepare(
      "INSERT INTO collaborations(id, centre_id, partner_id, kind, description, created_at, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)"));
  st.Bind(1, id).Bind(2, c.centre_id).Bind(3, c.partner_id).Bind(4, c.kind).Bind(5, c.description).Bind(6, ctx.now_ms);
  MK_RETURN_IF_ERROR(st.Run().WithContext("adding a collaboration"));
  return id;
}

Result<Centre> ReadCentre(Database& db, const std::string& id) {
  MK_ASSIGN_OR_RETURN(Statement st, db.Prepare(std::string("SELECT ") + kCentreColumns + " FROM centres WHERE id = ?1"));
  st.Bind(1, id);
  MK_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("no centre with id " + id);
  return CentreFromRow(st);
}

Result<std::string> Store::AddCentre(const Centre& centre) {
  std::string id;
  MK_RETURN_IF_ERROR(Write([&](WriteContext& ctx) -> Status {
    MK_ASSIGN_OR_RETURN(id, InsertCentre(ctx, centre));
    return Status::Ok();
  }));
  return id;
}

Result<std::vector<Centre>> Store::ListCentres() {
  MK_ASSIGN_OR_RETURN(Statement st, db_.Prepare(std::string("SELECT ") + kCentreColumns + " FROM centres ORDER BY name, id"));
  std::vector<Centre> out;
  for (;;) {
    MK_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(CentreFromRow(st));
  }
  return out;
}

Result<Centre> Store::GetCentre(const std::string& id) { return ReadCentre(db_, id); }

Result<Centre> Store::HomeCentre() {
  MK_ASSIGN_OR_RETURN(Statement meta, db_.Prepare("SELECT value FROM meta WHERE key = 'home_centre_id'"));
  MK_ASSIGN_OR_RETURN(bool has_home, meta.Step());
  if (has_home) return ReadCentre(db_, meta.ColumnText(0));
  MK_ASSIGN_OR_RETURN(std::vector<Centre> all, ListCentres());
  if (all.size() == 1) return all.front();
  if (all.empty()) {
    return FailedPrecondition(
        "this device has no centre yet: seed the demo with 'mintkiosk demo', or enrol the device with its centre's "
        "server");
  }
  return FailedPrecondition("this store holds " + std::to_string(all.size()) +
                            " centres and none is set as this device's centre");
}

Status Store::SetHomeCentre(const std::string& id) {
  return Write([&](WriteContext& ctx) -> Status {
    MK_RETURN_IF_ERROR(ReadCentre(ctx.db, id).status());
    MK_ASSIGN_OR_RETURN(Statement st, ctx.db.Prepare(
        "INSERT INTO meta(key, value) VALUES ('home_centre_id', ?1) ON CONFLICT(key) DO UPDATE SET value = ?1"));
    st.Bind(1, id);
    MK_RETURN_IF_ERROR(st.Run());
    MK_ASSIGN_OR_RETURN(Statement dev, ctx.db.Prepare("UPDATE devices SET centre_id = ?1 WHERE id = ?2"));
    dev.Bind(1, id).Bind(2, ctx.device_id);
    return dev.Run();
  });
}

}  // namespace mk::store
