// Cairo drawing of a certificate of attendance: layout, wrapping, fonts through FreeType.
#include "certificate_pdf.h"

#include <cairo-ft.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <ft2build.h>
#include FT_FREETYPE_H

#include <algorithm>
#include <cstdio>
#include <map>
#include <mutex>
#include <vector>

#include "client/i18n/catalogue.h"
#include "client/i18n/date_format.h"
#include "sync/common/time_zone.h"
#include "sync/common/utf8.h"

namespace mk::certificates {
namespace {

constexpr double kPageW = 595.28;  // A4 in points
constexpr double kPageH = 841.89;
constexpr double kMargin = 64;

// FreeType faces live for the whole process: Cairo keeps font faces in caches of its own and may
// use them after the PDF is finished, so they are never freed under it.
struct Faces {
  std::mutex mu;
  FT_Library library = nullptr;
  std::map<std::string, cairo_font_face_t*> by_path;
};

Faces& SharedFaces() {
  static Faces* faces = new Faces();  // never destroyed: see above
  return *faces;
}

Result<cairo_font_face_t*> LoadFace(const std::string& path) {
  Faces& f = SharedFaces();
  std::lock_guard<std::mutex> lock(f.mu);
  if (f.library == nullptr && FT_Init_FreeType(&f.library) != 0) return Internal("FreeType could not start");
  auto it = f.by_path.find(path);
  if (it != f.by_path.end()) return it->second;
  FT_Face face = nullptr;
  if (FT_New_Face(f.library, path.c_str(), 0, &face) != 0) {
    return NotFound("cannot load the font " + path +
                    " (install fonts-dejavu-core, or set MINTKIOSK_FONT_DIR to a directory holding DejaVuSans.ttf "
                    "and DejaVuSans-Bold.ttf)");
  }
  cairo_font_face_t* cf = cairo_ft_font_face_create_for_ft_face(face, 0);
  if (cairo_font_face_status(cf) != CAIRO_STATUS_SUCCESS) return Internal("Cairo refused the font " + path);
  f.by_path[path] = cf;
  return cf;
}

cairo_status_t WriteToString(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

struct Pen {
  cairo_t* cr;
  cairo_font_face_t* regular;
  cairo_font_face_t* bold;

  void Font(bool is_bold, double size) {
    cairo_set_font_face(cr, is_bold ? bold : regular);
    cairo_set_font_size(cr, size);
  }
  void Colour(double r, double g, double b) { cairo_set_source_rgb(cr, r, g, b); }
  double Width(const std::string& text) {
    cairo_text_extents_t e;
    cairo_text_extents(cr, text.c_str(), &e);
    return e.x_advance;
  }
  void At(double x, double y, const std::string& text) {
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, text.c_str());
  }
  void Centred(double y, const std::string& text) { At((kPageW - Width(text)) / 2, y, text); }

  // Splits `text` into lines no wider than `width` (at spaces; a single word longer than the
  // line is left whole).
  std::vector<std::string> Lines(const std::string& text, double width) {
    std::vector<std::string> lines;
    std::string line;
    size_t pos = 0;
    const std::string t = utf8::NormalizeSpaces(text);
    while (pos <= t.size()) {
      size_t space = t.find(' ', pos);
      if (space == std::string::npos) space = t.size();
      const std::string word = t.substr(pos, space - pos);
      const std::string candidate = line.empty() ? word : line + " " + word;
      if (!line.empty() && Width(candidate) > width) {
        lines.push_back(line);
        line = word;
      } else {
        line = candidate;
      }
      pos = space + 1;
    }
    if (!line.empty()) lines.push_back(line);
    return lines;
  }
  // Centred paragraph; returns the baseline after the last line.
  double CentredParagraph(double y, const std::string& text, double width, double leading) {
    for (const std::string& l : Lines(text, width)) {
      Centred(y, l);
      y += leading;
    }
    return y;
  }
};

std::string ShortDate(const CivilTime& t, std::string_view language) {
  char buf[64];
  if (language == "de") {
    std::snprintf(buf, sizeof buf, "%02d.%02d.%04d", t.day, t.month, t.year);
  } else {
    std::snprintf(buf, sizeof buf, "%d %s %04d", t.day, i18n::MonthName(t.month), t.year);
  }
  return buf;
}

}  // namespace

Result<std::string> RenderCertificatePdf(const CertificateData& d, const CertificateTemplate& tmpl,
                                         const std::string& font_dir, const std::string& zoneinfo_dir) {
  auto language = i18n::ParseLanguage(tmpl.language);
  if (!language) return InvalidArgument("the certificate template has no known language");
  MK_ASSIGN_OR_RETURN(i18n::Catalogue catalogue, i18n::Catalogue::Builtin(*language));
  MK_ASSIGN_OR_RETURN(TimeZone zone, TimeZone::Load(d.time_zone, zoneinfo_dir));
  MK_ASSIGN_OR_RETURN(cairo_font_face_t* regular, LoadFace(font_dir + "/DejaVuSans.ttf"));
  MK_ASSIGN_OR_RETURN(cairo_font_face_t* bold, LoadFace(font_dir + "/DejaVuSans-Bold.ttf"));

  std::string pdf;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(WriteToString, &pdf, kPageW, kPageH);
  const std::string name = utf8::NormalizeSpaces(d.first_name + " " + d.last_name);
  const std::string title = tmpl.Fill("title");
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, (title + " – " + name).c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, d.centre_name.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "mintkiosk");
  cairo_t* cr = cairo_create(surface);
  Pen pen{cr, regular, bold};
  const double text_w = kPageW - 2 * kMargin;

  // A calm frame and the centre at the top.
  cairo_set_line_width(cr, 1.2);
  pen.Colour(0.12, 0.43, 0.47);
  cairo_rectangle(cr, 28, 28, kPageW - 56, kPageH - 56);
  cairo_stroke(cr);
  cairo_set_line_width(cr, 0.4);
  cairo_rectangle(cr, 33, 33, kPageW - 66, kPageH - 66);
  cairo_stroke(cr);
  pen.Font(true, 12);
  double y = pen.CentredParagraph(82, d.centre_name, text_w, 16);
  cairo_set_line_width(cr, 0.8);
  cairo_move_to(cr, kPageW / 2 - 60, y - 4);
  cairo_line_to(cr, kPageW / 2 + 60, y - 4);
  cairo_stroke(cr);

  pen.Colour(0.1, 0.1, 0.12);
  pen.Font(true, 30);
  y = pen.CentredParagraph(175, title, text_w, 36);
  pen.Font(false, 12.5);
  pen.Centred(y + 22, tmpl.Fill("intro"));
  pen.Font(true, 24);
  y = pen.CentredParagraph(y + 70, name, text_w, 30);
  pen.Font(false, 12.5);
  if (!d.school.empty()) y = pen.CentredParagraph(y - 4, tmpl.Fill("school", {{"school", d.school}}), text_w, 17);
  pen.Centred(y + 26, tmpl.Fill("took_part"));
  pen.Font(true, 17);
  y = pen.CentredParagraph(y + 62, d.course_title, text_w, 23);
  pen.Font(false, 12.5);
  const CivilTime starts = zone.ToCivil(d.starts_at / 1000);
  const CivilTime ends = zone.ToCivil(d.ends_at / 1000);
  y = pen.CentredParagraph(y + 10, tmpl.Fill("date", {{"date", i18n::FormatLongDate(catalogue, starts)},
                                                      {"times", i18n::FormatTimeRange(catalogue, starts, ends)}}),
                           text_w, 18);
  const std::string sep = tmpl.Fill("decimal_separator");
  pen.Font(true, 12.5);
  y = pen.CentredParagraph(y, tmpl.Fill("hours", {{"hours", FormatHours(d.hours, sep)}}), text_w, 18);
  if (!d.accreditation.empty()) {
    pen.Font(false, 11);
    pen.Colour(0.3, 0.3, 0.33);
    y = pen.CentredParagraph(y + 14, tmpl.Fill("accreditation", {{"accreditation", d.accreditation}}), text_w, 16);
  }
  if (!d.note.empty()) {
    pen.Font(false, 10.5);
    const double box_w = text_w - 40;
    const std::vector<std::string> lines = pen.Lines(d.note, box_w - 28);
    const double box_h = 14.0 * static_cast<double>(lines.size()) + 16;
    const double box_y = y + 14;
    cairo_set_source_rgb(cr, 0.95, 0.96, 0.96);
    cairo_rectangle(cr, (kPageW - box_w) / 2, box_y, box_w, box_h);
    cairo_fill(cr);
    pen.Colour(0.2, 0.2, 0.22);
    double ly = box_y + 19;
    for (const std::string& l : lines) {
      pen.At((kPageW - box_w) / 2 + 14, ly, l);
      ly += 14;
    }
    y = box_y + box_h;
  }

  // Place and date, then the two signatures.
  pen.Colour(0.1, 0.1, 0.12);
  pen.Font(false, 11);
  const std::string issued = ShortDate(zone.ToCivil(d.issued_at / 1000), tmpl.language);
  const std::string place_date =
      d.place.empty() ? issued : tmpl.Fill("place_date", {{"place", d.place}, {"date", issued}});
  const double sign_y = std::max(y + 60, 700.0);
  pen.At(kMargin + 8, sign_y - 52, place_date);
  const double col_w = 200;
  const double left_x = kMargin + 8;
  const double right_x = kPageW - kMargin - 8 - col_w;
  cairo_set_line_width(cr, 0.6);
  cairo_move_to(cr, left_x, sign_y);
  cairo_line_to(cr, left_x + col_w, sign_y);
  cairo_move_to(cr, right_x, sign_y);
  cairo_line_to(cr, right_x + col_w, sign_y);
  cairo_stroke(cr);
  pen.Font(false, 10);
  double ty = sign_y + 14;
  if (!d.trainer_name.empty()) {
    pen.At(left_x, ty, d.trainer_name);
  }
  double cy = sign_y + 14;
  for (const std::string& l : pen.Lines(d.centre_name, col_w)) {
    pen.At(right_x, cy, l);
    cy += 13;
  }
  pen.Colour(0.4, 0.4, 0.43);
  pen.Font(false, 8.5);
  pen.At(left_x, d.trainer_name.empty() ? ty : ty + 13, tmpl.Fill("trainer"));
  pen.At(right_x, cy, tmpl.Fill("centre"));

  // The verification code at the foot.
  pen.Colour(0.1, 0.1, 0.12);
  pen.Font(true, 10);
  pen.Centred(kPageH - 66, tmpl.Fill("verification", {{"code", d.verification_code}}));
  pen.Colour(0.4, 0.4, 0.43);
  pen.Font(false, 8);
  // The hint may use the width inside the frame: one line where the centre's name allows.
  pen.CentredParagraph(kPageH - 52, tmpl.Fill("verification_hint", {{"centre", d.centre_name}}), kPageW - 2 * 44, 11);

  cairo_show_page(cr);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  const cairo_status_t status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS) {
    return Internal(std::string("Cairo could not draw the certificate: ") + cairo_status_to_string(status));
  }
  return pdf;
}

}  // namespace mk::certificates
